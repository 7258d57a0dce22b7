#!/usr/bin/env bash
# The test command (`npm test`): every suite the project has, in order, each one real.
#   1. type-check                  4. Python: hotpath-django and demo pytest suites (real Django)
#   2. Python venv (setup-python)  5. Prometheus rules: promtool check + unit tests
#   3. TypeScript unit/integration 6. end-to-end: demo app on PostgreSQL+Redis -> collector -> API + Prometheus
# A suite that cannot run here (missing promtool, no venv) fails with the reason; nothing is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n=== %s\n' "$*"; }
results=()
record() { results+=("$1: $2"); }

step "type-check (tsc --noEmit, strict)"
npx tsc -p tsconfig.json --noEmit
record typecheck ok

step "Python virtualenv for the demo app, hotpath-django and the real OTel Python exporters"
bash scripts/setup-python.sh

step "TypeScript tests (node:test)"
node scripts/run-node-tests.mjs collector storage services/loadgen scripts bin
record node-tests ok

step "Python tests (pytest: hotpath-django, django-demo)"
# Two runs: hotpath-django's tests configure Django themselves (pytest-django disabled there),
# the demo's use pytest-django.
.venv/bin/python -m pytest -q services/hotpath-django/tests
.venv/bin/python -m pytest -q services/django-demo/tests
record pytest ok

step "Prometheus alert rules (promtool check rules + test rules)"
bash scripts/test-prometheus-rules.sh
record promtool ok

step "end-to-end: real Django + PostgreSQL + Redis -> Hotpath -> API and Prometheus"
node --import tsx scripts/e2e/run.ts
record e2e ok

printf '\n=== summary\n'
printf '  %s\n' "${results[@]}"

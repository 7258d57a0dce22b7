#!/usr/bin/env bash
# Records real OTLP/HTTP payloads from the demo into collector/testdata/django/:
#   postgres/  PostgreSQL (schema django_demo, dropped and recreated first) + Redis db 1
#   sqlite/    SQLite (temporary file) + LocMem
#   postgres-stable-semconv/  as postgres/, with OTEL_SEMCONV_STABILITY_OPT_IN=http,database (new attribute names)
# Each folder has one sub-folder per scenario and a manifest.json. Needs the venv
# (scripts/setup-python.sh), PostgreSQL and Redis on loopback for the first capture.
#   PG_URL (postgres://postgres@127.0.0.1:5432/test), REDIS_FIXTURE_URL (redis://127.0.0.1:6379/1),
#   FIXTURE_OUT (<repo>/collector/testdata/django), ONLY=postgres|sqlite|stable to record one of them.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
VENV="${HOTPATH_VENV:-$ROOT/.venv}"
PY="$VENV/bin/python"
OUT="${FIXTURE_OUT:-$ROOT/collector/testdata/django}"
cd "$HERE"

# The Django instrumentation would otherwise pick up whatever the caller exported.
unset DJANGO_SETTINGS_MODULE OTEL_SERVICE_NAME OTEL_RESOURCE_ATTRIBUTES OTEL_TRACES_SAMPLER OTEL_SEMCONV_STABILITY_OPT_IN

if [ "${ONLY:-postgres}" = "postgres" ]; then
  export DATABASE_URL="${PG_URL:-postgres://postgres@127.0.0.1:5432/test}" DEMO_DB_SCHEMA=django_demo
  export REDIS_URL="${REDIS_FIXTURE_URL:-redis://127.0.0.1:6379/1}"
  "$PY" manage.py prepare_db --drop
  "$PY" "$HERE/record_fixtures.py" --out "$OUT/postgres" --label "PostgreSQL + Redis"
  unset DATABASE_URL DEMO_DB_SCHEMA REDIS_URL
fi

if [ "${ONLY:-stable}" = "stable" ]; then
  export DATABASE_URL="${PG_URL:-postgres://postgres@127.0.0.1:5432/test}" DEMO_DB_SCHEMA=django_demo
  export REDIS_URL="${REDIS_FIXTURE_URL:-redis://127.0.0.1:6379/1}"
  "$PY" manage.py prepare_db --drop
  OTEL_SEMCONV_STABILITY_OPT_IN=http,database \
    "$PY" "$HERE/record_fixtures.py" --out "$OUT/postgres-stable-semconv" --label "PostgreSQL + Redis, stable semconv"
  unset DATABASE_URL DEMO_DB_SCHEMA REDIS_URL
fi

if [ "${ONLY:-sqlite}" = "sqlite" ]; then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  export DEMO_SQLITE_PATH="$tmp/demo.sqlite3"
  "$PY" "$HERE/record_fixtures.py" --out "$OUT/sqlite" --label "SQLite + LocMem"
fi

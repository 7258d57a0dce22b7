#!/usr/bin/env bash
# Runs the demo: prepare the DB (schema on PostgreSQL), migrate, seed, then gunicorn under
# opentelemetry-instrument. Configuration is by environment; see README.md for every variable.
#   DEMO_PORT (8000), DEMO_WORKERS (2), DEMO_THREADS (4), DATABASE_URL, REDIS_URL,
#   OTEL_EXPORTER_OTLP_PROTOCOL grpc (default) | http/protobuf, OTEL_EXPORTER_OTLP_ENDPOINT,
#   DEMO_OTEL=0 runs gunicorn without OpenTelemetry.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
VENV="${HOTPATH_VENV:-$ROOT/.venv}"
[ -x "$VENV/bin/python" ] || { echo "run.sh: no venv at $VENV; run scripts/setup-python.sh" >&2; exit 1; }
cd "$HERE"

export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-demo.settings}"
# Setup steps run uninstrumented so their queries do not show up as traces.
"$VENV/bin/python" manage.py prepare_db
"$VENV/bin/python" manage.py migrate --noinput -v 0
"$VENV/bin/python" manage.py seed

if [ "${DEMO_OTEL:-1}" = "0" ]; then
  exec "$VENV/bin/gunicorn" demo.wsgi:application -c gunicorn.conf.py
fi

export OTEL_SERVICE_NAME="${OTEL_SERVICE_NAME:-django-demo}"
export OTEL_TRACES_EXPORTER="${OTEL_TRACES_EXPORTER:-otlp}"
export OTEL_METRICS_EXPORTER="${OTEL_METRICS_EXPORTER:-none}"
export OTEL_LOGS_EXPORTER="${OTEL_LOGS_EXPORTER:-none}"
export OTEL_EXPORTER_OTLP_PROTOCOL="${OTEL_EXPORTER_OTLP_PROTOCOL:-grpc}"
case "$OTEL_EXPORTER_OTLP_PROTOCOL" in
  grpc) default_endpoint="http://127.0.0.1:4317" ;;
  http/protobuf) default_endpoint="http://127.0.0.1:4318" ;;
  *) echo "run.sh: OTEL_EXPORTER_OTLP_PROTOCOL must be grpc or http/protobuf" >&2; exit 1 ;;
esac
export OTEL_EXPORTER_OTLP_ENDPOINT="${OTEL_EXPORTER_OTLP_ENDPOINT:-$default_endpoint}"
# Short batch delay so tests and fixture recording see spans within a second (SDK default: 5000 ms).
export OTEL_BSP_SCHEDULE_DELAY="${OTEL_BSP_SCHEDULE_DELAY:-500}"

exec "$VENV/bin/opentelemetry-instrument" "$VENV/bin/gunicorn" demo.wsgi:application -c gunicorn.conf.py

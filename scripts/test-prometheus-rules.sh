#!/usr/bin/env bash
# Checks the alerting/recording rules and runs their promtool unit tests.
# promtool comes with Debian's `prometheus` package (apt-get install -y prometheus).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v promtool >/dev/null 2>&1; then
  echo "promtool not found: install it with 'apt-get install -y prometheus'" >&2
  exit 1
fi
promtool check config prometheus/prometheus.yml
promtool check rules prometheus/rules/*.yml
promtool test rules prometheus/tests/*.yml

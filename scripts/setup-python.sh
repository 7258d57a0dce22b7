#!/usr/bin/env bash
# Creates (or refreshes) the repo's Python virtualenv at <repo>/.venv with the Django demo's pinned
# requirements and an editable install of services/hotpath-django (with its test extras).
#
# Idempotent: a stamp file inside the venv records a hash of the requirement files; when it matches,
# nothing is reinstalled. Quiet unless something fails; exits non-zero on any failure.
#
# Env: PYTHON (default python3, must be >= 3.11), HOTPATH_VENV (default <repo>/.venv),
#      HOTPATH_SETUP_FORCE=1 reinstalls even when the stamp matches.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
VENV="${HOTPATH_VENV:-$ROOT/.venv}"
REQS="$ROOT/services/django-demo/requirements.txt"
PKG="$ROOT/services/hotpath-django"
STAMP="$VENV/.hotpath-setup.sha256"

fail() { echo "setup-python: $*" >&2; exit 1; }

[ -f "$REQS" ] || fail "missing $REQS"
[ -f "$PKG/pyproject.toml" ] || fail "missing $PKG/pyproject.toml (hotpath-django not installable yet)"

command -v "$PYTHON" >/dev/null 2>&1 || fail "no $PYTHON on PATH (set PYTHON=...)"
"$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
  || fail "$PYTHON is older than 3.11"

# The hash covers everything that changes what gets installed: the pins, the package metadata
# and this script itself (a changed install recipe should also trigger a reinstall).
want="$(cat "$REQS" "$PKG/pyproject.toml" "${BASH_SOURCE[0]}" | "$PYTHON" -c \
  'import hashlib, sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())')"

if [ "${HOTPATH_SETUP_FORCE:-0}" != "1" ] && [ -x "$VENV/bin/python" ] && [ -f "$STAMP" ] \
   && [ "$(cat "$STAMP")" = "$want" ]; then
  exit 0
fi

if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV" || fail "could not create venv at $VENV"
fi

log="$(mktemp "${TMPDIR:-/tmp}/hotpath-setup.XXXXXX")"
trap 'rm -f "$log"' EXIT

pipq() {
  if ! PIP_DISABLE_PIP_VERSION_CHECK=1 "$VENV/bin/python" -m pip install --quiet "$@" >"$log" 2>&1; then
    # pip's own warnings about unreachable extra indexes are noise; show only the real errors.
    grep -v '^WARNING: Location' "$log" | tail -n 40 >&2
    fail "pip install $* failed"
  fi
}

rm -f "$STAMP"
pipq -r "$REQS"
pipq -e "$PKG[test]"
"$VENV/bin/python" -c 'import django, opentelemetry.sdk, hotpath_django' \
  || fail "installed packages do not import"
echo "$want" > "$STAMP"

#!/usr/bin/env bash
# Create .venv (if needed) and install dxdesk into it; with --tests, the test extras too.
# Versions are pinned by constraints.txt (refresh it with: bash scripts/refresh-constraints.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
TARGET="."
[ "${1:-}" = "--tests" ] && TARGET=".[test]"
# pip's and setuptools' chatter goes to a log; it is shown only when the install fails.
if ! { .venv/bin/python -m pip install -q --upgrade pip && .venv/bin/python -m pip install -q -c constraints.txt -e "$TARGET"; } \
     >.venv/pip-install.log 2>&1; then
  cat .venv/pip-install.log >&2
  echo "pip install failed (log: .venv/pip-install.log)" >&2
  exit 1
fi

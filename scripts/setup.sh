#!/usr/bin/env bash
# Create .venv with Python 3.12 and install safegov with its test extras (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=""
for candidate in python3.12 "$HOME/.pyenv/versions/3.12.1/bin/python3" python3; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
    PY="$candidate"; break
  fi
done
if [ -z "$PY" ] && command -v pyenv >/dev/null 2>&1; then
  PY="$(pyenv root)/versions/$(pyenv versions --bare | grep -E '^3\.12' | head -n1)/bin/python3"
fi
[ -n "$PY" ] || { echo "setup: Python >= 3.12 not found" >&2; exit 1; }
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
.venv/bin/python -m pip install -q -e ".[test]"

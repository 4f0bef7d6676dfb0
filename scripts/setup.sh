#!/usr/bin/env bash
# Create .venv with Python 3.12 and install safegov with its test, ema and viz extras.
# Quiet and idempotent: when .venv was installed from the current pyproject.toml it does nothing
# (no output, a few milliseconds); otherwise it installs, with pip's output in .venv/setup.log.
set -euo pipefail
cd "$(dirname "$0")/.."

STAMP=.venv/.safegov-setup
hash_file() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | cut -d' ' -f1; else shasum -a 256 "$1" | cut -d' ' -f1; fi
}
WANT="setup-v2 $(hash_file pyproject.toml)"
if [ -x .venv/bin/python ] && [ -x .venv/bin/safegov ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANT" ]; then
  exit 0
fi

PY=""
for candidate in python3.12 "$HOME/.pyenv/versions/3.12.1/bin/python3" python3; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
    PY="$candidate"; break
  fi
done
if [ -z "$PY" ] && command -v pyenv >/dev/null 2>&1; then
  PY="$(pyenv root)/versions/$(pyenv versions --bare | grep -E '^3\.12' | head -n1)/bin/python3"
fi
if [ ! -x .venv/bin/python ]; then
  [ -n "$PY" ] || { echo "setup: Python >= 3.12 not found" >&2; exit 1; }
  "$PY" -m venv .venv
fi

LOG=.venv/setup.log
echo "setup: installing safegov and its dependencies into .venv (pyproject.toml changed or first run; log: $LOG)" >&2
.venv/bin/python -m pip install -q --upgrade pip >"$LOG" 2>&1 || true
if ! .venv/bin/python -m pip install -e ".[test,ema,viz]" >>"$LOG" 2>&1; then
  echo "setup: 'pip install -e .[test,ema,viz]' failed; the end of $LOG:" >&2
  tail -n 25 "$LOG" >&2
  exit 1
fi
echo "$WANT" >"$STAMP"

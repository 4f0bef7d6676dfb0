#!/usr/bin/env bash
# Set up (if needed) and run the default scenario (or pass safegov run arguments).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/safegov run "$@"

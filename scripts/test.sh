#!/usr/bin/env bash
# The whole test suite from a fresh clone: set-up, build, every test. Ends with "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
node scripts/run-tests.mjs "$@"

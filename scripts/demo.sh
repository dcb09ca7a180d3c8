#!/usr/bin/env bash
# `npm start`: set up a fresh clone (Debian packages when root, npm ci, build), then run the demo on its defaults.
# Extra arguments go to the demo, e.g. `npm start -- --quick --keep`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec node scripts/demo.mjs "$@"

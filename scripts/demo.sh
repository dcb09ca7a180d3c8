#!/usr/bin/env bash
# `npm start`: set up a fresh clone with only what the demo needs (git, python3, npm packages, a build), then run
# the demo on its defaults. Extra arguments go to the demo, e.g. `npm start -- --quick --keep`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh demo
echo "setup: done; starting the demo (under a minute; \`npm start -- --quick\` takes seconds)" >&2
exec node scripts/demo.mjs "$@"

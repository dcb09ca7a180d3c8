#!/usr/bin/env bash
# Installs what cairn and its tests need on a fresh Debian machine: system packages (when root), npm packages, a build.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
for pkg in git openssh-server git-lfs apache2 apache2-utils nginx rsync; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
# The demo pipeline's stages are Python 3 (standard library only); any python3 on the PATH will do.
command -v python3 >/dev/null 2>&1 || need_apt+=(python3)
if [ "${#need_apt[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "installing Debian packages: ${need_apt[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "warning: missing Debian packages (${need_apt[*]}); service tests that need them will fail" >&2
  fi
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npm run --silent build

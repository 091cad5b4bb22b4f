#!/usr/bin/env bash
# The main job (`pnpm start`): the CLI's offline demo, on the Node 22 of .tools/ (see tools-node.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/tools-node.sh
exec pnpm --filter @smol/cli start "$@"

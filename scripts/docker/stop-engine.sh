#!/usr/bin/env bash
# Stops the private Docker engine started by start-engine.sh. Its data root (images, the cached
# rootfs) stays, so the next start is fast; pass --purge to delete everything under
# $SMOL_DOCKER_DIR as well.
set -euo pipefail
# shellcheck source=common.sh
source "$(dirname "$0")/common.sh"

pid="$(engine_pid)"
if [ -z "$pid" ]; then
  docker_log "no engine running (no live pid in $SMOL_DOCKER_PIDFILE)"
else
  docker_log "stopping dockerd (pid $pid)"
  as_root kill -TERM "$pid"
  # dockerd stops its containers first (10 s grace each); allow it 30 s before forcing.
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    docker_log "dockerd did not stop within 30 s; killing it"
    as_root kill -KILL "$pid" || true
  fi
fi
rm -f "$SMOL_DOCKER_ENV_FILE"

if [ "${1:-}" = "--purge" ]; then
  docker_log "removing $SMOL_DOCKER_DIR"
  # Container mounts under the data root must go before the directory can be removed.
  grep -o " $SMOL_DOCKER_DIR/[^ ]*" /proc/mounts | sort -r | while read -r mount_point; do
    as_root umount -l "$mount_point" || true
  done
  as_root rm -rf "$SMOL_DOCKER_DIR"
fi

# Shared settings for smol's private Docker engine (sourced by start-engine.sh and stop-engine.sh).
# Everything lives under one directory so the engine never touches the host's own Docker setup.
SMOL_DOCKER_DIR="${SMOL_DOCKER_DIR:-/tmp/smol-docker}"
SMOL_DOCKER_SOCKET="$SMOL_DOCKER_DIR/docker.sock"
SMOL_DOCKER_PIDFILE="$SMOL_DOCKER_DIR/docker.pid"
SMOL_DOCKER_DATA_ROOT="$SMOL_DOCKER_DIR/data"
SMOL_DOCKER_EXEC_ROOT="$SMOL_DOCKER_DIR/exec"
SMOL_DOCKER_LOG="$SMOL_DOCKER_DIR/dockerd.log"
# The file the tests read when SMOL_DOCKER_HOST is not in their environment.
SMOL_DOCKER_ENV_FILE="$SMOL_DOCKER_DIR/env"
SMOL_DOCKER_TEST_IMAGE="${SMOL_DOCKER_TEST_IMAGE:-smol-python:bookworm}"

docker_log() { printf '[docker-engine] %s\n' "$*" >&2; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

smol_docker() { docker -H "unix://$SMOL_DOCKER_SOCKET" "$@"; }

engine_answers() { smol_docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

engine_pid() {
  local pid
  pid="$(cat "$SMOL_DOCKER_PIDFILE" 2>/dev/null || true)"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then printf '%s' "$pid"; fi
}

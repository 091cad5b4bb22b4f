#!/usr/bin/env bash
# Starts a private Docker engine for smol's tests and CI, and makes sure the test image exists.
#
# - installs docker.io and debootstrap with apt-get when they are missing (Debian, root or sudo);
# - starts dockerd with flags that leave the host's networking alone (no bridge, no iptables,
#   no forwarding, no masquerading) and its own data root, exec root, pidfile and unix socket
#   under $SMOL_DOCKER_DIR (default /tmp/smol-docker);
# - builds `smol-python:bookworm` when it is missing: no registry is reachable, so the image is a
#   debootstrap'd minimal Debian with python3, imported with `docker import`. The rootfs tarball
#   is cached under $SMOL_DOCKER_DIR/cache so a rerun after a wipe of the data root stays fast.
#
# Tests find the engine through SMOL_DOCKER_HOST (written to $SMOL_DOCKER_DIR/env) or, failing
# that, at the default socket $SMOL_DOCKER_DIR/docker.sock. Stop it with stop-engine.sh.
# Safe to run again and concurrently: a lock serialises runs and each step checks what exists.
set -euo pipefail
# shellcheck source=common.sh
source "$(dirname "$0")/common.sh"

mkdir -p "$SMOL_DOCKER_DIR"
exec 9>"$SMOL_DOCKER_DIR/start.lock"
flock 9

install_packages() {
  local missing=()
  command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
  command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
  # The docker client may come from elsewhere (a static binary); docker.io brings one too.
  command -v docker >/dev/null 2>&1 || missing+=(docker.io)
  [ ${#missing[@]} -eq 0 ] && return 0
  docker_log "installing Debian packages: ${missing[*]}"
  # Installing docker.io would start the system's dockerd with its default networking (a bridge
  # and iptables rules). A policy-rc.d that refuses every service start prevents that.
  local added_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | as_root tee /usr/sbin/policy-rc.d >/dev/null
    as_root chmod +x /usr/sbin/policy-rc.d
    added_policy=1
  fi
  # Other setup steps may be using apt at the same time: wait for dpkg's lock instead of failing.
  as_root apt-get -o DPkg::Lock::Timeout=600 update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
    --no-install-recommends \
    "${missing[@]}" >/dev/null
  if [ -n "$added_policy" ]; then as_root rm -f /usr/sbin/policy-rc.d; fi
}

start_daemon() {
  if engine_answers; then
    docker_log "engine already answering at unix://$SMOL_DOCKER_SOCKET"
    return 0
  fi
  if [ -n "$(engine_pid)" ]; then
    docker_log "dockerd (pid $(engine_pid)) is running but not answering yet; waiting for it"
  else
    docker_log "starting dockerd (log: $SMOL_DOCKER_LOG)"
    mkdir -p "$SMOL_DOCKER_DATA_ROOT" "$SMOL_DOCKER_EXEC_ROOT"
    rm -f "$SMOL_DOCKER_SOCKET"
    local runner=()
    [ "$(id -u)" = 0 ] || runner=(sudo)
    # setsid: the daemon outlives this script and the shell or CI step that ran it. A simple
    # command in the background is exec'd straight away (no waiting subshell), and `9>&-` keeps
    # this script's lock out of the daemon, so the next run does not wait on it forever.
    "${runner[@]}" setsid dockerd \
      --host "unix://$SMOL_DOCKER_SOCKET" \
      --data-root "$SMOL_DOCKER_DATA_ROOT" \
      --exec-root "$SMOL_DOCKER_EXEC_ROOT" \
      --pidfile "$SMOL_DOCKER_PIDFILE" \
      --bridge=none --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false \
      </dev/null >>"$SMOL_DOCKER_LOG" 2>&1 9>&- &
  fi
  local attempt
  for attempt in $(seq 1 120); do
    if engine_answers; then
      docker_log "engine answering at unix://$SMOL_DOCKER_SOCKET after ${attempt} check(s)"
      return 0
    fi
    if [ "$attempt" -gt 2 ] && [ -z "$(engine_pid)" ] && ! pgrep -f -- "--pidfile $SMOL_DOCKER_PIDFILE" >/dev/null; then
      docker_log "dockerd exited; last lines of $SMOL_DOCKER_LOG:"
      tail -n 20 "$SMOL_DOCKER_LOG" >&2 || true
      return 1
    fi
    sleep 0.5
  done
  docker_log "dockerd did not answer within 60 s; see $SMOL_DOCKER_LOG"
  return 1
}

# The mirror debootstrap should use: the first Debian archive in apt's own sources (deb822
# `.sources` files or one-line `.list` files), so a machine behind a proxy mirror keeps working.
debian_mirror() {
  local file uri
  for file in /etc/apt/sources.list.d/*.sources; do
    [ -f "$file" ] || continue
    # A stanza's URIs line is paired with its Suites line; take the URIs of a stanza serving
    # the plain release suite (not -security or -updates).
    uri="$(awk '
      /^[[:space:]]*$/ { if (uris != "" && plain) { print uris; exit } uris=""; plain=0; next }
      /^URIs:/ { uris=$2 }
      /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == "bookworm") plain=1 }
      END { if (uris != "" && plain) print uris }
    ' "$file" | head -n 1)"
    if [ -n "$uri" ]; then printf '%s' "$uri"; return 0; fi
  done
  for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$file" ] || continue
    uri="$(awk '$1 == "deb" && $3 == "bookworm" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' "$file")"
    if [ -n "$uri" ]; then printf '%s' "$uri"; return 0; fi
  done
  printf '%s' "http://deb.debian.org/debian"
}

build_test_image() {
  if smol_docker image inspect "$SMOL_DOCKER_TEST_IMAGE" >/dev/null 2>&1; then
    docker_log "image $SMOL_DOCKER_TEST_IMAGE already present"
    return 0
  fi
  local cache="$SMOL_DOCKER_DIR/cache"
  local tarball="$cache/bookworm-minbase-python3.tar"
  mkdir -p "$cache"
  if [ ! -s "$tarball" ]; then
    local mirror rootfs
    mirror="$(debian_mirror)"
    rootfs="$cache/rootfs"
    docker_log "building a minimal Debian rootfs with python3 from $mirror (debootstrap)"
    as_root rm -rf "$rootfs"
    as_root debootstrap --variant=minbase --include=python3 bookworm "$rootfs" "$mirror" \
      >"$cache/debootstrap.log" 2>&1 || {
      docker_log "debootstrap failed; last lines of $cache/debootstrap.log:"
      tail -n 20 "$cache/debootstrap.log" >&2
      return 1
    }
    # Drop the package caches and lists: they only make the image bigger.
    as_root rm -rf "$rootfs/var/cache/apt/archives"/*.deb "$rootfs/var/lib/apt/lists"/*
    as_root tar -C "$rootfs" -cf "$tarball.partial" .
    mv "$tarball.partial" "$tarball"
    as_root rm -rf "$rootfs"
  fi
  docker_log "importing $tarball as $SMOL_DOCKER_TEST_IMAGE"
  smol_docker import "$tarball" "$SMOL_DOCKER_TEST_IMAGE" >/dev/null
}

install_packages
start_daemon
build_test_image
printf 'SMOL_DOCKER_HOST=unix://%s\n' "$SMOL_DOCKER_SOCKET" >"$SMOL_DOCKER_ENV_FILE"
docker_log "ready: SMOL_DOCKER_HOST=unix://$SMOL_DOCKER_SOCKET (also in $SMOL_DOCKER_ENV_FILE)"

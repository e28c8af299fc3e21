# A Docker engine: the one answering on DOCKER_HOST (or the default socket); else, as root on Debian,
# Debian's docker.io with its own data root under $TOOLS/docker (left running for the next run).
engine_answers() { timeout 20 docker info >/dev/null 2>&1; }
if command -v docker >/dev/null && engine_answers; then
  echo "engine: ${DOCKER_HOST:-default socket} answers"
elif [ "$(id -u)" = 0 ] && [ -e /etc/debian_version ]; then
  if ! command -v dockerd >/dev/null; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends docker.io iptables
  fi
  export DOCKER_HOST=unix://$TOOLS/docker/docker.sock
  if ! engine_answers; then
    mkdir -p "$TOOLS/docker"
    echo "engine: starting dockerd (data root $TOOLS/docker/data, log $TOOLS/docker/dockerd.log)"
    setsid dockerd --host "$DOCKER_HOST" --data-root "$TOOLS/docker/data" --exec-root "$TOOLS/docker/exec" \
      --pidfile "$TOOLS/docker/dockerd.pid" > "$TOOLS/docker/dockerd.log" 2>&1 < /dev/null &
    for _ in $(seq 150); do engine_answers && break; sleep 0.2; done
    engine_answers || { tail -20 "$TOOLS/docker/dockerd.log" >&2; echo "dockerd did not come up (log above)" >&2; return 1; }
  fi
  echo "engine: $DOCKER_HOST"
else
  echo "no Docker engine answers: install Docker (https://docs.docker.com/engine/install/) and start it, or set DOCKER_HOST" >&2
  return 1
fi
export DOCKER_BUILDKIT=1

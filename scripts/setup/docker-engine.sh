# shellcheck shell=bash
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
# The image tests need BuildKit (stage selection): a client with buildx, or Debian's 20.10 one, which
# has BuildKit built in. A newer client without buildx refuses to build, so prefer Debian's client or plugin.
builds() { docker buildx version >/dev/null 2>&1 || docker version --format '{{.Client.Version}}' 2>/dev/null | grep -q '^20\.'; }
if ! builds && [ -x /usr/bin/docker ] && [ "$(readlink -f "$(command -v docker)")" != /usr/bin/docker ]; then
  mkdir -p "$TOOLS/docker/bin"; ln -sf /usr/bin/docker "$TOOLS/docker/bin/docker"; export PATH="$TOOLS/docker/bin:$PATH"
fi
if ! builds && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends docker-buildx \
    || echo "Debian's docker-buildx did not install" >&2
fi
builds || { echo "docker cannot build with BuildKit: install the buildx plugin (Debian: docker-buildx)" >&2; return 1; }
echo "client: $(command -v docker) $(docker version --format '{{.Client.Version}}')"

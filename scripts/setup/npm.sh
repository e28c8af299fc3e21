# shellcheck shell=bash
# npm ci (brings PostgreSQL 18 binaries too), keyed on the lockfile and patches/ (applied by postinstall).
# Sourced by scripts/test, in bash: it is what brings node_modules (zx, tsx) for the other steps.
npm_key=$(cat package-lock.json patches/* | sha256sum)
if [ "$(cat node_modules/.wiki-lock 2>/dev/null)" != "$npm_key" ]; then
  npm ci --no-audit --no-fund
  echo "$npm_key" > node_modules/.wiki-lock
else
  echo "node_modules: cached"
fi

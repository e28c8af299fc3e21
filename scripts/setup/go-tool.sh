# shellcheck shell=bash
# Sourced by scripts/test: go_tool NAME KEY CMD... runs CMD when $TOOLS/bin/NAME or its stamp for KEY is
# missing (a go-installed binary may not report its exact version, so the stamp records what was built).
go_tool() {
  local name=$1 key=$2; shift 2
  local stamp="$TOOLS/bin/.$name-$key"
  if [ -x "$TOOLS/bin/$name" ] && [ -e "$stamp" ]; then echo "$name $key: cached"; return; fi
  command -v go >/dev/null || { echo "go is required to build $name; install Go >= 1.26 (https://go.dev/dl)" >&2; return 1; }
  mkdir -p "$TOOLS/bin"
  "$@"
  rm -f "$TOOLS/bin/.$name-"*; touch "$stamp"
}

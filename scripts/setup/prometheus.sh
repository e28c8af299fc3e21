# shellcheck shell=bash
# prometheus and promtool from the pinned module (scripts/tools/prometheus), with only the service
# discovery the chart uses: Prometheus's plugins/ build tags drop every other SD (file and http always stay).
PROMETHEUS_TAGS=remove_all_sd,enable_kubernetes_sd
# shellcheck disable=SC2016 # $1 and $2 are the inner sh's arguments
go_tool prometheus "$( (cat scripts/tools/prometheus/go.mod scripts/tools/prometheus/go.sum; echo "$PROMETHEUS_TAGS") | sha256sum | cut -c1-16)" \
  sh -c 'cd scripts/tools/prometheus && go build -trimpath -ldflags=-s -tags "$1" -o "$2/bin/" \
    github.com/prometheus/prometheus/cmd/promtool github.com/prometheus/prometheus/cmd/prometheus' sh "$PROMETHEUS_TAGS" "$TOOLS"

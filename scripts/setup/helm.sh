# shellcheck shell=bash
# Helm, for rendering and linting the chart: go install of the pinned version.
go_tool helm "$HELM_VERSION" env GOBIN="$TOOLS/bin" go install -trimpath -ldflags=-s "helm.sh/helm/v4/cmd/helm@$HELM_VERSION"

# shellcheck shell=bash
# actionlint, which checks the GitHub Actions workflow (test/workflow.test.ts).
go_tool actionlint "$ACTIONLINT_VERSION" env GOBIN="$TOOLS/bin" go install -trimpath -ldflags=-s "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"

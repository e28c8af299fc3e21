//go:build tools

// Package tools pins the Prometheus module so `go build` of its commands resolves (see go.mod).
package tools

import (
	_ "github.com/prometheus/prometheus/config"
	_ "github.com/prometheus/prometheus/discovery/install"
)

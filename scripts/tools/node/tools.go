//go:build tools

// Package tools pins the Kubernetes module so `go build` of the node's commands resolves (see go.mod).
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-proxy"
	_ "k8s.io/kubernetes/cmd/kubelet"
)

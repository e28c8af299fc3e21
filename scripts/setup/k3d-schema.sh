# shellcheck shell=bash
# The pinned k3d module, for its v1alpha5 config schema (the k3d config tests validate against it).
go mod download "github.com/k3d-io/k3d/v5@$K3D_VERSION"

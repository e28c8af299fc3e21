# shellcheck shell=bash
# The tests' Kubernetes control plane (test/support/control-plane.ts): kube-apiserver,
# kube-controller-manager, kube-scheduler, kubectl and etcd built from the Go module proxy in one module
# graph (scripts/tools/control-plane), and kwok for the nodes. Static binaries under $TOOLS/bin.
cp_mod=scripts/tools/control-plane
cp_version=$(awk '$1 == "k8s.io/kubernetes" { print $2 }' "$cp_mod/go.mod")
cp_etcd=$(awk '$1 == "go.etcd.io/etcd/server/v3" { print $2 }' "$cp_mod/go.mod")
k3s_kube=${K3S_VERSION%%+*}
[ "${cp_version%.*}" = "${k3s_kube%.*}" ] \
  || { echo "$cp_mod/go.mod builds Kubernetes $cp_version, but k3s $K3S_VERSION is ${k3s_kube%.*}: update it" >&2; return 1; }
[ "$cp_etcd" = "$ETCD_VERSION" ] || { echo "$cp_mod/go.mod builds etcd $cp_etcd, versions.env pins $ETCD_VERSION" >&2; return 1; }
[ "$cp_version" = "$k3s_kube" ] || echo "Kubernetes $cp_version: k3s bundles $k3s_kube, whose k8s.io/kubernetes module the Go proxy lacks; the nearest patch"

# with_ticker CMD...: runs CMD, printing the elapsed time every 30 s (a cold build is silent for minutes).
with_ticker() {
  local t0=$SECONDS ticker rc=0
  ( trap 'kill $s 2>/dev/null; exit' TERM
    while :; do sleep 30 >/dev/null & s=$!; wait "$s"; echo "  ... still building ($((SECONDS - t0)) s)"; done ) & ticker=$!
  "$@" || rc=$?
  kill "$ticker"; wait "$ticker" 2>/dev/null || true
  return "$rc"
}
build_control_plane() {
  echo "building kube-apiserver, kube-controller-manager, kube-scheduler, kubectl $cp_version and etcd $cp_etcd" \
    "(cold: about 15-25 min on 2 cores and 6 GB of Go caches; cached afterwards)"
  # Without the stamp the server reports v0.0.0, which the chart's kubeVersion refuses.
  local v=$cp_version minor=${cp_version#v1.} x ldflags=''
  minor=${minor%%.*}
  for x in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $x.gitVersion=$v -X $x.gitMajor=1 -X $x.gitMinor=$minor -X $x.gitTreeState=clean"
  done
  (cd "$cp_mod" && CGO_ENABLED=0 with_ticker go build -trimpath -ldflags "-s -w$ldflags" -o "$TOOLS/bin/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl)
  (cd "$cp_mod" && CGO_ENABLED=0 with_ticker go build -trimpath -ldflags "-s -w" -o "$TOOLS/bin/etcd" go.etcd.io/etcd/server/v3)
}
go_tool kube-apiserver "$( (cat "$cp_mod/go.mod" "$cp_mod/go.sum") | sha256sum | cut -c1-16)" build_control_plane
build_kwok() {
  echo "building kwok $KWOK_VERSION (cold: about 3-5 min)"
  CGO_ENABLED=0 GOBIN="$TOOLS/bin" with_ticker go install -trimpath -ldflags="-s -w" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
  # The stages kwokctl would load (the kwok binary has none by default): nodes Ready, pods Ready, Job pods
  # done; and the CRDs of logs and exec, which kwok watches but does not install.
  local src share="$TOOLS/share/kwok-$KWOK_VERSION"
  src="$(go env GOMODCACHE)/sigs.k8s.io/kwok@$KWOK_VERSION/kustomize"
  mkdir -p "$share/stages" "$share/crds"
  cp "$src/stage/node/fast/node-initialize.yaml" "$src/stage/pod/fast/pod-ready.yaml" "$src/stage/pod/fast/pod-complete.yaml" \
    "$src/stage/pod/fast/pod-delete.yaml" "$share/stages/"
  cp "$src"/crd/bases/kwok.x-k8s.io_{clusterlogs,logs,clusterexecs,execs}.yaml "$share/crds/"
}
go_tool kwok "$KWOK_VERSION" build_kwok
"$TOOLS/bin/kube-apiserver" --version

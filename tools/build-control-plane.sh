#!/usr/bin/env bash
# Builds the real kube-apiserver and etcd that kentra's end-to-end tests run
# against, from the upstream Go modules pinned in tools/*/go.mod, into a
# per-machine cache outside the repository. Reuses a finished build.
#
#   tools/build-control-plane.sh        build (or reuse) and print the bin dir
#
# Environment: KENTRA_CACHE_DIR (default ~/.cache/kentra).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
k8s_version=$(go mod edit -json "$here/kube-apiserver/go.mod" | awk -F\" '/"Path": "k8s.io\/kubernetes"/ {getline; print $4; exit}')
etcd_version=$(go mod edit -json "$here/etcd/go.mod" | awk -F\" '/"Path": "go.etcd.io\/etcd\/server\/v3"/ {getline; print $4; exit}')
[[ -n "$k8s_version" && -n "$etcd_version" ]] || { echo "[control-plane] cannot read the pinned versions from tools/*/go.mod" >&2; exit 1; }
cache_root=${KENTRA_CACHE_DIR:-$HOME/.cache/kentra}
# The recipe's own hash is part of the key: a changed go.mod or main.go builds anew.
recipe_hash=$(cat "$here"/kube-apiserver/{go.mod,go.sum,main.go} "$here"/etcd/{go.mod,go.sum,main.go} | sha256sum | cut -c1-12)
bin_dir="$cache_root/control-plane/$k8s_version-etcd-$etcd_version-$recipe_hash"

log() { printf '[control-plane] %s\n' "$*" >&2; }

if [[ -x "$bin_dir/kube-apiserver" && -x "$bin_dir/etcd" && -f "$bin_dir/.complete" ]]; then
  log "reusing cached kube-apiserver $k8s_version and etcd $etcd_version from $bin_dir"
  echo "$bin_dir"
  exit 0
fi

command -v go >/dev/null || { log "Go is required to build the control plane (https://go.dev/dl/)"; exit 1; }
mkdir -p "$bin_dir"
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod

# Progress: the module download and the compile both take minutes on a cold
# machine, so say what is happening and how long it has been going.
started=$(date +%s)
ticker() { while sleep 30; do log "still building ($(( $(date +%s) - started ))s) ..."; done; }
ticker & ticker_pid=$!
trap 'kill $ticker_pid 2>/dev/null || true' EXIT

minor=${k8s_version#v1.}; minor=${minor%%.*}
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=$k8s_version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
done

log "building etcd $etcd_version (first time only)"
(cd "$here/etcd" && go build -trimpath -ldflags "-s -w" -o "$bin_dir/etcd.tmp" . && mv "$bin_dir/etcd.tmp" "$bin_dir/etcd")
log "etcd built after $(( $(date +%s) - started ))s; building kube-apiserver $k8s_version (several minutes the first time)"
(cd "$here/kube-apiserver" && go build -trimpath -tags selinux,notest -ldflags "$ldflags" -o "$bin_dir/kube-apiserver.tmp" . && mv "$bin_dir/kube-apiserver.tmp" "$bin_dir/kube-apiserver")
touch "$bin_dir/.complete"
log "control plane built in $(( $(date +%s) - started ))s into $bin_dir"
echo "$bin_dir"

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
# shellcheck source=tools/go-recipe.sh
. "$here/go-recipe.sh"
log() { printf '[control-plane] %s\n' "$*" >&2; }
command -v go >/dev/null || { log "Go is required to build the control plane (https://go.dev/dl/)"; exit 1; }

k8s_version=$(k8s_version_of "$here/kube-apiserver/go.mod")
etcd_version=$(go mod edit -json "$here/etcd/go.mod" | awk -F\" '/"Path": "go.etcd.io\/etcd\/server\/v3"/ {getline; print $4; exit}')
[[ -n "$k8s_version" && -n "$etcd_version" ]] || { log "cannot read the pinned versions from tools/*/go.mod"; exit 1; }
hash=$(recipe_hash "$here"/kube-apiserver/{go.mod,go.sum,main.go} "$here"/etcd/{go.mod,go.sum,main.go})
bin_dir="$kentra_cache_root/control-plane/$k8s_version-etcd-$etcd_version-$hash"

if [[ -x "$bin_dir/kube-apiserver" && -x "$bin_dir/etcd" && -f "$bin_dir/.complete" ]]; then
  log "reusing cached kube-apiserver $k8s_version and etcd $etcd_version from $bin_dir"
  echo "$bin_dir"
  exit 0
fi

mkdir -p "$bin_dir"
started=$(date +%s)
start_ticker control-plane

log "building etcd $etcd_version (first time only)"
(cd "$here/etcd" && go build -trimpath -ldflags "-s -w" -o "$bin_dir/etcd.tmp" . && mv "$bin_dir/etcd.tmp" "$bin_dir/etcd")
log "etcd built after $(( $(date +%s) - started ))s; building kube-apiserver $k8s_version (several minutes the first time)"
(cd "$here/kube-apiserver" && go build -trimpath -tags selinux,notest -ldflags "$(k8s_ldflags "$k8s_version")" -o "$bin_dir/kube-apiserver.tmp" . && mv "$bin_dir/kube-apiserver.tmp" "$bin_dir/kube-apiserver")
touch "$bin_dir/.complete"
log "control plane built in $(( $(date +%s) - started ))s into $bin_dir"
echo "$bin_dir"

#!/usr/bin/env bash
# Builds kubectl from k8s.io/kubernetes/cmd/kubectl for a machine that has
# none, with the API server's pinned Kubernetes version and Go recipe
# (tools/go-recipe.sh), into the same per-machine cache. Reuses a finished
# build. The tests' prerequisite step (test/prerequisites.ts) calls it.
#
#   tools/build-kubectl.sh        build (or reuse) and print the kubectl path
#
# Environment: KENTRA_CACHE_DIR (default ~/.cache/kentra).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tools/go-recipe.sh
. "$here/go-recipe.sh"
log() { printf '[kubectl] %s\n' "$*" >&2; }
command -v go >/dev/null || { log "Go is required to build kubectl (https://go.dev/dl/)"; exit 1; }

k8s_version=$(k8s_version_of "$here/kubectl/go.mod")
[[ -n "$k8s_version" ]] || { log "cannot read the pinned version from tools/kubectl/go.mod"; exit 1; }
bin_dir="$kentra_cache_root/control-plane/kubectl-$k8s_version-$(recipe_hash "$here"/kubectl/{go.mod,go.sum})"

if [[ -x "$bin_dir/kubectl" && -f "$bin_dir/.complete" ]]; then
  log "reusing cached kubectl $k8s_version from $bin_dir"
  echo "$bin_dir/kubectl"
  exit 0
fi

mkdir -p "$bin_dir"
started=$(date +%s)
start_ticker kubectl
log "building kubectl $k8s_version from k8s.io/kubernetes/cmd/kubectl (a few minutes the first time)"
(cd "$here/kubectl" && go build -trimpath -ldflags "$(k8s_ldflags "$k8s_version")" -o "$bin_dir/kubectl.tmp" k8s.io/kubernetes/cmd/kubectl && mv "$bin_dir/kubectl.tmp" "$bin_dir/kubectl")
touch "$bin_dir/.complete"
log "kubectl built in $(( $(date +%s) - started ))s into $bin_dir"
echo "$bin_dir/kubectl"

# Shared by tools/build-*.sh (sourced, not run): how kentra builds the upstream
# Kubernetes binaries its tests use, so kube-apiserver and kubectl come from the
# same pinned module version with the same flags into the same cache.

# The k8s.io/kubernetes version a tools/*/go.mod pins.
k8s_version_of() {
  go mod edit -json "$1" | awk -F\" '/"Path": "k8s.io\/kubernetes"/ {getline; print $4; exit}'
}

# -ldflags that stamp the version the way upstream's release build does
# (kubectl version / the API server's /version report it).
k8s_ldflags() {
  local version=$1 minor=${1#v1.} flags="-s -w" pkg
  minor=${minor%%.*}
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    flags+=" -X $pkg.gitVersion=$version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
  done
  printf '%s' "$flags"
}

# The recipe's own hash (its go.mod, go.sum and any main.go) is part of a cache key:
# a changed recipe builds anew.
recipe_hash() {
  cat "$@" 2>/dev/null | sha256sum | cut -c1-12
}

kentra_cache_root=${KENTRA_CACHE_DIR:-$HOME/.cache/kentra}
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod

# Progress: module downloads and compiles take minutes on a cold machine.
start_ticker() {
  local label=$1 started
  started=$(date +%s)
  (while sleep 30; do printf '[%s] still building (%ss) ...\n' "$label" "$(( $(date +%s) - started ))" >&2; done) &
  ticker_pid=$!
  trap 'kill $ticker_pid 2>/dev/null || true' EXIT
}

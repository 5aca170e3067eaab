#!/usr/bin/env bash
# Helix check (hx --health dstack + a tmux session), only where an hx binary exists:
# Helix is on no package registry this project uses, so nothing here installs it.
# hx: $HX, else hx on PATH. Runtime: $HELIX_RUNTIME (else hx's own lookup).
# Exit 3 = skipped (no hx).
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

hx="${HX:-$(command -v hx || true)}"
if [ -z "$hx" ] || [ ! -x "$hx" ]; then
  echo "helix: SKIPPED — no hx binary (install Helix or set HX=/path/to/hx, and HELIX_RUNTIME if needed)"
  exit 3
fi
command -v tmux >/dev/null || apt_ensure tmux || exit 1
SERVER="$(find_server)" || { log "no dstack-lsp binary (set DSTACK_LSP)"; exit 1; }
python3 "$TESTS_DIR/helix/check.py" --hx "$hx" --server "$SERVER" --expect "$EXPECT" --out "$OUT/helix.json" \
  --state "$STATE/helix" ${HELIX_RUNTIME:+--runtime "$HELIX_RUNTIME"} --timeout "${TIMEOUT_S:-20}"

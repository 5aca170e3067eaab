#!/usr/bin/env bash
# Emacs check: Debian's emacs-nox (eglot built in from 29; elpa-eglot before),
# yaml-mode from elpa-yaml-mode, lsp-mode from elpa-lsp-mode, editors/emacs/dstack-lsp.el
# on the load-path; headless, with eglot and then with lsp-mode, the server must
# attach and answer diagnostics, completion, hover.
#   emacs/run.sh [setup|run]
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
mode=${1:-run}

setup() {
  apt_ensure emacs-nox elpa-yaml-mode elpa-lsp-mode || return 1
  local major; major=$(emacs --batch -Q --eval '(princ emacs-major-version)' 2>/dev/null) || return 1
  if [ "$major" -lt 29 ]; then apt_ensure elpa-eglot || return 1; fi
}

setup || { log "emacs: setup failed"; exit 1; }
[ "$mode" = setup ] && exit 0
SERVER="$(find_server)" || { log "no dstack-lsp binary (set DSTACK_LSP)"; exit 1; }
rc=0
for client in eglot lsp-mode; do
  st="$STATE/emacs-$client"; rm -rf "$st"; mkdir -p "$st"
  HOME="$st" DSTACK_LSP="$SERVER" EDITORS_DIR="$EDITORS_DIR" EXPECT="$EXPECT" OUT="$OUT/emacs-$client.json" STATE="$st" \
    DSTACK_EMACS_CLIENT="$client" TIMEOUT_S="${TIMEOUT_S:-20}" \
    timeout 120 emacs --batch -l "$TESTS_DIR/emacs/check.el" 2> "$OUT/emacs-$client-messages.log"
  r=$?
  # Emacs's messages (the client's, site-start's) only when something failed.
  [ $r -eq 0 ] || { cat "$OUT/emacs-$client-messages.log"; rc=1; }
done
exit $rc

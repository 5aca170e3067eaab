#!/usr/bin/env bash
# Runs the editor checks that fit this machine and prints how long each took.
#
#   editors/tests/run-all.sh            # everything: unit tests, schema, Neovim 0.7 + 0.11, Emacs, Helix, VS Code (code-server)
#   editors/tests/run-all.sh --ci       # the CI set: no code-server (its install alone takes ~6 min)
#   editors/tests/run-all.sh --only nvim-deb,vscode-e2e
#   editors/tests/run-all.sh --screenshots   # also copy the VS Code PNGs to editors/tests/screenshots/
#
# Server under test: $DSTACK_LSP, else target/{release,debug}/dstack-lsp (CARGO_TARGET_DIR
# honoured), else dstack-lsp on PATH; built with `cargo build -p dstack-lsp` if none exists.
# Installs what a check needs (apt, npm, pip into $DSTACK_EDITORS_STATE, default /tmp/dstack-editors).
# Results: $DSTACK_EDITORS_OUT (default /tmp/dstack-editors/out). Exit 1 if any check failed.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ci=""; only=""; shots=""
while [ $# -gt 0 ]; do
  case "$1" in
    --ci) ci=1 ;;
    --only) only="$2"; shift ;;
    --screenshots) shots="$TESTS_DIR/screenshots" ;;
    -h|--help) sed -n 2,14p "$0"; exit 0 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

steps=(vscode-unit schema nvim-deb nvim-pypi emacs helix)
[ -z "$ci" ] && steps+=(vscode-e2e)
[ -n "$only" ] && IFS=, read -r -a steps <<< "$only"

if ! find_server >/dev/null; then
  log "no dstack-lsp binary yet: cargo build -p dstack-lsp"
  (cd "$REPO_DIR" && cargo build -q -p dstack-lsp) || { log "server build failed"; exit 1; }
fi
export DSTACK_LSP; DSTACK_LSP="$(find_server)"
log "server under test: $DSTACK_LSP ($("$DSTACK_LSP" --version 2>/dev/null || echo 'no --version'))"

step_vscode_unit() {
  cd "$EDITORS_DIR/vscode" || return 1
  [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error || return 1
  npm run -s lint || return 1
  # Only the totals unless something failed; then the whole node:test report.
  if npm test > "$OUT/vscode-unit.log" 2>&1; then
    grep -E '^# (tests|pass|fail)' "$OUT/vscode-unit.log"
  else
    cat "$OUT/vscode-unit.log"; return 1
  fi
  bash scripts/package.sh --out "$STATE/dstack-lsp.vsix" > "$OUT/vscode-package.log" 2>&1 \
    || { cat "$OUT/vscode-package.log"; return 1; }
  echo "VSIX packaged: $STATE/dstack-lsp.vsix"
  # What a VSIX with the server bundled ships beside it: every linked crate's license.
  python3 scripts/third_party.py --out "$OUT/THIRD_PARTY_NOTICES.md" 2>&1 || return 1
  grep -q '^| webpki-roots | .* | CDLA-Permissive-2.0 |$' "$OUT/THIRD_PARTY_NOTICES.md" \
    && grep -q '^| tower-lsp-server | ' "$OUT/THIRD_PARTY_NOTICES.md" \
    || { echo "third-party notices lack webpki-roots or tower-lsp-server"; return 1; }
}
step_nvim_deb() { bash "$TESTS_DIR/nvim/run.sh" deb; }
step_nvim_pypi() { bash "$TESTS_DIR/nvim/run.sh" pypi; }
step_schema() { bash "$REPO_DIR/schemas/check_schemastore.sh"; }
step_emacs() { bash "$TESTS_DIR/emacs/run.sh"; }
step_helix() { bash "$TESTS_DIR/helix/run.sh"; }
step_vscode_e2e() { bash "$TESTS_DIR/vscode/run.sh" ${shots:+--screenshots "$shots"}; }

results=(); fail=0
for s in "${steps[@]}"; do
  fn="step_${s//-/_}"
  declare -F "$fn" >/dev/null || { echo "unknown step $s" >&2; exit 2; }
  log "== $s"
  t0=$(date +%s)
  ( "$fn" ); rc=$?
  dt=$(( $(date +%s) - t0 ))
  case $rc in 0) r=ok ;; 3) r=skipped ;; *) r=FAILED; fail=1 ;; esac
  results+=("$(printf '%-12s %-8s %4ss' "$s" "$r" "$dt")")
done
echo
echo "step         result   time"
printf '%s\n' "${results[@]}"
exit $fail

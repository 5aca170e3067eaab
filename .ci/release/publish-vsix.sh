#!/usr/bin/env bash
# Publish every target/dist/*.vsix to the VS Code Marketplace (vsce, token in VSCE_PAT) and to
# Open VSX (ovsx, token in OVSX_PAT). Both tools read the tokens from the environment, so they
# never appear on a command line or in a log.
#
#   VSCE_PAT=… OVSX_PAT=… .ci/release/publish-vsix.sh
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
OVSX_VERSION=1.4.0
: "${VSCE_PAT:?VSCE_PAT must be set}" "${OVSX_PAT:?OVSX_PAT must be set}"
shopt -s nullglob
vsix=("$dist"/*.vsix)
[ ${#vsix[@]} -gt 0 ] || { echo "publish-vsix: no VSIX in $dist" >&2; exit 1; }

cd "$root/editors/vscode" || exit 1
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
for f in "${vsix[@]}"; do
  npx vsce publish --packagePath "$f"
  npx --yes "ovsx@$OVSX_VERSION" publish "$f"
done

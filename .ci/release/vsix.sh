#!/usr/bin/env bash
# Package the platform-specific VSIX for one target from the released archive, so the extension
# bundles exactly the binary users download:
#
#   .ci/release/vsix.sh linux-x64      # -> target/dist/dstack-lsp-<version>-linux-x64.vsix
#
# Runs on any OS (the release packages all five on Linux); needs Node >= 20, npm, cargo and python3,
# which editors/vscode/scripts/package.sh uses.
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
target="${1:?usage: vsix.sh TARGET}"
triple=$(triple_of "$target")
exe=$(exe_of "$target")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

archive=$(archive_of "$target")
[ -f "$dist/$archive" ] || { echo "vsix.sh: $dist/$archive is missing; run package.sh $target first" >&2; exit 1; }
unpack "$dist/$archive" "$work"
chmod +x "$work/dstack-lsp-$triple/$exe"
bash "$root/editors/vscode/scripts/package.sh" --server "$work/dstack-lsp-$triple/$exe" --target "$target" \
  --out "$dist/dstack-lsp-$(workspace_version)-$target.vsix"

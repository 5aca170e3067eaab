#!/usr/bin/env bash
# A release tag must name the version every artifact carries: the Cargo workspace (binary, wheel,
# archives) and editors/vscode/package.json (the VSIX).
#
#   .ci/release/check-version.sh v0.1.0
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
tag="${1:?usage: check-version.sh TAG}"
cargo_version=$(workspace_version)
vscode_version=$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$root/editors/vscode/package.json" | head -n 1)
if [ "$tag" != "v$cargo_version" ] || [ "$vscode_version" != "$cargo_version" ]; then
  echo "check-version: tag $tag, Cargo.toml $cargo_version, editors/vscode/package.json $vscode_version;" \
    "bump both files to the same version and tag it v<version>" >&2
  exit 1
fi
echo "version $cargo_version"

#!/usr/bin/env bash
# Build the dstack VS Code extension and package it as a VSIX.
#
#   scripts/package.sh                         # platform-neutral VSIX (uses dstack-lsp from the setting or PATH)
#   scripts/package.sh --server PATH [--target linux-x64]
#                                              # bundle a dstack-lsp binary as server/<target>/dstack-lsp and
#                                              # package a platform-specific VSIX (target defaults to this machine)
#   scripts/package.sh --out FILE.vsix         # where to write it (default: editors/vscode/dstack-lsp-<version>[-<target>].vsix)
#
# Needs Node >= 20 and npm. Installs the locked dev dependencies (npm ci) when node_modules is missing.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

server="" target="" out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --server) server="$2"; shift ;;
    --target) target="$2"; shift ;;
    --out) out="$2"; shift ;;
    -h|--help) sed -n 2,10p "$0"; exit 0 ;;
    *) echo "package.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

if [ ! -d node_modules ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

rm -rf out server
npx tsc -p .

version=$(node -p 'require("./package.json").version')
vsce_args=()
if [ -n "$server" ]; then
  [ -x "$server" ] || { echo "package.sh: --server $server is not an executable file" >&2; exit 1; }
  # VS Code's target names are node's <process.platform>-<process.arch>, the same the extension looks up.
  [ -n "$target" ] || target=$(node -p 'process.platform + "-" + process.arch')
  name=dstack-lsp
  case "$target" in win32-*) name=dstack-lsp.exe ;; esac
  mkdir -p "server/$target"
  cp "$server" "server/$target/$name"
  chmod +x "server/$target/$name"
  # Release builds keep line tables for backtraces; users download the binary, so drop them.
  if command -v strip > /dev/null; then strip "server/$target/$name" 2> /dev/null || true; fi
  # The binary carries the Rust crates it was built from: ship their licenses with it.
  python3 scripts/third_party.py --out server/THIRD_PARTY_NOTICES.md
  vsce_args+=(--target "$target")
  out="${out:-$here/dstack-lsp-$version-$target.vsix}"
else
  out="${out:-$here/dstack-lsp-$version.vsix}"
fi

# The README sits in editors/vscode and links ../tests/screenshots: point vsce's
# rewriting of relative links at that folder of the repository.
repo=$(node -p 'require("./package.json").repository.url.replace(/\.git$/, "")')
npx vsce package "${vsce_args[@]}" --out "$out" \
  --baseContentUrl "$repo/blob/HEAD/editors/vscode" --baseImagesUrl "$repo/raw/HEAD/editors/vscode"
echo "packaged $out"

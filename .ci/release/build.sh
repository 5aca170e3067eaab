#!/usr/bin/env bash
# Build the release binary and the PyPI wheel for one target:
#
#   .ci/release/build.sh linux-x64     # linux-x64 linux-arm64 darwin-x64 darwin-arm64 win32-x64
#
# Writes target/dist/dstack_lsp-<version>-py3-none-<platform>.whl; the binary it holds is
# target/<triple>/release/dstack-lsp[.exe], which package.sh archives and bundles into the VSIX.
# Linux targets link against glibc 2.17 through zig (manylinux2014); they need no Docker.
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
target="${1:?usage: build.sh TARGET}"
triple=$(triple_of "$target")
bin=$(tools_bin)

# Cross targets (darwin-x64 on an arm64 runner) need the standard library for that triple.
if command -v rustup > /dev/null; then rustup target add "$triple" > /dev/null; fi

args=(--release --locked --target "$triple" --out "$dist" -m "$root/server/ls/Cargo.toml")
case "$target" in
  linux-*) args+=(--zig --compatibility manylinux2014) ;;
esac
mkdir -p "$dist"
PATH="$bin:$PATH" "$bin/maturin" build "${args[@]}"

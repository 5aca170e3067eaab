#!/usr/bin/env bash
# Build the PyPI source distribution (pip builds it where no wheel fits: musl, other CPUs, BSDs),
# then prove it is complete by building a wheel from the unpacked sdist alone:
#
#   .ci/release/sdist.sh        # -> target/dist/dstack_lsp-<version>.tar.gz
#
# The proof shares target/ with build.sh, so after build.sh it only checks every source file the
# build read is in the sdist (cargo rebuilds, and fails, when one is missing).
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bin=$(tools_bin)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
version=$(workspace_version)

mkdir -p "$dist"
sdist="$dist/dstack_lsp-$version.tar.gz"
rm -f "$sdist"
# cargo package warns that the internal crates have no repository URL: they are not published alone.
"$bin/maturin" sdist -m "$root/server/ls/Cargo.toml" --out "$dist" > "$work/sdist.log" 2>&1 \
  || { cat "$work/sdist.log" >&2; exit 1; }
grep -v 'manifest has no documentation\|^  |$\|^  = note: see\|^From `cargo package' "$work/sdist.log" || true
[ -f "$sdist" ] || { echo "sdist.sh: $sdist was not built" >&2; exit 1; }

unpack "$sdist" "$work"
args=(--release --locked --out "$work/out" -m "$work/dstack_lsp-$version/server/ls/Cargo.toml")
# The same flags as build.sh for this machine, so the shared target/ is reused.
[ "$(uname -s)" = Linux ] && args+=(--target "$(rustc -vV | sed -n "s/^host: //p")" --zig --compatibility manylinux2014)
(cd "$work/dstack_lsp-$version" && CARGO_TARGET_DIR="$root/target" PATH="$bin:$PATH" "$bin/maturin" build "${args[@]}")
ls "$work"/out/dstack_lsp-"$version"-*.whl > /dev/null
echo "ok: $(basename "$sdist") ($(wc -c < "$sdist") bytes) builds a wheel"

#!/usr/bin/env bash
# Prove what build.sh and package.sh produced works on a machine like a user's (the runner's own target):
#
#   .ci/release/smoke.sh linux-x64
#
# 1. the .sha256 file matches the archive; the unpacked binary runs `--version` and `check examples/`;
# 2. the wheel installs into a fresh virtualenv and runs with no Rust or cargo on PATH;
# 3. `uv tool install` of the wheel gives a working `dstack-lsp` command.
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
target="${1:?usage: smoke.sh TARGET}"
triple=$(triple_of "$target")
exe=$(exe_of "$target")
version=$(workspace_version)
py=$(python_cmd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Run a binary with a bare environment, as a user's shell would without a Rust toolchain. Windows
# needs SYSTEMROOT to start anything, so there it keeps the environment.
bare() { case "$target" in win32-*) "$@" ;; *) env -i PATH=/usr/bin:/bin HOME="$work" "$@" ;; esac; }

# The installed command must be this build: its version, and a clean check of the shipped examples.
expect_works() {
  local out
  out=$(bare "$1" --version)
  [ "$out" = "dstack-lsp $version" ] || { echo "smoke: $1 --version printed '$out', want 'dstack-lsp $version'" >&2; exit 1; }
  (cd "$root" && bare "$1" check examples/)
  echo "ok: $1"
}

archive=$(archive_of "$target")
(cd "$dist" && "$py" - "$archive" <<'PY'
import hashlib, sys
name = sys.argv[1]
want, listed = open(name + ".sha256").read().split()
got = hashlib.sha256(open(name, "rb").read()).hexdigest()
if (want, listed) != (got, name):
    sys.exit(f"smoke: {name}.sha256 says {want} {listed}, the archive hashes to {got}")
print(f"ok: {name}.sha256")
PY
)
unpack "$dist/$archive" "$work/unpacked"
chmod +x "$work/unpacked/dstack-lsp-$triple/$exe"
expect_works "$work/unpacked/dstack-lsp-$triple/$exe"

# `cargo binstall` must find this archive and the binary inside it: expand server/ls/Cargo.toml's
# templates for this triple the way binstall does.
"$py" - "$root/server/ls/Cargo.toml" "$triple" "$exe" "$archive" "$work/unpacked" <<'PY'
import os, sys, tomllib
manifest, triple, exe, archive, unpacked = sys.argv[1:]
meta = tomllib.load(open(manifest, "rb"))["package"]["metadata"]["binstall"]
meta = {**meta, **meta.get("overrides", {}).get(triple, {})}
ext = ".exe" if exe.endswith(".exe") else ""
values = {"repo": "REPO", "version": "VERSION", "target": triple, "bin": "dstack-lsp", "binary-ext": ext}
def expand(template):
    for key, value in values.items():
        template = template.replace("{ " + key + " }", value)
    return template
url, bin_dir = expand(meta["pkg-url"]), expand(meta["bin-dir"])
want = "REPO/releases/download/vVERSION/" + archive
if url != want:
    sys.exit(f"smoke: binstall pkg-url gives {url}, the release asset is {want}")
if not os.path.isfile(os.path.join(unpacked, bin_dir)):
    sys.exit(f"smoke: binstall bin-dir {bin_dir} is not in {archive}")
print(f"ok: binstall finds {archive} and {bin_dir}")
PY

case "$target" in
  linux-x64) wheel=$(ls "$dist"/dstack_lsp-"$version"-py3-none-*manylinux*_x86_64.whl) ;;
  linux-arm64) wheel=$(ls "$dist"/dstack_lsp-"$version"-py3-none-*manylinux*_aarch64.whl) ;;
  darwin-x64) wheel=$(ls "$dist"/dstack_lsp-"$version"-py3-none-macosx_*_x86_64.whl) ;;
  darwin-arm64) wheel=$(ls "$dist"/dstack_lsp-"$version"-py3-none-macosx_*_arm64.whl) ;;
  win32-x64) wheel=$(ls "$dist"/dstack_lsp-"$version"-py3-none-win_amd64.whl) ;;
esac
echo "wheel: $(basename "$wheel") ($(wc -c < "$wheel") bytes)"

"$py" -m venv "$work/venv"
venv_bin="$work/venv/bin"; [ -d "$venv_bin" ] || venv_bin="$work/venv/Scripts"
"$venv_bin/python" -m pip install --quiet --disable-pip-version-check --no-index "$wheel"
expect_works "$venv_bin/$exe"

bin=$(tools_bin)
"$bin/python" -m pip install --quiet --disable-pip-version-check uv
UV_TOOL_DIR="$work/uv-tools" UV_TOOL_BIN_DIR="$work/uv-bin" UV_NO_CONFIG=1 UV_OFFLINE=1 \
  "$bin/uv" tool install --quiet "$wheel"
expect_works "$work/uv-bin/$exe"

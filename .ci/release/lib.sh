# shellcheck shell=bash
# Shared by the release scripts: target names, paths, the build tools' virtualenv.
# TARGET is VS Code's platform name (node's <platform>-<arch>), the one editors/vscode/scripts/package.sh
# and the extension use; each maps to one Rust triple.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck disable=SC2034 # used by the scripts that source this file
dist="$root/target/dist"

# Pinned so a release is rebuilt with the tools that were tested; bump them together.
MATURIN_VERSION=1.16.0
ZIGLANG_VERSION=0.17.1

triple_of() {
  case "$1" in
    linux-x64) echo x86_64-unknown-linux-gnu ;;
    linux-arm64) echo aarch64-unknown-linux-gnu ;;
    darwin-x64) echo x86_64-apple-darwin ;;
    darwin-arm64) echo aarch64-apple-darwin ;;
    win32-x64) echo x86_64-pc-windows-msvc ;;
    *) echo "unknown target $1 (linux-x64 linux-arm64 darwin-x64 darwin-arm64 win32-x64)" >&2; return 2 ;;
  esac
}

exe_of() { case "$1" in win32-*) echo dstack-lsp.exe ;; *) echo dstack-lsp ;; esac; }

# The release asset (and what cargo binstall downloads): dstack-lsp-<triple>.tar.gz, .zip for Windows.
archive_of() {
  local triple
  triple=$(triple_of "$1")
  case "$1" in win32-*) echo "dstack-lsp-$triple.zip" ;; *) echo "dstack-lsp-$triple.tar.gz" ;; esac
}

# Unpack a release archive with Python, which reads both formats on every runner.
unpack() {
  local py
  py=$(python_cmd)
  "$py" -m tarfile -e "$1" "$2" 2> /dev/null || "$py" -m zipfile -e "$1" "$2"
}

# The workspace version: the tag, the wheel, the archives and the VSIX all carry it.
workspace_version() { sed -n 's/^version = "\(.*\)"$/\1/p' "$root/Cargo.toml" | head -n 1; }

python_cmd() {
  local p
  for p in python3 python; do
    if command -v "$p" > /dev/null && "$p" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2> /dev/null; then
      echo "$p"; return
    fi
  done
  echo "no python >= 3.11 on PATH (tomllib)" >&2; return 1
}

# A virtualenv under target/ with maturin (and, on Linux, zig: it links against glibc 2.17, so the
# wheel and the archive run on any manylinux2014 system). Prints its bin directory.
tools_bin() {
  local venv="$root/target/release-tools" py bin
  py=$(python_cmd)
  if [ ! -d "$venv" ]; then "$py" -m venv "$venv" >&2; fi
  bin="$venv/bin"; [ -d "$bin" ] || bin="$venv/Scripts"
  local wanted=("maturin==$MATURIN_VERSION")
  [ "$(uname -s)" = Linux ] && wanted+=("ziglang==$ZIGLANG_VERSION")
  if ! "$bin/python" -m pip show maturin 2> /dev/null | grep -qx "Version: $MATURIN_VERSION"; then
    "$bin/python" -m pip install --quiet --disable-pip-version-check "${wanted[@]}" >&2
  fi
  echo "$bin"
}

#!/usr/bin/env bash
# Package what build.sh built for one target, into target/dist/:
#
#   .ci/release/package.sh linux-x64
#
#   dstack-lsp-<triple>.tar.gz (.zip for Windows)  the binary, README.md, LICENSE and the notices of the
#                                                 crates compiled into it, in dstack-lsp-<triple>/;
#   dstack-lsp-<triple>.tar.gz.sha256             its SHA-256 in `sha256sum -c` format.
#
# The archive names are the ones [package.metadata.binstall] in server/ls/Cargo.toml downloads.
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
target="${1:?usage: package.sh TARGET}"
triple=$(triple_of "$target")
exe=$(exe_of "$target")
binary="$root/target/$triple/release/$exe"
[ -f "$binary" ] || { echo "package.sh: $binary is missing; run .ci/release/build.sh $target first" >&2; exit 1; }
py=$(python_cmd)
notices=$(mktemp)
trap 'rm -f "$notices"' EXIT
"$py" "$root/editors/vscode/scripts/third_party.py" --out "$notices" > /dev/null

name="dstack-lsp-$triple"
archive=$(archive_of "$target")
mkdir -p "$dist"
# Python writes both formats the same way on every runner (Windows runners have no `zip`, macOS no
# `sha256sum`), with fixed timestamps and owners so the same binary gives the same archive.
"$py" - "$binary" "$exe" "$root/README.md" "$root/editors/vscode/LICENSE" "$notices" "$name" "$dist/$archive" <<'PY'
import gzip, hashlib, io, os, sys, tarfile, zipfile
binary, exe, readme, license_, notices, name, out = sys.argv[1:]
files = [(binary, exe, 0o755), (readme, "README.md", 0o644), (license_, "LICENSE", 0o644),
         (notices, "THIRD_PARTY_NOTICES.md", 0o644)]
if out.endswith(".zip"):
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for src, arc, mode in files:
            info = zipfile.ZipInfo(f"{name}/{arc}", date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(src, "rb") as f:
                z.writestr(info, f.read())
else:
    with gzip.GzipFile(out, "wb", mtime=0) as gz, tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as t:
        for src, arc, mode in files:
            with open(src, "rb") as f:
                data = f.read()
            info = tarfile.TarInfo(f"{name}/{arc}")
            info.size, info.mode, info.mtime = len(data), mode, 0
            t.addfile(info, io.BytesIO(data))
digest = hashlib.sha256(open(out, "rb").read()).hexdigest()
with open(out + ".sha256", "w", newline="\n") as f:
    f.write(f"{digest}  {os.path.basename(out)}\n")
print(f"packaged {out} ({os.path.getsize(out)} bytes, sha256 {digest})")
PY


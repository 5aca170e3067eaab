#!/usr/bin/env python3
"""Write the notices of the Rust crates compiled into dstack-lsp (for a VSIX that bundles it).

Reads `cargo metadata` (run from the repository, Cargo.lock as it is), takes the crates the
`dstack-lsp` binary links (normal dependencies only: build tools and test crates are not shipped),
and writes one Markdown file: each crate with its version and license expression, then the license
texts the crates ship, each text once with the crates that carry it.

    python3 editors/vscode/scripts/third_party.py --out server/THIRD_PARTY_NOTICES.md
"""
import argparse
import hashlib
import json
import subprocess
import sys
from pathlib import Path

ROOT_PACKAGE = "dstack-lsp"
LICENSE_PREFIXES = ("license", "licence", "copying", "notice", "unlicense")


def metadata(repo: Path) -> dict:
    out = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--locked"],
        cwd=repo, check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(out)


def shipped(meta: dict) -> list[dict]:
    """The packages reachable from dstack-lsp through normal (not dev, not build) dependencies."""
    packages = {p["id"]: p for p in meta["packages"]}
    nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}
    root = next(p["id"] for p in meta["packages"] if p["name"] == ROOT_PACKAGE)
    seen, todo = set(), [root]
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        for dep in nodes[pid]["deps"]:
            if any(k["kind"] is None for k in dep["dep_kinds"]):
                todo.append(dep["pkg"])
    ours = {p["id"] for p in meta["packages"] if p["source"] is None}
    return sorted((packages[i] for i in seen - ours), key=lambda p: (p["name"], p["version"]))


def license_files(package: dict) -> list[Path]:
    folder = Path(package["manifest_path"]).parent
    found = [f for f in folder.iterdir() if f.is_file() and f.name.lower().startswith(LICENSE_PREFIXES)]
    if package.get("license_file"):
        extra = folder / package["license_file"]
        if extra.is_file() and extra not in found:
            found.append(extra)
    return sorted(found)


def render(packages: list[dict]) -> str:
    lines = [
        "# Third-party notices",
        "",
        "The `dstack-lsp` binary in this package is compiled from the dstack-lsp sources and the Rust",
        "crates below, each under its own license. Their license texts follow.",
        "",
        "| crate | version | license |",
        "| --- | --- | --- |",
    ]
    texts: dict[str, tuple[str, list[str]]] = {}
    for p in packages:
        lines.append(f"| {p['name']} | {p['version']} | {p.get('license') or 'see its license file'} |")
        for f in license_files(p):
            text = f.read_text(encoding="utf-8", errors="replace").strip()
            key = hashlib.sha256(text.encode()).hexdigest()
            texts.setdefault(key, (text, []))[1].append(f"{p['name']} {p['version']} ({f.name})")
    lines += ["", "## License texts", ""]
    for text, owners in texts.values():
        lines += [f"### {', '.join(owners)}", "", "```text", text, "```", ""]
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--repo", default=str(Path(__file__).resolve().parents[3]))
    a = ap.parse_args()
    packages = shipped(metadata(Path(a.repo)))
    Path(a.out).write_text(render(packages) + "\n", encoding="utf-8")
    print(f"{len(packages)} crates -> {a.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

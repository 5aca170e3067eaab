#!/usr/bin/env python3
"""Production Rust files over 600 lines must say why at their top.

Counts a file's lines up to its first top-level `#[cfg(test)]` (inline tests do not count);
test files (`tests.rs`, `tests/`), benches, examples and the fuzz crate are left out. A longer file
passes when its first 15 lines hold `Over 600 lines:` followed by the reason.
Usage: file_sizes.py   (prints offenders and exits 1, else a summary and 0)
"""

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LIMIT = 600


def production_lines(path: Path) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        if line.startswith("#[cfg(test)]"):
            return i
    return len(lines)


def main() -> int:
    bad, seen = [], 0
    for f in sorted(REPO.glob("server/*/src/**/*.rs")):
        rel = f.relative_to(REPO)
        if f.name == "tests.rs" or "tests" in rel.parts[3:-1] or rel.parts[1] == "fuzz":
            continue
        seen += 1
        n = production_lines(f)
        head = "\n".join(f.read_text(encoding="utf-8").splitlines()[:15])
        if n > LIMIT and "Over 600 lines:" not in head:
            bad.append(f"{rel}: {n} production lines and no `Over 600 lines:` reason at its top")
    for b in bad:
        print(b)
    if bad:
        return 1
    print(f"{seen} production files, none over {LIMIT} lines without a reason")
    return 0


if __name__ == "__main__":
    sys.exit(main())

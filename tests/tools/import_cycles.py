#!/usr/bin/env python3
"""File-level import cycles in the workspace's crates.

A production file depends on another file of the same crate when it names a path into it
(`use crate::a::b`, `super::x`, `crate::a::f()` inline). A path is resolved to the file of the
longest module prefix that has one, so `crate::diagnostics::Diagnostic` is an edge to
`diagnostics/mod.rs` even when that file only re-exports it: shared types live in their own file,
below the files that use them. Module declarations (`mod x;`) are not edges. Test code is left
out: files named `tests.rs` or under `tests/`, and inline `#[cfg(test)] mod … { … }` blocks.

Usage: import_cycles.py [CRATE_SRC_DIR …]   (default: every server/*/src of the workspace)
Prints each cycle and exits 1 when there is one; prints the file count and exits 0 otherwise.
"""

import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def strip_code(text: str) -> str:
    """Source without comments, string/char literals and inline test modules."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if text.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif text.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
        elif c == "r" and re.match(r'r#*"', text[i:i + 8]) and (i == 0 or not text[i - 1].isalnum()):
            m = re.match(r'r(#*)"', text[i:])
            end = text.find('"' + m.group(1), i + len(m.group(0)))
            i = n if end < 0 else end + 1 + len(m.group(1))
            out.append('""')
        elif c == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
            i += 1
            out.append('""')
        elif c == "'" and re.match(r"'(\\.|[^\\'])'", text[i:i + 4]):
            m = re.match(r"'(\\.|[^\\'])'", text[i:])
            i += len(m.group(0))
        else:
            out.append(c)
            i += 1
    code = "".join(out)
    # Inline test modules.
    while True:
        m = re.search(r"#\[cfg\(test\)\]\s*(pub(\([^)]*\))?\s+)?mod\s+\w+\s*\{", code)
        if not m:
            break
        depth, j = 1, m.end()
        while j < len(code) and depth:
            depth += {"{": 1, "}": -1}.get(code[j], 0)
            j += 1
        code = code[: m.start()] + code[j:]
    return code


def expand_use(tree: str) -> list[str]:
    """`a::{b, c::{d, e}}` -> ["a::b", "a::c::d", "a::c::e"]."""
    tree = re.sub(r"\s+", "", tree)
    depth = 0
    for k, ch in enumerate(tree):
        if ch == "{":
            if depth == 0:
                prefix, inner = tree[:k], tree[k + 1:-1]
                parts, d, start = [], 0, 0
                for j, cj in enumerate(inner):
                    d += {"{": 1, "}": -1}.get(cj, 0)
                    if cj == "," and d == 0:
                        parts.append(inner[start:j])
                        start = j + 1
                parts.append(inner[start:])
                return [p for part in parts if part for p in expand_use(prefix + part)]
            depth += 1
    return [re.sub(r"as\w+$", "", tree)]


class Crate:
    def __init__(self, src: Path):
        self.src = src
        self.files: dict[tuple, Path] = {}
        for f in sorted(src.rglob("*.rs")):
            rel = f.relative_to(src)
            if f.name == "tests.rs" or "tests" in rel.parts[:-1] or "bin" in rel.parts[:1]:
                continue
            parts = list(rel.with_suffix("").parts)
            if parts[-1] in ("mod", "lib", "main"):
                parts = parts[:-1]
            self.files[tuple(parts)] = f

    def resolve(self, module: tuple, path: str, children=()):
        segs = [s for s in path.split("::") if s]
        if not segs:
            return None
        if segs[0] == "crate":
            base, segs = [], segs[1:]
        elif segs[0] in children:
            base = list(module)
        elif segs[0] in ("self", "super"):
            base = list(module)
            while segs and segs[0] in ("self", "super"):
                if segs[0] == "super":
                    if not base:
                        return None
                    base.pop()
                segs = segs[1:]
        else:
            return None
        full = base + segs
        for k in range(len(full), -1, -1):
            if tuple(full[:k]) in self.files:
                return tuple(full[:k])
        return None

    def edges(self) -> dict[tuple, set]:
        graph: dict[tuple, set] = {m: set() for m in self.files}
        for module, f in self.files.items():
            code = strip_code(f.read_text(encoding="utf-8"))
            paths = []
            for m in re.finditer(r"\buse\s+([^;]+);", code):
                paths.extend(expand_use(m.group(1)))
            paths.extend(m.group(0) for m in re.finditer(r"\b(?:crate|super|self)(?:::\w+)+", code))
            # Paths that start with a child module the file declares (`mod schema;` … `schema::check`).
            children = set(re.findall(r"\bmod\s+(\w+)\s*;", code))
            if children:
                alt = "|".join(sorted(children))
                paths.extend(m.group(0) for m in re.finditer(rf"(?<![\w:])(?:{alt})(?:::\w+)+", code))
            for p in paths:
                target = self.resolve(module, p, children)
                if target is not None and target != module:
                    graph[module].add(target)
        return graph


def cycles(graph: dict) -> list[list]:
    """Strongly connected components with more than one file (Tarjan, iterative)."""
    index, low, on, stack, out, counter = {}, {}, set(), [], [], [0]
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on.add(root)
        while work:
            node, it = work[-1]
            nxt = next(it, None)
            if nxt is not None:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter[0]
                    counter[0] += 1
                    stack.append(nxt)
                    on.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                elif nxt in on:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == node:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))
    return out


def main() -> int:
    dirs = [Path(a).resolve() for a in sys.argv[1:]] or sorted(REPO.glob("server/*/src"))
    found, files = 0, 0
    for src in dirs:
        crate = Crate(src)
        files += len(crate.files)
        for comp in cycles(crate.edges()):
            found += 1
            names = [str(crate.files[m].relative_to(REPO)) for m in comp]
            print(f"cycle: {' <-> '.join(names)}")
    if found:
        print(f"{found} import cycle(s)")
        return 1
    print(f"no import cycles in {files} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())

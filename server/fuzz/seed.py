#!/usr/bin/env python3
"""Build the seed corpora of the fuzz targets from the repository's own dstack files.

Sources: examples/*.dstack.yml and tests/conformance/cases/**. Output: corpus/<target>/ (not
committed; the fuzzer grows it). Layouts (see src/lib.rs and fuzz_targets/values.rs):
  syntax, analysis: header length byte + header + document text. Each file gives one seed with no
                    operations and one with 16 pseudo-random header bytes (some random edits).
  values:           parser selector byte + the value text, from `key: value` lines whose key
                    names a value syntax (the selector indices follow PARSERS in values.rs).
Usage: python3 seed.py [repo root]   (default: two levels above this file)
"""
import hashlib
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parent.parent

# Same order as SYNTAXES + DIRECT in fuzz_targets/values.rs.
PARSERS = [
    "gpu", "cpu", "memory", "memory-range", "disk", "int-range", "fleet-nodes", "replicas",
    "duration", "off-duration", "idle-duration", "volume-mount", "port-mapping", "service-port",
    "env", "python", "entity-ref", "user", "cron", "repo", "file-mapping", "compute-capability",
    "resource-name", "group-name", "shell", "tags",
    "backends", "duration-suggest", "inactivity", "gateway", "https", "blocks", "env-list",
    "instances", "interpolation", "retry", "utilization", "scaling", "backend-options",
    "ide-version", "cron-list", "memory-str", "volume-path", "py-numbers", "gpu-names", "closest",
    "enums", "tag-parts",
]

# YAML key -> parsers that read its value.
KEYS = {
    "gpu": ["gpu", "gpu-names"], "cpu": ["cpu"], "memory": ["memory-range", "memory-str"],
    "shm_size": ["memory"], "disk": ["disk"], "nodes": ["fleet-nodes", "int-range"],
    "replicas": ["replicas"], "count": ["int-range"], "max_duration": ["off-duration", "duration-suggest"],
    "stop_duration": ["off-duration"], "idle_duration": ["idle-duration"],
    "inactivity_duration": ["inactivity"], "duration": ["duration"], "volumes": ["volume-mount"],
    "path": ["volume-path"], "ports": ["port-mapping"], "port": ["service-port"], "env": ["env"],
    "python": ["python", "py-numbers"], "gateway": ["gateway", "entity-ref"], "fleets": ["entity-ref"],
    "user": ["user"], "cron": ["cron", "cron-list"], "repos": ["repo"], "files": ["file-mapping"],
    "compute_capability": ["compute-capability"], "name": ["resource-name", "group-name"],
    "shell": ["shell"], "tags": ["tags"], "backends": ["backends"], "https": ["https"],
    "blocks": ["blocks"], "commands": ["interpolation"], "retry": ["retry"], "ide": ["enums", "ide-version"],
    "spot_policy": ["enums"], "creation_policy": ["enums"], "placement": ["enums"],
    "utilization_policy": ["utilization"], "scaling": ["scaling"], "instance_types": ["instances"],
    "version": ["ide-version"], "max_price": ["py-numbers"], "metric": ["closest"],
}

LINE = re.compile(r"^\s*(?:-\s+)?([A-Za-z_][\w-]*):\s+(\S.*?)\s*$")
ITEM = re.compile(r"^\s*-\s+(\S.*?)\s*$")


def write(d: Path, data: bytes) -> None:
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()).write_bytes(data)


def main() -> int:
    files = sorted((ROOT / "examples").glob("*.yml")) + sorted(
        p for p in (ROOT / "tests/conformance/cases").rglob("*") if p.is_file()
    )
    rng = random.Random(1)
    n = {"syntax": 0, "analysis": 0, "values": 0}
    values = set()
    for f in files:
        doc = f.read_bytes()
        for target in ("syntax", "analysis"):
            write(HERE / "corpus" / target, b"\0" + doc)
            write(HERE / "corpus" / target, bytes([16]) + rng.randbytes(16) + doc)
            n[target] += 2
        last_key = None
        for line in doc.decode("utf-8", "replace").splitlines():
            m = LINE.match(line)
            if m:
                last_key = m.group(1)
                key, val = m.group(1), m.group(2)
            elif (m := ITEM.match(line)) and last_key:
                key, val = last_key, m.group(1)
            else:
                if re.match(r"^\s*[A-Za-z_][\w-]*:\s*$", line):
                    last_key = line.strip()[:-1]
                continue
            for parser in KEYS.get(key, []):
                values.add((PARSERS.index(parser), val.split(" #")[0].strip("'\"")))
    # Small hostile documents: inline alias and merge bombs (3 levels, so the fuzzer can grow
    # them), anchors and merges at the top level, and control characters.
    hostile = [
        "type: task\ncommands: [&b0 [x, x], *b0]\nresources:\n  gpu: &g A100\n  cpu: *g\n",
        "type: service\nport: 80\ncommands: [x]\nprobes:\n  - {<<: [&m0 {url: /, k: x}, *m0], k0: x}\n",
        "type: task\nx: &r {cpu: 2}\nresources:\n  <<: *r\n  <<: [*r, *r]\ncommands: [x]\n",
        "type: task\nname: a\x01\x07\x1b\x7f\u009b\ufffe # \u0085 \ufeff\ncommands: [\"\x00\"]\n",
        "type: service\nport: 80\ncommands: [x]\nmax_price: .nan\nscaling: {metric: rps, target: .nan}\n",
    ]
    for doc in hostile:
        for target in ("syntax", "analysis"):
            write(HERE / "corpus" / target, b"\0" + doc.encode())
            n[target] += 1
    for idx, val in sorted(values):
        write(HERE / "corpus" / "values", bytes([idx]) + val.encode())
        n["values"] += 1
    print(f"seeds from {len(files)} files: {n}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

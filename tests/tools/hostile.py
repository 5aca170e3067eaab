#!/usr/bin/env python3
"""Generate the hostile corpus: files, workspaces, catalogs, settings and frames that try to make
dstack-lsp hang, eat memory or flood its output. Deterministic; big files are sparse, so the
output stays small on disk. Run at test time into a temporary directory:

    python3 tests/tools/hostile.py OUT [REPO_ROOT]

Writes OUT/manifest.json: {"files": [...], "workspaces": [...], "catalogs": [...],
"settings": [...], "frames": [...]}, each case {"name", "path" (relative to OUT), ...}; see the
sections below. The alias and merge-key bombs are placed at every value position of
server/model/data/model.json (every property of every object reachable from each type's root,
through objects, tagged unions and lists), so a new property is covered without editing this.
"""
import json
import os
import stat
import struct
import sys
import zlib
from pathlib import Path

OUT = Path(sys.argv[1])
ROOT = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(__file__).resolve().parents[2]
MANIFEST = {"files": [], "workspaces": [], "catalogs": [], "settings": [], "frames": []}

LEVELS, WIDTH = 10, 10


def alias_bomb():
    """10 nested flow lists; level l is `[&b(l-1) <level below>, *b(l-1) x 9]`: 10^10 leaves if
    anything expands aliases, ~1 KB of text."""
    s = "[" + ", ".join(["lol"] * WIDTH) + "]"
    for lvl in range(LEVELS):
        s = f"[&b{lvl} {s}" + f", *b{lvl}" * (WIDTH - 1) + "]"
    return s


def merge_bomb():
    """10 nested flow mappings, each merging the level below 10 times (`<<: [&m.. {...}, *m.. x 9]`):
    a small result, but 10^10 merges for an implementation that re-resolves every alias."""
    s = "{k: lol, n: [" + ", ".join(["lol"] * WIDTH) + "]}"
    for lvl in range(LEVELS):
        s = f"{{<<: [&m{lvl} {s}" + f", *m{lvl}" * (WIDTH - 1) + f"], k{lvl}: lol}}"
    return s


def top_bomb():
    """The classic form: each level a top-level key, then `*t9` where the value goes."""
    lines = ["t0: &t0 [" + ", ".join(["lol"] * WIDTH) + "]"]
    for lvl in range(1, LEVELS):
        lines.append(f"t{lvl}: &t{lvl} [" + ", ".join([f"*t{lvl - 1}"] * WIDTH) + "]")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# Model walk: every value position (mirrors server/ide/src/completion/exhaustive.rs).


def load_model():
    raw = json.loads((ROOT / "server/model/data/model.json").read_text())
    objects = {o["id"]: o for o in raw["objects"]}
    expanded = {}

    def props(oid, stack=()):
        if oid in expanded:
            return expanded[oid]
        out = []
        for entry in objects[oid].get("properties", []):
            if "use" in entry:
                if entry["use"] in stack:
                    continue
                used = props(entry["use"], stack + (oid,))
                if "only" in entry:
                    out += [p for n in entry["only"] for p in used if p["name"] == n]
                else:
                    out += [p for p in used if p["name"] not in entry.get("except", [])]
            else:
                out.append(entry)
        expanded[oid] = out
        return out

    return raw, objects, props


def value_positions():
    """(type, readable path, text above, line start for the key, key, is_list) per property.
    Unlike the exhaustive completion test, an object is visited on every path that reaches it
    (`resources.gpu` and `groups[].resources.gpu`); only cycles are cut."""
    raw, objects, props = load_model()
    out = []

    def collect(oid, above, indent, dash, written, path, depth, seen, tname):
        for p in props(oid):
            name = p["name"]
            start = " " * (indent - 2) + "- " if dash else " " * indent
            if name not in written:
                is_list = any(s["kind"] == "list" for s in p["shapes"])
                full = f"{path}.{name}" if path else name
                out.append((tname, full, above, start, name, is_list))
            if depth >= 6:
                continue
            key_line = f"{start}{name}:\n"
            here = f"{path}.{name}" if path else name
            for shape in p["shapes"]:
                in_list = shape["kind"] == "list"
                items = shape.get("items", []) if in_list else [shape]
                for item in items:
                    if item["kind"] == "object" and item["object"] in objects:
                        if item["object"] in seen:
                            continue
                        collect(item["object"], above + key_line, indent + (4 if in_list else 2),
                                in_list, [], here + ("[]" if in_list else ""), depth + 1,
                                seen | {item["object"]}, tname)
                    elif item["kind"] == "union":
                        disc = item["discriminator"]
                        for v in item["variants"]:
                            if v["object"] in seen or v["object"] not in objects:
                                continue
                            pad = " " * (indent + 2)
                            tag = f"{pad}- {disc}: {v['value']}\n" if in_list else f"{pad}{disc}: {v['value']}\n"
                            collect(v["object"], above + key_line + tag, indent + 4 if in_list else indent + 2,
                                    False, [disc], f"{here}{'[]' if in_list else ''}({disc}: {v['value']})",
                                    depth + 1, seen | {v["object"]}, tname)

    for t in raw["types"]:
        root = t["root"]
        if root["kind"] == "object":
            collect(root["object"], f"type: {t['name']}\n", 0, False, ["type"], "", 0, set(), t["name"])
        elif root["kind"] == "union":
            for v in root["variants"]:
                collect(v["object"], f"type: {t['name']}\n{root['discriminator']}: {v['value']}\n", 0,
                        False, ["type", root["discriminator"]], f"({root['discriminator']}: {v['value']})",
                        0, set(), t["name"])
    return out


# ---------------------------------------------------------------------------------------------


def write(rel, data, **extra):
    p = OUT / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass"))
    return p


def add_file(section, name, data, **extra):
    rel = f"{section}/{name}.dstack.yml"
    write(rel, data)
    MANIFEST["files"].append({"name": name, "path": rel, **extra})


def slug(s):
    return "".join(c if c.isalnum() or c in "-." else "_" for c in s).strip("_")


def files():
    bombs = {"alias": alias_bomb(), "merge": merge_bomb()}
    seen = set()
    for tname, path, above, start, key, is_list in value_positions():
        for kind, bomb in bombs.items():
            text = f"{above}{start}{key}: {bomb}\n"
            if is_list:
                # The bomb as a list item too (commands, env, ports, volumes, probes, ...).
                pad = " " * (len(start) + 2)
                item = f"{above}{start}{key}:\n{pad}- {bomb}\n"
                name = slug(f"{kind}-item-{tname}-{path}")
                if name not in seen:
                    seen.add(name)
                    add_file("files", name, item, group="bomb", batch=f"{kind}-item-{tname}")
            name = slug(f"{kind}-{tname}-{path}")
            if name not in seen:
                seen.add(name)
                add_file("files", name, text, group="bomb", batch=f"{kind}-{tname}")
        # The classic top-level form, aliased where the value goes (top-level properties only:
        # the anchors must precede the alias, and `above` holds the parent chain).
        if "." not in path and "(" not in path:
            name = slug(f"top-{tname}-{path}")
            if name not in seen:
                seen.add(name)
                add_file("files", name, f"type: {tname}\n{top_bomb()}{key}: *t9\n", group="bomb",
                         batch=f"top-{tname}")

    add_file("files", "unknown-keys-200k",
             "type: task\ncommands: [echo]\n" + "".join(f"k{i}: {i}\n" for i in range(200_000)))
    add_file("files", "anchors-50k",
             "type: task\ncommands:\n" + "".join(f"  - &a{i} echo {i}\n" for i in range(50_000))
             + "env:\n" + "".join(f"  - *a{i}\n" for i in range(50_000)))
    controls = "\x01\x07\x1b\x7f\u009b\ufffe"
    add_file("files", "controls-in-values",
             f"type: task\nname: a{controls}b\ncommands:\n  - echo {controls}\n  - \"echo {controls}\"\n"
             f"  - 'x{controls}'\nenv:\n  - A={controls}\n")
    add_file("files", "controls-in-comments",
             f"# {controls}\ntype: task # {controls}\ncommands: [echo] # {controls}\n")
    add_file("files", "nel-in-comment", "type: task # a\u0085b: c\ncommands: [echo]\n# x\u0085y\n")
    add_file("files", "bom-inside-value", "type: task\nname: a\ufeffb\ncommands: [\"e\ufeffcho\"]\n")
    add_file("files", "nul-unquoted", "type: task\nname: a\x00b\ncommands: [echo \x00]\n")
    add_file("files", "nul-quoted", "type: task\nname: \"a\x00b\"\ncommands: [\"echo \x00\", 'x\x00']\n")
    add_file("files", "raw-invalid-utf8", b"type: task\nname: a\x9bb\xff\xfe\ncommands: [\xc0\x80]\n# \xed\xa0\x80\n")
    for v in (".nan", ".NaN", ".inf", "-.inf"):
        s = slug(v)
        add_file("files", f"max-price-{s}", f"type: task\ncommands: [echo]\nmax_price: {v}\n")
        add_file("files", f"scaling-target-{s}",
                 f"type: service\nport: 80\ncommands: [x]\nreplicas: 0..2\nscaling:\n  metric: rps\n  target: {v}\n")
        add_file("files", f"rps-{s}",
                 f"type: service\nport: 80\ncommands: [x]\nrate_limits:\n  - prefix: /\n    rps: {v}\n")
    # Valid for dstack: one 10 KB string aliased 100,000 times is 1 GB once expanded (a live
    # plan request body, a hover that renders the value).
    add_file("files", "string-alias-amplification",
             "type: task\ncommands:\n  - &s \"echo " + "x" * 10_000 + "\"\n" + "  - *s\n" * 100_000)
    add_file("files", "env-alias-amplification",
             "type: task\ncommands: [echo]\nenv:\n  A: &v \"" + "y" * 10_000 + "\"\n"
             + "".join(f"  K{i}: *v\n" for i in range(50_000)))
    add_file("files", "line-20mb", "type: task\ncommands:\n  - echo " + "a" * (20 << 20) + "\n", big=True)
    add_file("files", "flow-nesting-100k", "type: task\ncommands: " + "[" * 100_000 + "\n")
    add_file("files", "block-nesting-2k",
             "type: task\nenv:\n" + "".join(" " * (2 * i + 2) + f"k{i}:\n" for i in range(2_000)))
    add_file("files", "dash-nesting-50k", "type: task\ncommands:\n" + "- " * 50_000 + "x\n")
    add_file("files", "anchor-nesting-10k", "type: task\ncommands: " + "".join(f"&n{i} [" for i in range(10_000)) + "\n")
    add_file("files", "merge-chain-5k",
             "type: task\ncommands: [x]\nresources:\n  <<: &r0 {cpu: 2}\n"
             + "".join(f"x{i}: &r{i + 1} {{<<: *r{i}, k{i}: 1}}\n" for i in range(5_000)))


# ---------------------------------------------------------------------------------------------


OK_FILE = "type: task\ncommands: [echo]\nfleets: [my-fleet]\n"
FLEET_FILE = "type: fleet\nname: my-fleet\nnodes: 1\n"


def workspace(name, build, note=""):
    d = OUT / "workspaces" / name
    d.mkdir(parents=True, exist_ok=True)
    (d / "ok.dstack.yml").write_text(OK_FILE)
    (d / "fleet.dstack.yml").write_text(FLEET_FILE)
    build(d)
    MANIFEST["workspaces"].append({"name": name, "path": f"workspaces/{name}", "note": note})


def sparse(path, size):
    with open(path, "wb") as f:
        f.truncate(size)


def workspaces():
    workspace("gitignore-fifo", lambda d: os.mkfifo(d / ".gitignore"))
    workspace("gitignore-dev-zero", lambda d: os.symlink("/dev/zero", d / ".gitignore"))
    workspace("gitignore-20k-lines", lambda d: (d / ".gitignore").write_text(
        "".join(f"dir{i}/**/*.log\n!keep{i}/**\n[a-z]*{i}?.tmp\n" if i % 3 == 0 else f"p{i}/\n"
                for i in range(20_000))))

    def many(d):
        for i in range(3_000):
            sub = d / f"d{i % 50}"
            sub.mkdir(exist_ok=True)
            (sub / f"f{i}.dstack.yml").write_text(f"type: fleet\nname: f{i}\nnodes: 1\n")
    workspace("many-files-3000", many)

    def loops(d):
        (d / "a").mkdir()
        os.symlink("..", d / "a" / "up")
        os.symlink("self", d / "self")
        os.symlink("loop.dstack.yml", d / "loop.dstack.yml")
        os.symlink("b.dstack.yml", d / "a.dstack.yml")
        os.symlink("a.dstack.yml", d / "b.dstack.yml")
    workspace("symlink-loops", loops)

    def specials(d):
        os.mkfifo(d / "x.dstack.yml")
        (d / "dir.dstack.yml").mkdir()
        os.symlink("/dev/zero", d / "zero.dstack.yml")
        os.symlink("/dev/urandom", d / "urandom.dstack.yml")
    workspace("special-files", specials)
    workspace("sparse-1g", lambda d: sparse(d / "big.dstack.yml", 1 << 30))

    def unreadable(d):
        s = d / "secret"
        s.mkdir()
        (s / "s.dstack.yml").write_text(OK_FILE)
        os.chmod(s, 0)
    workspace("unreadable-subdir", unreadable, note="root reads it anyway")


# ---------------------------------------------------------------------------------------------


CSV_HEAD = "instance_name,location,price,cpu,memory,gpu_count,gpu_name,gpu_memory,spot,disk_size,gpu_vendor,flags,cpu_arch,provider_data\n"
ROW = "p4d.24xlarge,{loc},{price},96,1152.0,8,A100,40.0,False,,nvidia,,x86,{{}}\n"


def zip_bytes(members, overlap_names=()):
    """A zip with `members` [(name, data, declared_size or None)], deflated. Entries named in
    `overlap_names` are extra central-directory records pointing at the first member's data."""
    body, central = b"", b""
    offsets = []
    for name, data, declared in members:
        comp = zlib.compressobj(9, zlib.DEFLATED, -15)
        packed = comp.compress(data) + comp.flush() if isinstance(data, bytes) else data()
        size = declared if declared is not None else (len(data) if isinstance(data, bytes) else 0)
        offsets.append((name, len(body), len(packed), size))
        n = name.encode()
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, 0, len(packed), size, len(n), 0) + n + packed
    entries = offsets + [(n, offsets[0][1], offsets[0][2], offsets[0][3]) for n in overlap_names]
    for name, off, clen, size in entries:
        n = name.encode()
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, 0, clen, size,
                               len(n), 0, 0, 0, 0, 0, off) + n
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), len(body), 0)
    return body + central + end


def big_csv_deflated(total):
    """A CSV of ~`total` bytes (one repeated row), deflated in chunks without holding it whole."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = (ROW.format(loc="us-east-1", price="1.5") * 4096).encode()
    out = [comp.compress(CSV_HEAD.encode())]
    done = 0
    while done < total:
        out.append(comp.compress(chunk))
        done += len(chunk)
    out.append(comp.flush())
    return b"".join(out), done


def catalogs():
    def cat(name, build, note=""):
        p = OUT / "catalogs" / name
        build(p)
        MANIFEST["catalogs"].append({"name": name, "path": f"catalogs/{name}", "note": note})

    def fifo_version(p):
        (p / "aws").mkdir(parents=True)
        os.mkfifo(p / "aws" / "version")
    cat("fifo-version", fifo_version)

    def sparse_csv(p):
        p.mkdir(parents=True)
        sparse(p / "aws.csv", 1 << 30)
    cat("sparse-1g-csv", sparse_csv)

    def overlap(p):
        p.mkdir(parents=True)
        packed, size = big_csv_deflated(256 << 20)
        providers = ["aws", "gcp", "azure", "lambdalabs", "oci", "runpod", "nebius", "verda",
                     "cloudrift", "vastai", "cudo", "tensordock"]
        data = zip_bytes([("aws.csv", lambda: packed, size)],
                         [f"{pv}.csv" for pv in providers[1:]] + [f"x{i}/aws.csv" for i in range(200)])
        (p / "catalog.zip").write_bytes(data)
    cat("zip-overlapping-members", overlap, note="213 entries share one 256 MB member")

    def declared_huge(p):
        p.mkdir(parents=True)
        data = (CSV_HEAD + ROW.format(loc="us-east-1", price="1.5")).encode()
        (p / "catalog.zip").write_bytes(zip_bytes([("aws.csv", data, 0xFFFFFFFF)]))
    cat("zip-declared-4g", declared_huge)

    def regions(p):
        p.mkdir(parents=True)
        (p / "aws.csv").write_text(CSV_HEAD + "".join(
            ROW.format(loc=f"region-{i}", price=f"{1 + i % 97}.5") for i in range(70_000)))
    cat("regions-70k", regions)

    def negative(p):
        p.mkdir(parents=True)
        (p / "aws.csv").write_text(CSV_HEAD + "".join(
            ROW.format(loc="us-east-1", price=v) for v in ("-1", "-0", "-1e308", "-inf", "nan", "inf", "1e309", "-0.0001")))
    cat("negative-prices", negative)


def settings():
    def s(name, steps):
        MANIFEST["settings"].append({"name": name, "steps": steps})
    fifo = OUT / "catalogs" / "settings-fifo"
    fifo.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(fifo)
    s("catalog-path-fifo", [{"dstack": {"catalog": {"path": str(fifo)}}}])
    s("catalog-path-dev-zero", [{"dstack": {"catalog": {"path": "/dev/zero"}}}])
    s("catalog-path-dev-urandom", [{"dstack": {"catalog": {"path": "/dev/urandom"}}}])
    s("live-url-unclosed-ipv6", [{"dstack": {"live": {"enabled": True, "url": "http://[::1"}}}])
    s("catalog-path-set-then-cleared", [
        {"dstack": {"catalog": {"path": str(OUT / "catalogs" / "regions-70k")}}},
        {"dstack": {"catalog": {"path": None}}},
    ])
    for c in list(MANIFEST["catalogs"]):
        s(f"catalog-{c['name']}", [{"dstack": {"catalog": {"path": str(OUT / c["path"])}}}])


def frames():
    def f(name, data, note=""):
        write(f"frames/{name}.bin", data)
        MANIFEST["frames"].append({"name": name, "path": f"frames/{name}.bin", "note": note})

    def open_body(text_json):
        return (b'{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":'
                b'{"uri":"file:///w/frame.dstack.yml","languageId":"yaml","version":1,"text":"' + text_json + b'"}}}')

    def frame(body, head=None):
        head = head if head is not None else f"Content-Length: {len(body)}\r\n".encode()
        return head + b"\r\n" + body
    body = open_body(b"type: task\\n")
    f("content-length-hex", frame(body, f"Content-Length: {len(body):#x}\r\n".encode()))
    harmless = b'{"jsonrpc":"2.0","method":"$/hostile","params":{}}'
    f("content-length-0x39", frame(harmless.ljust(0x39), b"Content-Length: 0x39\r\n"))
    f("content-length-above-cap", frame(body, b"Content-Length: 9999999999999\r\n"))
    f("content-length-above-usize", frame(body, b"Content-Length: 99999999999999999999999999\r\n"))
    f("extra-header", frame(body, f"Content-Length: {len(body)}\r\nX-Request-Source: test\r\n".encode()))
    f("lone-surrogate-open", frame(open_body(b"type: task\\nname: a\\ud800b\\n")))
    change = (b'{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":'
              b'{"uri":"file:///w/frame.dstack.yml","version":2},"contentChanges":[{"text":"type: \\udfff\\ud800"}]}}')
    f("lone-surrogate-change", frame(open_body(b"type: task\\n")) + frame(change))
    f("raw-invalid-utf8-open", frame(open_body(b"type: task\\nname: a\xff\xfe\x9bb\\n")))
    f("header-only-garbage", b"\x00\xff" * 5000 + b"\r\n\r\n")
    f("long-header-line", b"X" * (1 << 20) + b"\r\n\r\n")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    files()
    workspaces()
    catalogs()
    settings()
    frames()
    (OUT / "manifest.json").write_text(json.dumps(MANIFEST, indent=1))
    counts = {k: len(v) for k, v in MANIFEST.items()}
    print(json.dumps(counts))


if __name__ == "__main__":
    main()

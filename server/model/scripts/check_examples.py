#!/usr/bin/env python3
"""Check every property example and type skeleton in data/model.json against dstack itself.

For each property of each object, builds a small configuration that contains the example at the
place the object is reached from a type's root (plus the required keys around it), writes it to a
temporary `.dstack.yml`, and runs dstack's own validation through the oracle script. Prints the
examples dstack rejects; exit status 1 if there are any.

Usage (needs PyYAML and a virtualenv with `dstack==0.22.5`):
    python server/model/scripts/check_examples.py ORACLE_SCRIPT DSTACK_PYTHON [-v]

ORACLE_SCRIPT is a script that takes configuration files and prints one JSON line per file with
`file`, `ok` and `error` (dstack_validate.py in the test bench); DSTACK_PYTHON runs it.
"""

import argparse
import json
import pathlib
import re
import subprocess
import sys
import tempfile

import yaml

MODEL = pathlib.Path(__file__).resolve().parent.parent / "data" / "model.json"

# The smallest documents dstack accepts, per type root object.
BASES = {
    "dev-environment": {"type": "dev-environment"},
    "task": {"type": "task", "commands": ["echo"]},
    "service": {"type": "service", "commands": ["echo"], "port": 8000},
    "fleet": {"type": "fleet", "nodes": 1},
    "gateway": {"type": "gateway", "backend": "aws", "region": "eu-west-1"},
    "preset": {"type": "preset", "repo": "org/model", "trials": 1, "max_ttft": 100,
               "min_context_length": 1024, "concurrency": 1},
}
for b in ["aws", "gcp", "runpod"]:
    BASES["volume-" + b] = {"type": "volume", "backend": b, "region": "r1"}
for b in ["kubernetes", "daytona", "lium"]:
    BASES["volume-" + b] = {"type": "volume", "backend": b}

# Keys some examples need next to them (dstack's cross-field rules).
NEEDS = {
    ("dev-environment", "version"): {"ide": "vscode"},
    ("service", "scaling"): {"replicas": "1..2"},
    ("service", "replicas"): {"scaling": {"metric": "rps", "target": 1}},
    ("service-replica-group", "scaling"): {"replicas": "1..2"},
    ("service-replica-group", "replicas"): {"scaling": {"metric": "rps", "target": 1}},
    ("service-replica-group", "router"): {"replicas": 1},
    ("service-replica-group", "*"): {"commands": ["echo"]},
    ("task-node-group", "*"): {"commands": ["echo"]},
    ("int-range", "min"): {"max": 4},
    ("fleet", "env"): {"ssh_config": {"user": "ubuntu", "identity_file": "~/.ssh/id_rsa", "hosts": ["10.0.0.1"]}},
}


# Probes whose verdict depends on a rule outside the property's shapes (documented in its `note`
# or in a cross-field rule), so dstack's answer differs from what the shapes alone say.
KNOWN = {
    "service.scaling = null": "a `replicas` range needs `scaling`",
    "service-replica-group.scaling = null": "a `replicas` range needs `scaling`",
    "preset.min_context_length = null": "required by `dstack apply` (note)",
    "preset.max_ttft = null": "required by `dstack apply` (note)",
    "preset.trials = null": "required by `dstack apply` (note)",
    "preset.concurrency = null": "required by `dstack apply` (note)",
    "int-range.min = null": "a range needs one bound",
    "int-range.max = null": "a range needs one bound",
    "memory-range.min = null": "a range needs one bound",
    "memory-range.max = null": "a range needs one bound",
    "repo.url = number as string": "the text must also be a Git URL",
}

# NEEDS entries that replace the value already there.
OVERRIDE = {("service-replica-group", "router"): ("replicas",)}

# Older spellings that must not be the path used to reach an object.
LEGACY_PATHS = {("service", "replicas")}


def add_needs(oid, mapping):
    for key in list(mapping) + ["*"]:
        for k, v in NEEDS.get((oid, key), {}).items():
            if k in OVERRIDE.get((oid, key), ()):
                mapping[k] = v
            else:
                mapping.setdefault(k, v)
    # A fixed replica count forbids `scaling`.
    if isinstance(mapping.get("replicas"), int):
        mapping.pop("scaling", None)


def drop_excluded(objects, oid, mapping, key):
    for rule in objects[oid].get("exclusive", []):
        if key in rule["keys"]:
            for k in rule["keys"]:
                if k != key:
                    mapping.pop(k, None)


def load_model():
    m = json.loads(MODEL.read_text())
    objects = {o["id"]: o for o in m["objects"]}

    def props(o):
        out = []
        for p in o["properties"]:
            if "use" in p:
                frag = props(objects[p["use"]])
                only = p.get("only")
                out += [x for x in frag if (only is None or x["name"] in only) and x["name"] not in p.get("except", [])]
            else:
                out.append(p)
        return out

    for o in objects.values():
        o["props"] = props(o)
    return m, objects


def paths_to_objects(m, objects):
    """The first path (list of (key, is_list_item)) from a root object to each object."""
    found = {}
    queue = []
    for t in m["types"]:
        root = t["root"]
        ids = [root["object"]] if root["kind"] == "object" else [v["object"] for v in root["variants"]]
        for i in ids:
            found.setdefault(i, (i, []))
            queue.append(i)
    while queue:
        oid = queue.pop(0)
        root, path = found[oid]
        for p in objects[oid]["props"]:
            if (oid, p["name"]) in LEGACY_PATHS:
                continue
            for shape, is_list in walk_shapes(p["shapes"]):
                for child in shape_objects(shape):
                    if child not in found and not objects[child].get("fragment"):
                        found[child] = (root, path + [(p["name"], is_list, oid)])
                        queue.append(child)
    return found


def walk_shapes(shapes, in_list=False):
    for s in shapes:
        if s["kind"] == "list":
            yield from walk_shapes(s["items"], True)
        else:
            yield s, in_list


def shape_objects(s):
    if s["kind"] == "object":
        return [s["object"]]
    if s["kind"] == "union":
        return [v["object"] for v in s["variants"]]
    return []


def example_value(p):
    return yaml.safe_load(p["example"])[p["name"]]


def required_mapping(objects, oid):
    out = {}
    for p in objects[oid]["props"]:
        if p.get("required"):
            out[p["name"]] = example_value(p)
    tag = objects[oid].get("tag")
    if tag:
        out[tag["key"]] = tag["value"]
    return out


EXAMPLE = object()


def fill_requires_any(objects, oid, mapping, tested):
    for rule in objects[oid].get("requires_any", []):
        if not any(mapping.get(k) for k in rule["keys"]):
            key = next(k for k in rule["keys"] if k != tested)
            other = next(p for p in objects[oid]["props"] if p["name"] == key)
            mapping[key] = example_value(other)


def build(objects, found, oid, prop, value=EXAMPLE):
    root, path = found[oid]
    inner = required_mapping(objects, oid)
    drop_excluded(objects, oid, inner, prop["name"])
    inner[prop["name"]] = example_value(prop) if value is EXAMPLE else value
    add_needs(oid, inner)
    if root != oid:
        fill_requires_any(objects, oid, inner, prop["name"])
    for key, is_list, parent in reversed(path):
        outer = required_mapping(objects, parent) if parent != root else {}
        outer[key] = [inner] if is_list else inner
        add_needs(parent, outer)
        inner = outer
    doc = dict(BASES[root])
    # Keys the example excludes leave the base (e.g. `groups` replaces `commands`).
    for key in inner:
        drop_excluded(objects, root, doc, key)
    if "ssh_config" in inner:
        doc.pop("nodes", None)
    for k, v in inner.items():
        doc[k] = v
    if root == oid:
        for k in BASES[root]:
            if k != prop["name"] and doc.get(k) is None and k in inner:
                doc[k] = BASES[root][k]
        fill_requires_any(objects, oid, doc, prop["name"])
    return doc


def variants(objects, oid, p):
    """(label, value, expected verdict) probes of the shapes the model claims for `p`."""
    shapes = p["shapes"]
    kinds = {s["kind"] for s in shapes}
    tag = objects[oid].get("tag")
    if p["name"] == "type" or (tag and tag["key"] == p["name"]) or p.get("hidden"):
        return
    yield "null", None, "null" in kinds
    for s in shapes:
        if s["kind"] == "enum":
            for v in s["values"]:
                for text in [v["value"], *v.get("aliases", [])]:
                    yield f"enum {text}", text, True
                    if text.upper() != text and not s.get("coerce_numbers"):
                        yield f"enum {text.upper()}", text.upper(), bool(s.get("case_insensitive"))
        if s["kind"] == "list" and len(s["items"]) == 1 and s["items"][0]["kind"] == "enum":
            for v in s["items"][0]["values"]:
                yield f"list enum {v['value']}", [v["value"]], True
        if s["kind"] in ("integer", "number"):
            step = 1 if s["kind"] == "integer" else 0.001
            if "ge" in s:
                yield f"ge {s['ge']}", s["ge"], True
                yield f"below {s['ge']}", s["ge"] - step, False
            if "gt" in s:
                yield f"gt {s['gt']}", s["gt"], False
                yield f"above {s['gt']}", s["gt"] + step, True
            if "le" in s:
                yield f"le {s['le']}", s["le"], True
                above = s["le"] + 1 if s["kind"] == "integer" else s["le"] * 1.01 + 0.01
                yield f"above {s['le']}", above, False
    takes_text = any(s["kind"] == "string" for s in shapes)
    syntax_text = any(s["kind"] == "string" and (s.get("syntax") or s.get("pattern")) for s in shapes)
    if "list" in kinds and not syntax_text:
        yield "scalar for a list", "xyz", takes_text
        for s in shapes:
            if s["kind"] == "list" and s.get("min_items"):
                yield "empty list", [], False
    if kinds & {"object", "union"} and not takes_text:
        yield "scalar for a mapping", "xyz", False
    if kinds <= {"boolean", "null"}:
        yield "word for a boolean", "maybe", False
        yield "yes for a boolean", "yes", True
    if kinds & {"integer"} and not takes_text:
        low = max([s.get("ge", 1) for s in shapes if s["kind"] == "integer"] + [1])
        yield "numeric text for an integer", str(low), True
    plain = [s for s in shapes if s["kind"] == "string" and not s.get("syntax") and not s.get("pattern")
             and not s.get("min_len")]
    if plain:
        yield "number as string", 12345, plain[0].get("coerce_numbers", True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("oracle")
    ap.add_argument("python")
    ap.add_argument("--shapes", action="store_true",
                    help="also probe nullability, enum values, case, bounds and number-to-string coercion")
    ap.add_argument("--keep", help="also write the files and dstack's verdicts (ORACLE.jsonl) to this folder, "
                                   "e.g. to check schemas/dstack.schema.json with schemas/check_corpus.py")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    m, objects = load_model()
    found = paths_to_objects(m, objects)
    cases = []
    with tempfile.TemporaryDirectory() as tmp:
        # Each type's skeleton with its tab stops filled with their defaults (first choice).
        for t in m["types"]:
            text = re.sub(r"\$\{\d+\|([^,|]*)[^}]*\}", r"\1", t["skeleton"])
            text = re.sub(r"\$\{\d+:([^}]*)\}", r"\1", text)
            f = pathlib.Path(tmp) / f"skeleton-{t['name']}.dstack.yml"
            f.write_text(text)
            cases.append((f"skeleton {t['name']}", f, text))
        for oid, o in objects.items():
            if o.get("fragment") or oid not in found:
                continue
            for p in o["props"]:
                if p.get("hidden"):
                    continue
                doc = build(objects, found, oid, p)
                f = pathlib.Path(tmp) / f"{len(cases):04d}.dstack.yml"
                f.write_text(yaml.safe_dump(doc, sort_keys=False))
                cases.append((f"{oid}.{p['name']}", f, doc))
        examples = len(cases)
        probes = []
        if args.shapes:
            for oid, o in objects.items():
                if o.get("fragment") or oid not in found:
                    continue
                for p in o["props"]:
                    for label, value, expected in variants(objects, oid, p):
                        doc = build(objects, found, oid, p, value)
                        f = pathlib.Path(tmp) / f"{len(cases):04d}.dstack.yml"
                        f.write_text(yaml.safe_dump(doc, sort_keys=False))
                        cases.append((f"{oid}.{p['name']} = {label}", f, doc))
                        probes.append(expected)
        out = subprocess.run([args.python, args.oracle] + [str(c[1]) for c in cases],
                             capture_output=True, text=True).stdout
        if args.keep:
            keep = pathlib.Path(args.keep)
            keep.mkdir(parents=True, exist_ok=True)
            lines = []
            for (label, f, _), line in zip(cases, out.splitlines()):
                v = json.loads(line)
                (keep / f.name).write_text(f.read_text())
                lines.append(json.dumps({"file": f.name, "ok": v["ok"], "error": v["error"], "label": label}))
            (keep / "ORACLE.jsonl").write_text("\n".join(lines) + "\n")
    verdicts = [json.loads(line) for line in out.splitlines() if line.strip()]
    expected = [True] * examples + probes
    bad = 0
    for (label, _, doc), v, want in zip(cases, verdicts, expected):
        if v["ok"] != want and label not in KNOWN:
            bad += 1
            what = "REJECTED" if want else "ACCEPTED (model says invalid)"
            print(f"{what} {label}: {str(v['error']).splitlines()[-2:] if v['error'] else ''}")
            if args.verbose:
                print("   ", json.dumps(doc))
    print(f"examples and skeletons: {examples}; shape probes: {len(probes)} ({len(KNOWN)} known exceptions); "
          f"disagreements with dstack: {bad}")
    return 1 if bad or len(verdicts) != len(cases) else 0


if __name__ == "__main__":
    sys.exit(main())

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


def build(objects, found, oid, prop):
    root, path = found[oid]
    inner = required_mapping(objects, oid)
    # An example of a tag key is the tag itself.
    drop_excluded(objects, oid, inner, prop["name"])
    inner[prop["name"]] = example_value(prop)
    add_needs(oid, inner)
    for rule in objects[oid].get("requires_any", []):
        if not any(k in inner for k in rule["keys"]):
            first = next(p for p in objects[oid]["props"] if p["name"] == rule["keys"][0])
            inner[first["name"]] = example_value(first)
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
    return doc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("oracle")
    ap.add_argument("python")
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
        out = subprocess.run([args.python, args.oracle] + [str(c[1]) for c in cases],
                             capture_output=True, text=True).stdout
    verdicts = [json.loads(line) for line in out.splitlines() if line.strip()]
    bad = 0
    for (label, _, doc), v in zip(cases, verdicts):
        if not v["ok"]:
            bad += 1
            print(f"REJECTED {label}: {str(v['error']).splitlines()[-2:]}")
            if args.verbose:
                print("   ", json.dumps(doc))
    print(f"examples checked: {len(verdicts)}; rejected by dstack: {bad}")
    return 1 if bad or len(verdicts) != len(cases) else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Check schemas/dstack.schema.json against a corpus of dstack files with known verdicts.

Usage:
    python schemas/check_corpus.py CORPUS_DIR [--oracle ORACLE.jsonl] [--yaml12] [-v]

CORPUS_DIR holds `*.dstack.yml` files; ORACLE.jsonl (default CORPUS_DIR/ORACLE.jsonl) has one
JSON object per line with `file` (relative to CORPUS_DIR) and `ok` (dstack's verdict).
Needs `jsonschema` and `pyyaml` (e.g. `python3 -m venv venv && venv/bin/pip install jsonschema pyyaml`).

Files are read the way dstack reads them (PyYAML `safe_load`, YAML 1.1) unless `--yaml12` is given,
which re-reads YAML 1.1-only scalars (`on`, `yes`, `3.10`…) the way a YAML 1.2 editor does:
as strings or as the float they spell. A false error is a file dstack accepts that the schema
rejects; the count must be 0. A caught file is one dstack rejects that the schema rejects too.
"""

import argparse
import datetime
import json
import pathlib
import re
import sys

import jsonschema
import yaml

HERE = pathlib.Path(__file__).resolve().parent


class Yaml12Loader(yaml.SafeLoader):
    """SafeLoader whose booleans are only true/false, like YAML 1.2 core schema readers."""


Yaml12Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:bool"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.copy().items()
}
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def jsonable(value):
    """Dates and other non-JSON scalars become text, as an editor would see them."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--oracle")
    ap.add_argument("--schema", default=str(HERE / "dstack.schema.json"))
    ap.add_argument("--yaml12", action="store_true")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()

    corpus = pathlib.Path(args.corpus)
    oracle_path = pathlib.Path(args.oracle) if args.oracle else corpus / "ORACLE.jsonl"
    schema = json.loads(pathlib.Path(args.schema).read_text())
    validator_cls = jsonschema.validators.validator_for(schema)
    validator_cls.check_schema(schema)
    validator = validator_cls(schema)
    loader = Yaml12Loader if args.yaml12 else yaml.SafeLoader

    false_errors, caught, missed, valid, invalid, unreadable = [], [], [], 0, 0, 0
    for line in oracle_path.read_text().splitlines():
        if not line.strip():
            continue
        verdict = json.loads(line)
        path = corpus / verdict["file"]
        try:
            data = jsonable(yaml.load(path.read_text(), Loader=loader))
        except yaml.YAMLError:
            unreadable += 1
            continue
        errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
        if verdict["ok"]:
            valid += 1
            if errors:
                false_errors.append((verdict["file"], errors))
        else:
            invalid += 1
            (caught if errors else missed).append((verdict["file"], errors, verdict.get("error")))

    print(f"files: {valid + invalid} ({valid} valid, {invalid} invalid per dstack); unreadable YAML: {unreadable}")
    print(f"false errors: {len(false_errors)}")
    print(f"invalid files caught: {len(caught)} of {invalid}")
    for f, errs in false_errors:
        print(f"  FALSE ERROR {f}")
        for e in errs[:3]:
            print(f"    at {'/'.join(map(str, e.absolute_path))}: {e.message[:200]}")
    if args.verbose:
        for f, errs, dstack_error in caught:
            print(f"  caught {f}: {errs[0].message[:120]}")
        for f, _, dstack_error in missed:
            print(f"  missed {f}: dstack says {str(dstack_error)[:160]!r}")
    return 1 if false_errors else 0


if __name__ == "__main__":
    sys.exit(main())

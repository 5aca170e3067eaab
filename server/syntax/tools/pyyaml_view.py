#!/usr/bin/env python3
"""Print, for each YAML file given, what `yaml.safe_load` (PyYAML, as dstack uses it) returns,
in the one-line form of `examples/yaml_view.rs`, or `ERR` and PyYAML's message. Compare the
first two columns of both outputs to check the syntax crate against PyYAML."""

import datetime
import math
import sys

import yaml


def quote(s):
    out = ['"']
    for c in s:
        if c == '"':
            out.append('\\"')
        elif c == "\\":
            out.append("\\\\")
        elif c == "\n":
            out.append("\\n")
        elif c == "\t":
            out.append("\\t")
        elif c == "\r":
            out.append("\\r")
        elif ord(c) < 0x20:
            out.append("\\u%04x" % ord(c))
        else:
            out.append(c)
    out.append('"')
    return "".join(out)


def render(v):
    if v is None:
        return "~"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return quote(v)
    if isinstance(v, (datetime.date, datetime.datetime)):
        return "date"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{render(k)}: {render(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(render(x) for x in v) + "]"
    return "?" + type(v).__name__


for path in sys.argv[1:]:
    try:
        with open(path, encoding="utf-8", newline="") as f:
            value = yaml.safe_load(f.read())
        print(f"{path}\t{render(value)}")
    except Exception as e:  # every load failure counts as ERR
        print(f"{path}\tERR\t{str(e).splitlines()[0] if str(e) else type(e).__name__}")

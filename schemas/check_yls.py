#!/usr/bin/env python3
"""Run yaml-language-server with schemas/dstack.schema.json over a corpus and count diagnostics.

Usage:
    python schemas/check_yls.py YLS_BIN CORPUS_DIR [--name .dstack.yml] [--yaml-version 1.2] [-v]

YLS_BIN is the `yaml-language-server` launcher (e.g. node_modules/.bin/yaml-language-server after
`npm install yaml-language-server@2.0.0`). CORPUS_DIR has ORACLE.jsonl (`file`, `ok` per line).
Each file is opened under a virtual path whose base name is `--name` (default `.dstack.yml`, the
name dstack uses when `-f` is not given), so this also checks that the `yaml.schemas` globs below
match it. Only diagnostics from the schema count (YAML syntax problems and duplicate keys are
reported separately). Standard library only.
"""

import argparse
import json
import pathlib
import subprocess
import sys
import threading
import queue

HERE = pathlib.Path(__file__).resolve().parent
GLOBS = ["*.dstack.yml", "*.dstack.yaml", ".dstack.yml", ".dstack.yaml"]


class Client:
    def __init__(self, cmd, settings):
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.settings = settings
        self.next_id = 1
        self.msgs = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        out = self.proc.stdout
        while True:
            headers = {}
            while True:
                line = out.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                k, _, v = line.decode().partition(":")
                headers[k.lower()] = v.strip()
            body = out.read(int(headers["content-length"]))
            self.msgs.put(json.loads(body))

    def send(self, msg):
        data = json.dumps(msg).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(data) + data)
        self.proc.stdin.flush()

    def request(self, method, params):
        rid = self.next_id
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        return self.wait(lambda m: m.get("id") == rid and "method" not in m)

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait(self, pred, timeout=30):
        while True:
            m = self.msgs.get(timeout=timeout)
            if "method" in m and "id" in m:  # server -> client request
                result = None
                if m["method"] == "workspace/configuration":
                    result = [self.settings.get(i.get("section", ""), None) for i in m["params"]["items"]]
                self.send({"jsonrpc": "2.0", "id": m["id"], "result": result})
                continue
            if pred(m):
                return m


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("yls")
    ap.add_argument("corpus")
    ap.add_argument("--name", default=".dstack.yml")
    ap.add_argument("--schema", default=str(HERE / "dstack.schema.json"))
    ap.add_argument("--yaml-version", default="1.2")
    ap.add_argument("--modeline", action="store_true", help="no yaml.schemas; prepend a `$schema` modeline instead")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()

    schema_uri = pathlib.Path(args.schema).resolve().as_uri()
    yaml_settings = {
        "schemas": {} if args.modeline else {schema_uri: GLOBS},
        "schemaStore": {"enable": False},
        "validate": True,
        "hover": True,
        "completion": True,
        "format": {"enable": False},
        "yamlVersion": args.yaml_version,
    }
    client = Client([args.yls, "--stdio"], {"yaml": yaml_settings})
    client.request("initialize", {"processId": None, "rootUri": None, "capabilities": {
        "workspace": {"configuration": True, "didChangeConfiguration": {"dynamicRegistration": False}},
        "textDocument": {"publishDiagnostics": {}, "hover": {"contentFormat": ["markdown"]}}}})
    client.notify("initialized", {})
    client.notify("workspace/didChangeConfiguration", {"settings": {"yaml": yaml_settings}})

    corpus = pathlib.Path(args.corpus)
    verdicts = [json.loads(l) for l in (corpus / "ORACLE.jsonl").read_text().splitlines() if l.strip()]
    false_errors, caught, yaml_only, invalid = [], 0, 0, 0
    schema_applied = None
    for i, v in enumerate(verdicts):
        text = (corpus / v["file"]).read_text()
        if args.modeline:
            text = f"# yaml-language-server: $schema={schema_uri}\n" + text
        uri = f"file:///virtual/{i:04d}/{args.name}"
        client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}})
        msg = client.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri)
        if schema_applied is None:
            # Hover on `type` answers only when a schema is attached to the file.
            line = next((n for n, l in enumerate(text.splitlines()) if l.startswith("type:")), 0)
            hover = client.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": line, "character": 1}})
            schema_applied = bool(hover.get("result"))
        diags = msg["params"]["diagnostics"]
        schema_diags = [d for d in diags if "yaml-schema" in str(d.get("source", "")) or d.get("source") == "yaml-schema"
                        or ("[YAML]" not in d.get("message", "") and d.get("source") not in ("YAML",))]
        other = [d for d in diags if d not in schema_diags]
        if other:
            yaml_only += 1
        if v["ok"] and schema_diags:
            false_errors.append((v["file"], schema_diags))
        if not v["ok"]:
            invalid += 1
            if schema_diags:
                caught += 1
                if args.verbose:
                    print(f"  caught {v['file']}: {schema_diags[0]['message'][:120]}")
        client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})

    print(f"name: {args.name}; schema applied: {schema_applied}; yaml version: {args.yaml_version}")
    print(f"files: {len(verdicts)}; false errors: {len(false_errors)}; invalid caught: {caught} of {invalid}; "
          f"files with YAML-level diagnostics (not from the schema): {yaml_only}")
    for f, ds in false_errors:
        print(f"  FALSE ERROR {f}")
        for d in ds[:3]:
            print(f"    L{d['range']['start']['line'] + 1}: {d['message'][:200]} ({d.get('source')})")
    client.proc.kill()
    return 1 if false_errors or not schema_applied else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""LSP-level benchmark of dstack-lsp, optionally side by side with yaml-language-server.

Standard library only. For each file size it starts a fresh server per run and measures:
  startup      spawn -> `initialize` answer
  open->diag   didOpen -> first publishDiagnostics
  keystroke    didChange (one character, incremental sync) -> publishDiagnostics for that
               version (or the next publish when the server sends no version); p50/p95
  completion   textDocument/completion at fixed cursor points; p50/p99
  hover        textDocument/hover at fixed points; p50/p99
  RSS          of the server's process tree: after initialize, peak, and settled (after the
               open, the edits and the requests, then an idle second)

Files: one valid dstack `service` (image, env, commands, volumes, resources, ...) whose env,
commands and volumes lists are padded to the requested line count; `33` is the unpadded file.
Output: a Markdown table (per size, median over runs; ratios yls/ours when yls ran) and,
with --json-out, every number.

Examples:
  cargo build --release -p dstack-lsp
  python3 tests/bench/lspbench.py --server target/release/dstack-lsp
  python3 tests/bench/lspbench.py --server target/release/dstack-lsp \\
      --yls 'node /path/node_modules/yaml-language-server/bin/yaml-language-server --stdio' \\
      --schema schemas/dstack.schema.json --sizes 33,5000,50000
"""
import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import select
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent

# ---------------------------------------------------------------- workload

HEAD = """type: service
name: llama-serve

image: vllm/vllm-openai:latest
env:
  - HF_TOKEN
  - MODEL_ID=meta-llama/Llama-3.1-8B-Instruct
  - MAX_MODEL_LEN=4096
"""
COMMANDS = """commands:
  - pip install -U "vllm>=0.6"
  - vllm serve $MODEL_ID --max-model-len $MAX_MODEL_LEN --port 8000
"""
MID = """port: 8000
model: meta-llama/Llama-3.1-8B-Instruct

replicas: 1..4
scaling:
  metric: rps
  target: 10

"""
VOLUMES = """volumes:
  - name: llama-cache
    path: /root/.cache/huggingface
  - /mnt/data:/data
"""
TAIL = """
resources:
  gpu: A100:80GB:2
  cpu: 8..
  memory: 64GB..
  disk: 200GB..
  shm_size: 16GB

spot_policy: auto
max_price: 2.5
"""


def service(lines: int) -> str:
    """The service padded to about `lines` lines (one third of the extra lines per list)."""
    base_lines = sum(s.count("\n") for s in (HEAD, COMMANDS, MID, VOLUMES, TAIL))
    extra = max(0, lines - base_lines)
    n_env = n_cmd = extra // 3
    env = [f"  - VAR_{i:06d}=value-{i:06d}-{i * 7919 % 100000:05d}\n" for i in range(n_env)]
    cmd = [f"  - echo \"step {i:06d}\" && python3 -c 'print({i} * 2)' >> /tmp/log-{i % 97}.txt\n"
           for i in range(n_cmd)]
    vol, left, i = [], extra - n_env - n_cmd, 0
    while left > 0:
        if left >= 2 and i % 2 == 0:
            vol.append(f"  - name: vol-{i:06d}\n    path: /mnt/vol-{i:06d}\n")
            left -= 2
        else:
            vol.append(f"  - /mnt/host-{i:06d}:/data/{i:06d}\n")
            left -= 1
        i += 1
    return HEAD + "".join(env) + COMMANDS + "".join(cmd) + MID + VOLUMES + "".join(vol) + TAIL


# (name, line prefix, first/last occurrence, line delta, column; None = right after the prefix)
COMPLETIONS = [
    ("top-level blank line", "replicas:", "first", -1, 0),
    ("top-level key start", "spot_policy:", "last", 0, 0),
    ("resources key start", "  disk:", "last", 0, 2),
    ("gpu value", "  gpu: ", "last", 0, None),
    ("type value", "type: ", "first", 0, None),
    ("scaling metric value", "  metric: ", "first", 0, None),
]
HOVERS = [
    ("type key", "type:", "first", 0, 1),
    ("image key", "image:", "first", 0, 2),
    ("commands key", "commands:", "first", 0, 3),
    ("replicas key", "replicas:", "first", 0, 3),
    ("gpu key", "  gpu:", "last", 0, 3),
    ("spot_policy value", "spot_policy: ", "last", 0, 14),
]
# Typed one character at a time after the first `env:` line (the first keystroke is the newline).
TYPED = "  - TYPED_VAR=hello-from-the-benchmark"


def position(lines: list[str], prefix: str, occ: str, dline: int, col) -> dict:
    hits = [n for n, line in enumerate(lines) if line.startswith(prefix)]
    n = (hits[0] if occ == "first" else hits[-1]) + dline
    return {"line": n, "character": len(prefix) if col is None else col}


# ---------------------------------------------------------------- JSON-RPC client

class Server:
    """A server process spoken to over stdio, from one thread: the client reads only while it
    waits for something, and stamps each message as it is read. No reader thread, so no thread
    hand-off (and no GIL contention) is counted in the latencies."""

    def __init__(self, cmd: list[str], settings: dict, cwd: str):
        self.settings = settings
        self.t_spawn = time.perf_counter()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, cwd=cwd)
        self.fd = self.proc.stdout.fileno()
        self.buf = b""
        self.responses: dict[int, tuple[float, dict]] = {}
        self.publishes: list[tuple[float, dict]] = []
        self.next_id = 0

    def _send(self, msg: dict) -> float:
        body = json.dumps(msg).encode()
        data = b"Content-Length: %d\r\n\r\n" % len(body) + body
        t = time.perf_counter()
        self.proc.stdin.write(data)
        self.proc.stdin.flush()
        return t

    def _next_message(self, deadline: float):
        """The next message, or None once `deadline` passes."""
        while True:
            end = self.buf.find(b"\r\n\r\n")
            if end >= 0:
                length = 0
                for line in self.buf[:end].split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                if len(self.buf) >= end + 4 + length:
                    body = self.buf[end + 4:end + 4 + length]
                    self.buf = self.buf[end + 4 + length:]
                    return json.loads(body)
            left = deadline - time.perf_counter()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                chunk = os.read(self.fd, 1 << 20)
                if not chunk:
                    raise RuntimeError("the server exited")
                self.buf += chunk

    def _pump(self, deadline: float) -> bool:
        """Reads and routes one message; False once `deadline` passes."""
        msg = self._next_message(deadline)
        if msg is None:
            return False
        t = time.perf_counter()
        if "method" in msg and "id" in msg:
            self._answer(msg)
        elif "method" in msg:
            if msg["method"] == "textDocument/publishDiagnostics":
                self.publishes.append((t, msg["params"]))
        else:
            self.responses[msg["id"]] = (t, msg)
        return True

    def idle(self, seconds: float) -> None:
        """Answers the server (configuration pulls, registrations) for `seconds`."""
        deadline = time.perf_counter() + seconds
        while self._pump(deadline):
            pass

    def _answer(self, msg: dict) -> None:
        result = None
        if msg["method"] == "workspace/configuration":
            result = []
            for item in msg["params"].get("items", []):
                node = self.settings
                for part in (item.get("section") or "").split("."):
                    node = node.get(part) if isinstance(node, dict) and part else node
                result.append(node)
        self._send({"jsonrpc": "2.0", "id": msg["id"], "result": result})

    def request(self, method: str, params, timeout: float = 120.0) -> tuple[float, dict]:
        """Sends a request; returns (latency in ms, response)."""
        self.next_id += 1
        rid = self.next_id
        t0 = self._send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        deadline = t0 + timeout
        while rid not in self.responses:
            if not self._pump(deadline):
                raise RuntimeError(f"{method}: no answer")
        t, msg = self.responses.pop(rid)
        return (t - t0) * 1e3, msg

    def notify(self, method: str, params) -> float:
        return self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait_diagnostics(self, uri: str, t0: float, version, start: int, timeout: float = 60.0) -> float:
        """ms from t0 to the first publish for `uri` that answers `version` (any publish after
        index `start` when the server does not send versions)."""
        deadline = time.perf_counter() + timeout
        seen = start
        while True:
            for t, p in self.publishes[seen:]:
                v = p.get("version")
                if p.get("uri") == uri and (v is None or version is None or v >= version):
                    return (t - t0) * 1e3
            seen = len(self.publishes)
            if not self._pump(deadline):
                raise RuntimeError("no diagnostics")

    def close(self) -> None:
        try:
            self.request("shutdown", None, timeout=10)
            self.notify("exit", None)
            self.proc.wait(timeout=5)
        except Exception:
            self.proc.kill()
            self.proc.wait()


# ---------------------------------------------------------------- memory

def descendants(root: int) -> list[int]:
    """`root` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                ppid = int(Path(f"/proc/{d}/stat").read_text().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(d))
            except (OSError, IndexError, ValueError):
                pass
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def status_kb(pids: list[int], field: str) -> int:
    """Sum of one `/proc/PID/status` field (`VmRSS`, `VmHWM`) over `pids`, in kB."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith(field + ":"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def tree_rss_kb(root: int) -> int:
    """RSS (kB) of `root` and all its descendants."""
    return status_kb(descendants(root), "VmRSS")


def tree_peak_kb(root: int) -> int:
    """Peak RSS (kB): the kernel's high-water mark of each process of the tree, summed. Read at
    the end instead of sampled, so no client thread competes with the timed requests."""
    return status_kb(descendants(root), "VmHWM")


# ---------------------------------------------------------------- one session

def pct(values: list[float], p: float):
    if not values:
        return None
    v = sorted(values)
    return v[min(len(v) - 1, round((len(v) - 1) * p))]


def session(cmd: list[str], settings: dict, text: str, requests: int, keystrokes: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="lspbench-") as ws:
        path = Path(ws) / "bench.dstack.yml"
        path.write_text(text)
        uri = path.as_uri()
        srv = Server(cmd, settings, ws)
        try:
            _, init = srv.request("initialize", {
                "processId": os.getpid(), "rootUri": Path(ws).as_uri(),
                "workspaceFolders": [{"uri": Path(ws).as_uri(), "name": "bench"}],
                "capabilities": {
                    "general": {"positionEncodings": ["utf-16"]},
                    "workspace": {"configuration": True, "workspaceFolders": True},
                    "textDocument": {
                        "synchronization": {"dynamicRegistration": False},
                        "completion": {"completionItem": {"snippetSupport": True}},
                        "hover": {"contentFormat": ["markdown", "plaintext"]},
                        "publishDiagnostics": {"versionSupport": True}}}})
            startup_ms = (time.perf_counter() - srv.t_spawn) * 1e3
            rss_init = tree_rss_kb(srv.proc.pid)
            srv.notify("initialized", {})
            srv.notify("workspace/didChangeConfiguration", {"settings": settings})
            srv.idle(0.3)  # let the server pull its configuration before the clock starts
            lines = text.split("\n")
            start = len(srv.publishes)
            t0 = srv.notify("textDocument/didOpen", {"textDocument": {
                "uri": uri, "languageId": "yaml", "version": 1, "text": text}})
            open_ms = srv.wait_diagnostics(uri, t0, 1, start)

            comp: dict[str, list[float]] = {}
            hov: dict[str, list[float]] = {}
            for _ in range(requests):
                for name, *pt in COMPLETIONS:
                    ms, _ = srv.request("textDocument/completion", {
                        "textDocument": {"uri": uri}, "position": position(lines, *pt)})
                    comp.setdefault(name, []).append(ms)
                for name, *pt in HOVERS:
                    ms, _ = srv.request("textDocument/hover", {
                        "textDocument": {"uri": uri}, "position": position(lines, *pt)})
                    hov.setdefault(name, []).append(ms)

            env_line = next(n for n, line in enumerate(lines) if line.startswith("env:"))
            typed = "\n" + TYPED
            keys, version = [], 1
            line, col = env_line, len(lines[env_line])
            for ch in typed[:keystrokes]:
                version += 1
                start = len(srv.publishes)
                t0 = srv.notify("textDocument/didChange", {
                    "textDocument": {"uri": uri, "version": version},
                    "contentChanges": [{"range": {"start": {"line": line, "character": col},
                                                  "end": {"line": line, "character": col}},
                                        "text": ch}]})
                keys.append(srv.wait_diagnostics(uri, t0, version, start))
                line, col = (line + 1, 0) if ch == "\n" else (line, col + 1)
            srv.idle(1.0)
            rss_settled = tree_rss_kb(srv.proc.pid)
            rss_peak = tree_peak_kb(srv.proc.pid)
        finally:
            srv.close()
        all_c = [x for v in comp.values() for x in v]
        all_h = [x for v in hov.values() for x in v]
        return {
            "server": init.get("result", {}).get("serverInfo", {}),
            "startup_ms": startup_ms, "open_diag_ms": open_ms,
            "keystroke_p50_ms": pct(keys, 0.5), "keystroke_p95_ms": pct(keys, 0.95),
            "completion_p50_ms": pct(all_c, 0.5), "completion_p99_ms": pct(all_c, 0.99),
            "hover_p50_ms": pct(all_h, 0.5), "hover_p99_ms": pct(all_h, 0.99),
            "completion_p99_by_point": {k: pct(v, 0.99) for k, v in comp.items()},
            "hover_p99_by_point": {k: pct(v, 0.99) for k, v in hov.items()},
            "rss_init_mb": rss_init / 1024, "rss_peak_mb": max(rss_peak, rss_settled) / 1024,
            "rss_settled_mb": rss_settled / 1024, "samples": {"completion": len(all_c),
                                                             "hover": len(all_h), "keystrokes": len(keys)},
        }


# ---------------------------------------------------------------- report

METRICS = [
    ("startup_ms", "spawn → initialize (ms)"),
    ("open_diag_ms", "didOpen → diagnostics (ms)"),
    ("keystroke_p50_ms", "keystroke → diagnostics p50 (ms)"),
    ("keystroke_p95_ms", "keystroke → diagnostics p95 (ms)"),
    ("completion_p50_ms", "completion p50 (ms)"),
    ("completion_p99_ms", "completion p99 (ms)"),
    ("hover_p50_ms", "hover p50 (ms)"),
    ("hover_p99_ms", "hover p99 (ms)"),
    ("rss_init_mb", "RSS after initialize (MB)"),
    ("rss_peak_mb", "RSS peak (MB)"),
    ("rss_settled_mb", "RSS settled (MB)"),
]


def median_of(runs: list[dict], key: str):
    vals = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(vals) if vals else None


def fmt(v) -> str:
    if v is None:
        return "–"
    return f"{v:.2f}" if v < 10 else f"{v:.1f}" if v < 100 else f"{v:,.0f}"


def table(results: dict, sizes: list[int]) -> str:
    servers = list(results)
    head = ["metric"]
    for n in sizes:
        for s in servers:
            head.append(f"{s} {n}")
        if len(servers) > 1:
            head.append(f"{servers[1]}/{servers[0]} {n}")
    out = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for key, label in METRICS:
        row = [label]
        for n in sizes:
            meds = [median_of(results[s].get(n, []), key) for s in servers]
            row += [fmt(m) for m in meds]
            if len(servers) > 1:
                a, b = meds[0], meds[1]
                row.append(f"{b / a:,.0f}×" if a and b else "–")
        out.append("| " + " | ".join(row) + " |")
    return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--server", default=str(REPO / "target/release/dstack-lsp"),
                    help="dstack-lsp command line (default: target/release/dstack-lsp)")
    ap.add_argument("--yls", help="yaml-language-server command line (with --stdio); skipped when absent")
    ap.add_argument("--schema", default=str(REPO / "schemas/dstack.schema.json"),
                    help="JSON schema given to yls for *.dstack.yml")
    ap.add_argument("--sizes", default="33,5000,50000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--yls-runs", type=int, default=1)
    ap.add_argument("--requests", type=int, default=40, help="rounds over the cursor points (ours)")
    ap.add_argument("--yls-requests", type=int, default=5, help="rounds over the cursor points (yls)")
    ap.add_argument("--keystrokes", type=int, default=len(TYPED) + 1)
    ap.add_argument("--yls-keystrokes", type=int, default=15)
    ap.add_argument("--json-out")
    a = ap.parse_args()
    sizes = [int(s) for s in a.sizes.split(",")]
    texts = {n: service(n) for n in sizes}
    schema_uri = Path(a.schema).resolve().as_uri()
    yls_settings = {"yaml": {"schemas": {schema_uri: ["*.dstack.yml", ".dstack.yml"]},
                             "validate": True, "completion": True, "hover": True,
                             "schemaStore": {"enable": False}}}
    plan = [("dstack-lsp", shlex.split(a.server), {"dstack": {}}, a.runs, a.requests, a.keystrokes)]
    if a.yls:
        plan.append(("yls", shlex.split(a.yls), yls_settings, a.yls_runs, a.yls_requests, a.yls_keystrokes))
    results: dict[str, dict[int, list[dict]]] = {}
    for name, cmd, settings, runs, requests, keystrokes in plan:
        for n in sizes:
            for r in range(runs):
                res = session(cmd, settings, texts[n], requests, keystrokes)
                results.setdefault(name, {}).setdefault(n, []).append(res)
                print(f"{name} {n} lines run {r + 1}: startup {fmt(res['startup_ms'])} ms, "
                      f"keystroke p50 {fmt(res['keystroke_p50_ms'])} ms, completion p99 "
                      f"{fmt(res['completion_p99_ms'])} ms, hover p99 {fmt(res['hover_p99_ms'])} ms, "
                      f"RSS settled {fmt(res['rss_settled_mb'])} MB", file=sys.stderr)
    lines = {n: texts[n].count("\n") for n in sizes}
    print(f"Files: {', '.join(f'{v:,} lines' for v in lines.values())}; median of runs "
          f"(dstack-lsp {a.runs}, yls {a.yls_runs if a.yls else 0}); load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs.\n")
    print(table(results, sizes))
    if a.json_out:
        Path(a.json_out).write_text(json.dumps({"sizes": lines, "results": results}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

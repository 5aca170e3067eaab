#!/usr/bin/env python3
"""Go-to-definition latency and peak memory (VmHWM) of dstack-lsp in large workspaces.

Standard library only. Scenarios, each in a fresh temporary workspace:
  gitignore   a 20,000-line `.gitignore` and one volume file
  many        20,001 dstack files (one volume file, 20,000 tasks) in 200 directories

For each it starts the server, waits for the workspace index (its `window/logMessage`
summary; a server without an index never sends one, so the wait is bounded by --settle),
opens a task that mounts the volume, and times --requests definition requests.
Prints one line per scenario: index time, first and median definition latency, locations
found, and VmHWM.

  python3 tests/bench/workspace_index.py --server target/release/dstack-lsp
"""
import argparse
import json
import os
import select
import shutil
import statistics
import subprocess
import tempfile
import time

VOLUME = "type: volume\nname: my-vol\nbackend: aws\nregion: us-east-1\nsize: 100GB\n"
TASK = "type: task\ncommands: [ls /data]\nvolumes:\n  - my-vol:/data\n"


class Server:
    def __init__(self, cmd):
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL)
        self.buf = b""
        self.next_id = 1

    def send(self, msg):
        body = json.dumps(msg).encode()
        self.p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.p.stdin.flush()

    def read(self, timeout):
        end = time.monotonic() + timeout
        while True:
            if b"\r\n\r\n" in self.buf:
                head, rest = self.buf.split(b"\r\n\r\n", 1)
                n = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
                if len(rest) >= n:
                    self.buf = rest[n:]
                    return json.loads(rest[:n])
            left = end - time.monotonic()
            if left <= 0:
                return None
            r, _, _ = select.select([self.p.stdout], [], [], left)
            if r:
                chunk = os.read(self.p.stdout.fileno(), 1 << 16)
                if not chunk:
                    return None
                self.buf += chunk

    def request(self, method, params, timeout=120):
        i = self.next_id
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": i, "method": method, "params": params})
        while True:
            m = self.read(timeout)
            if m is None or (m.get("id") == i and "method" not in m):
                return m

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def hwm_kb(self):
        with open(f"/proc/{self.p.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])

    def close(self):
        self.p.kill()
        self.p.wait()


def make(kind, root):
    if kind == "gitignore":
        with open(os.path.join(root, ".gitignore"), "w") as f:
            for i in range(20000):
                f.write(f"build-{i}/**/*.tmp\n")
        with open(os.path.join(root, "vol.dstack.yml"), "w") as f:
            f.write(VOLUME)
    else:
        for d in range(200):
            sub = os.path.join(root, f"d{d:03}")
            os.mkdir(sub)
            for i in range(100):
                with open(os.path.join(sub, f"t{i:03}.dstack.yml"), "w") as f:
                    f.write(TASK)
        with open(os.path.join(root, "zz-vol.dstack.yml"), "w") as f:
            f.write(VOLUME)


def run(server, kind, requests, settle):
    root = tempfile.mkdtemp(prefix=f"dstack-index-{kind}-")
    try:
        make(kind, root)
        s = Server([server])
        uri = "file://" + root
        t0 = time.monotonic()
        s.request("initialize", {"processId": None, "rootUri": uri, "capabilities": {},
                                 "workspaceFolders": [{"uri": uri, "name": "w"}]})
        s.notify("initialized", {})
        index = None
        while time.monotonic() - t0 < settle:
            m = s.read(settle - (time.monotonic() - t0))
            if m is None:
                break
            if m.get("method") == "window/logMessage" and \
                    m["params"]["message"].startswith("workspace index:"):
                index = time.monotonic() - t0
                break
        task = uri + "/.dstack.yml"
        s.notify("textDocument/didOpen", {"textDocument": {
            "uri": task, "languageId": "yaml", "version": 1, "text": TASK}})
        times, found = [], 0
        for _ in range(requests):
            t = time.monotonic()
            r = s.request("textDocument/definition", {
                "textDocument": {"uri": task}, "position": {"line": 3, "character": 6}})
            times.append(time.monotonic() - t)
            res = (r or {}).get("result")
            found = len(res) if isinstance(res, list) else (1 if res else 0)
        hwm = s.hwm_kb()
        s.close()
        idx = f"{index:.2f} s" if index is not None else "none"
        print(f"{kind:9} index {idx:>8} | definition first {times[0] * 1000:.1f} ms, "
              f"median {statistics.median(times) * 1000:.1f} ms | found {found} | "
              f"VmHWM {hwm / 1024:.0f} MB")
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--requests", type=int, default=10)
    ap.add_argument("--settle", type=float, default=5.0,
                    help="seconds to wait for the index summary")
    ap.add_argument("--only", choices=["gitignore", "many"])
    a = ap.parse_args()
    for kind in ["gitignore", "many"]:
        if a.only in (None, kind):
            run(a.server, kind, a.requests, a.settle)


if __name__ == "__main__":
    main()

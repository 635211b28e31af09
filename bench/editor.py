#!/usr/bin/env python3
"""Editor latency and memory of ``humanize-lint server``, as an editor sees them.

A minimal LSP client (standard library only) starts the server, opens a
Markdown document of about 2,000 words, waits for its first diagnostics,
then makes one-word edits (``textDocument/didChange``, incremental) one at a
time and times each from the moment the change is written to the moment the
diagnostics of that version arrive (``textDocument/publishDiagnostics``).
Each edit puts a new word into a sentence that the cheap stage sends to the
parser ("The renewal called again about order X123."), so every edit is a
real parse and adds new strings to spaCy's vocabulary: what memory zones
must free.

Reports the median and 95th percentile latency after a warm-up, and the
server's resident memory (VmRSS) after ``--early`` edits and after all of
them. Targets (issue 14): median <= 30 ms, p95 <= 100 ms, memory after
10,000 edits within 10% of memory after 100.

    python bench/editor.py                          # 10,000 edits
    python bench/editor.py --edits 1000 --json /tmp/editor.json
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from queue import Empty, Queue
from typing import Any

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent.parent / "shared" / "bench-corpus"
WORDS = 2000
MARK = "The renewal called again about order X0."


class Client:
    """JSON-RPC over the server's stdin/stdout, with a reader thread."""

    def __init__(self, cmd: list[str], cwd: Path) -> None:
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=cwd)
        self.queue: Queue[dict[str, Any]] = Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            length = 0
            while True:
                line = out.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value.strip())
            self.queue.put(json.loads(out.read(length)))

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        self.proc.stdin.flush()

    def request(self, method: str, params: Any, timeout: float = 120) -> Any:
        self.next_id += 1
        rid = self.next_id
        self.send({"id": rid, "method": method, "params": params})
        while True:
            msg = self.take(timeout)
            if msg.get("id") == rid and "method" not in msg:
                return msg.get("result")
            self._answer(msg)

    def notify(self, method: str, params: Any) -> None:
        self.send({"method": method, "params": params})

    def take(self, timeout: float) -> dict[str, Any]:
        try:
            return self.queue.get(timeout=timeout)
        except Empty:
            raise SystemExit(f"no message from the server in {timeout} s") from None

    def _answer(self, msg: dict[str, Any]) -> None:
        """Answer a server request (configuration, registration) with nothing."""
        if "method" in msg and "id" in msg:
            result: Any = [None] * len(msg["params"].get("items", [])) if msg["method"] == "workspace/configuration" else None
            self.send({"id": msg["id"], "result": result})

    def diagnostics(self, uri: str, version: int, timeout: float = 120) -> list[Any]:
        """Wait for the diagnostics of ``uri`` at ``version``."""
        while True:
            msg = self.take(timeout)
            self._answer(msg)
            p = msg.get("params") or {}
            if msg.get("method") == "textDocument/publishDiagnostics" and p.get("uri") == uri and p.get("version") == version:
                return list(p["diagnostics"])

    def rss_mb(self) -> float:
        with open(f"/proc/{self.proc.pid}/status", encoding="ascii") as fh:
            kb = int(re.search(r"VmRSS:\s+(\d+)", fh.read()).group(1))  # type: ignore[union-attr]
        return kb / 1024

    def close(self) -> None:
        try:
            self.request("shutdown", None, timeout=30)
            self.notify("exit", None)
            self.proc.wait(timeout=30)
        except Exception:  # noqa: BLE001 - a bench tears down whatever is left
            self.proc.kill()


def document(corpus: Path) -> str:
    """About WORDS words of real Markdown (the bench corpus), with the marked sentence in the middle."""
    paragraphs: list[str] = []
    files = sorted(corpus.rglob("*.md")) if corpus.is_dir() else []
    if not files:  # no corpus: the project's own examples, repeated
        files = sorted((HERE.parent / "examples").rglob("*.md"))
    count = 0
    for path in files:
        for block in path.read_text(encoding="utf-8", errors="replace").split("\n\n"):
            if block.strip().startswith(("---", "```", "<", "|", "{{")):
                continue
            paragraphs.append(block.strip())
            count += len(block.split())
            if count >= WORDS:
                break
        if count >= WORDS:
            break
    while count < WORDS:
        paragraphs += paragraphs[: max(1, len(paragraphs))]
        count *= 2
    paragraphs.insert(len(paragraphs) // 2, MARK)
    return "\n\n".join(paragraphs) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--edits", type=int, default=10_000)
    ap.add_argument("--early", type=int, default=100, help="memory is read after this many edits, and after all")
    ap.add_argument("--warmup", type=int, default=20, help="edits not counted in the latency")
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--json", type=Path, help="also write the numbers here")
    ap.add_argument("--server", default=f"{sys.executable} -m humanize_lint server")
    args = ap.parse_args()

    text = document(args.corpus)
    work = Path(tempfile.mkdtemp(prefix="hl-editor-"))
    path = work / "doc.md"
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    client = Client(args.server.split(), work)
    caps = {"textDocument": {"publishDiagnostics": {"versionSupport": True}, "synchronization": {"didSave": True}}, "workspace": {"configuration": False}}
    client.request("initialize", {"processId": os.getpid(), "rootUri": work.as_uri(), "capabilities": caps})
    client.notify("initialized", {})
    started = time.perf_counter()
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}})
    first = client.diagnostics(uri, 1)
    first_s = time.perf_counter() - started

    lines = text.split("\n")
    line_no = lines.index(MARK)
    col = MARK.index("X0") + 1  # the number after "X"
    current = "0"
    latencies: list[float] = []
    rss_early = rss_end = 0.0
    for n in range(1, args.edits + 1):
        new = str(n)
        change = {"range": {"start": {"line": line_no, "character": col}, "end": {"line": line_no, "character": col + len(current)}}, "text": new}
        version = n + 1
        t0 = time.perf_counter()
        client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]})
        diags = client.diagnostics(uri, version)
        dt = time.perf_counter() - t0
        current = new
        if n > args.warmup:
            latencies.append(dt * 1000)
        if n == args.early:
            rss_early = client.rss_mb()
        if n == 1 and not any(d.get("code") == "HL101" and d["range"]["start"]["line"] == line_no for d in diags):
            raise SystemExit("the edited sentence is not flagged: the bench would not measure a parse")
    rss_end = client.rss_mb()
    client.close()

    latencies.sort()
    p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))] if latencies else float("nan")
    result = {
        "words": len(text.split()),
        "edits": args.edits,
        "first_diagnostics_s": round(first_s, 3),
        "first_findings": len(first),
        "median_ms": round(statistics.median(latencies), 2) if latencies else None,
        "p95_ms": round(p95, 2),
        "max_ms": round(max(latencies), 2) if latencies else None,
        "rss_mb_after_early": round(rss_early, 1),
        "rss_mb_after_all": round(rss_end, 1),
        "rss_growth_pct": round(100 * (rss_end - rss_early) / rss_early, 1) if rss_early else None,
        "load": os.getloadavg(),
    }
    print(f"document: {result['words']} words, {result['first_findings']} findings; first diagnostics after {first_s:.2f} s (pipeline load included)")
    print(f"one-word edit -> diagnostics, {len(latencies)} edits after {args.warmup} warm-up: median {result['median_ms']} ms, p95 {result['p95_ms']} ms, max {result['max_ms']} ms (targets: 30, 100)")
    if rss_early:
        print(f"server RSS: {rss_early:.1f} MB after {args.early} edits, {rss_end:.1f} MB after {args.edits} ({result['rss_growth_pct']}%; target within 10%)")
    print(f"load average: {' '.join(f'{x:.2f}' for x in result['load'])}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

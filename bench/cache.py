#!/usr/bin/env python3
"""The results cache: ``humanize-lint check`` over the bench corpus twice, with an empty
cache and then with the cache the first run wrote. Target (issue 14): the second run
at least 20x faster than the first.

    python bench/cache.py                       # ../shared/bench-corpus
    python bench/cache.py --corpus DIR --jobs 2
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent.parent / "shared" / "bench-corpus"


def run(cmd: list[str], cwd: Path) -> tuple[float, dict]:  # type: ignore[type-arg]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, encoding="utf-8")
    dt = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        raise SystemExit(f"humanize-lint failed (exit {proc.returncode}): {proc.stderr[-2000:]}")
    return dt, json.loads(proc.stdout)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    cache = Path(tempfile.mkdtemp(prefix="hl-cache-"))
    try:
        cmd = [sys.executable, "-m", "humanize_lint", "check", str(args.corpus.resolve()), "-f", "json", "--no-progress", "-j", str(args.jobs), "--cache-dir", str(cache)]
        first, a = run(cmd, HERE)
        second, b = run(cmd, HERE)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    same = a["findings"] == b["findings"]
    result = {"files": a["summary"]["files"], "findings": len(a["findings"]), "first_s": round(first, 2), "second_s": round(second, 2), "speedup": round(first / second, 1), "same_report": same, "load": os.getloadavg()}
    print(f"{result['files']} files, {result['findings']} findings: first run {first:.2f} s (empty cache), second {second:.2f} s: {result['speedup']}x faster (target 20x); same findings: {same}")
    print(f"load average: {' '.join(f'{x:.2f}' for x in result['load'])}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())

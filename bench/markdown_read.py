"""Time Markdown reading (decode + block structure + inline blanking) on a corpus.

Reads every ``*.md`` file under the corpus, decodes it and splits it into
segments with ``humanize_lint.sources.markdown.segments``, the way a lint
does before any NLP. Prints files, characters, segments, and the best and
median wall time of ``--runs`` passes (each pass re-reads and re-segments
everything; file bytes are read once, up front, so the disk is not timed).

    python bench/markdown_read.py                     # ../shared/bench-corpus, 5 runs
    python bench/markdown_read.py --corpus DIR --runs 3 --json out.json

Standard library plus humanize-lint; not part of the tests.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path


def main() -> int:
    here = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=here.parent / "shared" / "bench-corpus")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--json", type=Path, default=None, help="also write the numbers here")
    args = ap.parse_args()
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 2
    sys.path.insert(0, str(here))
    from humanize_lint import sources
    from humanize_lint.model import Unit
    from humanize_lint.sources import markdown

    files = sorted(args.corpus.rglob("*.md"))
    blobs = [(str(p), p.read_bytes()) for p in files]
    times: list[float] = []
    chars = segs = 0
    for _ in range(args.runs):
        chars = segs = 0
        t0 = time.perf_counter()
        for name, data in blobs:
            doc = sources.decode(data, name, "markdown")
            unit = Unit(document=doc, text=doc.text, markup="markdown")
            segs += len(markdown.segments(unit))
            chars += len(doc.text)
        times.append(time.perf_counter() - t0)
    out = {
        "files": len(blobs),
        "chars": chars,
        "segments": segs,
        "best_s": round(min(times), 3),
        "median_s": round(statistics.median(times), 3),
        "runs": args.runs,
    }
    print(json.dumps(out))
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

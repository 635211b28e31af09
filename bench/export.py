#!/usr/bin/env python3
"""Lint a large generated CSV ticket export and report peak memory and records/s.

Issue "Ticket exports", done when: a generated 1 GB CSV (2 million records
made from the dev set) is linted with peak memory under 500 MB.

The CSV (id, created_at, team, agent, queue, customer_name, subject, body) is
made deterministically from /work/shared/eval/dev.jsonl: each body is one to
four dev texts, joined by blank lines or spaces and sometimes varied (a
greeting, a quoted remark, a signature), so rows average about 500 bytes and
many cells are quoted, multi-line or contain commas. A file generated before
with the same parameters is reused.

Then it runs

    humanize-lint check FILE.csv --text-field body --id-field id --name-field customer_name --format json --exit-zero

(plus --jobs, --summary and --group-by team when `check --help` lists them),
stdout to a file, and measures wall time, records/s, MB/s and the peak memory
of the whole process tree (see _measure.py: the largest single process from
RUSAGE_CHILDREN, and the peak sum of RSS/PSS over the tree sampled from /proc).

    python bench/export.py                         # 2,000,000 records (~1 GB)
    python bench/export.py --records 5000          # quick check
    python bench/export.py --limit-seconds 600     # stop early, partial throughput

See bench/README.md.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import hashlib
import io
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Optional

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import Command, default_humanize_lint, git_describe, help_has, markdown_table, measure, repo_root  # noqa: E402

GENERATOR_VERSION = 1
INDEX_EVERY = 1000  # byte offset of every 1000th record, for progress estimates

TEAMS = ["billing", "onboarding", "retention", "tech-support", "field-ops", "sales", "claims", "logistics"]
QUEUES = ["general", "priority", "callbacks", "escalations", "refunds", "renewals", "installs", "enterprise"]
AGENTS = [
    "Ana Souza", "Ben Carter", "Chloe Martin", "Dev Patel", "Erin O'Neil", "Farah Haddad", "Gus Lindqvist",
    "Hana Kim", "Ivan Petrov", "Jo Nakamura", "Kemi Adeyemi", "Luis Ortega", "Mei Chen", "Nia Brooks",
]
FIRST = ["Maria", "James", "Priya", "Chen", "Fatima", "Tom", "Aisha", "Lukas", "Sofia", "Kwame", "Yuki", "Olga", "Diego", "Grace"]
LAST = ["Garcia", "Smith", "Natarajan", "Wei", "Khan", "O'Brien", "Bello", "Schmidt", "Rossi", "Mensah", "Tanaka", "Ivanova", "Lopez", "Hughes"]
OPENERS = ["", "", "", "Update: ", "Follow-up, ", "Per call today: ", "FYI, "]
QUOTES = ['Customer said "please call me back after 5".', 'Note from the customer: "I have been waiting, again."', 'She wrote "thanks, that fixed it".']
SIGNATURES = ["\n\n-- \n{agent}\nSupport, Tier 2", "\n\nThanks,\n{agent}", ""]


def load_dev(path: Path) -> list[dict]:
    rows = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if line:
                obj = json.loads(line)
                if isinstance(obj.get("text"), str) and obj["text"].strip():
                    rows.append(obj)
    if not rows:
        raise SystemExit(f"{path}: no records with a text")
    return rows


def generate(dev: list[dict], records: int, seed: int, out: Path, spacing: int = 15) -> dict:
    """Write the CSV; returns its metadata (size, offsets index)."""
    rng = random.Random(seed)
    tmp = out.with_name(f"{out.name}.part{os.getpid()}")
    index = []
    t0 = time.monotonic()
    start = time.mktime((2024, 1, 1, 8, 0, 0, 0, 0, -1))
    with tmp.open("w", encoding="utf-8", newline="") as raw:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["id", "created_at", "team", "agent", "queue", "customer_name", "subject", "body"])
        raw.write(buf.getvalue())
        offset = len(buf.getvalue().encode())
        buf.seek(0)
        buf.truncate()
        pending = 0
        k_choices, k_weights = (1, 2, 3, 4), (25, 40, 25, 10)
        for i in range(records):
            if i % INDEX_EVERY == 0:
                index.append(offset + len(buf.getvalue().encode()) if pending else offset)
            k = rng.choices(k_choices, k_weights)[0]
            picks = [dev[rng.randrange(len(dev))] for _ in range(k)]
            sep = "\n\n" if rng.random() < 0.6 else " "
            body = rng.choice(OPENERS) + sep.join(p["text"].strip() for p in picks)
            agent = rng.choice(AGENTS)
            r = rng.random()
            if r < 0.08:
                body += sep + rng.choice(QUOTES)
            elif r < 0.2:
                body += rng.choice(SIGNATURES).format(agent=agent)
            name = next((p["customer"] for p in picks if p.get("customer")), None)
            if not name:
                name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            if rng.random() < 0.15:  # "Last, First": a comma inside a cell
                first, _, last = name.partition(" ")
                name = f"{last}, {first}" if last else name
            words = picks[0]["text"].split()
            subject = f"{picks[0].get('kind', 'note').replace('-', ' ').title()}: {' '.join(words[:7])}"
            created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start + i * spacing + rng.randrange(spacing)))
            w.writerow([f"T-{i + 1:07d}", created, rng.choice(TEAMS), agent, rng.choice(QUEUES), name, subject, body])
            pending += 1
            if pending >= 2000:
                chunk = buf.getvalue()
                raw.write(chunk)
                offset += len(chunk.encode())
                buf.seek(0)
                buf.truncate()
                pending = 0
            if i and i % 200000 == 0:
                print(f"  generated {i:,} records ({offset / 1e6:,.0f} MB) in {time.monotonic() - t0:.0f} s", file=sys.stderr)
        chunk = buf.getvalue()
        raw.write(chunk)
        offset += len(chunk.encode())
    os.replace(tmp, out)
    return {"bytes": offset, "index": index, "seconds": round(time.monotonic() - t0, 1)}


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def ensure_csv(args: argparse.Namespace) -> tuple[Path, dict, bool]:
    """The CSV path, its metadata, and whether this run generated it."""
    out = args.out.expanduser()
    spacing = getattr(args, "spacing", 15)
    if out.suffix.lower() == ".csv":
        csv_path = out
    else:
        csv_path = out / f"export-{args.records}r-seed{args.seed}{'' if spacing == 15 else f'-every{spacing}s'}.csv"
    csv_path.parent.mkdir(parents=True, exist_ok=True)
    meta_path = csv_path.with_name(csv_path.name + ".meta.json")
    want = {"generator": GENERATOR_VERSION, "records": args.records, "seed": args.seed, "dev_sha256": sha256(args.dev)}
    if spacing != 15:
        want["spacing_s"] = spacing
    if csv_path.exists() and meta_path.exists():
        try:
            meta = json.loads(meta_path.read_text())
            if all(meta.get(k) == v for k, v in want.items()) and csv_path.stat().st_size == meta.get("bytes"):
                print(f"reusing {csv_path} ({meta['bytes'] / 1e6:,.1f} MB)", file=sys.stderr)
                return csv_path, meta, False
        except (OSError, ValueError):
            pass
    print(f"generating {args.records:,} records into {csv_path} ...", file=sys.stderr)
    meta = {**want, **generate(load_dev(args.dev), args.records, args.seed, csv_path, spacing)}
    tmp_meta = meta_path.with_name(f"{meta_path.name}.part{os.getpid()}")
    tmp_meta.write_text(json.dumps(meta))
    os.replace(tmp_meta, meta_path)
    print(f"  done: {meta['bytes'] / 1e6:,.1f} MB in {meta['seconds']} s", file=sys.stderr)
    return csv_path, meta, True


class Progress:
    """Estimates records read from the position of the CSV's file descriptor in the tree."""

    def __init__(self, csv_path: Path, meta: dict) -> None:
        self.path = str(csv_path.resolve())
        self.size = int(meta["bytes"])
        self.index = list(meta.get("index") or [])
        self.records = int(meta["records"])
        self.max_pos = -1
        self.seen_open = False
        self.last: list[tuple[float, int]] = []

    def __call__(self, pids: list[int], elapsed: float) -> None:
        for pid in pids:
            try:
                fds = os.listdir(f"/proc/{pid}/fd")
            except OSError:
                continue
            for fd in fds:
                try:
                    if os.readlink(f"/proc/{pid}/fd/{fd}") != self.path:
                        continue
                    with open(f"/proc/{pid}/fdinfo/{fd}") as fh:
                        pos = int(fh.readline().split()[1])
                except (OSError, ValueError, IndexError):
                    continue
                self.seen_open = True
                if pos > self.max_pos:
                    self.max_pos = pos
                    self.last.append((elapsed, pos))

    def records_at(self, pos: int) -> int:
        """Records whose first byte lies before ``pos`` (from the sparse offsets index)."""
        if not self.index:
            return 0
        if pos >= self.size:
            return self.records
        k = max(0, bisect.bisect_right(self.index, pos) - 1)
        nxt = self.index[k + 1] if k + 1 < len(self.index) else self.size
        step = min(INDEX_EVERY, self.records - k * INDEX_EVERY)
        return min(self.records, k * INDEX_EVERY + int(step * (pos - self.index[k]) / max(1, nxt - self.index[k])))

    @property
    def streaming(self) -> bool:
        """True when the reader was seen part-way through the file (it streams)."""
        return self.seen_open and 0 < self.max_pos < self.size


def last_record_in_report(path: Path) -> Optional[int]:
    """The highest generated record number (T-NNNNNNN) in the tail of a partial JSON report."""
    import re

    try:
        with path.open("rb") as fh:
            fh.seek(0, os.SEEK_END)
            end = fh.tell()
            fh.seek(max(0, end - (1 << 20)))
            tail = fh.read().decode("utf-8", errors="replace")
    except OSError:
        return None
    ids = [int(x) for x in re.findall(r'"record":\s*"T-(\d+)"', tail)]
    return max(ids) if ids else None


def record_offset(index: list[int], count: int, size: int, records: int) -> int:
    """Byte offset just past the first ``count`` records (interpolated within the index step)."""
    if count >= records or not index:
        return size if count >= records else int(count * size / records)
    k = min(len(index) - 1, count // INDEX_EVERY)
    return min(size, int(index[k] + (count - k * INDEX_EVERY) * size / records))


def main() -> int:
    root = repo_root()
    cache = Path.home() / ".cache" / "humanize-lint-bench" / "export"
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--records", type=int, default=2_000_000, help="records in the generated CSV (default 2,000,000: about 1 GB)")
    ap.add_argument("--seed", type=int, default=1, help="random seed for the generator (default 1)")
    ap.add_argument("--spacing", type=int, default=15, help="seconds between records' created_at, from 2024-01-01 (default 15)")
    ap.add_argument("--dev", type=Path, default=root.parent / "shared" / "eval" / "dev.jsonl", help="dev set the bodies come from (default ../shared/eval/dev.jsonl)")
    ap.add_argument("--out", type=Path, default=cache, help=f"directory for the CSV and the lint output, or a .csv path (default {cache})")
    ap.add_argument("--keep", action="store_true", help="keep the CSV generated by this run and the lint output (a reused CSV is always left alone)")
    ap.add_argument("--generate-only", action="store_true", help="only make (or find) the CSV")
    ap.add_argument("--limit-seconds", type=float, default=None, help="stop humanize-lint after this many seconds and report partial throughput")
    ap.add_argument("--humanize-lint", default=default_humanize_lint(), help="humanize-lint executable (default: the repo's .venv)")
    ap.add_argument("--jobs", default="auto", help="value for --jobs when the CLI has it: a number, or auto (= cores) (default auto)")
    ap.add_argument("--no-summary", action="store_true", help="do not pass --summary / --group-by even when available")
    ap.add_argument("--extra", action="append", default=[], help="extra argument for `humanize-lint check` (repeatable)")
    ap.add_argument("--interval", type=float, default=0.5, help="seconds between /proc samples (default 0.5)")
    ap.add_argument("--target-mb", type=float, default=500, help="peak-memory target to judge against (default 500)")
    ap.add_argument("--json", type=Path, help="also write the measurements as JSON to this file")
    args = ap.parse_args()
    if args.records < 1:
        ap.error("--records must be at least 1")

    csv_path, meta, generated = ensure_csv(args)
    if args.generate_only:
        print(csv_path)
        return 0

    hl = args.humanize_lint
    argv = [hl, "check", str(csv_path), "--text-field", "body", "--id-field", "id", "--name-field", "customer_name", "--format", "json", "--exit-zero"]
    flags_used = []
    if help_has([hl, "check"], "--no-progress"):
        argv.append("--no-progress")
    if help_has([hl, "check"], "--jobs"):
        jobs = str(os.cpu_count() or 1) if args.jobs == "auto" else args.jobs
        argv += ["--jobs", jobs]
        flags_used.append(f"--jobs {jobs}")
    if not args.no_summary:
        if help_has([hl, "check"], "--summary"):
            argv.append("--summary")
            flags_used.append("--summary")
        if help_has([hl, "check"], "--group-by"):
            argv += ["--group-by", "team"]
            flags_used.append("--group-by team")
    argv += args.extra
    # Named per run: several runs (other sessions) may share the scratch directory.
    out_file = csv_path.with_name(f"{csv_path.stem}.lint.{os.getpid()}.json")
    err_file = csv_path.with_name(f"{csv_path.stem}.lint.{os.getpid()}.err")
    for p in (out_file, err_file):
        p.unlink(missing_ok=True)

    print("running: " + " ".join(argv[:1] + [os.path.basename(a) if a == str(csv_path) else a for a in argv[1:]]), file=sys.stderr)
    commit = git_describe()
    progress = Progress(csv_path, meta)
    m = measure([Command(argv, str(out_file), str(err_file))], interval=args.interval, time_limit=args.limit_seconds, on_sample=progress)

    size = int(meta["bytes"])
    summary: dict = {}
    parse_note = ""
    if not m.stopped and out_file.exists():
        try:
            with out_file.open() as fh:
                doc = json.load(fh)
            summary = doc.get("summary", {}) if isinstance(doc, dict) else {}
        except (OSError, ValueError) as exc:
            parse_note = f"could not read the JSON report: {exc}"
    err_tail = err_file.read_text(errors="replace").strip().splitlines()[-3:] if err_file.exists() else []
    rc = m.returncodes[0] if m.returncodes else None

    upper = None  # records read so far (from the CSV's read position), an upper bound
    if m.stopped:
        if progress.streaming:
            upper = progress.records_at(progress.max_pos)
        last_id = last_record_in_report(out_file)
        if last_id:
            # Findings are streamed in record order (one batch per input chunk);
            # the generator numbers records T-0000001.., so the last reported id
            # is how far linting got: a lower bound, in steps of one chunk.
            done = last_id
            done_bytes = record_offset(progress.index, done, size, args.records)
            how = "lower bound: the last record id in the streamed report (reports arrive one input chunk at a time)"
        elif upper is not None:
            done, done_bytes = None, None
            how = "unknown: no finding reported yet; the reader was part-way through the file"
        else:
            done, done_bytes = None, None
            how = "unknown: nothing reported yet and the CSV was never seen part-way read"
    else:
        done = summary.get("records") if isinstance(summary.get("records"), int) else (args.records if rc == 0 else None)
        done_bytes = size if rc == 0 else None
        how = "from the report's summary.records" if "records" in summary else "assumed all (no summary.records)"

    wall = m.wall
    rps = (done / wall) if (done is not None and wall > 0) else None
    mbps = (done_bytes / 1e6 / wall) if (done_bytes is not None and wall > 0) else None
    peak_mb = m.peak_kb / 1024
    verdict = "under" if peak_mb < args.target_mb else "OVER"
    out_mb = out_file.stat().st_size / 1e6 if out_file.exists() else 0.0

    rows = [
        ["file", f"{csv_path.name}: {size / 1e6:,.1f} MB, {args.records:,} records, {size / args.records:.0f} B/record"],
        ["humanize-lint", f"commit {commit}; " + (" ".join(flags_used) or "(no --jobs/--summary/--group-by in this CLI)")],
        ["status", ("stopped at --limit-seconds" if m.stopped else f"exit {rc}") + (f"; {err_tail[-1][:120]}" if (rc not in (0, None) and err_tail) else "")],
        ["wall s", f"{wall:,.1f}"],
        ["records done", ("?" if done is None else f"{done:,}" + (" (lower bound)" if m.stopped else "")) + (f"; {upper:,} read" if upper is not None else "")],
        ["records/s", "?" if rps is None else f"{rps:,.1f}"],
        ["MB/s", "?" if mbps is None else f"{mbps:.3f}"],
        ["peak memory MB (tree)", f"{peak_mb:,.0f} ({verdict} {args.target_mb:.0f} MB target)"],
        ["  largest single process MB", f"{m.maxrss_kb / 1024:,.0f}"],
        ["  peak RSS sum MB / PSS sum MB", f"{m.tree_rss_kb / 1024:,.0f} / " + ("?" if m.tree_pss_kb is None else f"{m.tree_pss_kb / 1024:,.0f}") + f" ({m.max_procs} process(es) max)"],
        ["CPU s (user+sys)", f"{m.cpu_seconds:,.1f}"],
        ["findings", f"{summary['findings']:,}" if isinstance(summary.get("findings"), int) else "?"],
        ["report size MB", f"{out_mb:,.1f}"],
    ]
    print()
    print(markdown_table(["metric", "value"], rows))
    print(f"\nrecords done: {how}." + (f" {parse_note}" if parse_note else ""))
    if args.keep:
        print(f"report: {out_file}")
    if m.timeline:
        pts = [m.timeline[int(i * (len(m.timeline) - 1) / 7)] for i in range(8)]
        print("RSS over time (s: tree sum / largest process / main process, MB): " + ", ".join(f"{t:.0f}: {a:.0f}/{b:.0f}/{c:.0f}" for t, a, b, c, _ in pts))
    if args.json:
        args.json.write_text(json.dumps({
            "csv": {"path": str(csv_path), "bytes": size, "records": args.records, "seed": args.seed, "generated_this_run": generated},
            "argv": argv, "commit": commit, "flags_used": flags_used, "measurement": m.as_dict(), "returncode": rc,
            "records_done": done, "records_read_upper_bound": upper, "records_done_source": how, "records_per_s": rps, "mb_per_s": mbps,
            "peak_mb": round(peak_mb, 1), "target_mb": args.target_mb, "under_target": peak_mb < args.target_mb,
            "summary": summary, "report_bytes": int(out_mb * 1e6), "stderr_tail": err_tail,
            "progress_samples": progress.last[-50:], "date": time.strftime("%Y-%m-%dT%H:%M:%S"),
        }, indent=2) + "\n")

    if not args.keep:
        for p in (out_file, err_file):
            p.unlink(missing_ok=True)
        if generated:
            csv_path.unlink(missing_ok=True)
            csv_path.with_name(csv_path.name + ".meta.json").unlink(missing_ok=True)
    return 0 if (m.stopped or rc == 0) else 1


if __name__ == "__main__":
    sys.exit(main())

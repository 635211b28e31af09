#!/usr/bin/env python3
"""Peak memory of the HTML coaching report next to the JSON report, on one generated export.

Issue 16 ("A coaching report people would rather look at"), done when: peak
memory for the HTML report of a 1,000,000-record export is within 10% of the
JSON report's.

The CSV comes from bench/export.py's generator (same columns: id,
created_at, team, agent, queue, customer_name, subject, body; reused when it
exists). Both runs lint it the same way,

    humanize-lint check FILE.csv --text-field body --id-field id --name-field customer_name
        --group-by team --date-field created_at --jobs N --no-progress --exit-zero
        --format json > out.json          then          --format html -o out.html

one after the other, each in a fresh measuring wrapper (bench/_measure.py:
the largest single process, and the peak RSS/PSS sums of the process tree
sampled from /proc). It prints both peaks, the ratio and whether the HTML
report is within --tolerance (default 10%) of the JSON report.

    python bench/html_report.py                        # 1,000,000 records (~500 MB)
    python bench/html_report.py --records 20000        # quick check
    python bench/html_report.py --limit-seconds 900    # stop each run after 15 min (both see the same span)

A run stopped by --limit-seconds compares the memory of the part linted (the
same for both: records are read in order); the HTML page is then not written.

--reporters-only measures what differs between the two runs, the reporter,
over the whole export without the NLP: a child process per format reads
every record with humanize-lint's own CSV reader, makes a finding for each
match of a fixed list of flagged phrases (the generated export's commonest:
"the renewal", "acct 4471-22", "SLA"...; about 1.5 per record), counts them
in the summary as the runner does and streams them to the reporter in
batches, then writes the report; it prints its own peak RSS. A million
records take a few minutes per format instead of hours.

    python bench/html_report.py --reporters-only      # 1,000,000 records, no NLP
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import Command, default_humanize_lint, git_describe, markdown_table, measure, repo_root  # noqa: E402
from export import Progress, ensure_csv  # noqa: E402


PHRASES = r"\b(?:[Tt]he (?:renewal|escalation|cancellation|install|downgrade|return|upgrade)|SLA|QBR|L2|ONT|ETF|RMA|INC\d{5,}|#\d{4,}|[Aa]cct \d+-\d+)\b"


def reporter_child(fmt: str, csv_path: str, out_path: str) -> int:
    """Stream every record's made-up findings to one reporter; print the peak RSS (MB)."""
    import re
    import resource

    from humanize_lint import rulepack, sources
    from humanize_lint.model import Finding, HumanizeLintError, Position, Report
    from humanize_lint.reporters import REPORTERS

    rules = {r.category: r for r in rulepack.load().rules.values()}
    by_kind = {"acronym": rules["undefined-acronym"], "number": rules["number-as-person"], "thing": rules["thing-as-person"]}
    pattern = re.compile(PHRASES)
    opts = sources.SourceOptions(text_fields=("body",), id_field="id", name_field="customer_name", group_field="team", date_field="created_at")
    report = Report(rules={r.code: r for r in by_kind.values()})
    errors: list[HumanizeLintError] = []
    with open(out_path, "w", encoding="utf-8") as out:
        reporter = REPORTERS[fmt](out)
        batch: list = []

        def flush() -> None:
            findings, units, flagged = [], {}, {}
            for unit in batch:
                group, period = unit.meta.get("group"), unit.meta.get("period")
                for m in pattern.finditer(unit.text):
                    word = m.group()
                    rule = by_kind["thing"] if word[:3].lower() == "the" else by_kind["acronym"] if word.isalpha() or word in ("L2",) else by_kind["number"]
                    pos = Position(1, m.start() + 1)
                    f = Finding(rule, unit.document.path, unit.record, unit.field, m.start(), m.end(), m.start(), m.end(), pos, Position(1, m.end() + 1), word,
                                f"'{word}' {rule.summary}", (unit.customer,) if unit.customer and rule is not by_kind["acronym"] else (), rule.severity)
                    findings.append(f)
                    units[id(f)] = unit
                    report.summary.add_finding(f, group, period)
                    flagged.setdefault(unit.record, (set(), group, period))[0].add(rule.category)
            for cats, group, period in flagged.values():
                report.summary.add_flagged(cats, group, period)
            if reporter.wants_units:
                reporter.add(findings, {}, units)
            else:
                reporter.add(findings, {})
            batch.clear()

        last = object()
        for unit in sources.units(sources.open_path(Path(csv_path)), opts, errors):
            if unit.record != last:
                last = unit.record
                report.records += 1
                report.summary.add_record(unit.meta.get("group"), unit.meta.get("period"))
                if len(batch) >= 2000:
                    flush()
            batch.append(unit)
        flush()
        report.files = 1
        streaming = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        reporter.finish(report)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"format": fmt, "peak_mb": round(peak, 1), "streaming_peak_mb": round(streaming, 1), "records": report.records, "findings": report.summary.findings, "output_mb": round(os.path.getsize(out_path) / 1e6, 1)}))
    return 0


def reporters_only(args: argparse.Namespace, csv_path: Path) -> int:
    """Peak memory of each reporter over the whole export, without the NLP."""
    import subprocess

    results = {}
    for fmt in ("json", "html"):
        out = csv_path.with_name(f"{csv_path.stem}.reporters.{os.getpid()}.{fmt}")
        print(f"--reporters-only: streaming {csv_path.name} to the {fmt} reporter ...", file=sys.stderr)
        t0 = time.monotonic()
        proc = subprocess.run([sys.executable, __file__, "--_child", fmt, str(csv_path), str(out)], capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit(f"{fmt}: {proc.stderr.strip()[-2000:]}")
        results[fmt] = {**json.loads(proc.stdout.strip().splitlines()[-1]), "wall_s": round(time.monotonic() - t0, 1)}
        if not args.keep:
            out.unlink(missing_ok=True)
    ratio = results["html"]["peak_mb"] / results["json"]["peak_mb"]
    rows = [[f, f"{r['records']:,}", f"{r['findings']:,}", f"{r['streaming_peak_mb']:,.0f}", f"{r['peak_mb']:,.0f}", f"{r['output_mb']:,.1f}", f"{r['wall_s']:,.0f}"] for f, r in results.items()]
    print(f"\n{csv_path.name}: reporters only (no NLP); commit {git_describe()}; load {os.getloadavg()[0]:.2f}")
    print(markdown_table(["format", "records", "findings", "peak RSS MB while streaming", "peak RSS MB with the page written", "output MB", "wall s"], rows))
    within = ratio <= 1 + args.tolerance
    grow = results["html"]["streaming_peak_mb"] - results["json"]["streaming_peak_mb"]
    print(f"\nHTML - JSON while streaming: {grow:+,.0f} MB; writing the page (the chart renderer loaded) adds {results['html']['peak_mb'] - results['html']['streaming_peak_mb']:,.0f} MB."
          f" Without spaCy the base is small, so the ratio ({ratio:.2f}) is no test of the 10% target: compare these MB with the full run's peak.")
    if args.json:
        args.json.write_text(json.dumps({"csv": str(csv_path), "mode": "reporters-only", "ratio": ratio, "within_tolerance": within, "runs": results}, indent=2) + "\n")
    return 0


def main() -> int:
    if len(sys.argv) == 5 and sys.argv[1] == "--_child":
        return reporter_child(*sys.argv[2:])
    root = repo_root()
    cache = Path.home() / ".cache" / "humanize-lint-bench" / "export"
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--records", type=int, default=1_000_000, help="records in the generated CSV (default 1,000,000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--dev", type=Path, default=root.parent / "shared" / "eval" / "dev.jsonl", help="dev set the bodies come from (default ../shared/eval/dev.jsonl)")
    ap.add_argument("--out", type=Path, default=cache, help=f"directory for the CSV and the reports (default {cache})")
    ap.add_argument("--humanize-lint", default=default_humanize_lint(), help="humanize-lint executable (default: the repo's .venv)")
    ap.add_argument("--jobs", default="auto", help="--jobs value: a number, or auto (= cores)")
    ap.add_argument("--limit-seconds", type=float, default=None, help="stop each run after this many seconds")
    ap.add_argument("--interval", type=float, default=0.5, help="seconds between /proc samples")
    ap.add_argument("--tolerance", type=float, default=0.10, help="allowed excess of the HTML peak over the JSON peak (default 0.10)")
    ap.add_argument("--keep", action="store_true", help="keep the reports (the CSV is always kept for reuse)")
    ap.add_argument("--json", type=Path, help="also write the measurements as JSON to this file")
    ap.add_argument("--reporters-only", action="store_true", help="measure the two reporters over the whole export without the NLP (see above)")
    args = ap.parse_args()
    args.generate_only = False

    csv_path, meta, _ = ensure_csv(args)
    if args.reporters_only:
        return reporters_only(args, csv_path)
    jobs = str(os.cpu_count() or 1) if args.jobs == "auto" else args.jobs
    base = [args.humanize_lint, "check", str(csv_path), "--text-field", "body", "--id-field", "id", "--name-field", "customer_name",
            "--group-by", "team", "--date-field", "created_at", "--jobs", jobs, "--no-progress", "--exit-zero", "--no-cache"]
    stem = csv_path.with_name(f"{csv_path.stem}.report.{os.getpid()}")
    runs = {
        "json": (base + ["--format", "json"], Path(f"{stem}.json"), Path(f"{stem}.json.err")),
        "html": (base + ["--format", "html", "-o", f"{stem}.html"], Path(f"{stem}.html"), Path(f"{stem}.html.err")),
    }
    commit = git_describe()
    results = {}
    for name, (argv, out, err) in runs.items():
        for p in (out, err):
            p.unlink(missing_ok=True)
        print(f"running --format {name} on {csv_path.name} ...", file=sys.stderr)
        progress = Progress(csv_path, meta)
        m = measure([Command(argv, str(out) if name == "json" else None, str(err))], interval=args.interval, time_limit=args.limit_seconds, on_sample=progress)
        read = progress.records_at(progress.max_pos) if (m.stopped and progress.streaming) else (args.records if not m.stopped else None)
        results[name] = {
            "measurement": m,
            "records_read": read,
            "output_mb": out.stat().st_size / 1e6 if out.exists() else 0.0,
            "stderr_tail": err.read_text(errors="replace").strip().splitlines()[-2:] if err.exists() else [],
        }
        if not args.keep:
            for p in (out, err):
                p.unlink(missing_ok=True)

    j, h = results["json"]["measurement"], results["html"]["measurement"]
    ratio = h.peak_kb / j.peak_kb if j.peak_kb else float("nan")
    within = ratio <= 1 + args.tolerance
    rows = []
    for name in ("json", "html"):
        r = results[name]
        m = r["measurement"]
        status = "stopped at --limit-seconds" if m.stopped else f"exit {m.returncodes[0] if m.returncodes else '?'}"
        rows.append([
            name, status, f"{m.wall:,.0f}", "?" if r["records_read"] is None else f"{r['records_read']:,}",
            f"{m.peak_kb / 1024:,.0f}", f"{m.maxrss_kb / 1024:,.0f}", f"{m.tree_rss_kb / 1024:,.0f}",
            "?" if m.tree_pss_kb is None else f"{m.tree_pss_kb / 1024:,.0f}", f"{r['output_mb']:,.1f}",
        ])
    print()
    print(f"{csv_path.name}: {int(meta['bytes']) / 1e6:,.1f} MB, {args.records:,} records; commit {commit}; --jobs {jobs}; load {os.getloadavg()[0]:.2f}")
    print(markdown_table(["format", "status", "wall s", "records read", "peak MB", "largest process MB", "RSS sum MB", "PSS sum MB", "output MB"], rows))
    print(f"\nHTML / JSON peak memory: {ratio:.3f} ({'within' if within else 'OVER'} {args.tolerance:.0%})")
    if args.json:
        args.json.write_text(json.dumps({
            "csv": str(csv_path), "records": args.records, "commit": commit, "jobs": jobs, "ratio": ratio, "within_tolerance": within,
            "date": time.strftime("%Y-%m-%dT%H:%M:%S"),
            "runs": {k: {**{x: y for x, y in v.items() if x != "measurement"}, "measurement": v["measurement"].as_dict()} for k, v in results.items()},
        }, indent=2) + "\n")
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())

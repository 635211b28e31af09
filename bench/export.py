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

    python bench/export.py                         # dense and realistic, 100,000 records each, --jobs 1 and 2
    python bench/export.py --records 5000          # quick check
    python bench/export.py --mix dense --records 2000000 --limit-seconds 600   # the 1 GB file, stopped early

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
REALISTIC_VERSION = 1
MIXES = ("dense", "realistic")
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


# -- the realistic mix ------------------------------------------------------------
#
# Real help-desk exports are mostly routine: greetings, status notes, the same
# macros and signatures thousands of times, transaction nouns used as the things
# they are ("the renewal is due on 3/1"), and only a few percent of notes that
# write about the customer as a thing. Slots (names, ids, dates, amounts,
# products) vary the sentences the way real notes vary, so a sentence repeats
# only where a real export repeats it: macros, signatures, stock phrases.

COMPANIES = ["Northwind", "Contoso", "Fabrikam", "Tailspin", "Litware", "Proseware", "Adatum", "Woodgrove", "Lucerne", "Wingtip", "Alpine Ski House", "Blue Yonder", "Coho Vineyard", "Fourth Coffee", "Margie's Travel", "Trey Research"]
PRODUCTS = ["mobile app", "web portal", "billing page", "router", "thermostat", "label printer", "handheld scanner", "card terminal", "dashboard", "sync agent", "smart lock", "desk phone", "remote access client", "invoice export", "payroll module"]
PLANS = ["Basic", "Plus", "Pro", "Business", "Enterprise", "Team", "Starter"]
FEATURES = ["single sign-on", "CSV export", "two-factor login", "auto-pay", "the calendar sync", "push notifications", "bulk upload", "the search filter", "offline mode", "the reporting tab", "password reset", "card reader pairing"]
ERRORS = ["E-1042", "ERR_TIMEOUT", "403", "500", "E17", "0x80070005", "SYNC-22", "handshake failed", "invalid token", "quota exceeded"]
CITIES = ["Denver", "Leeds", "Austin", "Lyon", "Osaka", "Toronto", "Perth", "Nairobi", "Madrid", "Dublin", "Chicago", "Porto"]
PARTS = ["power supply", "fan assembly", "display panel", "battery pack", "docking station", "compressor", "control board", "door sensor", "print head", "keypad"]
CARRIERS = ["FedEx", "Royal Mail", "Parcelforce", "our courier", "ground freight"]
THINGS = ["invoice", "quote", "contract", "statement", "refund", "credit memo", "shipping label", "warranty card", "activation code", "receipt"]
FEES = ["late", "overdraft", "restocking", "activation", "early termination", "wire", "foreign transaction"]
VERSIONS = ["4.2", "4.2.1", "5.0", "5.0.3", "2026.1", "11.8", "3.14"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

GREETINGS = ["Hi {first},", "Hello {first},", "Hi {first}, thanks for reaching out.", "Thank you for contacting {company} Support.", "Thanks for your patience while we looked into this."]
CLOSINGS = [
    "Closing this ticket as resolved. If you need anything else, reply to this email and we will reopen it.",
    "Please let us know if you have any other questions.",
    "Marking as pending customer reply.",
    "Set to solved; auto-close in 3 days.",
    "I've attached the steps as a PDF for reference.",
    "We appreciate your business!",
]
REALISTIC_SIGNATURES = ["\n\nThanks,\n{agent}\n{company} Support", "\n\n-- \n{agent}\nSupport, Tier 2", "\n\nBest regards,\n{agent}", "\n\n{agent} | {company} Customer Care\nMon-Fri 8am-6pm"]
# Routine notes: the trigger nouns as things, ids for records, times and dates as times and dates.
CLEAN = [
    "Customer reports that {feature} fails with error {error} after the {version} update.",
    "Checked the logs for order {order}; the sync job finished at {time} without errors.",
    "Reset the password and sent a new activation link to the email on file.",
    "Asked {first} to clear the browser cache and sign in again; {pron} confirmed it works now.",
    "The renewal for the {plan} plan is due on {date}.",
    "The renewal quote went out on {date} at ${amount}.",
    "Processed the refund of ${amount} to the card ending {last4}; it should post in 3-5 business days.",
    "The refund was approved and will show on the next statement.",
    "The upgrade to {plan} takes effect on {date}.",
    "Escalated the ticket to tier 2 for the {feature} bug (see #{ticket}).",
    "Merged ticket #{ticket} into #{ticket2}.",
    "The install at the {city} site is scheduled for {date} at {time}.",
    "The order shipped via {carrier}, tracking {tracking}.",
    "The cancellation request was withdrawn after we applied the discount.",
    "The account balance is ${amount} as of {date}.",
    "Called {first} back at {phone} and left a voicemail.",
    "The claim was approved and the check mailed on {date}.",
    "Replaced the {part} under warranty; the unit tested fine afterwards.",
    "The lead time for the {part} is {n} business days.",
    "Sent the {thing} for acct {acct} to the billing contact.",
    "Refund issued to acct {acct} for the duplicate charge (${amount}).",
    "The escalation was closed once the patch rolled out.",
    "Updated the shipping address and reissued the {thing}.",
    "{first} asked whether the {fee} fee can be waived; waived it once as a courtesy.",
    "Walked {first} through pairing the {product} over the phone.",
    "The {product} firmware is now on version {version}.",
    "Logged a bug for the {product}: {feature} drops after {n} minutes.",
    "The downgrade to {plan} is effective next billing cycle.",
    "Applied a ${amount} credit to the account for the outage on {date}.",
    "Confirmed the {thing} was received; nothing else needed.",
    "The onboarding call is booked for {date} at {time} with the {company} admin team.",
    "See INC{inc} for the full logs.",
    "Per {first}, the {product} in the {city} office still shows error {error}.",
    "No response to two follow-ups; sending the standard reminder.",
    "The return label was emailed; the {part} should arrive by {date}.",
    "Our engineers rolled back the {version} change and the {feature} issue is gone.",
]
# Notes that write about the customer as a thing or a number (the few percent that are flagged).
FLAGGED = [
    "The renewal called twice asking about the {thing} and is upset.",
    "Acct {acct} called back wanting the {thing} resent.",
    "The {time2} is waiting in the lobby.",
    "Spoke with the {city} install about the delay; they want a call before {time}.",
    "The escalation wants a callback before {time}; she is at the airport.",
    "Customer {custid} is angry about the {fee} fee.",
    "The cancellation said the {product} never worked and hung up.",
    "Told the refund we would call back on {date}.",
    "The upgrade is frustrated that {feature} still fails.",
    "#{ticket} emailed again about the {thing}.",
]


def _slots(rng: random.Random, first: str, agent: str) -> dict:
    m = rng.randrange(12)
    return {
        "first": first,
        "agent": agent,
        "pron": rng.choice(["she", "he", "they"]),
        "company": rng.choice(COMPANIES),
        "product": rng.choice(PRODUCTS),
        "plan": rng.choice(PLANS),
        "feature": rng.choice(FEATURES),
        "error": rng.choice(ERRORS),
        "version": rng.choice(VERSIONS),
        "city": rng.choice(CITIES),
        "part": rng.choice(PARTS),
        "carrier": rng.choice(CARRIERS),
        "thing": rng.choice(THINGS),
        "fee": rng.choice(FEES),
        "date": rng.choice([f"{m + 1}/{rng.randrange(1, 29)}", f"{MONTHS[m]} {rng.randrange(1, 29)}"]),
        "time": f"{rng.randrange(8, 18) % 12 or 12}:{rng.choice(['00', '15', '30', '45'])}{rng.choice(['am', 'pm'])}",
        "time2": f"{rng.randrange(1, 6)}pm",
        "amount": f"{rng.randrange(5, 2500)}.{rng.randrange(100):02d}",
        "last4": f"{rng.randrange(10000):04d}",
        "order": f"{rng.randrange(10**6, 10**7)}",
        "ticket": f"{rng.randrange(10000, 99999)}",
        "ticket2": f"{rng.randrange(10000, 99999)}",
        "tracking": f"1Z{rng.randrange(10**9, 10**10)}",
        "phone": f"({rng.randrange(200, 999)}) 555-{rng.randrange(10000):04d}",
        "acct": f"{rng.randrange(1000, 9999)}-{rng.randrange(10, 99)}",
        "custid": f"{rng.randrange(100000, 999999)}",
        "inc": f"{rng.randrange(10**6, 10**7):07d}",
        "n": str(rng.randrange(2, 30)),
    }


def realistic_body(rng: random.Random, first: str, agent: str, flagged_rate: float = 0.04) -> str:
    """One realistic note: an optional greeting, one to four routine sentences (a flagged
    one in about ``flagged_rate`` of notes), an optional closing macro and signature."""
    slots = _slots(rng, first, agent)
    parts = []
    if rng.random() < 0.3:
        parts.append(rng.choice(GREETINGS).format(**slots))
    k = rng.choices((1, 2, 3, 4), (30, 35, 25, 10))[0]
    sentences = [rng.choice(CLEAN) for _ in range(k)]
    if rng.random() < flagged_rate:
        sentences[rng.randrange(k)] = rng.choice(FLAGGED)
    parts.extend(t.format(**_slots(rng, first, agent)) for t in sentences)
    if rng.random() < 0.35:
        parts.append(rng.choice(CLOSINGS))
    body = (" " if rng.random() < 0.6 else "\n").join(parts)
    if rng.random() < 0.3:
        body += rng.choice(REALISTIC_SIGNATURES).format(**slots)
    return body


def generate_realistic(records: int, seed: int, out: Path) -> dict:
    """Write a CSV of the realistic mix (same columns as the dense one)."""
    rng = random.Random(seed)
    tmp = out.with_name(f"{out.name}.part{os.getpid()}")
    index = []
    t0 = time.monotonic()
    start = time.mktime((2024, 1, 1, 8, 0, 0, 0, 0, -1))
    offset = 0
    with tmp.open("w", encoding="utf-8", newline="") as raw:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["id", "created_at", "team", "agent", "queue", "customer_name", "subject", "body"])
        for i in range(records):
            if i % INDEX_EVERY == 0:
                chunk = buf.getvalue()
                raw.write(chunk)
                offset += len(chunk.encode())
                buf.seek(0)
                buf.truncate()
                index.append(offset)
            first, last = rng.choice(FIRST), rng.choice(LAST)
            agent = rng.choice(AGENTS)
            name = f"{last}, {first}" if rng.random() < 0.15 else f"{first} {last}"
            body = realistic_body(rng, first, agent)
            subject = f"{rng.choice(['Re: ', '', '', 'Fwd: '])}{rng.choice(PRODUCTS).capitalize()} {rng.choice(['issue', 'question', 'billing', 'order', 'setup help', 'refund request'])}"
            created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start + i * 15 + rng.randrange(15)))
            w.writerow([f"T-{i + 1:07d}", created, rng.choice(TEAMS), agent, rng.choice(QUEUES), name, subject, body])
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


def ensure_csv(args: argparse.Namespace, mix: str = "dense") -> tuple[Path, dict, bool]:
    """The CSV path of one mix, its metadata, and whether this run generated it."""
    out = args.out.expanduser()
    spacing = getattr(args, "spacing", 15)
    if out.suffix.lower() == ".csv":
        csv_path = out if mix == "dense" else out.with_name(f"{out.stem}-{mix}.csv")
    else:
        every = "" if spacing == 15 else f"-every{spacing}s"
        csv_path = out / (f"export-{args.records}r-seed{args.seed}{every}.csv" if mix == "dense" else f"export-{mix}-{args.records}r-seed{args.seed}.csv")
    csv_path.parent.mkdir(parents=True, exist_ok=True)
    meta_path = csv_path.with_name(csv_path.name + ".meta.json")
    if mix == "dense":
        want = {"generator": GENERATOR_VERSION, "records": args.records, "seed": args.seed, "dev_sha256": sha256(args.dev)}
        if spacing != 15:
            want["spacing_s"] = spacing
    else:
        want = {"generator": f"{mix}-{REALISTIC_VERSION}", "records": args.records, "seed": args.seed}
    if csv_path.exists() and meta_path.exists():
        try:
            meta = json.loads(meta_path.read_text())
            if all(meta.get(k) == v for k, v in want.items()) and csv_path.stat().st_size == meta.get("bytes"):
                print(f"reusing {csv_path} ({meta['bytes'] / 1e6:,.1f} MB)", file=sys.stderr)
                return csv_path, meta, False
        except (OSError, ValueError):
            pass
    print(f"generating {args.records:,} records ({mix} mix) into {csv_path} ...", file=sys.stderr)
    made = generate(load_dev(args.dev), args.records, args.seed, csv_path, spacing) if mix == "dense" else generate_realistic(args.records, args.seed, csv_path)
    meta = {**want, **made}
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


def run_one(args: argparse.Namespace, csv_path: Path, meta: dict, jobs: Optional[str]) -> dict:
    """Lint one CSV with one --jobs value; prints its table and returns the figures."""
    hl = args.humanize_lint
    argv = [hl, "check", str(csv_path), "--text-field", "body", "--id-field", "id", "--name-field", "customer_name", "--format", "json", "--exit-zero"]
    flags_used = []
    if help_has([hl, "check"], "--no-cache"):
        argv.append("--no-cache")  # each run lints the export, not a results cache an earlier run wrote
    if help_has([hl, "check"], "--no-progress"):
        argv.append("--no-progress")
    if jobs is not None and help_has([hl, "check"], "--jobs"):
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
    load = os.getloadavg()[0]
    m = measure([Command(argv, str(out_file), str(err_file))], interval=args.interval, time_limit=args.limit_seconds, on_sample=progress)

    size = int(meta["bytes"])
    records = int(meta["records"])
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
            done_bytes = record_offset(progress.index, done, size, records)
            how = "lower bound: the last record id in the streamed report (reports arrive one input chunk at a time)"
        elif upper is not None:
            done, done_bytes = None, None
            how = "unknown: no finding reported yet; the reader was part-way through the file"
        else:
            done, done_bytes = None, None
            how = "unknown: nothing reported yet and the CSV was never seen part-way read"
    else:
        done = summary.get("records") if isinstance(summary.get("records"), int) else (records if rc == 0 else None)
        done_bytes = size if rc == 0 else None
        how = "from the report's summary.records" if "records" in summary else "assumed all (no summary.records)"

    wall = m.wall
    rps = (done / wall) if (done is not None and wall > 0) else None
    mbps = (done_bytes / 1e6 / wall) if (done_bytes is not None and wall > 0) else None
    peak_mb = m.peak_kb / 1024
    pss_mb = None if m.tree_pss_kb is None else m.tree_pss_kb / 1024
    verdict = "under" if (pss_mb if pss_mb is not None else peak_mb) < args.target_mb else "OVER"
    out_mb = out_file.stat().st_size / 1e6 if out_file.exists() else 0.0
    flagged = None
    if isinstance(summary.get("findings"), int) and out_file.exists() and not m.stopped:
        try:
            with out_file.open() as fh:
                flagged = len({f.get("record") for f in json.load(fh).get("findings", [])})
        except (OSError, ValueError):
            pass

    rows = [
        ["file", f"{csv_path.name}: {size / 1e6:,.1f} MB, {records:,} records, {size / records:.0f} B/record"],
        ["humanize-lint", f"commit {commit}; " + (" ".join(flags_used) or "(no --jobs/--summary/--group-by in this CLI)")],
        ["load average at start", f"{load:.2f}"],
        ["status", ("stopped at --limit-seconds" if m.stopped else f"exit {rc}") + (f"; {err_tail[-1][:120]}" if (rc not in (0, None) and err_tail) else "")],
        ["wall s", f"{wall:,.1f}"],
        ["records done", ("?" if done is None else f"{done:,}" + (" (lower bound)" if m.stopped else "")) + (f"; {upper:,} read" if upper is not None else "")],
        ["records/s", "?" if rps is None else f"{rps:,.1f}"],
        ["MB/s", "?" if mbps is None else f"{mbps:.3f}"],
        ["peak memory MB (tree)", f"{peak_mb:,.0f}"],
        ["  largest single process MB", f"{m.maxrss_kb / 1024:,.0f}"],
        ["  peak RSS sum MB / PSS sum MB", f"{m.tree_rss_kb / 1024:,.0f} / " + ("?" if pss_mb is None else f"{pss_mb:,.0f}") + f" ({verdict} {args.target_mb:.0f} MB target, PSS) ({m.max_procs} process(es) max)"],
        ["CPU s (user+sys)", f"{m.cpu_seconds:,.1f}"],
        ["findings", (f"{summary['findings']:,}" if isinstance(summary.get("findings"), int) else "?") + (f" in {flagged:,} records ({100 * flagged / max(1, done or 1):.1f}%)" if flagged is not None else "")],
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
    if not args.keep:
        for p in (out_file, err_file):
            p.unlink(missing_ok=True)
    return {
        "csv": {"path": str(csv_path), "bytes": size, "records": records, "seed": args.seed},
        "argv": argv, "commit": commit, "flags_used": flags_used, "jobs": jobs, "load_at_start": load, "measurement": m.as_dict(), "returncode": rc,
        "records_done": done, "records_read_upper_bound": upper, "records_done_source": how, "records_per_s": rps, "mb_per_s": mbps,
        "peak_mb": round(peak_mb, 1), "pss_mb": None if pss_mb is None else round(pss_mb, 1), "target_mb": args.target_mb, "under_target": verdict == "under",
        "cpu_s": m.cpu_seconds, "summary": summary, "flagged_records": flagged, "report_bytes": int(out_mb * 1e6), "stderr_tail": err_tail,
        "progress_samples": progress.last[-50:], "stopped": m.stopped,
    }


def main() -> int:
    root = repo_root()
    cache = Path.home() / ".cache" / "humanize-lint-bench" / "export"
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--records", type=int, default=100_000, help="records in each generated CSV (default 100,000; 2,000,000 makes the dense one about 1 GB)")
    ap.add_argument("--mix", default="dense,realistic", help="which exports: dense (dev-set notes, most flagged), realistic (mostly routine notes, macros and signatures, a few percent flagged), or both comma-separated (default)")
    ap.add_argument("--seed", type=int, default=1, help="random seed for the generator (default 1)")
    ap.add_argument("--spacing", type=int, default=15, help="seconds between dense records' created_at, from 2024-01-01 (default 15)")
    ap.add_argument("--dev", type=Path, default=root.parent / "shared" / "eval" / "dev.jsonl", help="dev set the dense bodies come from (default ../shared/eval/dev.jsonl)")
    ap.add_argument("--out", type=Path, default=cache, help=f"directory for the CSVs and the lint output, or a .csv path (default {cache})")
    ap.add_argument("--keep", action="store_true", help="keep the CSVs generated by this run and the lint output (a reused CSV is always left alone)")
    ap.add_argument("--generate-only", action="store_true", help="only make (or find) the CSVs")
    ap.add_argument("--limit-seconds", type=float, default=None, help="stop humanize-lint after this many seconds and report partial throughput")
    ap.add_argument("--humanize-lint", default=default_humanize_lint(), help="humanize-lint executable (default: the repo's .venv)")
    ap.add_argument("--jobs", default="1,2", help="values for --jobs when the CLI has it, comma-separated: numbers or auto (= cores) (default 1,2: the scaling from one core to two)")
    ap.add_argument("--no-summary", action="store_true", help="do not pass --summary / --group-by even when available")
    ap.add_argument("--extra", action="append", default=[], help="extra argument for `humanize-lint check` (repeatable)")
    ap.add_argument("--interval", type=float, default=0.5, help="seconds between /proc samples (default 0.5)")
    ap.add_argument("--target-mb", type=float, default=500, help="peak-memory target (PSS sum of the tree) to judge against (default 500)")
    ap.add_argument("--json", type=Path, help="also write the measurements as JSON to this file")
    args = ap.parse_args()
    if args.records < 1:
        ap.error("--records must be at least 1")
    mixes = [m.strip() for m in args.mix.split(",") if m.strip()]
    if not mixes or any(m not in MIXES for m in mixes):
        ap.error(f"--mix takes {', '.join(MIXES)}")
    jobs_list = [str(os.cpu_count() or 1) if j.strip() == "auto" else j.strip() for j in args.jobs.split(",") if j.strip()]

    csvs = {mix: ensure_csv(args, mix) for mix in mixes}
    if args.generate_only:
        for csv_path, _, _ in csvs.values():
            print(csv_path)
        return 0

    runs = []
    for mix in mixes:
        csv_path, meta, _ = csvs[mix]
        for jobs in jobs_list or [None]:
            print(f"\n## {mix} mix" + (f", --jobs {jobs}" if jobs else ""))
            runs.append({"mix": mix, **run_one(args, csv_path, meta, jobs)})

    rows = []
    for r in runs:
        one = next((o for o in runs if o["mix"] == r["mix"] and o["jobs"] == "1"), None)
        rps = r["records_per_s"]
        cores = int(r["jobs"]) if r["jobs"] and r["jobs"].isdigit() else 1
        scale = f"{rps / one['records_per_s']:.2f}x" if (one is not None and one is not r and rps and one["records_per_s"]) else ""
        rows.append([
            r["mix"], r["jobs"] or "-", f"{r['load_at_start']:.2f}", f"{r['measurement']['wall_s']:,.1f}", f"{r['cpu_s']:,.1f}",
            "?" if rps is None else f"{rps:,.0f}", "?" if rps is None else f"{rps / cores:,.0f}", scale,
            "?" if r["pss_mb"] is None else f"{r['pss_mb']:,.0f}" + ("" if r["under_target"] else " OVER"),
            "?" if r["flagged_records"] is None else f"{100 * r['flagged_records'] / max(1, r['records_done'] or 1):.1f}%",
        ])
    print("\n## Summary\n")
    print(markdown_table(["mix", "jobs", "load", "wall s", "CPU s", "records/s", "per core", "vs jobs 1", "peak PSS MB", "records flagged"], rows))
    if args.json:
        args.json.write_text(json.dumps({"runs": runs, "date": time.strftime("%Y-%m-%dT%H:%M:%S")}, indent=2) + "\n")
    if not args.keep:
        for csv_path, _, generated in csvs.values():
            if generated:
                csv_path.unlink(missing_ok=True)
                csv_path.with_name(csv_path.name + ".meta.json").unlink(missing_ok=True)
    return 0 if all(r["stopped"] or r["returncode"] == 0 for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())

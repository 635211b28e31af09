"""The long fuzz run: many mutated inputs through every reader, full lints, and mutated rule files.

    nice -n 10 python tests/fuzz/run.py --readers 100000 --lint 3000 --rules 5000 --seed 1 --out /tmp/fuzz

Counts, per target, the inputs run, uncaught exceptions (by type), broken
invariants, multi-line error messages and inputs that took over ``--hang``
seconds (a watchdog interrupts them), and prints one JSON summary. Every
failing input is saved under ``--out`` with the exception, to be turned into
a test. Deterministic for a given ``--seed``. Not part of the test suite
(tests/fuzz/test_fuzz.py is its short form).
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import signal
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))
import targets  # noqa: E402


class Hang(BaseException):
    """The watchdog fired."""


def _alarm(signum: int, frame: Any) -> None:
    raise Hang()


class Tally:
    def __init__(self, name: str) -> None:
        self.name = name
        self.inputs = 0
        self.uncaught: collections.Counter[str] = collections.Counter()
        self.invariants: collections.Counter[str] = collections.Counter()
        self.multiline = 0
        self.hangs = 0
        self.slowest = 0.0
        self.extra: collections.Counter[str] = collections.Counter()

    def as_dict(self) -> dict[str, Any]:
        return {
            "inputs": self.inputs,
            "uncaught_exceptions": sum(self.uncaught.values()),
            "uncaught_by_type": dict(self.uncaught),
            "invariant_failures": sum(self.invariants.values()) - self.multiline,
            "multi_line_errors": self.multiline,
            "hangs_over_limit": self.hangs,
            "slowest_s": round(self.slowest, 3),
            **dict(self.extra),
        }


def _run_one(tally: Tally, out: Path, limit: float, label: str, data: bytes | str, fn: Callable[[], Any]) -> Any:
    tally.inputs += 1
    t0 = time.perf_counter()
    signal.setitimer(signal.ITIMER_REAL, limit)
    problem = None
    result = None
    try:
        result = fn()
    except Hang:
        tally.hangs += 1
        problem = "hang"
    except targets.Invariant as exc:
        key = str(exc).split(":")[0]
        tally.invariants[key] += 1
        if "spans lines" in str(exc):
            tally.multiline += 1
        problem = f"invariant: {exc}"
    except Exception as exc:  # noqa: BLE001 - counting them is the point
        tally.uncaught[type(exc).__name__] += 1
        problem = "".join(traceback.format_exception(exc))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    tally.slowest = max(tally.slowest, time.perf_counter() - t0)
    if problem is not None:
        n = sum(tally.uncaught.values()) + sum(tally.invariants.values()) + tally.hangs
        if n <= 200:
            stem = out / f"{tally.name}-{tally.inputs:06d}-{label}"
            stem.with_suffix(".input").write_bytes(data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass"))
            stem.with_suffix(".problem").write_text(problem, encoding="utf-8")
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--readers", type=int, default=100_000, help="mutated inputs through the readers (no NLP)")
    ap.add_argument("--lint", type=int, default=2_000, help="mutated inputs through the full lint (spaCy) and --fix")
    ap.add_argument("--rules", type=int, default=5_000, help="mutated rule files")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--hang", type=float, default=10.0, help="seconds after which an input counts as a hang")
    ap.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "humanize-lint-fuzz")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGALRM, _alarm)
    rnd = random.Random(args.seed)
    seeds = targets.seeds()
    started = time.perf_counter()
    summary: dict[str, Any] = {"seed": args.seed}

    readers = Tally("readers")
    per_format: collections.Counter[str] = collections.Counter()
    for _ in range(args.readers):
        fmt = rnd.choice(targets.READER_FORMATS)
        data = targets.mutate(rnd.choice(seeds[fmt]), rnd)
        per_format[fmt] += 1
        _run_one(readers, args.out, args.hang, fmt, data, lambda: targets.check_reader(fmt, data))
    summary["readers"] = {**readers.as_dict(), "by_format": dict(per_format)}

    from humanize_lint import rulepack, sources
    from humanize_lint.engine import Linter
    from humanize_lint.nlp import LazyModel

    model = LazyModel()
    linter = Linter(list(rulepack.load().rules.values()), model, segment=sources.segment)
    lint = Tally("lint")
    findings = 0
    for _ in range(args.lint):
        fmt = rnd.choice(targets.READER_FORMATS)
        data = targets.mutate(rnd.choice(seeds[fmt]), rnd)
        findings += _run_one(lint, args.out, args.hang, fmt, data, lambda: targets.check_lint(linter, fmt, data)) or 0
    lint.extra["findings_checked"] = findings
    summary["lint"] = lint.as_dict()

    from humanize_lint.engine import LintOptions
    from humanize_lint.model import Document, RuleError, Unit
    from humanize_lint.runner import build_linter, lint_isolated

    sentences = "The renewal called again about the QBR. Acct 4471-22 is upset. INC0012345 rang " + "a" * 30 + " back.\n"
    unit = Unit(document=Document(path="s.txt", text=sentences), text=sentences)

    def run_rule(rules: list[Any]) -> None:
        try:
            lin = build_linter(rules, model, LintOptions())
            _, errors = lint_isolated(lin, [unit])
        except RuleError as exc:
            if "\n" in str(exc):
                raise targets.Invariant(f"error message spans lines: {exc!r}") from None
            return
        for e in errors:
            if "\n" in str(e):
                raise targets.Invariant(f"error message spans lines: {e!r}")
            if "internal error" in e.message:
                raise targets.Invariant(f"internal error: {e}")

    rules = Tally("rules")
    loaded = 0
    rule_seeds = targets.rule_seeds()
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.rules):
            name, text = rnd.choice(rule_seeds)
            mutated = targets.mutate_rule(text, rnd)
            ok = _run_one(rules, args.out, args.hang, name, mutated, lambda: targets.check_rule(Path(tmp), name, mutated, run_rule))
            loaded += bool(ok)
    rules.extra["loaded_and_linted"] = loaded
    summary["rules"] = rules.as_dict()
    summary["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(summary, indent=2))
    bad = sum(summary[k]["uncaught_exceptions"] + summary[k]["invariant_failures"] + summary[k]["multi_line_errors"] + summary[k]["hangs_over_limit"] for k in ("readers", "lint", "rules"))
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Fuzz targets under hypothesis: every reader, the full lint with --fix, and rule files.

The short run (``python -m pytest -m fuzz tests/fuzz``, what CI runs) takes
well under a minute; ``HUMANIZE_LINT_FUZZ=long`` runs many more examples per
target. The long counted campaign is ``tests/fuzz/run.py`` (README:
Fuzzing). Hypothesis shrinks a failing mutation seed to a small reproducer.
Each example has a 10 s deadline: over it counts as a hang.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))
import targets  # noqa: E402

LONG = os.environ.get("HUMANIZE_LINT_FUZZ") == "long"
EXAMPLES = {"readers": 20_000 if LONG else 4_000, "lint": 2_000 if LONG else 200, "rules": 5_000 if LONG else 1_000}
SEEDS = targets.seeds()
RULE_SEEDS = targets.rule_seeds()


def _settings(target: str) -> settings:
    return settings(
        max_examples=EXAMPLES[target],
        deadline=timedelta(seconds=10),
        suppress_health_check=list(HealthCheck),
        derandomize=not LONG,  # CI: the same examples every run
        database=None,
    )


pytestmark = pytest.mark.fuzz


@_settings("readers")
@given(fmt=st.sampled_from(targets.READER_FORMATS), which=st.integers(0, 1000), seed=st.integers(0, 2**32 - 1))
def test_readers_keep_their_invariants(fmt: str, which: int, seed: int) -> None:
    data = targets.mutate(SEEDS[fmt][which % len(SEEDS[fmt])], random.Random(seed))
    targets.check_reader(fmt, data)


@pytest.fixture(scope="module")
def fuzz_linter(linter):  # type: ignore[no-untyped-def]
    return linter


@_settings("lint")
@given(fmt=st.sampled_from(targets.READER_FORMATS), which=st.integers(0, 1000), seed=st.integers(0, 2**32 - 1))
def test_full_lint_and_fix_keep_their_invariants(fuzz_linter, fmt: str, which: int, seed: int) -> None:  # type: ignore[no-untyped-def]
    data = targets.mutate(SEEDS[fmt][which % len(SEEDS[fmt])], random.Random(seed))
    targets.check_lint(fuzz_linter, fmt, data)


@_settings("rules")
@given(which=st.integers(0, 100), seed=st.integers(0, 2**32 - 1))
def test_mutated_rule_files_load_or_fail_in_one_line(which: int, seed: int) -> None:
    name, text = RULE_SEEDS[which % len(RULE_SEEDS)]
    mutated = targets.mutate_rule(text, random.Random(seed))
    with tempfile.TemporaryDirectory() as tmp:
        targets.check_rule(Path(tmp), name, mutated)


@pytest.mark.fuzz
def test_the_long_run_runs_and_checks_findings(tmp_path: Path) -> None:
    """The counted campaign (README: Fuzzing) on a few inputs: it exits 0 and its full
    lints reach the findings (it once built a Linter that failed on every input)."""
    import json
    import subprocess

    run = Path(__file__).resolve().parent / "run.py"
    proc = subprocess.run(
        [sys.executable, str(run), "--readers", "20", "--lint", "30", "--rules", "10", "--seed", "5", "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    summary = json.loads(proc.stdout)
    assert summary["lint"]["invariant_failures"] == 0
    assert summary["lint"]["findings_checked"] > 0

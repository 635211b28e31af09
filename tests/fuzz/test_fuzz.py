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

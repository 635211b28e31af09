"""Shared fixtures: one real linter per session, a lint helper, and the real CLI.

Nothing here mocks our own code: ``linter`` is the real engine with the
built-in rule pack and the installed spaCy pipeline (loaded once, lazily),
and ``run_cli`` runs ``python -m humanize_lint`` in a subprocess.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Callable, Sequence

import pytest

from humanize_lint import rulepack, sources
from humanize_lint.engine import Linter
from humanize_lint.model import Document, Finding, ModelError, Unit
from humanize_lint.nlp import LazyModel

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def linter() -> Linter:
    """The built-in rules with the installed spaCy pipeline (skips when none is installed)."""
    model = LazyModel()
    try:
        model.check()
    except ModelError as exc:
        pytest.skip(f"no spaCy English pipeline installed ({exc.message})")
    return Linter(list(rulepack.load().rules.values()), model, segment=sources.segment)


LintFn = Callable[..., "list[Finding]"]


@pytest.fixture(scope="session")
def lint(linter: Linter) -> LintFn:
    """``lint(text, customer=None, markdown=False)`` -> findings of the built-in rules."""

    def _lint(text: str, customer: str | None = None, markdown: bool = False) -> list[Finding]:
        markup = "markdown" if markdown else "text"
        doc = Document(path="t.md" if markdown else "t.txt", text=text, format=markup)
        return linter.lint_unit(Unit(document=doc, text=text, customer=customer, markup=markup))

    return _lint


def _cli_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "CLICOLOR_FORCE", "HUMANIZE_LINT_DEBUG")}
    env["NO_COLOR"] = "1"
    env["PYTHONIOENCODING"] = "utf-8"
    env["COLUMNS"] = "200"
    return env


def run_cli(*args: str | os.PathLike[str], input: str | None = None, cwd: str | os.PathLike[str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m humanize_lint ARGS`` and return the finished process (text mode, NO_COLOR=1)."""
    return subprocess.run(
        [sys.executable, "-m", "humanize_lint", *map(str, args)],
        input=input if input is not None else "",
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=str(cwd) if cwd is not None else None,
        env=_cli_env(),
        timeout=120,
    )


@pytest.fixture(scope="session")
def cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    """The ``run_cli`` helper as a fixture."""
    return run_cli


def spans(findings: Sequence[Finding], rule: str | None = None) -> list[str]:
    """The matched texts of the findings (of one rule, by name), in order."""
    return [f.text for f in findings if rule is None or f.rule.name == rule]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The fuzz tests (tests/fuzz) and the Spark tests run only when asked for with ``-m fuzz`` or
    ``-m spark``: the default run stays quick."""
    marks = config.getoption("markexpr") or ""
    skips = {
        "fuzz": pytest.mark.skip(reason="fuzz run: python -m pytest -m fuzz tests/fuzz (README: Fuzzing)"),
        "spark": pytest.mark.skip(reason="Spark run: pip install -e '.[spark]' and python -m pytest -m spark (README: Spark)"),
    }
    for item in items:
        for name, skip in skips.items():
            if name in item.keywords and name not in marks:
                item.add_marker(skip)

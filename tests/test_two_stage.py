"""The regex first stage must not change results: linting with it equals parsing every segment."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from humanize_lint import rulepack
from humanize_lint.engine import Linter, LintOptions
from humanize_lint.model import Document, Unit
from humanize_lint.nlp import LazyModel

SHARED = Path(__file__).resolve().parents[2] / "shared"
DEV = SHARED / "eval" / "dev.jsonl"
CORPUS = SHARED / "bench-corpus"


@pytest.fixture(scope="module")
def linters() -> tuple[Linter, Linter]:
    rules = list(rulepack.load().rules.values())
    model = LazyModel()
    return Linter(rules, model), Linter(rules, model, LintOptions(prefilter=False))


def _key(findings):
    return [(f.rule.code, f.start, f.end, f.text, f.message, f.suggestions) for f in findings]


def _texts():
    if DEV.is_file():
        for line in DEV.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            yield f"dev:{rec['id']}", rec["text"], rec.get("customer"), "text"
    if CORPUS.is_dir():
        files = sorted(p for p in CORPUS.rglob("*.md"))
        # A spread of the corpus: every 15th file keeps the test under a minute.
        for p in files[:: int(os.environ.get("HUMANIZE_LINT_CORPUS_STEP", "15"))]:
            yield str(p.relative_to(CORPUS)), p.read_text(encoding="utf-8", errors="replace"), None, "markdown"


def test_two_stage_equals_full_parse(linters: tuple[Linter, Linter]) -> None:
    fast, full = linters
    seen = 0
    for name, text, customer, markup in _texts():
        doc = Document(path=name, text=text, format=markup)
        unit = Unit(document=doc, text=text, customer=customer, markup=markup)
        assert _key(fast.lint_unit(unit)) == _key(full.lint_unit(unit)), name
        seen += 1
    if seen == 0:
        pytest.skip("shared dev set and bench corpus not found")


def test_a_clean_text_never_loads_the_model() -> None:
    rules = list(rulepack.load().rules.values())
    model = LazyModel()
    linter = Linter(rules, model)
    doc = Document(path="x.md", text="# Release notes\n\nThe weather was nice and the build is green.\n", format="markdown")
    assert linter.lint_unit(Unit(document=doc, text=doc.text, markup="markdown")) == []
    assert model._nlp is None

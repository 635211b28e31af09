"""The acronym kind's NER stage, on the real pipeline: names found only by NER, and NER
run only when a sentence still holds a candidate after the cheap checks."""

from __future__ import annotations

import dataclasses

import pytest

from humanize_lint import rulepack, sources
from humanize_lint.engine import Linter
from humanize_lint.model import Document, ModelError, Unit
from humanize_lint.nlp import LazyModel


def _linter(names: bool = True) -> Linter:
    model = LazyModel()
    try:
        model.check()
    except ModelError as exc:
        pytest.skip(f"no spaCy English pipeline installed ({exc.message})")
    rules = [dataclasses.replace(r, options={**r.options, "names": names}) if r.kind == "acronym" else r for r in rulepack.load().rules.values()]
    return Linter(rules, model, segment=sources.segment)


def _acronyms(linter: Linter, text: str) -> list[str]:
    doc = Document(path="t.txt", text=text)
    return [f.text for f in linter.lint_unit(Unit(document=doc, text=text)) if f.rule.name == "undefined-acronym"]


def test_ner_finds_a_name_the_cheap_checks_miss() -> None:
    text = "The Bank of America NA desk called back."
    assert _acronyms(_linter(), text) == []
    # The same sentence without the NER stage: only NER knew it was part of a name.
    assert _acronyms(_linter(names=False), text) == ["NA"]


def test_ner_is_not_loaded_when_no_candidate_survives() -> None:
    linter = _linter()
    assert _acronyms(linter, "Send the PDF to the CEO ASAP. Houston, TX 77002.") == []
    assert linter.model._ner is None and not linter.model._ner_failed


def test_ner_keeps_jargon() -> None:
    assert _acronyms(_linter(), "Book the QBR and send the SOW.") == ["QBR", "SOW"]


def test_no_pipeline_degrades_to_the_cheap_checks() -> None:
    # A pipeline that is not installed: the acronym rule still runs, without its NER stage.
    model = LazyModel("en_core_web_not_installed")
    linter = Linter([r for r in rulepack.load().rules.values() if r.kind == "acronym"], model, segment=sources.segment)
    doc = Document(path="t.txt", text="The Bank of America NA desk called back. Houston, TX 77002.")
    assert [f.text for f in linter.lint_unit(Unit(document=doc, text=doc.text))] == ["NA"]
    assert model.ner() is None

"""Rule behaviour on written cases (tests/rules/<rule-name>.yaml) and on every rule's own examples.

Case files follow sqlfluff's per-rule YAML style; see the header of
tests/rules/thing-as-person.yaml for the keys. A case with ``xfail: reason``
records a known gap and runs as a strict xfail, so fixing the gap makes the
suite fail until the marker is removed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from humanize_lint import rulepack

CASES_DIR = Path(__file__).parent / "rules"
CASE_KEYS = {"id", "text", "flag", "evidence", "customer", "suggest", "markdown", "xfail", "why", "message"}
ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
PACK = rulepack.load()
RULE_NAMES = {r.name for r in PACK.rules.values()}
PERSON_RULES = {r.name for r in PACK.rules.values() if r.kind == "person-reference"}


def _load_cases() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        rule = path.stem
        assert rule in RULE_NAMES, f"{path}: no built-in rule named {rule!r}"
        cases = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert isinstance(cases, list) and cases, f"{path}: expected a list of cases"
        seen: set[str] = set()
        for case in cases:
            # Guard the case files themselves: a typo must not silently weaken a case.
            assert isinstance(case, dict) and set(case) <= CASE_KEYS, f"{path}: bad case {case!r}"
            cid = case["id"]
            assert ID_RE.match(cid) and cid not in seen, f"{path}: bad or duplicate id {cid!r}"
            seen.add(cid)
            assert isinstance(case["text"], str) and isinstance(case["flag"], list), f"{path}:{cid}"
            for span in case["flag"]:
                # Also catches YAML eating "#123 ..." as a comment in an unquoted text.
                assert isinstance(span, str) and span in case["text"], f"{path}:{cid}: {span!r} not in text"
            marks = [pytest.mark.xfail(strict=True, reason=str(case["xfail"]))] if case.get("xfail") else []
            params.append(pytest.param(rule, case, id=f"{rule}:{cid}", marks=marks))
    return params


CASES = _load_cases()


def test_person_case_files_state_the_evidence() -> None:
    """Every positive case of a person rule says which evidence must fire (item 8 of the design)."""
    for p in CASES:
        rule, case = p.values
        if rule in PERSON_RULES and case["flag"] and not case.get("xfail"):
            assert "evidence" in case, f"{rule}:{case['id']} has no 'evidence'"


def test_case_files_have_enough_cases() -> None:
    by_rule: dict[str, list[int]] = {}
    for p in CASES:
        rule, case = p.values
        counts = by_rule.setdefault(rule, [0, 0])
        counts[0 if case["flag"] else 1] += 1
    assert set(by_rule) == {"thing-as-person", "number-as-person", "undefined-acronym"}
    for rule, (pos, neg) in by_rule.items():
        assert pos >= 12 and neg >= 12, (rule, pos, neg)


@pytest.mark.parametrize(("rule", "case"), CASES)
def test_case(lint: Any, rule: str, case: dict[str, Any]) -> None:
    text = case["text"]
    findings = lint(text, customer=case.get("customer"), markdown=bool(case.get("markdown")))
    mine = [f for f in findings if f.rule.name == rule]
    for f in findings:
        # Every finding's span is the unit text at its offsets.
        assert text[f.start : f.end] == f.text
    assert [f.text for f in mine] == case["flag"], [(f.rule.name, f.text, f.message) for f in findings]
    for f in mine:
        assert f.rule.category == rule
        assert f.message and f.text in f.message
    if "evidence" in case:
        # The finding must be raised for the stated reason, not just raised.
        want = case["evidence"] if isinstance(case["evidence"], list) else [case["evidence"]] * len(mine)
        assert [f.explanation["evidence"] if f.explanation else None for f in mine] == want, [(f.text, f.explanation) for f in mine]
    if case.get("suggest") == "":
        # No sure expansion: the finding asks to spell it out without guessing one.
        assert mine and not mine[0].suggestions and "<full form>" in mine[0].message, mine[0].suggestions if mine else None
    elif "suggest" in case:
        assert mine and mine[0].suggestions, "expected a suggestion"
        assert mine[0].suggestions[0] == case["suggest"]
    if "message" in case:
        assert mine and case["message"] in mine[0].message, mine[0].message if mine else None
    if "why" in case:
        # The evidence, not just the outcome: each acronym is left alone for the stated reason.
        reasons = _acronym_reasons(text, bool(case.get("markdown")))
        for acronym, reason in case["why"].items():
            assert reasons.get(acronym, "").startswith(reason), (acronym, reasons)
    if case.get("customer") and rule in PERSON_RULES:
        for f in mine:
            assert f.suggestions[0] == case["customer"], f.suggestions


def _acronym_reasons(text: str, markdown: bool) -> dict[str, str]:
    """First-use reason of each acronym-shaped word, as the acronym kind decides it (cheap stages)."""
    from humanize_lint import sources
    from humanize_lint.kinds import acronym as acronym_kind
    from humanize_lint.model import Document, Unit

    rule = next(r for r in PACK.rules.values() if r.kind == "acronym")
    acr = acronym_kind.AcronymRule.compile(rule)
    markup = "markdown" if markdown else "text"
    unit = Unit(document=Document(path="t", text=text, format=markup), text=text, markup=markup)
    out: dict[str, str] = {}
    for use in acronym_kind.analyse(acr, unit, sources.segment(unit), {}):
        out.setdefault(use.word, use.reason)
    return out


# Built-in examples the linter gets wrong today (rule, kind, text) -> reason.
KNOWN_EXAMPLE_GAPS: dict[tuple[str, str, str], str] = {}


def _example_params() -> list[Any]:
    params = []
    for rule in sorted(PACK.rules.values(), key=lambda r: r.code):
        counts = {"flag": 0, "pass": 0}
        for kind, text, spans, evidence in rule.example_cases:
            gap = KNOWN_EXAMPLE_GAPS.get((rule.name, kind, text))
            marks = [pytest.mark.xfail(strict=True, reason=gap)] if gap else []
            params.append(pytest.param(rule.name, kind, (text, list(spans), evidence), id=f"{rule.name}:{kind}-{counts[kind]}", marks=marks))
            counts[kind] += 1
    return params


@pytest.mark.parametrize(("rule", "kind", "example"), _example_params())
def test_rule_example(lint: Any, rule: str, kind: str, example: Any) -> None:
    text, spans, evidence = example
    findings = lint(text)
    mine = [f for f in findings if f.rule.name == rule]
    if kind == "flag":
        assert mine, f"{rule} did not flag its own example: {[(f.rule.name, f.text) for f in findings]}"
        for f in mine:
            assert text[f.start : f.end] == f.text and f.text
        if spans:
            assert [f.text for f in mine] == spans
        if evidence:
            assert all(f.explanation and f.explanation["evidence"] == evidence for f in mine), [f.explanation for f in mine]
    else:
        assert not mine, [(f.text, f.message) for f in mine]


def test_acronym_rule_keeps_later_definitions_scoped_to_the_unit(lint: Any) -> None:
    # Definitions count only inside the unit: linting the defining text first
    # must not define the acronym for the next text.
    assert [f.text for f in lint("A quarterly business review (QBR) is booked.")] == []
    assert [f.text for f in lint("Book the QBR.") if f.rule.name == "undefined-acronym"] == ["QBR"]


def test_finding_positions_on_multiline_text(lint: Any) -> None:
    text = "First line is fine.\nSecond: the renewal called.\n"
    (f,) = lint(text)
    assert f.rule.name == "thing-as-person"
    assert (f.start_pos.line, f.start_pos.column) == (2, 9)
    assert (f.end_pos.line, f.end_pos.column) == (2, 20)
    assert f.severity.label == "warning"

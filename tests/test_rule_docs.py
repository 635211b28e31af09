"""Every built-in rule documents itself: code, name, summary, why, message, link, examples."""

from __future__ import annotations

from pathlib import Path

import pytest

from humanize_lint import rulepack

PACK = rulepack.load()
RULES = sorted(PACK.rules.values(), key=lambda r: r.code)


def test_builtin_rules_are_the_expected_three() -> None:
    assert {(r.code, r.name) for r in RULES} == {
        ("HL101", "thing-as-person"),
        ("HL201", "number-as-person"),
        ("HL301", "undefined-acronym"),
    }


def test_codes_and_names_are_unique() -> None:
    codes = [r.code for r in RULES]
    names = [r.name for r in RULES]
    assert len(set(codes)) == len(codes)
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_is_documented(rule: rulepack.Rule) -> None:
    origin = Path(rule.origin[0])
    assert origin.stem == rule.name, rule.origin
    assert rulepack.CODE_RE.match(rule.code)
    assert rule.summary.strip() and rule.summary.strip().endswith(".")
    assert len(rule.why.strip()) > 40
    assert rule.message.strip()
    assert rule.link and rule.link.startswith("https://")
    assert len(rule.examples.get("flag", ())) >= 1
    assert len(rule.examples.get("pass", ())) >= 1
    assert rule.category in rulepack.CATEGORIES_HINT
    assert rule.enabled


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_file_name_matches_rule_name(rule: rulepack.Rule) -> None:
    path = rulepack.builtin_dir() / "default" / f"{rule.name}.yaml"
    assert path.is_file()
    assert f"code: {rule.code}" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_link_anchor_exists_in_rules_readme(rule: rulepack.Rule) -> None:
    assert rule.link is not None
    anchor = rule.link.rsplit("#", 1)[1]
    readme = (rulepack.builtin_dir() / "README.md").read_text(encoding="utf-8")
    # GitHub anchors: "## HL101 thing-as-person" -> "hl101-thing-as-person".
    headings = {
        line.lstrip("#").strip().lower().replace(" ", "-")
        for line in readme.splitlines()
        if line.startswith("#")
    }
    assert anchor in headings, anchor

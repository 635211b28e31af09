"""``kind: pattern``: raw spaCy Matcher token patterns, for power users.

Options: ``patterns``, a list of token patterns exactly as spaCy's
``Matcher`` takes them (``[{LOWER: circle}, {LOWER: back}]``). Each
pattern is checked by spaCy when the matcher is built; a bad one is an
error at the rule file's line. The rule's ``suggest.without-name`` gives
the suggestions.

PASS: ``We will reply tomorrow.``
FAIL: ``We will circle back tomorrow.`` (with [[{LOWER: circle}, {LOWER: back}]])
"""

from __future__ import annotations

from typing import Any, Mapping

from .. import saferegex
from ..model import Rule, RuleError

NAME = "pattern"

OPTIONS: dict[str, Any] = {"patterns": list}


def validate(raw: Any, options: Mapping[str, Any], path: str) -> None:
    """Each pattern is a list of token mappings."""
    pats = options.get("patterns")
    if not pats:
        raise RuleError("a pattern rule needs 'patterns'", path, *raw.where("kind"))
    for i, p in enumerate(pats):
        pos = pats.where(i) if hasattr(pats, "where") else raw.where("patterns", value=True)
        if not isinstance(p, list) or not all(isinstance(tok, dict) for tok in p):
            raise RuleError(f"patterns[{i}] must be a list of token mappings", path, *pos)


def add(matcher: Any, keys: dict[str, tuple[Rule, list[str]]], rule: Rule) -> None:
    """Add the rule's patterns to a shared Matcher, each under its own key."""
    suggestions = list(rule.suggest.get("without-name", []))
    for i, pat in enumerate(rule.options["patterns"]):
        key = f"{rule.code}:p{i}"
        keys[key] = (rule, suggestions)
        try:
            matcher.add(key, saferegex.spacy_patterns([pat], rule.origin))
        except Exception as exc:  # spaCy's MatchPatternError / ValueError
            raise RuleError(f"invalid spaCy pattern (patterns[{i}]): {str(exc).splitlines()[0]}", rule.origin[0], rule.origin[1], 1) from None

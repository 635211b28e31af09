"""``kind: terms``: words or phrases to avoid, with replacements (Vale's ``swap``).

Options:

- ``terms``: a list of words or phrases, or of mappings
  ``{term: ..., suggest: [...]}``;
- ``match``: ``lemma`` (default: a single word matches any inflection,
  "ping" finds "pinged"), ``lower`` (case-insensitive as written) or
  ``exact``.

A term with exactly one suggestion is a safe fix (``--fix`` applies it);
one with several suggestions is left to a human.

PASS: ``I'll include your account manager.``
FAIL: ``I'll loop in the TAM.`` (with terms [loop in, TAM])
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping, Sequence

from ..model import Rule, RuleError
from . import LIST_OR_REF, Hit

NAME = "terms"

OPTIONS: dict[str, Any] = {"terms": LIST_OR_REF, "match": str}


def validate(raw: Any, options: Mapping[str, Any], path: str, check_keys: Any) -> None:
    """Each term is a string or a mapping with ``term``; ``match`` is one of three modes."""
    if "terms" not in options:
        raise RuleError("a terms rule needs 'terms'", path, *raw.where("kind"))
    terms = options["terms"]
    for i, t in enumerate(terms):
        pos = terms.where(i) if hasattr(terms, "where") else raw.where("terms", value=True)
        if isinstance(t, dict):
            check_keys(t, {"term": str, "suggest": (list, str)}, path, "terms entry")
            if "term" not in t:
                raise RuleError("a terms entry needs 'term'", path, *pos)
        elif not isinstance(t, str):
            raise RuleError("each term must be a string or a mapping with 'term'", path, *pos)
    if options.get("match", "lemma") not in ("lemma", "lower", "exact"):
        raise RuleError("'match' must be one of: lemma, lower, exact", path, *raw.where("match", value=True))


class Matchers:
    """One spaCy Matcher and one PhraseMatcher for every terms and pattern rule of a run."""

    def __init__(self, terms: Sequence[Rule], patterns: Sequence[Rule]) -> None:
        self.terms = list(terms)
        self.patterns = list(patterns)
        self._built: tuple[Any, Any, dict[str, tuple[Rule, list[str]]]] | None = None

    def __bool__(self) -> bool:
        return bool(self.terms or self.patterns)

    def build(self, nlp: Any) -> tuple[Any, Any, dict[str, tuple[Rule, list[str]]]]:
        """Compile the matchers (once; outside any memory zone, so their strings stay)."""
        if self._built is not None:
            return self._built
        from spacy.matcher import Matcher, PhraseMatcher

        from . import pattern

        matcher = Matcher(nlp.vocab, validate=True)
        phrase = PhraseMatcher(nlp.vocab, attr="LOWER")
        keys: dict[str, tuple[Rule, list[str]]] = {}
        for rule in self.terms:
            mode = rule.options.get("match", "lemma")
            for i, entry in enumerate(rule.options["terms"]):
                term = entry["term"] if isinstance(entry, dict) else entry
                sugg = entry.get("suggest", []) if isinstance(entry, dict) else []
                sugg = [sugg] if isinstance(sugg, str) else list(sugg)
                key = f"{rule.code}:t{i}"
                keys[key] = (rule, sugg)
                words = term.split()
                if mode == "exact":
                    matcher.add(key, [[{"ORTH": w} for w in words]])
                elif mode == "lemma" and len(words) == 1:
                    matcher.add(key, [[{"LEMMA": {"IN": [term, term.lower()]}}], [{"LOWER": term.lower()}]])
                else:
                    phrase.add(key, [nlp.make_doc(term)])
        for rule in self.patterns:
            pattern.add(matcher, keys, rule)
        self._built = (matcher, phrase, keys)
        return self._built

    def hits(self, doc: Any, base: int, unit_text: str) -> Iterator[Hit]:
        """Matches in a parsed sentence that starts at unit offset ``base``."""
        assert self._built is not None, "build() first"
        matcher, phrase, keys = self._built
        found = (list(matcher(doc)) if len(matcher) else []) + (list(phrase(doc)) if len(phrase) else [])
        for match_id, s, e in found:
            rule, suggestion = keys[doc.vocab.strings[match_id]]
            start = base + doc[s].idx
            end = base + doc[e - 1].idx + len(doc[e - 1].text)
            text = unit_text[start:end]
            yield Hit(rule, start, end, {"text": text, "term": text}, tuple(suggestion), len(suggestion) == 1 and rule.options.get("fix", True))

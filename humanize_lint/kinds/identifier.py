"""``kind: identifier``: account, ticket or customer numbers anywhere in the text.

For teams whose policy is that numbers never appear in notes at all. Every
match of the rule's identifier patterns is flagged, whatever the sentence
does with it (the built-in number-as-person rule, a ``person-reference``
rule, flags a number only when it stands for a person).

Options (``identifiers``):

- ``labels`` with ``shapes``: a label word, then a number of one of the
  shapes (regexes): ``acct 4471-22``, ``customer no. 100293``;
- ``standalone``: regexes matched on their own: ``#88213``, ``INC0012345``;
- ``label-nouns``: "the 5512 account".

PASS: ``Please use the portal.``
FAIL: ``Refund issued to acct 4471-22.`` (with labels [acct] and shapes ['\\d{4}-\\d{2}'])
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterator, Mapping, Sequence

from .. import saferegex
from ..model import Rule, RuleError, Segment
from . import LIST_OR_REF, Hit

NAME = "identifier"

OPTIONS: dict[str, Any] = {"identifiers": (dict, str)}
IDENTIFIER_KEYS: dict[str, Any] = {"labels": LIST_OR_REF, "shapes": LIST_OR_REF, "standalone": LIST_OR_REF, "label-nouns": LIST_OR_REF}


def validate(raw: Any, options: Mapping[str, Any], path: str) -> None:
    """An identifier rule needs ``identifiers``."""
    if "identifiers" not in options:
        raise RuleError("an identifier rule needs 'identifiers'", path, *raw.where("kind"))


def patterns(spec: Mapping[str, Any]) -> tuple[Any, ...]:
    """Regexes for identifiers: labelled ("acct 4471-22"), standalone ("#88213"), and "the 5512 account"."""
    out: list[Any] = []
    labels = [re.escape(str(lbl)).replace(r"\ ", r"\s+") for lbl in spec.get("labels", [])]
    shapes = [str(s) for s in spec.get("shapes", [])]
    if labels and shapes:
        out.append(
            saferegex.compile(
                r"(?<![\w/])(?i:" + "|".join(sorted(labels, key=len, reverse=True)) + r")"
                r"(?:\s*(?i:no\.?|number|id|\#)\s*|\s+|\s*:\s*)\#?"
                r"(?:" + "|".join(shapes) + r")(?![\w-])",
                parts=spec.get("shapes", ()),
            )
        )
    standalone = [str(s) for s in spec.get("standalone", [])]
    if standalone:
        out.append(saferegex.compile(r"(?<![\w#/-])(?:" + "|".join(standalone) + r")(?![\w-])", parts=spec.get("standalone", ())))
    nouns = [re.escape(str(n)) for n in spec.get("label-nouns", [])]
    if nouns:
        out.append(re.compile(r"(?i:\b(?:the|a|an|this|that)\s+\d{3,}\s+(?:" + "|".join(nouns) + r"))\b"))
    return tuple(out)


@dataclass
class IdentifierRule:
    """A compiled identifier rule."""

    rule: Rule
    regexes: tuple[re.Pattern[str], ...]

    @classmethod
    def compile(cls, rule: Rule) -> "IdentifierRule":
        """From validated options."""
        return cls(rule, patterns(rule.options["identifiers"]))

    def hits(self, segments: Sequence[Segment]) -> Iterator[Hit]:
        """Every match, in unit offsets."""
        for seg in segments:
            for rx in self.regexes:
                for m in rx.finditer(seg.text):
                    if m.end() > m.start():  # (a lookaround alone matches no text: no finding)
                        yield Hit(self.rule, seg.start + m.start(), seg.start + m.end(), {"text": m.group(0)})

"""``kind: acronym``: an all-caps acronym used before the text defines it.

A candidate is a word of 2 to 6 capitals, digits or ``&`` (``SLA``, ``L2``,
``R&D``), maybe with a plural ``s``. It is flagged when the unit (a file, a
record's field, a message) has not defined it earlier, it is not common
knowledge (``known``, plus ``acronyms.known`` in the config) and it is not
an ordinary word in capitals (``ignore-words``, runs of shouting).

Definitions, anywhere before the use in the same unit:
``service level agreement (SLA)``, ``SLA (service level agreement)``,
``SLA stands for / means / is short for ...``, ``SLA: ...``, ``SLA - ...``.
A link on the acronym (``[CE](glossary#ce)``) counts as a definition.

Options:
- ``known``: acronyms never flagged (a list or ``$lexicon``).
- ``expansions``: long forms used in suggestions (``{SLA: service level agreement}``).
- ``ignore-words``: capitalised ordinary words (``NOTE``, ``TODO``).
- ``min-length`` / ``max-length``: letters in a candidate (default 2 and 6).
- ``occurrences``: ``first`` (one finding per acronym per unit, at its first
  use) or ``all``.

Fix safety: the expansion replaces the acronym only when it is configured
and reads as a definition ("expansion (ACR)"); otherwise display only.

PASS: ``A service level agreement (SLA) sets response times. The SLA is 4 hours.``
FAIL: ``Book the QBR for next week.``
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Mapping, Sequence

from ..model import Rule, RuleError, Segment, Unit
from . import LIST_OR_REF, Hit

NAME = "acronym"

OPTIONS: dict[str, Any] = {
    "known": LIST_OR_REF,
    "expansions": (dict, str),
    "ignore-words": LIST_OR_REF,
    "min-length": int,
    "max-length": int,
    "occurrences": str,
}


def validate(raw: Any, options: Mapping[str, Any], path: str) -> None:
    """Checks beyond the key types of ``OPTIONS``."""
    occ = options.get("occurrences", "all")
    if occ not in ("all", "first"):
        raise RuleError("'occurrences' must be 'all' or 'first'", path, *raw.where("occurrences", value=True))


_ACRONYM_RE = re.compile(r"(?<![\w\-/.@#$&])([A-Z][A-Z0-9&]*[A-Z0-9])(s?)(?![\w\-/@])(?!\.\w)")
_WORD_RE = re.compile(r"[\w][\w'’-]*")


@dataclass
class AcronymRule:
    """A compiled acronym rule."""

    rule: Rule
    known: frozenset[str]
    expansions: Mapping[str, str]
    ignore_words: frozenset[str]
    min_len: int
    max_len: int
    first_only: bool

    @classmethod
    def compile(cls, rule: Rule, extra_known: Iterable[str] = (), extra_defined: Mapping[str, str] | None = None) -> "AcronymRule":
        """From validated options plus config allow-lists."""
        o = rule.options
        expansions = {str(k): str(v) for k, v in (o.get("expansions") or {}).items()}
        return cls(
            rule=rule,
            known=frozenset(str(k) for k in list(o.get("known", [])) + list(extra_known)),
            expansions=expansions,
            ignore_words=frozenset(str(k) for k in o.get("ignore-words", [])),
            min_len=int(o.get("min-length", 2)),
            max_len=int(o.get("max-length", 6)),
            first_only=o.get("occurrences", "all") == "first",
        )

    def candidates(self, text: str) -> Iterator[tuple[int, int, str]]:
        """(start, end, base form) for every acronym-shaped word."""
        for m in _ACRONYM_RE.finditer(text):
            word = m.group(1)
            base = word
            if not (self.min_len <= len(base) <= self.max_len):
                continue
            if not any(ch.isalpha() for ch in base[1:]) and not any(ch.isdigit() for ch in base):
                continue
            if sum(ch.isalpha() for ch in base) < 1 or base.isdigit():
                continue
            yield m.start(), m.end(), base

    def is_known(self, base: str) -> bool:
        """Common knowledge, allowed by config, or an ordinary word in capitals."""
        if base in self.known or base in self.ignore_words:
            return True
        # Fiscal periods, versions, and codes such as room B12 or paper size A4.
        if re.fullmatch(r"FY\d{2}(?:\d{2})?|H[12]|Q[1-4]|V\d{1,2}|[A-Z]\d{2,}|A[0-6]", base):
            return True
        if re.fullmatch(r"Q[1-4]|[MDCLXVI]{2,}|[A-Z]\d{3,}", base) and re.fullmatch(r"Q[1-4]|M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})", base):
            return True
        return False


def _initials_match(short: str, words: list[str]) -> bool:
    """Schwartz-Hearst style: every letter of ``short`` in order, first at a word start."""
    long_form = " ".join(words).lower()
    s = [c for c in short.lower() if c.isalnum()]
    if not s or not long_form:
        return False
    si = len(s) - 1
    li = len(long_form) - 1
    while si >= 0:
        c = s[si]
        while li >= 0 and (long_form[li] != c or (si == 0 and li > 0 and long_form[li - 1].isalnum())):
            li -= 1
        if li < 0:
            return False
        si -= 1
        li -= 1
    first = words[0].lower()
    return first[:1] == s[0] or first.lstrip("(")[:1] == s[0]


def find_definitions(text: str) -> list[tuple[int, str]]:
    """(offset, acronym) for each definition: "long form (LF)", "LF (long form)", "LF stands for long form"."""
    defs: list[tuple[int, str]] = []
    for m in re.finditer(r"\(([^()\n]{1,120})\)", text):
        inner = m.group(1).strip()
        before = text[max(0, m.start() - 200) : m.start()]
        words_before = _WORD_RE.findall(before)
        sm = re.fullmatch(r"([A-Z][A-Za-z0-9&]*[A-Z0-9])(s?)", inner)
        if sm:
            short = sm.group(1)
            n = min(len(short) + 5, len(short) * 2)
            for k in range(1, min(n, len(words_before)) + 1):
                if _initials_match(short, words_before[-k:]) and len(words_before[-k:]) >= 1:
                    defs.append((m.start(1), short))
                    break
            else:
                # "Team Lead (P3)": a short form introduced right after a noun phrase labels it.
                if before.rstrip() and before.rstrip()[-1].isalpha() and words_before and words_before[-1][:1].isupper():
                    defs.append((m.start(1), short))
            continue
        # "SLA (service level agreement)": the acronym right before the parenthesis.
        am = re.search(r"([A-Z][A-Za-z0-9&]*[A-Z0-9])(s?)\s*$", before)
        if am:
            short = am.group(1)
            inner_words = _WORD_RE.findall(inner)
            if inner_words and len(inner_words) <= len(short) + 5 and _initials_match(short, inner_words):
                defs.append((m.start() - (len(before) - am.start()), short))
    for m in re.finditer(r"\b([A-Z][A-Z0-9&]*[A-Z0-9])s?\b\s*(?:stands for|means|is short for|=|:|—|–| - )\s*([A-Za-z][\w -]{3,80})", text):
        short = m.group(1)
        words = _WORD_RE.findall(m.group(2))[: len(short) + 3]
        for k in range(len(words), 0, -1):
            if _initials_match(short, words[:k]):
                defs.append((m.start(1), short))
                break
    return defs


# ---------------------------------------------------------------------------
# The linter


def hits(acr: AcronymRule, unit: Unit, segments: Sequence[Segment], defined_acronyms: Mapping[str, str]) -> Iterator[Hit]:
    """Acronym findings of one unit, in text order: uses before any definition in the unit."""
    defined: set[str] = set(defined_acronyms) | set(acr.known)
    pending: dict[str, list[tuple[int, int, str]]] = {}
    order: list[tuple[int, int, str, str]] = []
    for seg in segments:
        defs = find_definitions(seg.text)
        shouty = _shouting_spans(seg.text)
        for s, e, base in acr.candidates(seg.text):
            singular = base[:-1] if base.endswith("S") and len(base) > 2 and base[:-1] in defined else base
            # The defining use itself ("... (SLA)" or "SLA (...)") is never flagged.
            if any(d == base and off in (s, s - 1) for off, d in defs):
                defined.add(base)
                continue
            for off, d in defs:
                if off < s:
                    defined.add(d)
            if base in defined or singular in defined or acr.is_known(base) or _inside(s, e, shouty):
                continue
            u_start, u_end = seg.start + s, seg.start + e
            # "[CE](glossary#ce)": a link on the acronym points the reader to its meaning.
            if unit.text[u_start - 1 : u_start] == "[" and unit.text[u_end : u_end + 2] == "](":
                continue
            word = seg.text[s:e]
            pending.setdefault(base, []).append((u_start, u_end, word))
            order.append((u_start, u_end, word, base))
        for _, d in defs:
            defined.add(d)
    for u_start, u_end, word, base in order:
        uses = pending[base]
        if acr.first_only and (u_start, u_end, word) != uses[0]:
            continue
        expansion = acr.expansions.get(base, "")
        if expansion and word.endswith("s") and not base.endswith("s") and not expansion.endswith("s"):
            expansion += "s"  # "quarterly business reviews (QBRs)"
        suggestions = (f"{expansion} ({word})",) if expansion else ()
        before = unit.text[max(0, u_start - 40) : u_start]
        if suggestions and _sentence_start(before):
            suggestions = (suggestions[0][0].upper() + suggestions[0][1:],)
        fixable = bool(suggestions) and acr.rule.options.get("fix", True) and _safe_expansion(before, unit.text[u_end : u_end + 2], expansion, word)
        values = {
            "text": word,
            "expansion": expansion,
            "suggestion": f"{expansion or '<full form>'} ({word})",
            "uses": f" (used {len(uses)} times)" if acr.first_only and len(uses) > 1 else "",
        }
        yield Hit(acr.rule, u_start, u_end, values, suggestions, fixable)


def _sentence_start(before: str) -> bool:
    """Whether text ending in ``before`` leaves the next word at a sentence start."""
    stripped = before.rstrip(" \t*_#>-")
    return not stripped or stripped[-1] in ".!?:\n"


def _safe_expansion(before: str, after: str, expansion: str, word: str) -> bool:
    """Whether "expansion (WORD)" can replace WORD as is: no article to change, no possessive,
    and the result reads as a definition (so a second --fix changes nothing)."""
    if after[:2] in ("'s", "’s"):
        return False
    words = before.split()
    if words and words[-1].lower() in ("a", "an") and words[-1].lower() != _article_for(expansion):
        return False
    return any(d == word for _, d in find_definitions(f"{expansion} ({word})"))


def _article_for(phrase: str) -> str:
    return "an" if phrase[:1].lower() in "aeiou" else "a"



def _inside(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(a <= start and end <= b for a, b in spans)



def _shouting_spans(text: str) -> list[tuple[int, int]]:
    """Runs of three or more capitalised words ("DO NOT CALL BEFORE 9"): emphasis, not acronyms."""
    return [m.span() for m in re.finditer(r"\b[A-Z]{2,}(?:[ \t]+[A-Z]{2,}\b){2,}", text)]


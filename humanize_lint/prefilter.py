"""The cheap stages before spaCy: which sentences could be flagged at all.

A person-reference rule can only flag a sentence that holds some form of
one of its cue lemmas: a contact or person verb, a feeling, a presence
word, a kin noun, "who" (``PersonRule.cue_lemmas``). ``CueGate`` answers
that with set lookups over every surface form the pipeline's lemmatizer can
map to those lemmas (``lemmas.forms``, from the lemmatizer's own tables)
plus WordNet's verb morphology, so it never drops a sentence that a full
parse would flag; ``LintOptions(prefilter=False)`` parses every sentence
and is what the tests hold this stage to.

Also here: the cheap sentence splitter (each sentence is parsed on its
own, so a sentence without a cue is never parsed), the blanking of chat
speaker tags and line labels before parsing, and the spans of quoted
speech (parsed, never flagged). Nothing here imports spaCy.
"""

from __future__ import annotations

import re
from typing import Iterable, Iterator, Mapping, Sequence

_QUOTE_RE = re.compile(r'"[^"\n]{1,300}"|“[^”\n]{1,300}”|(?<![\w])\'[^\'\n]{3,200}\'(?![\w])')


def quote_masks(text: str) -> list[tuple[int, int]]:
    """Spans of quoted speech or quoted examples: parsed, never flagged."""
    return [m.span() for m in _QUOTE_RE.finditer(text)]


_WORD_RUN_RE = re.compile(r"\w+")


class Forms:
    """Every surface form of some lemmas: whole-word runs by set lookup, the
    few forms with an apostrophe or hyphen ("'re", "e-mail", "front desk") by regex."""

    def __init__(self, words: Iterable[str]) -> None:
        from . import lemmas

        forms: set[str] = set()
        for w in words:
            forms.update(lemmas.forms(w))
            forms.update(_inflections(w))
        self.plain = frozenset(f for f in forms if _WORD_RUN_RE.fullmatch(f))
        other = sorted((f for f in forms if f not in self.plain), key=len, reverse=True)
        self.other = re.compile(r"(?i)(?<![\w])(?:" + "|".join(map(re.escape, other)) + r")(?![\w])") if other else None
        self.empty = not forms

    def present(self, text: str, words: Sequence[str]) -> bool:
        """Any form in ``text`` (``words``: its lower-cased word runs)."""
        return not self.plain.isdisjoint(words) or (self.other is not None and self.other.search(text) is not None)


def _inflections(lemma: str) -> set[str]:
    """Regular inflections WordNet's morphology maps back to ``lemma`` ("texted", "chatting")."""
    w = lemma.lower()
    out = {w, w + "s", w + "es", w + "ed", w + "d", w + "ing"}
    if w.endswith("e"):
        out.update({w[:-1] + "ing", w[:-1] + "ed"})
    if w.endswith("y"):
        out.update({w[:-1] + "ies", w[:-1] + "ied"})
    if len(w) > 2 and w[-1] not in "aeiouwxy":
        out.update({w + w[-1] + "ed", w + w[-1] + "ing"})
    return out


_POSSESSIVE_RE = re.compile(r"(?i)(?:(?<=\w)(?:'s|’s|'|’)(?![\w])|(?<![\w])(?:his|her|their)(?![\w]))")


class CueGate:
    """``passes(text)`` is False only when no parse of ``text`` could give any
    evidence for the rules the gate was built for.

    ``alone``: lemmas any form of which lets a sentence through; ``words``:
    words as written; ``with_word``: lemmas whose forms count only when the
    word they need is there too ("kind" with "to", "let" with "know");
    ``kin``: nouns that count only with a possessive ("the renewal's wife")."""

    def __init__(self, alone: Iterable[str], words: Iterable[str] = (), with_word: Mapping[str, Iterable[str]] | None = None, kin: Iterable[str] = ()) -> None:
        self.alone = Forms(alone)
        self.words = frozenset(w.lower() for w in words)
        self.with_word = {w.lower(): Forms(lemmas) for w, lemmas in (with_word or {}).items()}
        self.kin = Forms(kin)

    def passes(self, text: str) -> bool:
        """Whether ``text`` holds something some evidence needs."""
        words = [w.lower() for w in _WORD_RUN_RE.findall(text)]
        if self.alone.present(text, words) or not self.words.isdisjoint(words):
            return True
        present = set(words)
        if any(w in present and forms.present(text, words) for w, forms in self.with_word.items()):
            return True
        return _POSSESSIVE_RE.search(text) is not None and self.kin.present(text, words)


# Sentence ends: . ! ? (and closing quotes or brackets), space, then a capital.
_SENT_END_RE = re.compile(r"[.!?]+[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z])|\n[ \t]*\n\s*")
_ABBREV_RE = re.compile(
    r"(?i)(?:^|[^\w.])(?:mr|mrs|ms|mx|dr|prof|st|sr|jr|rev|gen|capt|col|lt|sgt|hon|fr|vs|etc|approx|appt|acct|accts|dept|est|no|nos|"
    r"inc|ltd|co|corp|bros|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|"
    r"tel|ext|ref|fig|figs|vol|ch|sec|pp|ave|blvd|rd|mt|ft|hr|hrs|min|mins|max|att|attn|cf|viz|al|[a-z]|(?:[a-z]\.)+[a-z])\.$"
)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Cheap sentence split for the parse stage: (start, end) offsets that cover ``text``.

    Cuts after . ! ? followed by a capital (not after "Mr.", "e.g.", "acct."
    or an initial) and at blank lines. Each piece is tagged and parsed on
    its own, so a sentence with no cue is never parsed.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENT_END_RE.finditer(text):
        if m.group(0)[0] == "." and _ABBREV_RE.search(text, max(0, m.start() - 12), m.start() + 1):
            continue
        spans.append((start, m.end()))
        start = m.end()
    if start < len(text) or not spans:
        spans.append((start, len(text)))
    return spans


_SPEAKER_RE = re.compile(r"(?m)^[ \t]*(?:\[[^\]\n]{1,25}\][ \t]*|\d{1,2}:\d{2}(?::\d{2})?[ \t]+)[\w .'-]{1,30}:[ \t]")
_LABEL_RE = re.compile(r"(?im)^[ \t]*(?:note|notes|update|fyi|edit|ps|internal note|summary|next steps?|outcome|resolution|status|action|issue)[ \t]*:[ \t]")


def parse_text(text: str) -> str:
    """Text as the parser should see it: chat speaker tags ("[09:14] dana: ") and
    line labels ("Note: ") blanked, same length."""
    text = _SPEAKER_RE.sub(lambda m: " " * len(m.group(0)), text)
    return _LABEL_RE.sub(lambda m: " " * len(m.group(0)), text)


def speaker_starts(text: str) -> list[int]:
    """Offsets where a chat message starts (after its speaker tag)."""
    return [m.end() for rx in (_SPEAKER_RE, _LABEL_RE) for m in rx.finditer(text)]


_DIGIT_RE = re.compile(r"\d")


def requires_digit(pattern: str) -> bool:
    """True when no match of ``pattern`` can lack a digit (``\\d``); False when unsure.

    Walks the parsed regex: a literal digit, a class of digits only, a repeat
    of at least one of those, a group or every branch of an alternation that
    requires one. Lookarounds and anything unusual count as "not required",
    so the answer errs toward trying the regex.
    """
    try:
        from re import _parser as sre_parse  # type: ignore[attr-defined]
    except ImportError:  # Python 3.10
        import sre_parse  # type: ignore[no-redef]
    try:
        return _seq_requires_digit(sre_parse.parse(pattern))
    except Exception:  # noqa: BLE001 - a parser internals change: just try the regex
        return False


def _seq_requires_digit(seq: Iterator[tuple[object, object]]) -> bool:
    for op, av in seq:
        name = str(op)
        if name == "LITERAL":
            if _DIGIT_RE.fullmatch(chr(av)):  # type: ignore[arg-type]
                return True
        elif name == "IN":
            if av and all(_class_item_is_digit(str(o), v) for o, v in av):  # type: ignore[union-attr]
                return True
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            lo, _, sub = av  # type: ignore[misc]
            if lo >= 1 and _seq_requires_digit(sub):
                return True
        elif name == "SUBPATTERN":
            if _seq_requires_digit(av[-1]):  # type: ignore[index]
                return True
        elif name == "ATOMIC_GROUP":
            if _seq_requires_digit(av):  # type: ignore[arg-type]
                return True
        elif name == "BRANCH":
            if av[1] and all(_seq_requires_digit(b) for b in av[1]):  # type: ignore[index]
                return True
    return False


def _class_item_is_digit(op: str, value: object) -> bool:
    if op == "LITERAL":
        return _DIGIT_RE.fullmatch(chr(value)) is not None  # type: ignore[arg-type]
    if op == "RANGE":
        return ord("0") <= value[0] and value[1] <= ord("9")  # type: ignore[index]
    if op == "CATEGORY":
        return str(value) == "CATEGORY_DIGIT"
    return False

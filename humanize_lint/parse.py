"""Building spaCy docs for the sentences that need a parse.

Before the tagger and parser run, a few kinds of token runs that spaCy's
tokenizer splits are merged into one token, so the parser sees one noun
where a writer meant one thing:

- **identifiers**: ``4471-22``, ``#88213``, ``R-6207``, ``INC0012345``, and
  with the word that labels them, ``acct 4471-22``, ``member 0044172``,
  ``table 12``, ``acct ending 0938``. A merged identifier gets the norm
  ``account``, so the tagger and parser treat it as the noun it is rather
  than guessing from its digits;
- **times**: ``2pm``, ``4 pm``, ``11:45``;
- **hyphenated words**: ``slip-and-fall``, ``no-cool``, ``8-top``, ``move-in``;
- **street names**: a capitalised word and a street suffix as the US Postal
  Service abbreviates it (Publication 28, appendix C1: ``St``, ``Ave``,
  ``Rd`` ...), ``Elm St``, ``Cedar Ave``: the small pipeline takes the suffix
  for the head of the phrase ("the Elm St 2-bed called": "St" called).

``MergePlan.kind(token)`` says what each merged token was (``identifier``,
``labelled``, ``time``, ``hyphen``). ``Parser`` runs the pipeline over many
sentences in batches inside a spaCy memory zone, so memory stays flat over
millions of records. This module decides nothing about people; it imports
spaCy only inside functions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Sequence

from .lazyre import lazy
from . import wordnet

# Words that never label an identifier ("at 10", "is 84", "called 3 times").
FUNCTION_WORDS = frozenset(
    """a an the this that these those my your his her its our their whose which what who whom
i you he she it we they me him us them at by to in on of for from with about after before till until since
than per via over under around approx and or but nor so yet if as is are was were be been being am do does did
have has had will would shall should can could may might must not no yes up down out off into onto upon within
without between every each all any some both either neither few many much more most other another such only just
also very too quite rather again still already ever never always often plus minus call called calling calls dial
dialed dialled phone phoned text texted got get gets took take takes gave give made make""".split()
)
# Units and times that a number after them measures ("5 min", "page 2" is a label but "2 pages" a count).
UNITS = frozenset("min mins minute minutes hr hrs hour hours day days week weeks month months mo yr yrs year years sec secs am pm x kg lb lbs km mi ft cm mm gb mb tb".split())
_AMPM = lazy(r"(?i)^(?:am|pm|a\.m\.|p\.m\.)$")
_DATE = lazy(r"^\d{1,2}/\d{1,2}(?:/\d{2,4})?$")
_TIME = lazy(r"(?i)\d{1,2}(?::\d{2})?(?:am|pm|a\.m\.|p\.m\.)|\d{1,2}:\d{2}")
_MERGEABLE_RE = lazy(r"[\d-]")
# What a run of tokens needs for ``classify_run`` to give it a kind, or to start a time: a
# hyphen or a digit (an ASCII one, or a non-ASCII character: ``str.isdigit`` and ``\d``
# take some of those too).
_RUN_MAY_MERGE_RE = lazy(r"[0-9-]|[^\x00-\x7f]")
# A chat channel's name: "#ask-people-team", "#wg-v2-telemetry" (merged like a hyphenated word).
_CHANNEL_RE = lazy(r"#[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)+")
_ID_RUN = lazy(r"#?[A-Za-z0-9]+(?:[-/][A-Za-z0-9]+)*")
_MEASURE = lazy(r"\d+(?:st|nd|rd|th|s|k|m|ft|mo|yr|yrs|hr|hrs|min|mins|lb|lbs|kg|gb|mb|x\d+|[a-z]{1,2})", re.IGNORECASE)
# The commonest street suffixes in the USPS abbreviation (Publication 28, appendix C1).
STREET_SUFFIXES = frozenset("St Ave Rd Blvd Dr Ln Ct Pl Ter Cir Pkwy Hwy Sq Trl".split())
_STREET_RE = lazy(r"\b[A-Z][a-z]+\.? (?:%s)\b" % "|".join(sorted(STREET_SUFFIXES)))
CLOSERS = frozenset(",.;:!?)]}\"'’”")
OPENERS = frozenset("([{\"'‘“")


def _digits(s: str) -> int:
    return sum(c.isdigit() for c in s)


def classify_run(run: str) -> str | None:
    """What a run of tokens written without spaces is: ``time``, ``id``, ``num``, ``hyphen`` or None."""
    if _TIME.fullmatch(run):
        return "time"
    if _DATE.fullmatch(run):
        return None
    if run.isdigit():
        return "num"
    if _ID_RUN.fullmatch(run) and _digits(run):
        if run.startswith("#"):
            # "#88213", "#A-55102"; not a chat channel ("#wg-v2-telemetry")
            if run[1:2].isdigit() or _digits(run) >= 3:
                return "id"
            return "hyphen" if _CHANNEL_RE.fullmatch(run) else None
        if re.fullmatch(r"\d{1,2}-\d{1,2}", run):
            return None  # a range: "8-12"
        if _MEASURE.fullmatch(run) and not re.search(r"\d[A-Z]", run):
            return None  # "2nd", "90s", "30k", "16ft"
        if re.fullmatch(r"\d+(?:-[a-z]+)+", run):
            return "hyphen"  # "10-pack", "8-top", "3-day"
        if re.fullmatch(r"[A-Z]{1,2}\d", run):
            return None  # "P1", "L2", "Q3": a priority, tier or quarter, written like an acronym
        if _digits(run) >= 3 or re.search(r"[A-Za-z]", run):
            return "id"
        return None
    if "-" in run and re.fullmatch(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+", run) and re.search(r"[A-Za-z]", run):
        return "hyphen"
    if _CHANNEL_RE.fullmatch(run):
        return "hyphen"  # a chat channel is one name: "#ask-people-team"
    return None


def is_plain_noun(word: str) -> bool:
    """A word WordNet knows only as a noun ("voicemails", "pallets"): after a number it is what is counted."""
    w = word.lower()
    forms = {w, w[:-1] if w.endswith("s") else w, w[:-2] if w.endswith("es") else w}
    return (
        any(wordnet.is_noun(f) for f in forms)
        and not any(wordnet.is_verb(f) or wordnet.is_adverb(f) or wordnet.is_adjective(f) for f in forms)
        and not wordnet.verb_lemmas(w)
    )


def _plural(word: str) -> bool:
    """A plural noun form ("fees", "pallets", "boxes", "deliveries"): what a number above one counts.
    A singular noun after a number of more than one ("waybill 77120034 delivery") is not counted by it."""
    w = word.lower()
    return w.endswith("s") and not w.endswith("ss") and any(wordnet.is_noun(f) for f in (w[:-1], w[:-2], w[:-3] + "y" if w.endswith("ies") else ""))


def can_label(word: str) -> bool:
    """A word that can label a number: a noun, or an abbreviation WordNet does not know ("acct", "Rx");
    not a verb or adjective alone ("extend 3 more days")."""
    w = word.lower().rstrip(".")
    return wordnet.is_noun(w) or not (wordnet.is_verb(w) or wordnet.is_adjective(w) or wordnet.is_adverb(w) or wordnet.verb_lemmas(w))


@dataclass
class MergePlan:
    """Token spans to merge (start, end, kind), computed on the tokenized text."""

    spans: list[tuple[int, int, str]] = field(default_factory=list)

    @classmethod
    def of(cls, doc: Any) -> "MergePlan":
        """The plan for a doc that is tokenized but not yet merged."""
        text = doc_text(doc)
        streets = _streets(doc) if _STREET_RE.search(text) else []
        if not _MERGEABLE_RE.search(text):
            return cls(streets)  # ids, times and hyphenated words all hold a digit or a hyphen
        toks = list(doc)
        n = len(toks)
        found: list[tuple[int, int, str]] = []
        i = 0
        while i < n:
            j = i
            if toks[i].is_space:
                i += 1
                continue
            while j + 1 < n and not toks[j].whitespace_ and not toks[j + 1].is_space and toks[j + 1].text not in CLOSERS and toks[j].text not in OPENERS \
                    and toks[j + 1].lower_ not in ("'s", "’s", "'", "’"):
                j += 1
            run = text[toks[i].idx : toks[j].idx + len(toks[j].text)]  # (= doc[i : j + 1].text)
            if not _RUN_MAY_MERGE_RE.search(run):
                i = j + 1
                continue  # (classify_run says None, and no time starts here)
            kind = classify_run(run)
            if kind is None and j == i and re.fullmatch(r"\d{1,2}(?::\d{2})?", run) and i + 1 < n and _AMPM.match(toks[i + 1].text):
                found.append((i, i + 2, "time"))
                i += 2
                continue
            if kind:
                found.append((i, j + 1, kind))
            i = j + 1
        out: list[tuple[int, int, str]] = []
        for s, e, kind in found:
            if kind in ("id", "num") and s > 0:
                label = toks[s - 1]
                if label.is_space and "\n\n" not in label.text and "\r\n\r\n" not in label.text and s > 1 and not toks[s - 2].is_space:
                    s -= 1  # a label wrapped onto the line before: "acct\r\n4471-22"
                    label = toks[s - 1]
                nxt = toks[e] if e < n else None
                counted = kind == "num" and nxt is not None and re.fullmatch(r"[a-z][a-z'-]*", nxt.text) is not None and nxt.text not in FUNCTION_WORDS \
                    and (nxt.text in UNITS or (is_plain_noun(nxt.text) and (doc[s:e].text == "1" or _plural(nxt.text))))
                low = label.text.lower()
                if label.whitespace_ and s > 2 and re.fullmatch(r"[A-Za-z]", label.text) and toks[s - 2].text == "/" and re.fullmatch(r"[A-Za-z]", toks[s - 3].text) \
                        and not toks[s - 3].whitespace_ and not toks[s - 2].whitespace_ and not (out and out[-1][1] > s - 3):
                    s, kind = s - 3, "labelled"  # "A/C 990-1123": the tokenizer splits the label
                elif label.whitespace_ and low == "ending" and s > 1:
                    s, kind = s - 2, "labelled"  # "acct ending 0938"
                elif label.whitespace_ and low == "in" and s > 2 and toks[s - 2].text.lower() == "ending":
                    s, kind = s - 3, "labelled"  # "card ending in 4432"
                elif (
                    label.whitespace_
                    and not counted
                    and re.fullmatch(r"[A-Za-z][A-Za-z.]{1,14}|[A-Za-z]/[A-Za-z]", label.text)
                    and low not in FUNCTION_WORDS
                    and low not in UNITS
                    and (not label.text.isupper() or len(label.text) <= 5)
                    and not (out and out[-1][1] > s - 1)
                    and (kind == "id" or can_label(label.text))
                ):
                    s, kind = s - 1, "labelled"
            if kind == "num":
                continue  # a bare number counts or measures something
            if out and s < out[-1][1]:
                continue
            out.append((s, e, kind))
        for s, e, kind in streets:
            if not any(a < e and s < b for a, b, _ in out):
                out.append((s, e, kind))
        out.sort()
        return cls(out)


def _streets(doc: Any) -> list[tuple[int, int, str]]:
    """Token spans of street names: "Elm St", "Cedar Ave" (a capitalised word, then a suffix)."""
    found: list[tuple[int, int, str]] = []
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        if found and prev.i < found[-1][1]:
            continue  # "Elm St St": the second "St" is inside the first name (spans to merge must not overlap)
        if tok.text in STREET_SUFFIXES and prev.whitespace_ and re.fullmatch(r"[A-Z][a-z]+", prev.text) and not prev.is_sent_start:
            end = tok.i + 2 if tok.i + 1 < len(doc) and doc[tok.i + 1].text == "." and tok.whitespace_ == "" and tok.i + 2 < len(doc) and not doc[tok.i + 2].is_title else tok.i + 1
            found.append((prev.i, end, "street"))
    return found


def make_doc(nlp: Any, text: str, sentence_starts: Sequence[int] = ()) -> tuple[Any, dict[int, str]]:
    """Tokenize ``text`` and merge its identifiers, times and hyphenated words.

    Returns the doc and, by character offset of each merged token, its kind.
    ``sentence_starts``: offsets where a chat message starts; each is a
    sentence start the parser keeps.
    """
    doc = nlp.make_doc(text)
    doc.user_data[TEXT_KEY] = text  # (the tokenizer and merges keep the text: see doc_text)
    plan = MergePlan.of(doc)
    kinds = {doc[s].idx: kind for s, e, kind in plan.spans}
    if plan.spans:
        with doc.retokenize() as retok:
            for s, e, kind in plan.spans:
                attrs = {"NORM": "account"} if kind in ("id", "labelled") else {}
                if e - s > 1 or attrs:
                    retok.merge(doc[s:e], attrs=attrs)
    if sentence_starts:
        starts = set(sentence_starts)
        for tok in doc:
            if tok.idx in starts and tok.i > 0:
                tok.is_sent_start = True
    return doc, kinds


TEXT_KEY = "humanize_lint.text"


def doc_text(doc: Any) -> str:
    """``doc.text``, as ``make_doc`` kept it: spaCy's tokenizer keeps every character, and
    merging tokens keeps the text, so it is the same string, without joining every
    token's text again."""
    got = doc.user_data.get(TEXT_KEY)
    return doc.text if got is None else got


# Parsed characters per spaCy memory zone.
ZONE_CHARS = 4_000_000
# Parsed characters before the first zone opens. spaCy's tokenizer caches how it
# split a word only outside a memory zone, so inside one every word takes the slow
# path again (about six times slower on the bench corpus's sentences). The first
# characters of a run are parsed outside any zone: the run's common words are then
# cached and their lexemes kept for good, and what they add to the vocab is bounded
# by this many characters of text, whatever the size of the input.
WARM_CHARS = 200_000


class Parser:
    """Runs the pipeline over prepared docs in batches, inside a memory zone that
    is closed and reopened every ``ZONE_CHARS`` parsed characters: strings and
    lexemes that parses add to the vocab (ids, names, typos) are freed, while the
    tokenizer cache stays warm between batches. Findings keep only offsets and
    plain strings, never tokens, so closing the zone between batches is safe."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self._zone: Any = None
        self._chars = 0
        self._warm = 0  # characters parsed outside any zone (at most about WARM_CHARS)
        # An editor parses a sentence or two per edit: it closes zones sooner (api.Linter)
        # and parses less outside them (every edit may bring a word nobody will type again).
        self.zone_chars: int | None = None  # None: ZONE_CHARS
        self.warm_chars: int | None = None  # None: WARM_CHARS

    def parse(self, items: Iterable[tuple[str, Sequence[int]]]) -> Iterator[tuple[Any, dict[int, str]]]:
        """(doc, merged kinds) for each (text, sentence starts), in order. The docs
        are valid until ``release()``, which the caller calls when it is done with them."""
        nlp = self.model.get()
        self._enter(nlp)
        prepared = [make_doc(nlp, text, starts) for text, starts in items]
        n = sum(len(doc_text(doc)) for doc, _ in prepared)
        if self._zone is None:
            self._warm += n
        else:
            self._chars += n
        for (_, kinds), doc in zip(prepared, nlp.pipe((d for d, _ in prepared), batch_size=256)):
            yield doc, kinds

    def release(self) -> None:
        """The caller keeps nothing of the docs parsed so far: close the memory zone
        if enough text went through it."""
        limit = ZONE_CHARS if self.zone_chars is None else self.zone_chars
        if self._zone is not None and self._chars >= limit:
            self._zone.__exit__(None, None, None)
            self._zone = None

    def _enter(self, nlp: Any) -> None:
        if self._zone is None and self._warm >= (WARM_CHARS if self.warm_chars is None else self.warm_chars) and hasattr(nlp, "memory_zone"):
            self._zone = nlp.memory_zone()
            self._zone.__enter__()
            self._chars = 0

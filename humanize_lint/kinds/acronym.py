"""``kind: acronym``: internal jargon in capitals, used before the text defines it.

A candidate is a word of 2 to 6 capitals and digits (``SLA``, ``L2``,
``CSAT``), maybe with a plural ``s`` (``QBRs``). It is flagged when the text
(a file, a record's field, a message) has not defined it earlier and nothing
says it is something other than jargon. Each reason a candidate is left alone
is one small function below, returning its reason; in order:

- **known**: the rule's ``known`` list (the never-flagged floor: OK, PDF,
  CEO, ...), the config's ``acronyms.known``, ``ignore-words``; fiscal
  periods, versions and Roman numerals (FY24, Q3, H1, V2, IV).
- **common in English**: its lower-case form is at least as frequent in
  general English as ``common-zipf`` (wordfreq's Zipf scale, default 4.5:
  about 30 per million words): an ordinary word in capitals ("SOON",
  "PLEASE") or an acronym everybody reads (a word list compiled from
  ``wordfreq``, shipped in ``acronym-data.json``).
- **a dictionary word**: five or more letters that WordNet has as a word (or
  an inflected form of one), not only as an initialism it writes in capitals:
  "DEPLOY", "PAIRED", "NODES" are words in capitals; EBITDA and FIFO, which
  WordNet lists only in capitals, are still acronyms. Shorter words collide
  with initialisms (DASH, SEER).
- **shouting**: inside a run of capitalised words that holds an ordinary
  word ("SALE ENDS TONIGHT", "ADVICE TYPE: NONE"), a run of three or more
  capitalised words, or a line written mostly in capitals (subject lines, form
  dumps).
- **code**: identifiers and codes (``QX7731``, ``NP15``, ``3D`` inside a
  word, ``SAML2``, ``IC5``, a standard's name and number such as ``SOC 2`` or
  ``ISO 27001`` before "Type", "report", "audit" ... or ending its phrase
  ("certifications like SOC 2.", "(SOC 2, pen-tests)"; not an acronym with a
  known long form), ``TL;DR``, a month beside a day ("DEC 27"), a line's label
  before a code ("SID: 84054310G1"), raw HTML tags and quoted-printable
  fragments in plain-text mail.
- **place or value code**: an ISO 3166 country code or a US, Canadian or
  Australian state code where a place is written ("Houston, TX", "TX 77002",
  "NY, NJ and CT", "call me in NY"); an ISO 4217 currency code beside an amount ("GTQ 500") or
  another currency code; a time zone after a clock time ("9 AM CST"); a
  compass point ("WNW", "10 miles NE of"). The codes come from ``pycountry``
  and ``tzdata``, compiled into ``acronym-data.json``.
- **initials**: a person's initials or name signing off ("thanks, KF", "-- SS"
  or "TARA" on the last lines).
- **name**: capitals that name a company, brand, product or place:
  written with ``&`` (PG&E, AT&T), followed by a capitalised name or a legal
  suffix ("UBS Warburg", "ABB Ltd"), a ticker ("(NYSE: ENE)"), listed among
  capitalised names ("Cinergy, Entergy, ERCOT and PJM"), coordinated with a
  capitalised name, an alias ("Fountain Valley (aka PSCO)"), used the way
  only proper nouns are (bare after a preposition a singular common noun
  needs a determiner after: "on EOL.", "sold to AEP."; modifying a noun for
  people: "the ENA legal team"; bare subject of a verb only somebody does:
  "ENA agreed"), a bare possessive, spelled
  out as a capitalised name in the text (one of its words a proper name's:
  "Enron North America", not "Customer Engineering"), on a line of capitalised words (a
  signature), or inside a multi-word named entity that spaCy's NER finds
  around it. NER runs only on candidates the cheap checks leave open that
  follow a capitalised word, six words either side. One such use makes the
  acronym a name for the whole text. Each piece of evidence is one
  ``_name_*`` function (``_NAME_EVIDENCE``); the reason says which ("name:
  the bare object of 'at'"), and ``humanize-lint explain`` prints it.

Definitions, anywhere before the use in the same text (a glossary at the
top of a page defines for the page):
``service level agreement (SLA)``, ``SLA (service level agreement)``,
``investor owned utilities (or "IOUs")``, ``the agreement (the "SLA")``,
``(CAM) Customer Advocacy Manager``, ``CAM - Customer Advocacy Manager``,
``CAM: Customer Advocacy Manager``, ``Customer Advocacy Manager - CAM``,
``Technical Account Manager, or TAM``, ``deployment engineers, DEs for
short``, ``ARR stands for / means / is short for ...``, ``P1 is an
outage``; a glossary list item or a table row that pairs the acronym with
its meaning (``- **SLA**: service level agreement``, ``| MRR | monthly
recurring revenue |``); a heading that is the acronym, followed by its
explanation; a link on the acronym (``[CE](glossary#ce)``).

Options:
- ``known``: acronyms never flagged (a list or ``$lexicon``).
- ``expansions``: long forms used in suggestions. ``SLA: service level
  agreement`` is always used; ``MVP: {expansion: minimum viable product,
  context: [product, launch], unless: [player, season]}`` only when a
  ``context`` word and no ``unless`` word occurs in the text (any case, with
  plural ``s``). Without a sure expansion the message asks to spell it out
  without guessing.
- ``ignore-words``: capitalised ordinary words (``NOTE``, ``TODO``).
- ``min-length`` / ``max-length``: letters in a candidate (default 2 and 6).
- ``occurrences``: ``first`` (one finding per acronym per text, at its first
  use) or ``all``.
- ``common-zipf``: the frequency threshold above (default 4.5; the table
  holds frequencies from 3.0 up, so lower values act as 3.0).
- ``max-per-text``: at most this many findings per text (default 3; 0 means
  no limit). The ones kept are the likeliest jargon: acronyms with a known
  expansion, then those used as nouns ("the QBR", "an RMA"), then the rest,
  each group in text order; the first finding's message names the others.
- ``max-bare-per-text``: of those, at most this many used bare, as a whole
  noun phrase with no determiner and no long form in ``expansions`` ("sold
  to ENA.", "ENA agreed"; default 1; 0 means no limit of its own). On real
  e-mail and handbooks most such capitals are names the other checks could
  not see (judged: 4 in 24 were jargon on corporate e-mail, 8 in 22 on a
  handbook), so a text's first one is reported and the rest are named in
  its message.
- ``names``: run NER around open candidates (default true).

Fix safety: the expansion replaces the acronym only when it is sure and
reads as a definition ("expansion (ACR)"); otherwise display only.

PASS: ``A service level agreement (SLA) sets response times. The SLA is 4 hours.``
FAIL: ``Book the QBR for next week.``
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from ..lazyre import lazy
from ..acronym_data import Knowledge, load as load_knowledge
from .. import wordnet
from ..model import Rule, RuleError, Segment, Unit
from ..parse import FUNCTION_WORDS
from . import LIST_OR_REF, Hit

NAME = "acronym"

OPTIONS: dict[str, Any] = {
    "known": LIST_OR_REF,
    "expansions": (dict, str),
    "ignore-words": LIST_OR_REF,
    "min-length": int,
    "max-length": int,
    "occurrences": str,
    "common-zipf": (int, float),
    "max-per-text": int,
    "max-bare-per-text": int,
    "names": bool,
}

DEFAULT_COMMON_ZIPF = 4.5
DEFAULT_MAX_PER_TEXT = 3
DEFAULT_MAX_BARE_PER_TEXT = 1


def validate(raw: Any, options: Mapping[str, Any], path: str) -> None:
    """Checks beyond the key types of ``OPTIONS``."""
    occ = options.get("occurrences", "all")
    if occ not in ("all", "first"):
        raise RuleError("'occurrences' must be 'all' or 'first'", path, *raw.where("occurrences", value=True))
    if "max-per-text" in options and (isinstance(options["max-per-text"], bool) or int(options["max-per-text"]) < 0):
        raise RuleError("'max-per-text' must be 0 (no limit) or more", path, *raw.where("max-per-text", value=True))
    if "max-bare-per-text" in options and (isinstance(options["max-bare-per-text"], bool) or int(options["max-bare-per-text"]) < 0):
        raise RuleError("'max-bare-per-text' must be 0 (no limit) or more", path, *raw.where("max-bare-per-text", value=True))
    if "common-zipf" in options and not 0 <= float(options["common-zipf"]) <= 8:
        raise RuleError("'common-zipf' must be between 0 and 8 (Zipf scale)", path, *raw.where("common-zipf", value=True))
    exps = options.get("expansions")
    where = raw.where("expansions", value=True) if "expansions" in options else (1, 1)
    check_expansions(exps if isinstance(exps, Mapping) else {}, path, where)


def check_expansions(exps: Mapping[str, Any], path: str, where: tuple[int, int]) -> None:
    """Each expansion is a long form, or a mapping with ``expansion`` and optional ``context`` and ``unless`` word lists."""
    for key, value in exps.items():
        if isinstance(value, str):
            continue
        if not isinstance(value, Mapping) or not isinstance(value.get("expansion"), str):
            raise RuleError(f"expansion of '{key}' must be a string or a mapping with 'expansion' (and optional 'context', 'unless')", path, *where)
        for k, v in value.items():
            if k not in ("expansion", "context", "unless"):
                raise RuleError(f"unknown key '{k}' in the expansion of '{key}'; expected one of: context, expansion, unless", path, *where)
            if k != "expansion" and not (isinstance(v, list) and all(isinstance(x, str) for x in v)):
                raise RuleError(f"'{k}' in the expansion of '{key}' must be a list of words", path, *where)


# ---------------------------------------------------------------------------
# Shapes

# A candidate: capitals and digits (and "&" inside), maybe a plural "s". Not part
# of a longer token: a path, an e-mail address, a hyphenated code (CWE-287,
# US-West), a hashtag or an amount.
#
# Patterns that would begin with a look-behind begin with their first character instead,
# the look-behind checking it and the character before ("[A-Z](?<![\w&][A-Z])" for
# "(?<![\w&])[A-Z]"): the same matches, but the regex engine can then skip straight to the
# places where that character is, not try the whole pattern at every position (about four
# times faster over prose). tests/test_two_stage.py compares each with its plain form.
_ACRONYM_RE = lazy(r"([A-Z](?<![\w\-/.@#$&'’][A-Z])[A-Z0-9&]*[A-Z0-9])(s?)(?![\w\-/@&])(?!\.[A-Za-z0-9])(?![’'](?![sS]\b)[A-Za-z0-9])")
_WORD_RE = lazy(r"[\w][\w'’-]*")
_CAPS_TOKEN_RE = lazy(r"[A-Z](?<![\w&][A-Z])[A-Z0-9&'’]*(?![\w&])")
_ROMAN_RE = lazy(r"(?=[IVX]{2,})X{0,3}(?:IX|IV|V?I{0,3})")
_PERIOD_RE = lazy(r"FY\d{2}(?:\d{2})?|H[12]|Q[1-4]|V\d{1,2}|[A-Z]\d{2,}|A[0-6]")
_COMPASS = frozenset(
    ["NE", "NW", "SE", "SW", "NNE", "ENE", "ESE", "SSE", "SSW", "WSW", "WNW", "NNW"]
)
_THREE_POINT_COMPASS = frozenset(c for c in _COMPASS if len(c) == 3)
# Parting words before a signature ("Thanks, KF"): the closings of a letter.
_VALEDICTION_RE = lazy(
    r"(?i)\b(?:thanks|thank you|thx|thanx|tks|ty|regards|best|cheers|sincerely|rgds|yours|kind regards|best regards|warm regards|many thanks|ta)\b[\s,.!-]*$"
)
# Legal forms after a company name (ISO 20275 abbreviations in English-language use).
_LEGAL_FORMS = ("Inc", "Corp", "Co", "Corporation", "Company", "LLC", "LLP", "LP", "Ltd", "Limited", "PLC", "plc", "AG", "SA", "SpA", "SPA", "GmbH", "NV", "BV", "AB", "ASA", "Oyj", "Pty", "KK", "INC", "CORP", "CO", "LTD")
# Up to three capitalised words of the name, then maybe a comma: "ABB Ltd", "DLJ Capital Funding, Inc.", "ECS, LLC".
_LEGAL_SUFFIX_RE = lazy(r"^(?:\s+[A-Z][\w&'-]*(?![\w&'-])){0,3}(?:\s*,\s*|\s+)(?:" + "|".join(_LEGAL_FORMS) + r"|L\.L\.C|L\.P|S\.A|N\.V|B\.V)\b\.?")
_LEGAL_FORM_SET = frozenset(f.upper() for f in _LEGAL_FORMS)
# "talked with Frank at NYISO.", "bought 500 from COH", "agreements with KCS and ...": an
# organisation after a preposition of place or company, with no determiner, ending the phrase.
# Prepositions a bare singular common noun does not follow ("a member of the QBR team", "on the
# SLA", "sent to the TAM", never "a member of QBR", "on SLA", "sent to TAM"), while a proper noun
# does ("a member of ISDA", "trades on EOL", "between ETOL and RMT", "sold to AEP"): the bare
# object of one, ending its phrase, is a name. Jargon with a long form in ``expansions`` ("by
# EOD", "escalate to L2", "noted in CRM") never gets here.
_ORG_PREP_BEFORE_RE = lazy(r"(?:^|[^\w])(at|with|from|w/|between|among|amongst|within|via|of|on|as|than|including|versus|vs\.?|into|across|throughout|near|to|in|for|like|such as)\s+$")
_COORDINATED_BEFORE_RE = lazy(r"(?:\b[A-Z][A-Z0-9&]+\s*(?:,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|\s*/\s*|\s*&\s+))+$")
# Words before "of" that take a bare noun after it ("a kind of ACH", "out of SLA").
_BARE_OF_BEFORE_RE = lazy(r"(?i)\b(?:kind|kinds|type|types|sort|sorts|form|out|instead|because|lack|proof)\s+of\s+$")
_PHRASE_END_AFTER_RE = lazy(
    r"^(?:\s*[.,;:!?)(\n]|\s+-\s|\s*$|\s+(?:and|or|on|in|for|about|to|at|by|with|from|of|as|but|so|if|when|since|because|through|under|until"
    r"|today|yesterday|tomorrow|last|this|next|is|are|was|were|has|have|had|will|would|can|could|should|may|might|must|did|does|who|which|that|a|an|the)\b)"
)
_DETERMINER_RE = lazy(r"(?i)(?:^|[^\w])(?:the|a|an|our|your|their|his|her|my|its|this|that|these|those|each|every|any|no|per)\s+(?:[a-z][\w-]*\s+)?$")
_CLOCK_RE = lazy(r"(?i)(?:\b\d{1,2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?|\b\d{3,4}|\bnoon|\bmidnight)\s*[(\[]?\s*$")
_AMOUNT_AFTER_RE = lazy(r"^\s?[$€£¥]?\d")
_AMOUNT_BEFORE_RE = lazy(r"\d[\d,.]*\s?(?:[kKmM]|bn)?\s?$")
_DISTANCE_BEFORE_RE = lazy(r"(?i)(?:\d\s*(?:mi|miles?|km|kilometers?|kilometres?|nm|nautical miles?|m|ft|feet|yards?|blocks?|degrees?|°)\.?|\bwinds?|\bheading|\bbearing|\bdirection|\bwinds? from the)\s+$")
_STANDARD_NUMBER_RE = lazy(r"^ (\d{1,5})(?![\d/:.,]\d|[\w%])(?!\s*(?:hours?|hrs?|h|days?|weeks?|months?|years?|minutes?|mins?|business|calendar|am|pm|a\.m|p\.m|x|times|percent|per)\b)")
# Three or more digits right after the acronym, not an amount of something ("FAS 133", "EB 861",
# "TP #5564"; not "SC 20mw", "VNG 10,000 dth", "COB 9/14/01").
_LABELLED_NUMBER_RE = lazy(r"^ {1,2}#?(?!(?:19|20)\d\d\b)(\d{3,})(?![\d/:.,]\d|[\w%])(?!\s*(?:hours?|hrs?|days?|weeks?|months?|years?|minutes?|mins?|am|pm|a\.m|p\.m|x|times|percent|per|mw|mwh|kw|dth|mmbtu|bbl|units?|people|users)\b)")
# A standard's or product's name and number that end their phrase: punctuation, "and"/"or", a
# closing bracket or the end of the segment after the number ("certifications like SOC 2.",
# "(SOC 2, pen-tests)", "SAML 2 or OIDC"). A count or a score goes on to what it counts.
_PHRASE_END_AFTER_NUMBER_RE = lazy(r"(?:[.,;:!?)\]]|\s+(?:and|or)\b|\s*$)")
# What follows a standard's name and number ("SOC 2 Type II", "SOC 2 report", "PCI 4 compliance").
_STANDARD_WORD_RE = lazy(r"(?i)\s+(?:type|compliance|compliant|report|reports|audit|audits|certification|certified|attestation|standard|requirements?)\b")
_TICKER_RE = lazy(r"\(\s*[A-Z][A-Za-z]{1,9}\s*:\s*$")
_POSTAL_AFTER_RE = lazy(r"^,?\s+(?:\d{5}(?:-\d{4})?|\d{4}|[A-Z]\d[A-Z] ?\d[A-Z]\d)\b")
# Unit symbols written in capitals after a number ("20 KB", "18 MW", "8500 MT"): an SI
# prefix with bytes, watts, watt-hours, hertz, volts or volt-amperes, and the metric units
# people capitalise.
_UNIT_RE = lazy(r"[KMGTP](?:B|W|WH|HZ|V|VA)|KG|KM|MT|CM|MM|BCF|MCF|BTU")
_CITY_BEFORE_RE = lazy(r"(?<![\w])[A-Z][a-z]+(?:[ -][A-Z][a-z]+)*,\s*$")


def _base_of(word: str) -> str:
    return word[:-1] if len(word) > 2 and word.endswith("s") and word[:-1].isupper() else word


@dataclass
class Use:
    """One acronym-shaped word in a segment, and what is known about it."""

    seg: Segment
    s: int  # segment offsets
    e: int
    word: str  # as written, with the plural s
    base: str  # without it
    reason: str = ""  # why it is not a finding; empty while it may be one
    scope: str = ""  # "text" when the reason holds for every use of the acronym in the text

    @property
    def start(self) -> int:
        return self.seg.start + self.s

    @property
    def end(self) -> int:
        return self.seg.start + self.e


@dataclass
class Expansion:
    """A long form and the words that must (or must not) be in the text for it to be the meaning."""

    text: str
    context: frozenset[str] = frozenset()
    unless: frozenset[str] = frozenset()

    def sure_in(self, words: frozenset[str]) -> bool:
        """Whether the text's lower-case words make this the meaning."""
        if self.unless and not self.unless.isdisjoint(words):
            return False
        return not self.context or not self.context.isdisjoint(words)


@dataclass
class AcronymRule:
    """A compiled acronym rule."""

    rule: Rule
    known: frozenset[str]
    expansions: Mapping[str, Expansion]
    ignore_words: frozenset[str]
    min_len: int
    max_len: int
    first_only: bool
    common_zipf: float = DEFAULT_COMMON_ZIPF
    max_per_text: int = DEFAULT_MAX_PER_TEXT
    max_bare_per_text: int = DEFAULT_MAX_BARE_PER_TEXT
    use_ner: bool = True
    # Uses found by entity_names for a unit, reused by hits for the same unit (then dropped).
    analysed: dict[int, tuple[Unit, list["Use"]]] = field(default_factory=dict, repr=False)

    @property
    def knowledge(self) -> Knowledge:
        """The shipped frequency and code tables, read on first use (a clean file never needs them)."""
        return load_knowledge()

    @classmethod
    def compile(cls, rule: Rule, extra_known: Iterable[str] = (), extra_defined: Mapping[str, str] | None = None) -> "AcronymRule":
        """From validated options plus config allow-lists."""
        o = rule.options
        check_expansions(o.get("expansions") or {}, rule.origin[0], (rule.origin[1], 1))
        expansions: dict[str, Expansion] = {}
        for k, v in (o.get("expansions") or {}).items():
            if isinstance(v, Mapping):
                expansions[str(k)] = Expansion(
                    str(v["expansion"]),
                    frozenset(_word_forms(v.get("context", []))),
                    frozenset(_word_forms(v.get("unless", []))),
                )
            else:
                expansions[str(k)] = Expansion(str(v))
        return cls(
            rule=rule,
            known=frozenset(str(k) for k in list(o.get("known", [])) + list(extra_known)),
            expansions=expansions,
            ignore_words=frozenset(str(k) for k in o.get("ignore-words", [])),
            min_len=int(o.get("min-length", 2)),
            max_len=int(o.get("max-length", 6)),
            first_only=o.get("occurrences", "all") == "first",
            common_zipf=float(o.get("common-zipf", DEFAULT_COMMON_ZIPF)),
            max_per_text=int(o.get("max-per-text", DEFAULT_MAX_PER_TEXT)),
            max_bare_per_text=int(o.get("max-bare-per-text", DEFAULT_MAX_BARE_PER_TEXT)),
            use_ner=bool(o.get("names", True)),
        )

    def candidates(self, text: str) -> Iterator[tuple[int, int, str]]:
        """(start, end, base form) for every acronym-shaped word."""
        for m in _ACRONYM_RE.finditer(text):
            base = m.group(1)
            if not (self.min_len <= len(base) <= self.max_len):
                continue
            if sum(ch.isalpha() for ch in base) < 1 or base.replace("&", "").isdigit():
                continue
            yield m.start(), m.end(), base

    def is_known(self, base: str) -> bool:
        """Common knowledge by list: the floor, the config, ignore-words, periods and numerals."""
        if base in self.known or base in self.ignore_words:
            return True
        return bool(_PERIOD_RE.fullmatch(base) or _ROMAN_RE.fullmatch(base))

    def is_common(self, base: str) -> bool:
        """As frequent in general English as the threshold: a word, or an acronym everyone reads."""
        return self.knowledge.frequency(base) >= self.common_zipf


def _word_forms(words: Iterable[str]) -> Iterator[str]:
    for w in words:
        w = str(w).lower()
        yield w
        yield w + "s"


# ---------------------------------------------------------------------------
# Definitions


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


def _initials_strict(short: str, words: list[str]) -> bool:
    """The long form really spells the acronym: its letters match the words' initials in order,
    or Schwartz-Hearst matches with at least half of them at word starts ("customer
    satisfaction" for CSAT), not letters scattered inside a sentence ("call them" for CAM)."""
    letters = [c for c in short.lower() if c.isalpha()]
    parts = [p for w in words for p in re.split(r"[-/]", w.lower()) if p]
    if not letters or not parts or parts[0][:1] != letters[0]:
        return False
    i = 0
    for p in parts:
        if i < len(letters) and p[:1] == letters[i]:
            i += 1
    if i == len(letters):
        return True
    return _initials_match(short, words) and i * 2 >= len(letters)


def _long_form_before_strict(short: str, before: str) -> bool:
    words = _WORD_RE.findall(before)
    n = min(len(short) + 5, len(short) * 2, len(words))
    return any(_initials_strict(short, words[-k:]) and _initials_match(short, words[-k:]) for k in range(1, n + 1))


def _long_form_after_strict(short: str, after: str) -> bool:
    words = _WORD_RE.findall(after)[: len(short) + 4]
    return any(_initials_strict(short, words[:k]) and _initials_match(short, words[:k]) for k in range(len(words), 0, -1))


def _long_form_before(short: str, before: str) -> bool:
    """Whether the words just before end in a long form of ``short``."""
    words = _WORD_RE.findall(before)
    n = min(len(short) + 5, len(short) * 2, len(words))
    return any(_initials_match(short, words[-k:]) for k in range(1, n + 1))


def _long_form_after(short: str, after: str) -> bool:
    """Whether the words just after start with a long form of ``short``."""
    words = _WORD_RE.findall(after)[: len(short) + 4]
    return any(_initials_match(short, words[:k]) for k in range(len(words), 0, -1))


_ACR = r"([A-Z][A-Za-z0-9&]*[A-Z0-9])(s?)"
_ACR_TOKEN_RE = lazy(r"([A-Z](?<![\w&][A-Z])[A-Za-z0-9&]*[A-Z0-9])(s?)(?![\w&])")  # (first character first: see _ACRONYM_RE)
_STANDS_FOR_AFTER_RE = lazy(r"[*_`]*\s*(?:stands for|is short for|is an abbreviation (?:for|of)|is the abbreviation (?:for|of))\s*\S")
_MEANS_AFTER_RE = lazy(r"[*_`]*\s*(?:means|refers to|=)\s*\S")
_IS_A_AFTER_RE = lazy(r"[*_`]*\s+(?:is|are)\s+(?:a|an|the|our|when|where|any)\s+[a-z]")
# A short form in parentheses after its long form, quoted or after "or" (contracts, finance):
# 'investor owned utilities (or "IOUs")', 'fair market value ("common FMV")', '(the "SLA")'.
_QUOTED_SHORT_BEFORE_RE = lazy(r"\(\s*(?:(?:or|aka|i\.e\.,?|the|hereinafter|hereafter|collectively)\s+)?(?:[\"“'‘]\s*(?:([A-Za-z]+)\s+)?|(?<=or )|(?<=aka )|(?<=hereinafter )|(?<=hereafter ))$")
_QUOTED_SHORT_AFTER_RE = lazy(r"s?\s*[\"”'’]?\s*\)")
_SHORT_FOR_AFTER_RE = lazy(r",?\s*\(?\s*short for\s+\S")
_FOR_SHORT_AFTER_RE = lazy(r"\)?,?\s*for short\b")
_SEP_AFTER_RE = lazy(r"[*_`]*\s*(?::|—|–|\s-\s|\s--\s)\s*[*_`]*([A-Za-z][^\n]{3,100})")
_SEP_BEFORE_RE = lazy(r"(?:[:—–]|\s-\s|\s--\s|,\s*or|,?\s+aka|,?\s+also known as|,\s*abbreviated(?: as)?)\s*[*_`]*$")
# What _SEP_BEFORE_RE's separators end with, once the spaces and markup after them are
# stripped: a text that ends with none of these cannot match (the search tries every
# position of a 200-character text, so it is tried only after this check).
_SEP_TRAILING = "*_`\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"  # markup, and what \s matches
_SEP_ENDS = (":", "—", "–", "-", "or", "aka", "as", "abbreviated")
_GLOSSARY_HEAD_RE = lazy(r"[\s>]*(?:(?:[-*+]|\d+[.)])\s+)?[*_`]*$")
_GLOSSARY_AFTER_RE = lazy(r"[*_`]*\s*(?::|—|–|-|--)\s*[*_`]*[A-Za-z(]\S*(?:\s+\S+){1,}")


def find_definitions(text: str, kind: str = "paragraph", unit_text: str = "", start: int = 0) -> list[tuple[int, str]]:
    """(offset, acronym) for each definition in a segment, in any of the documented forms.

    Each form is tried at an acronym-shaped word, looking only at the text
    around it, so the cost is linear in the segment."""
    defs: list[tuple[int, str]] = []
    for m in _ACR_TOKEN_RE.finditer(text):
        short, s, e = m.group(1), m.start(1), m.end()
        before = text[max(0, s - 200) : s]
        after = text[e : e + 200]
        # The source's markup around the term (removed from the segment text): "**SLA**", "`SLA`".
        emphasised = bool(unit_text) and unit_text[max(0, start + s - 2) : start + s][-1:] in ("*", "_", "`")
        if _is_definition(short, text, s, e, before, after, kind, emphasised):
            defs.append((s, short))
    if kind == "table-row" and unit_text:
        defs.extend(_table_row_definitions(unit_text, start, len(text)))
    return defs


def _is_definition(short: str, text: str, s: int, e: int, before: str, after: str, kind: str, emphasised: bool = False) -> bool:
    qm = _QUOTED_SHORT_BEFORE_RE.search(before)
    if qm and _QUOTED_SHORT_AFTER_RE.match(after):
        inner_before = before[: qm.start()]
        extra = (qm.group(1) or "").lower()
        # ('investor owned utilities (or "IOUs")', 'fair market value ("common FMV")': a word
        # repeated from the long form may lead the short one)
        if (not extra or extra in inner_before[-120:].lower()) and _long_form_before_strict(short, inner_before.rstrip(" \"”'’*_")):
            return True
    if before.endswith("(") and (after.startswith(")") or _FOR_SHORT_AFTER_RE.match(after)):
        inner_before = before[:-1]
        close = after.find(")")
        if _long_form_before(short, inner_before) or _long_form_after(short, after[close + 1 :]):
            return True  # "long form (LF)", "(LF) Long Form"
        words = _WORD_RE.findall(inner_before[-60:])
        if inner_before.rstrip()[-1:].isalpha() and words and words[-1][:1].isupper():
            return True  # "Team Lead (P3)", "Enron Corp. (ENE)": a short form right after a name labels it
        return False
    pm = re.match(r"\s*\(([^()\n]{1,120})\)", after)
    if pm:
        inner_words = _WORD_RE.findall(pm.group(1))
        if inner_words and len(inner_words) <= len(short) + 5 and _initials_match(short, inner_words):
            return True  # "SLA (service level agreement)"
    if _STANDS_FOR_AFTER_RE.match(after):
        return True  # "SLA stands for ...": any explanation
    if _SHORT_FOR_AFTER_RE.match(after):
        return True  # "TAM, short for technical account manager"
    if _FOR_SHORT_AFTER_RE.match(after) and _long_form_before_strict(short, before):
        return True  # "deployment engineers, DEs for short"
    line_head = before[before.rfind("\n") + 1 :]
    starts_sentence = not line_head.strip(" *_`>-") or bool(re.search(r"(?:[.!?;:]|,(?:\s+and)?)\s+[*_`]*$", line_head))
    if starts_sentence and (_MEANS_AFTER_RE.match(after) or _IS_A_AFTER_RE.match(after)):
        return True  # "P1 means an outage", "P1 is an outage": the acronym opens the sentence
    sm = _SEP_AFTER_RE.match(after)
    if sm and _long_form_after_strict(short, sm.group(1)):
        return True  # "CAM - Customer Advocacy Manager", "CAM: customer advocacy manager"
    bm = _SEP_BEFORE_RE.search(before) if before.rstrip(_SEP_TRAILING).endswith(_SEP_ENDS) else None
    if bm and _long_form_before_strict(short, before[: bm.start()]):
        return True  # "Customer Advocacy Manager - CAM", "Technical Account Manager, or TAM"
    if kind in ("list-item", "paragraph") and _GLOSSARY_HEAD_RE.fullmatch(line_head) and emphasised:
        if _GLOSSARY_AFTER_RE.match(after):
            return True  # a glossary entry: "- **SLA**: service level agreement", "**P1** - an outage"
    return False


def _spells_out(short: str, words: Sequence[str]) -> bool:
    """Whether consecutive ``words`` spell ``short`` out from their initials
    ("go-to-market" for GTM, "daily active users" for DAU)."""
    letters = [c for c in short.lower() if c.isalpha()]
    if len(letters) < 3:
        return False  # two initials meet by chance in any paragraph
    for i, w in enumerate(words):
        if w[:1].lower() != letters[0]:
            continue
        for k in range(1, min(len(letters) + 3, len(words) - i) + 1):
            span = words[i : i + k]
            if span[-1].lower() in FUNCTION_WORDS:
                break  # a long form is a run of content words ("go-to-market" is one); (the words before were tested as k grew)
            if _initials_strict(short, span) and _initials_match(short, span) and span[-1][:1].lower() == letters[-1] or (
                k == 1 and re.split(r"[-/]", span[0].lower())[-1][:1] == letters[-1] and _initials_strict(short, span)
            ):
                return True
    return False


def _table_row_definitions(unit_text: str, start: int, length: int) -> list[tuple[int, str]]:
    """A row that pairs a cell holding only an acronym with a cell of words: ``| MRR | monthly recurring revenue |``."""
    row = unit_text[start : start + length]
    cells: list[tuple[int, str]] = []
    pos = 0
    for part in row.split("|"):
        cells.append((pos, part))
        pos += len(part) + 1
    out = []
    filled = [(off, cell) for off, cell in cells if cell.strip(" *_`")]
    for i, (off, cell) in enumerate(filled[:-1]):
        m = re.fullmatch(r"[\s*_`]*" + _ACR + r"[\s*_`]*", cell)
        if not m:
            continue
        nxt = filled[i + 1][1].strip(" *_`")
        # The next cell spells it out, or (in the first column) explains it in words.
        if _long_form_after(m.group(1), nxt) or (i == 0 and re.match(r"[A-Za-z(]", nxt) and len(_WORD_RE.findall(nxt)) >= 3):
            out.append((off + m.start(1), m.group(1)))
    # An acronym inside a cell whose long form another cell of the row spells out:
    # "| Usage (4 Wk DAU / MAU) | the average of daily active users over monthly active users |".
    words = [_WORD_RE.findall(cell) for _, cell in filled]
    for i, (off, cell) in enumerate(filled):
        for m in _ACR_TOKEN_RE.finditer(cell):
            if any((off + m.start(1), m.group(1)) == d for d in out):
                continue
            if any(_spells_out(m.group(1), other) for j, other in enumerate(words) if j != i):
                out.append((off + m.start(1), m.group(1)))
    return out


def _lines(text: str) -> Iterator[tuple[int, str]]:
    pos = 0
    for line in text.split("\n"):
        yield pos, line
        pos += len(line) + 1


def _heading_definitions(segments: Sequence[Segment]) -> dict[int, str]:
    """Headings that are an acronym (maybe with its long form) followed by a paragraph: seg index -> acronym."""
    out: dict[int, str] = {}
    for i, seg in enumerate(segments[:-1]):
        if seg.kind != "heading":
            continue
        m = re.fullmatch(r"[\s*_`]*" + _ACR + r"[\s*_`]*(?:\(([^()]*)\)|[:—–-].*)?\s*", seg.text)
        nxt = segments[i + 1]
        if m and nxt.kind in ("paragraph", "list-item") and len(_WORD_RE.findall(nxt.text)) >= 3:
            out[i] = m.group(1)
    return out


# ---------------------------------------------------------------------------
# Why a candidate is not jargon: one function per reason, each returning it or "".


@dataclass
class _Context:
    """What the reason functions may look at for one segment."""

    acr: AcronymRule
    unit: Unit
    seg: Segment
    title_case: bool
    is_last_lines: Callable[[int], bool]
    spelled_out: Callable[[], frozenset[str]] = frozenset
    _shouting: list[tuple[int, int]] | None = None

    @property
    def shouting(self) -> list[tuple[int, int]]:
        """The segment's runs of shouting (``_shouting_spans``), found on first need: most
        candidates are decided by a reason before the shouting one."""
        if self._shouting is None:
            self._shouting = _shouting_spans(self.seg.text, self.acr)
        return self._shouting


def _reason_known(ctx: _Context, u: Use) -> str:
    return "known" if ctx.acr.is_known(u.base) or ctx.acr.is_known(u.word) else ""


def _reason_common(ctx: _Context, u: Use) -> str:
    return "common in English" if ctx.acr.is_common(u.base) or ctx.acr.is_common(u.word) else ""


# Letters from which a word in capitals that WordNet knows is a word, not an acronym: shorter
# ones collide with initialisms (DASH, SEER, FIFO are all jargon somewhere).
_DICTIONARY_WORD_MIN = 5


def _dictionary_lemmas(word: str) -> list[str]:
    """The lemmas WordNet has for a lower-case form: the form itself in any part of speech,
    and the verbs it inflects ("paired" -> "pair")."""
    own = [word] if wordnet.is_noun(word) or wordnet.is_verb(word) or wordnet.is_adjective(word) or wordnet.is_adverb(word) else []
    return own + wordnet.verb_lemmas(word)


def _reason_dictionary_word(ctx: _Context, u: Use) -> str:
    """A word of five or more letters that WordNet has as a word (any part of speech, or an
    inflected form of one), not only as an initialism it writes in capitals: an ordinary
    word written in capitals ("DEPLOY", "PAIRED"), whatever its frequency."""
    w = u.base.lower()
    if len(w) < _DICTIONARY_WORD_MIN or not w.isalpha():
        return ""
    lemmas = _dictionary_lemmas(w) + ([w[:-1]] if w.endswith("s") and wordnet.is_noun(w[:-1]) else [])
    # (an initialism WordNet lists, always in capitals, is still an acronym: EBITDA, FIFO, HTTP)
    return "a dictionary word" if any(not wordnet.written_in_capitals(x) for x in lemmas) else ""


def _reason_shouting(ctx: _Context, u: Use) -> str:
    return "shouting" if any(a <= u.s and u.e <= b for a, b in ctx.shouting) else ""


def _reason_code(ctx: _Context, u: Use) -> str:
    text = ctx.seg.text
    digits = sum(ch.isdigit() for ch in u.base)
    if digits >= 2 or re.search(r"\d[A-Z]", u.base):
        return "code: an identifier of letters and digits"  # "QQ7050", "NP15", "3D" inside a word
    if re.fullmatch(r"[A-Z]{2,}\d", u.base):
        return "code: a versioned name"  # "SAML2", "ES6", "SOC2", "IC5": a versioned name or a level (a tier is one letter: L2, P1)
    if text[u.e : u.e + 3] == ";DR" or (u.base == "DR" and text[max(0, u.s - 3) : u.s] == "TL;") or u.base == "TLDR":
        return "code: TL;DR"
    if text[max(0, u.s - 2) : u.s].endswith(("<", "</")) and re.match(r"[\s>/]", text[u.e : u.e + 1]):
        return "markup"  # "<BR>", "</FONT>": a tag of raw HTML in a plain-text mail
    if re.match(r"=(?:[0-9A-F]{2}|[ \t]*(?:\n|$))", text[u.e : u.e + 3]) or re.search(r"\w=[ \t]*\n[ \t]*$", text[max(0, u.s - 6) : u.s]):
        return "encoding"  # "HUNDRE=" + line break, "HUB=20": quoted-printable that cut or encoded the word
    if u.base.lower() in _MONTH_ABBREVIATIONS and (re.match(r"[ .-]?\d{1,2}\b", text[u.e : u.e + 4]) or re.search(r"\b\d{1,2}[ -]$", text[max(0, u.s - 4) : u.s])):
        return "date"  # "DEC 27, 2001", "27-NOV"
    line_head = text[text.rfind("\n", 0, u.s) + 1 : u.s]
    if not line_head.strip(" \t*_>-") and _FIELD_VALUE_AFTER_RE.match(text[u.e : u.e + 40]):
        return "field label"  # "SID: 84054310G1": the label of an identifier in a form
    if u.base not in ctx.acr.expansions and _LABELLED_NUMBER_RE.match(text[u.e : u.e + 60]):
        return "code: the label of a number"  # "EB 861", "RFC 516", "TP #5564", "FAS 133": a room, a document, a point
    return ""


def _reason_standard(ctx: _Context, u: Use) -> str:
    """A standard's or product's name with its number: then the capitals name it wherever
    the text uses them ("SOC 2 Type II ... SOC compliance")."""
    text = ctx.seg.text
    num = _STANDARD_NUMBER_RE.match(text[u.e : u.e + 60])
    if not (num and u.base.isalpha()):
        return ""
    if _STANDARD_WORD_RE.match(text[u.e + num.end() : u.e + num.end() + 30]):
        return "code: a standard's name and number"  # "ISO 27001", "SOC 2 Type II", "SOC 2 report"
    if u.word == u.base and u.base not in ctx.acr.expansions and not re.fullmatch(r"(?:19|20)\d\d", num.group(1)) \
            and _PHRASE_END_AFTER_NUMBER_RE.match(text[u.e + num.end() : u.e + num.end() + 10]):  # (a year after capitals: an event, a name)
        return "code: a standard's name and number"  # "like ISO 27001 or SOC 2.", "(SOC 2, pen-tests)", "## SOC 2 and ...": they end the phrase
    return ""


_MONTH_ABBREVIATIONS = frozenset(m.lower() for m in calendar.month_abbr if m) | {"sept"}
# A form field's value that is a code: letters and digits mixed, or five or more digits.
_FIELD_VALUE_AFTER_RE = lazy(r"[ \t]*[:#=][ \t]*(?:[A-Za-z0-9-]*[A-Za-z][A-Za-z0-9-]*\d[A-Za-z0-9-]*|[A-Za-z0-9-]*\d[A-Za-z0-9-]*[A-Za-z][A-Za-z0-9-]*|\d{5,})[ \t]*(?:$|\n)")


def _reason_place_or_value(ctx: _Context, u: Use) -> str:
    k = ctx.acr.knowledge
    text = ctx.seg.text
    before = text[max(0, u.s - 40) : u.s]
    after = text[u.e : u.e + 40]
    b = u.base
    if _UNIT_RE.fullmatch(b) and _AMOUNT_BEFORE_RE.search(before):
        return "unit"
    if b in k.time_zones and _CLOCK_RE.search(before) and re.search(r"\d|noon|midnight", before, re.I):
        return "time zone"
    if b in k.currencies and (_AMOUNT_AFTER_RE.match(after) or _AMOUNT_BEFORE_RE.search(before) or _other_code_in_line(text, u, k.currencies)):
        return "currency code"
    if u.word == b and (b in _THREE_POINT_COMPASS or (b in _COMPASS and (after.startswith(" of ") or _DISTANCE_BEFORE_RE.search(before)))):
        return "compass point"
    if b in k.countries or b in k.subdivisions:
        if _CITY_BEFORE_RE.search(before) or _POSTAL_AFTER_RE.match(after) or re.match(r"\s+time\b", after):
            return "place code"  # "Houston, TX", "TX 77002", "2:30 NY time"
        if _in_code_list(text, u, k.countries | k.subdivisions):
            return "place code"
    if b in k.subdivisions and u.word == b and _PLACE_PREPOSITION_BEFORE_RE.search(before):
        return "place code"  # "call me in NY", "moving to TX"
    if b in k.subdivisions and u.word == b and not _DETERMINER_RE.search(before[-30:]) and re.match(r"[ \t]+[a-z]", after):
        return "place code"  # "about NY seminar", "TX law": a bare state code before a noun is the place
    return ""


_PLACE_PREPOSITION_BEFORE_RE = lazy(r"\b(?:in|from|to|near|across|outside|throughout)\s+$")


def _other_code_in_line(text: str, u: Use, codes: frozenset[str]) -> bool:
    line_start = text.rfind("\n", 0, u.s) + 1
    line_end = text.find("\n", u.e)
    line = text[line_start : len(text) if line_end < 0 else line_end]
    return any(m.group(1) in codes and m.group(1) != u.base for m in _ACRONYM_RE.finditer(line))


def _in_code_list(text: str, u: Use, codes: frozenset[str]) -> bool:
    """"NY, NJ and CT", "DE/BR", "from DE to BR": the code next to another code of the same table."""
    nxt = re.match(r"\s*(?:,|/|\band\b|\bor\b|\bto\b|&)\s*(?:and\s+|or\s+)?([A-Z]{2,3})\b", text[u.e : u.e + 12])
    prv = re.search(r"\b([A-Z]{2,3})\s*(?:,|/|\band|\bor|\bto|&)\s*(?:and\s+|or\s+)?$", text[max(0, u.s - 12) : u.s])
    return bool((nxt and nxt.group(1) in codes) or (prv and prv.group(1) in codes))


def _reason_initials(ctx: _Context, u: Use) -> str:
    """A person's initials, or a name in capitals, signing off ("thanks, KF", "-- SS", "TARA"
    alone on the last lines)."""
    if not (u.base.isalpha() and u.word == u.base):
        return ""
    what = "initials" if len(u.base) <= 3 else "signature"
    text = ctx.seg.text
    line_start = text.rfind("\n", 0, u.s) + 1
    line_end = text.find("\n", u.e)
    head = text[line_start : u.s]
    tail = text[u.e : len(text) if line_end < 0 else line_end]
    # What may follow a signature's initials on its line: punctuation, a phone extension.
    if not re.fullmatch(r"[\s.!,]*(?:(?:x|ext\.?\s*)?\d[\d-]{3,}[\s.]*)?", tail):
        return ""
    if _VALEDICTION_RE.search(head):
        return what  # "thanks, KF"
    dash = re.search(r"(?:^|[.!?]\s*)(?:-{1,2}|~|—|–)\s?$", head)
    if dash:
        return what  # "Call me when you can. -KF", "-- SS"
    if not head.strip():
        # Alone on its line: a sign-off when a closing precedes it or the text ends here.
        prev = text[:line_start].rstrip()
        prev_line = prev[prev.rfind("\n") + 1 :]
        if _VALEDICTION_RE.search(prev_line) or ctx.is_last_lines(ctx.seg.start + u.s):
            return what
    return ""


def _reason_title_line(ctx: _Context, u: Use) -> str:
    """A line of capitalised words in running text (a signature, an address, a subject or
    header line): the capitals on it are names ("Richard Sanders EWS Legal Department")."""
    if ctx.seg.kind == "paragraph" and ctx.title_case and u.base not in ctx.acr.expansions:
        return "name line"
    return ""


def _reason_name_spelled_out(ctx: _Context, u: Use) -> str:
    """The text spells the acronym out as a capitalised name somewhere ("Enron North America ...
    ENA"): a reader can tell what it names."""
    return "name spelled out" if u.base in ctx.spelled_out() else ""


_TITLE_PHRASE_RE = lazy(r"[A-Z](?<![\w&][A-Z])[a-z][\w'’]*(?:[ \t]+(?:of|and|for|the|de|&|[A-Z][a-z][\w'’]*))+")
_SMALL_WORDS = frozenset(["of", "and", "for", "the", "de", "&"])


def _proper_word(word: str) -> bool:
    """Whether a capitalised word is a proper name's: WordNet does not know it ("Enron",
    "Transwestern") or writes it only capitalised ("America", "Houston")."""
    low = re.sub(r"['’]s?$", "", word).lower()
    if wordnet.written_capitalised(low):
        return True
    return not (_dictionary_lemmas(low) or _noun_lemmas(low))


def _organisation_head(word: str) -> bool:
    """Whether a name's last word is a noun WordNet mostly files as a group of people: the
    head of an organisation's name ("Federal Energy Regulatory Commission", "Columbia
    University", "Customer Success Team")."""
    return any((wordnet.noun_profile(lemma) or {}).get("group", 0) >= 0.5 for lemma in _noun_lemmas(word.lower()))


def _spelled_out_names(text: str, bases: Iterable[str]) -> frozenset[str]:
    """Acronyms among ``bases`` that are the initials of consecutive capitalised words on one
    line of ``text`` ("Enron North America" for ENA, "Bank of America" for BOA or BA), when
    the words are a name: one of them is a proper name's (``_proper_word``), or the last one
    heads an organisation's name (``_organisation_head``)."""
    want = {b for b in bases if b.isalpha() and b.isupper() and len(b) >= 2}
    if not want:
        return frozenset()
    found: set[str] = set()
    for m in _TITLE_PHRASE_RE.finditer(text):
        words = m.group(0).split()
        every = "".join(w[0] for w in words).upper()
        content = "".join(w[0] for w in words if w not in _SMALL_WORDS)
        # Two letters match only a two-word name ("Transwestern Pipeline"): in a longer
        # run of names, two initials meet by chance.
        matched = {b for b in want if (b in content or b in every) and (len(b) > 2 or len(content) == 2)}
        if matched and (any(_proper_word(w) for w in words if w not in _SMALL_WORDS) or _organisation_head(words[-1])):
            found |= matched  # (not "Customer Engineering", "Support Engineer": common words in title case)
    return frozenset(found)


def _reason_name(ctx: _Context, u: Use) -> str:
    """A name of a company, brand, product, event or place: "name: " and what showed it, from
    the first of the name evidence functions below (``_NAME_EVIDENCE``) that holds."""
    text = ctx.seg.text
    before = text[max(0, u.s - 200) : u.s]
    after = text[u.e : u.e + 80]
    jargon = u.base in ctx.acr.expansions
    for fn in _NAME_EVIDENCE:
        if jargon and fn in _JARGON_GUARDED:
            continue
        why = fn(ctx, u, before, after)
        if why:
            return f"name: {why}"
    return ""


# Each name evidence function gets the candidate with up to 200 characters of its segment before
# it and 80 after, and returns what showed the name, or "". The ones marked "jargon guard"
# (``_JARGON_GUARDED``) are not asked about an acronym with a known business long form
# (``expansions``): those are jargon, whatever context they are in.


def _name_ampersand(ctx: _Context, u: Use, before: str, after: str) -> str:
    """PG&E, AT&T, S&P: names and set terms, never internal shorthand."""
    return "an ampersand inside" if "&" in u.base else ""


def _name_ticker(ctx: _Context, u: Use, before: str, after: str) -> str:
    """A stock ticker, "(NYSE: ENE)", or the exchange before one."""
    if _TICKER_RE.search(before) and after.lstrip().startswith(")"):
        return "a stock ticker"
    if before.endswith("(") and re.match(r"\s*:\s*[A-Z]{1,6}\s*\)", after):
        return "the exchange before a ticker"
    return ""


def _name_legal_form(ctx: _Context, u: Use, before: str, after: str) -> str:
    """A company's legal form after it ("ABB Ltd", "DLJ Capital Funding, Inc."), or the
    acronym is the legal form ending a company name ("Upstream Company LLC", "ECS, LLC")."""
    if _LEGAL_SUFFIX_RE.match(after):
        return "a company's legal form after it"
    if u.base in _LEGAL_FORM_SET and re.search(r"(?:[A-Za-z][\w.&'-]*,?\s+)$", before):
        return "the legal form ending a company name"
    return ""


def _name_bare_object(ctx: _Context, u: Use, before: str, after: str) -> str:
    """(jargon guard) "talked with Frank at NYISO.", "trades on EOL", "a member of ISDA": the
    whole object of a preposition, with no determiner (``_bare_after_name_preposition``)."""
    prep = _bare_after_name_preposition(before, after, u)
    return f"the bare object of '{prep}'" if prep else ""


def _name_possessive(ctx: _Context, u: Use, before: str, after: str) -> str:
    """(jargon guard) "FERC's ruling": a possessive with no determiner is a proper noun's."""
    return "a possessive with no determiner" if re.match(r"['’]s\b", after) and not _DETERMINER_RE.search(before[-30:]) else ""


def _name_coordinated(ctx: _Context, u: Use, before: str, after: str) -> str:
    """(jargon guard) "between Enron and AEP": joined to a capitalised name (``_coordinated_with_name``)."""
    name = _coordinated_with_name(ctx, ctx.seg.text, u)
    return f"joined to the name '{name}'" if name else ""


def _name_alias(ctx: _Context, u: Use, before: str, after: str) -> str:
    """(jargon guard) "Fountain Valley (aka PSCO)": another name for a named thing (a definition,
    which spells the acronym out, was found before any reason is asked)."""
    return "another name for a name (aka)" if _ALIAS_BEFORE_RE.search(before) else ""


def _name_passive_agent(ctx: _Context, u: Use, before: str, after: str) -> str:
    """(jargon guard) "received by ENA", "approved by FERC effective May 1": the bare agent of a
    passive; not when it modifies a noun ("recorded by GL account") or comes before a number."""
    if not re.search(r"\b\w+ed\s+by\s+$", before):
        return ""
    if _PHRASE_END_AFTER_RE.match(after) or not (_modifies_a_noun(after) or re.match(r"\s*\d", after)):
        return "the agent of a passive"
    return ""


def _name_of_people(ctx: _Context, u: Use, before: str, after: str) -> str:
    """(jargon guard) "the ENA legal team", "your NY office", "the CU lawyers": people belong to
    it (``_names_a_body_of_people``)."""
    if u.word != u.base:
        return ""
    people = _names_a_body_of_people(after)
    return f"it modifies '{people}', people who belong to it" if people else ""


def _name_acts(ctx: _Context, u: Use, before: str, after: str) -> str:
    """(jargon guard) "ENA agreed to ...", "FERC has ruled": a bare subject of a verb only
    somebody does is an organisation (``_acts``)."""
    if u.word != u.base:
        return ""
    verb = _acts(before, after)
    return f"the bare subject of '{verb}', a verb only somebody does" if verb else ""


def _name_event_year(ctx: _Context, u: Use, before: str, after: str) -> str:
    """"FOSDEM 2024": an event and its year."""
    return "an event and its year" if re.match(r" (?:19|20)\d\d\b(?![/:.,-]\d)", after) and u.base.isalpha() else ""


def _name_model(ctx: _Context, u: Use, before: str, after: str) -> str:
    """"Amazon S3", "Transco Z6": a model or product of a named maker (not after a sentence start)."""
    if re.fullmatch(r"[A-Z]{1,2}\d", u.base) and re.search(r"(?<![.!?:]\s)(?<!^)\b[A-Z][a-z][\w'’-]* $", before) and not _sentence_start(before[:-1].rsplit(" ", 1)[0] + " "):
        return "a model of a named maker"
    return ""


def _name_part_of_name(ctx: _Context, u: Use, before: str, after: str) -> str:
    """"UBS Warburg", "EES Wholesale": part of a proper name with the capitalised word after it
    (not a day or month: "EOD Friday"); not in a heading, a table row or a line of capitalised words."""
    if ctx.seg.kind in ("heading", "table-row") or ctx.title_case:
        return ""
    nm = re.match(r" ([A-Z][a-z][A-Za-z'’-]*)", after)
    return f"part of a name with '{nm.group(1)}'" if nm and nm.group(1).rstrip(".").lower() not in _CALENDAR_WORDS else ""


def _name_list_of_names(ctx: _Context, u: Use, before: str, after: str) -> str:
    """"Cinergy, Entergy, ERCOT and PJM": an item of a list of names (``_in_name_list``); not in
    a heading, a table row or a line of capitalised words."""
    if ctx.seg.kind in ("heading", "table-row") or ctx.title_case:
        return ""
    return "an item of a list of names" if _in_name_list(ctx.seg.text, u) else ""


_NAME_EVIDENCE: tuple[Callable[[_Context, Use, str, str], str], ...] = (
    _name_ampersand,
    _name_ticker,
    _name_legal_form,
    _name_bare_object,
    _name_possessive,
    _name_coordinated,
    _name_alias,
    _name_passive_agent,
    _name_of_people,
    _name_acts,
    _name_event_year,
    _name_model,
    _name_part_of_name,
    _name_list_of_names,
)
_JARGON_GUARDED = frozenset(
    [_name_bare_object, _name_possessive, _name_coordinated, _name_alias, _name_passive_agent, _name_of_people, _name_acts]
)


def _bare_after_name_preposition(before: str, after: str, u: Use) -> str:
    """The preposition of which the acronym, with no determiner, is the whole object, when a
    bare singular common noun does not follow it; or "". A plural may ("a list of QBRs"), so
    it does not count."""
    if u.word != u.base or not _PHRASE_END_AFTER_RE.match(after):
        return ""
    # A later item of a list of bare capitals after the preposition ("between TW and DEFSSW",
    # "for ENA and ECC", "into NJ, Md and DE") is its object too.
    before = _COORDINATED_BEFORE_RE.sub("", before)
    m = _ORG_PREP_BEFORE_RE.search(before)
    if not m or (m.group(1) == "of" and _BARE_OF_BEFORE_RE.search(before)):
        return ""
    return m.group(1)


_AUXILIARIES = frozenset("be is are was were been being have has had do does did will would shall should can could may might must".split())
# A capitalised name, then "aka" or "known as" (a definition, which spells the acronym out, was
# found before any reason is asked).
_ALIAS_BEFORE_RE = lazy(r"[A-Z](?<!\w[A-Z])(?<![.!?]\s[A-Z])[a-z][\w'’-]*\s*[,(]?\s*(?:aka|a\.k\.a\.?|also known as|known as|formerly|d/b/a|dba)\s+$")
# Up to two lower-case words after the acronym: the noun it modifies, maybe after an adjective.
_MODIFIED_AFTER_RE = lazy(r" ([a-z][a-z'-]+)(?: ([a-z][a-z'-]+))?")


def _modifies_a_noun(after: str) -> bool:
    """The next word is a lower-case noun the acronym may modify ("GL account")."""
    m = re.match(r"[ \t]+([a-z][a-z-]*)", after)
    return bool(m) and m.group(1) not in _AUXILIARIES and bool(_noun_lemmas(m.group(1)))


def _noun_lemmas(word: str) -> list[str]:
    """WordNet nouns a form may be (the form itself, or a regular plural's singular)."""
    out = [word] if wordnet.is_noun(word) else []
    if word.endswith("ies") and len(word) > 4:
        stems = [word[:-3] + "y"]
    elif re.search(r"(?:s|x|z|ch|sh)es$", word):
        stems = [word[:-2], word[:-1]]
    elif word.endswith("s") and not word.endswith("ss"):
        stems = [word[:-1]]
    else:
        stems = []
    return out + [w for w in stems if len(w) > 2 and wordnet.is_noun(w)]


def _names_people(word: str) -> bool:
    """Whether the noun names people: a body of them ("team", "folks", "committee") or, in
    (nearly) every WordNet sense, a person ("lawyers", "traders"; not "doc", "master")."""
    if word in _AUXILIARIES:
        return False
    if wordnet.verb_lemmas(word) or wordnet.is_adjective(word) or wordnet.is_adverb(word):
        return any(wordnet.is_body(lemma) for lemma in _noun_lemmas(word))
    for lemma in _noun_lemmas(word):
        prof = wordnet.noun_profile(lemma) or {}
        if wordnet.is_body(lemma) or prof.get("person", 0) >= 0.9:
            return True
    return False


def _names_a_body_of_people(after: str) -> str:
    """The noun naming people or a body of people that the acronym modifies ("ENA legal team",
    "NY office", "CU lawyers"), or "": the acronym names the organisation they belong to. A
    role's acronym does the same ("the SDR team"), but roles with a long form in
    ``expansions`` never get here."""
    m = _MODIFIED_AFTER_RE.match(after)
    if not m:
        return ""
    first, second = m.group(1), m.group(2)
    if _names_people(first):
        return first
    return second if second and wordnet.is_adjective(first) and not wordnet.is_noun(first) and _names_people(second) else ""


_CLAUSE_START_BEFORE_RE = lazy(r"(?:^|[.!?;:]\s+|\b(?:and|but|that|which|because|since|if|when|while|until|after|before)\s+)[\s*_>-]*$")
_FINITE_AFTER_RE = lazy(r"^\s+(?:[a-z]+ly\s+)?(?:(has|have|had|will|would|could|should|can|may|might|must|did|does|do|is|are|was|were)\s+(?:not\s+|also\s+|already\s+|just\s+|now\s+|never\s+|still\s+)?)?([a-z]+)\b(?!['’-])")


def _acts(before: str, after: str) -> str:
    """The verb of which the bare acronym, opening a clause, is the subject, when WordNet only
    gives that verb a Somebody subject ("ENA agreed", "FERC has ruled", "PPL dropped out": an
    organisation acting); or "". Forms that may be nouns ("ENA files", "SLA breaches") do
    not count."""
    if not _CLAUSE_START_BEFORE_RE.search(before[-60:]):
        return ""
    m = _FINITE_AFTER_RE.match(after)
    if not m:
        return ""
    aux, word = m.group(1), m.group(2)
    if not aux and (_noun_lemmas(word) or wordnet.is_adjective(word) and not word.endswith("ed")):
        return ""  # "ENA files", "SLA breaches": maybe a noun the acronym modifies
    lemmas = wordnet.verb_lemmas(word)
    if not aux and not (word.endswith(("ed", "s")) or any(lemma != word for lemma in lemmas)):
        return ""  # a finite form: "-s", "-ed", or an irregular one from WordNet's exceptions ("told", "sold")
    if aux in ("is", "are", "was", "were") and not word.endswith("ing"):
        return ""  # "ENA is asking" acts; "SLA is breached" is said of things too
    if not lemmas:
        return ""
    shares = [wordnet.literal_share(lemma, use) for lemma in lemmas for use in wordnet.USES]
    known = [x for x in shares if x is not None]
    return word if known and max(known) <= 0.3 else ""


# "EOD Friday", "COB Mon", "WFH in June": a capitalised day or month after the acronym is a date, not a name.
_CALENDAR_WORDS = frozenset(
    w.lower() for w in list(calendar.day_name) + list(calendar.day_abbr) + list(calendar.month_name) + list(calendar.month_abbr) if w
) | {"tues", "thur", "thurs", "sept"}
def _coordinated_with_name(ctx: _Context, text: str, u: Use) -> str:
    """The capitalised name the acronym is joined to ("Enron and AEP", "AEP and Delmarva",
    "AEP or Enron"), if it is not an ordinary word (a common English word capitalised at a
    sentence start is not); or ""."""
    nxt = re.match(r"\s+(?:and|or|&)\s+([A-Z][a-z][\w'’-]*)", text[u.e : u.e + 40])
    prv = re.search(r"(?<![.!?:]\s)(?<!^)\b([A-Z][a-z][\w'’-]*)\s+(?:and|or|&)\s+$", text[max(0, u.s - 40) : u.s])
    for m in (nxt, prv):
        if m and m.group(1).lower() not in _CALENDAR_WORDS and not ctx.acr.is_common(m.group(1)):
            return m.group(1)
    return ""


_LIST_SPLIT_RE = lazy(r"\s*,\s*(?:and\s+|or\s+|&\s+)?|\s+(?:and|or|&)\s+")


def _in_name_list(text: str, u: Use) -> bool:
    """The acronym is a bare item of a list in which two other items are capitalised names."""
    a = max(text.rfind(ch, 0, u.s) for ch in ".;:!?()\n") + 1
    ends = [i for i in (text.find(ch, u.e) for ch in ".;:!?()\n") if i >= 0]
    b = min(ends) if ends else len(text)
    clause = text[a:b]
    items = _LIST_SPLIT_RE.split(clause)
    if len(items) < 3:
        return False
    mine = [it for it in items if u.word in it.split()]
    # The acronym is an item by itself, or ends the first item ("offers to APS, Duke, and Panda").
    if not mine or not (mine[0].strip() == u.word or (mine[0] is items[0] and mine[0].split()[-1] == u.word)):
        return False
    names = 0
    for it in items:
        if it.strip() == u.word:
            continue
        # The item's trailing capitalised words ("include Cinergy" -> "Cinergy", "Duke Energy").
        words = it.split()
        tail: list[str] = []
        for w in reversed(words):
            if not w[:1].isupper():
                break
            tail.insert(0, w)
        # The last item's leading ones ("... and Qwest are not on the list" -> "Qwest").
        head: list[str] = []
        if it is items[-1] and not tail:
            for w in words:
                if not w[:1].isupper():
                    break
                head.append(w)
        if any(len(part) <= 4 and any(re.fullmatch(r"[A-Z][a-z][\w'’-]*", w) for w in part) for part in (tail, head) if part):
            names += 1
    return names >= 2


_REASONS: tuple[tuple[Callable[[_Context, Use], str], str], ...] = (
    # (function, scope): "text" reasons hold for the acronym everywhere in the text.
    (_reason_known, "text"),
    (_reason_common, "text"),
    (_reason_dictionary_word, "text"),
    (_reason_shouting, "use"),
    (_reason_code, "use"),
    (_reason_standard, "text"),
    (_reason_initials, "use"),
    (_reason_place_or_value, "text"),
    (_reason_name, "text"),
    (_reason_name_spelled_out, "text"),
    (_reason_title_line, "use"),
)


def _shouting_spans(text: str, acr: AcronymRule) -> list[tuple[int, int]]:
    """Runs of capitalised words that are emphasis or a form dump, not acronyms."""
    spans: list[tuple[int, int]] = []
    tokens = [m for m in _CAPS_TOKEN_RE.finditer(text)]
    # Runs: capitalised tokens separated only by spaces, tabs and light punctuation on one line.
    run: list[re.Match[str]] = []

    def close() -> None:
        if len(run) >= 2:
            words = [t.group(0).strip("'’") for t in run]
            ordinary = sum(1 for w in words if len(w) > acr.max_len or (w.isalpha() and acr.is_common(w)))
            spaced = all(re.fullmatch(r"[ \t]+", text[a.end() : b.start()]) for a, b in zip(run, run[1:]))
            # A run with an ordinary word is emphasis or a form dump; three or more capitalised
            # words in a row with only spaces between them are a shouted phrase. A list of
            # acronyms ("DPA, SOW and MSA") is neither.
            if ordinary >= 1 or (len(run) >= 3 and spaced):
                spans.append((run[0].start(), run[-1].end()))

    for t in tokens:
        if run and re.fullmatch(r"[ \t]*[:,/!?&()-]?[ \t]+|[ \t]*[:,/!?&()-][ \t]*|[ \t]+", text[run[-1].end() : t.start()]) is None:
            close()
            run = []
        run.append(t)
    close()
    # Lines written mostly in capitals (subject lines, notices, form dumps).
    for line_start, line in _lines(text):
        words = re.findall(r"[A-Za-z][A-Za-z'’]*", line)
        if len(words) >= 4 and sum(w.isupper() and len(w) > 1 for w in words) >= 0.6 * len(words):
            spans.append((line_start, line_start + len(line)))
    return spans


def _is_title_case(text: str) -> bool:
    """Most longer words capitalised: a title, a heading, a name or address line (acronyms
    themselves are not counted, so a sentence full of them is not a title)."""
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'’-]*", text) if len(w) > 3 and not w.isupper()]
    return len(words) >= 3 and sum(w[:1].isupper() for w in words) >= 0.7 * len(words)


# ---------------------------------------------------------------------------
# The linter


def analyse(acr: AcronymRule, unit: Unit, segments: Sequence[Segment], defined_acronyms: Mapping[str, str]) -> list[Use]:
    """Every candidate of a unit with the reason it is not a finding (empty: it may be one)."""
    defined: set[str] = set(defined_acronyms)
    found = [list(acr.candidates(seg.text)) for seg in segments]
    if not any(found):
        return []  # most texts: nothing acronym-shaped, nothing to decide
    heading_defs = _heading_definitions(segments)
    tail_start = _last_lines_start(unit.text)
    bases = {base for cands in found for _, _, base in cands}
    spelled: list[frozenset[str]] = []

    def spelled_out() -> frozenset[str]:
        if not spelled:
            spelled.append(_spelled_out_names(unit.text, bases))
        return spelled[0]

    uses: list[Use] = []
    for i, seg in enumerate(segments):
        if not found[i]:
            continue  # a definition always holds the acronym, so this segment defines nothing either
        defs = find_definitions(seg.text, seg.kind, unit.text, seg.start)
        ctx = _Context(
            acr=acr,
            unit=unit,
            seg=seg,
            title_case=False,
            is_last_lines=lambda off: off >= tail_start,
            spelled_out=spelled_out,
        )
        if i in heading_defs:
            defined.add(heading_defs[i])
        for s, e, base in found[i]:
            if any(a < e and s < b for a, b in seg.masks):
                continue  # code, URLs, link targets: never flagged
            word = seg.text[s:e]
            u = Use(seg, s, e, word, base)
            uses.append(u)
            ctx.title_case = _is_title_case(_line_at(seg.text, s)) if seg.kind == "paragraph" else ctx.title_case
            # The defining use itself ("... (SLA)", "SLA (...)", "SLA: ...") is never flagged.
            if any(d == base and off in (s, s - 1) for off, d in defs) or i in heading_defs:
                defined.add(base)
                u.reason, u.scope = "defined", "text"
                continue
            for off, d in defs:
                if off < s:
                    defined.add(d)
            singular = base[:-1] if base.endswith("S") and len(base) > 2 and base[:-1] in defined else base
            if base in defined or singular in defined:
                u.reason, u.scope = "defined", "text"
                continue
            # "[CE](glossary#ce)": a link on the acronym points the reader to its meaning.
            if unit.text[u.start - 1 : u.start] == "[" and unit.text[u.end : u.end + 2] == "](":
                u.reason = "linked"
                continue
            for fn, scope in _REASONS:
                why = fn(ctx, u)
                if why:
                    u.reason, u.scope = why, scope
                    break
        for _, d in defs:
            defined.add(d)
    # A reason that holds for the acronym (a name, a place code) holds for all its uses in the text,
    # except uses before its definition.
    text_wide = {u.base: u.reason for u in uses if u.scope == "text" and u.reason not in ("defined",)}
    for u in uses:
        if not u.reason and u.base in text_wide:
            u.reason = text_wide[u.base]
    return uses


def _line_at(text: str, off: int) -> str:
    a = text.rfind("\n", 0, off) + 1
    b = text.find("\n", off)
    return text[a : len(text) if b < 0 else b]


def _last_lines_start(text: str, n: int = 3) -> int:
    """Offset where the last ``n`` non-blank lines of a text begin (a signature's place)."""
    pos = len(text.rstrip())
    for _ in range(n):
        pos = text.rfind("\n", 0, pos)
        if pos < 0:
            return 0
        while pos > 0 and text[pos - 1] in " \t\r\n":
            pos -= 1
        if pos <= 0:
            return 0
    return text.find("\n", pos) + 1 if text.find("\n", pos) >= 0 else pos


def sentence_of(u: Use) -> tuple[int, str]:
    """(unit offset, text) of the words around a use, within its sentence and line, for NER:
    up to six words either side, enough for the multi-word name it may belong to."""
    text = u.seg.text
    a = max(text.rfind(". ", 0, u.s) + 2 if text.rfind(". ", 0, u.s) >= 0 else 0, text.rfind("\n", 0, u.s) + 1)
    ends = [i for i in (text.find(". ", u.e), text.find("\n", u.e)) if i >= 0]
    b = min(ends + [len(text)])
    left = list(re.finditer(r"\S+", text[a : u.s]))
    if len(left) > 6:
        a += left[-6].start()
    right = list(re.finditer(r"\S+", text[u.e : b]))
    if len(right) > 6:
        b = u.e + right[5].end()
    return u.seg.start + a, text[a:b]


# A capitalised word (not opening a sentence) within the three words before a candidate.
_NAME_BEFORE_RE = lazy(r"(?<![.!?:\n]\s)(?<!^)\b[A-Z][a-z][\w'’.-]*(?:\s+\S+){0,2}\s+$")
# Labels of named entities that make capitals part of a name.
_NAME_LABELS = frozenset(["ORG", "GPE", "LOC", "FAC", "PRODUCT", "EVENT", "NORP", "WORK_OF_ART", "LAW", "PERSON"])


def entity_names(rules: Sequence[AcronymRule], units: Sequence[Unit], segs: Sequence[Sequence[Segment]], model: Any, defined_acronyms: Mapping[str, str]) -> list[frozenset[str]]:
    """Per unit, the acronyms that spaCy's NER puts inside a multi-word name
    (in the sentences that still hold a candidate after the cheap checks).

    One ``nlp.pipe`` over those sentences with only the NER component; no
    other sentence is read. Without a pipeline, or with ``names: false`` on
    every rule, nothing is found and the cheap checks alone decide.
    """
    out: list[frozenset[str]] = [frozenset() for _ in units]
    active = [acr for acr in rules if acr.use_ner]
    if not active or model is None:
        return out
    todo: list[tuple[int, int, str, list[tuple[int, int, str]]]] = []  # (unit index, unit offset, sentence, [(start, end, base)])
    for k, (unit, segments) in enumerate(zip(units, segs)):
        sentences: dict[int, tuple[str, list[tuple[int, int, str]]]] = {}
        for acr in active:
            uses = analyse(acr, unit, segments, defined_acronyms)
            acr.analysed[id(unit)] = (unit, uses)
            seen: set[str] = set()
            firsts: list[Use] = []
            for u in uses:
                # The first use of each acronym that may be a finding; an acronym with a
                # known business long form is jargon whatever NER says.
                if u.reason or u.base in seen or u.base in acr.expansions:
                    continue
                seen.add(u.base)
                firsts.append(u)
            # NER can add only what the cheap checks cannot see: capitals that end a multi-word
            # name begun by capitalised words before them ("The Bank of America NA desk"). A
            # name after a capitalised word is also written bare, never "the QBR".
            firsts = [u for u in firsts if _NAME_BEFORE_RE.search(u.seg.text[max(0, u.s - 60) : u.s]) and not _DETERMINER_RE.search(u.seg.text[max(0, u.s - 30) : u.s])]
            if acr.max_per_text:
                # Only the sentences that can change what is reported.
                firsts = firsts[: acr.max_per_text]
            for u in firsts:
                off, sent = sentence_of(u)
                sentences.setdefault(off, (sent, []))[1].append((u.start - off, u.end - off, u.base))
        todo.extend((k, off, sent, spans) for off, (sent, spans) in sentences.items())
    if not todo:
        return out
    try:
        nlp = model.ner() if hasattr(model, "ner") else None
    except Exception:  # noqa: BLE001 - no pipeline (ModelError) or one without NER: the cheap checks decide
        nlp = None
    if nlp is None:
        return out
    found: list[set[str]] = [set() for _ in units]
    with nlp.memory_zone() if hasattr(nlp, "memory_zone") else _null():
        # Tokenize, then run the pipes directly: Language.pipe's per-call overhead is
        # larger than the work on a file's few sentences.
        docs = [nlp.make_doc(t[2]) for t in todo]
        for _, pipe in nlp.pipeline:
            docs = list(pipe.pipe(docs, batch_size=256)) if hasattr(pipe, "pipe") else [pipe(d) for d in docs]
        for (k, _, _, spans), doc in zip(todo, docs):
            for ent in doc.ents:
                if len(ent) < 2:
                    continue
                for s, e, base in spans:
                    if not (ent.start_char <= s and e <= ent.end_char):
                        continue
                    others = [t.text for t in ent if not (t.idx <= s < t.idx + len(t.text))]
                    if ent.label_ in _NAME_LABELS and any(re.fullmatch(r"[A-Z][a-z][\w'’.-]*", w) and w.rstrip(".").lower() not in _CALENDAR_WORDS for w in others):
                        found[k].add(base)
    return [frozenset(f) for f in found]


class _null:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: Any) -> None:
        return None


def hits(
    acr: AcronymRule,
    unit: Unit,
    segments: Sequence[Segment],
    defined_acronyms: Mapping[str, str],
    names: frozenset[str] = frozenset(),
    masks: Sequence[tuple[int, int]] = (),
) -> Iterator[Hit]:
    """Acronym findings of one unit, in text order: uses before any definition in the unit,
    at most ``max-per-text`` of them. ``names``: acronyms NER found to be names
    (``entity_names``); ``masks``: unit spans never flagged (quotes, code)."""
    cached = acr.analysed.pop(id(unit), None)
    uses = cached[1] if cached is not None and cached[0] is unit else analyse(acr, unit, segments, defined_acronyms)
    flagged = [u for u in uses if not u.reason and u.base not in names and not any(a < u.end and u.start < b for a, b in masks)]
    by_base: dict[str, list[Use]] = {}
    for u in flagged:
        by_base.setdefault(u.base, []).append(u)
    chosen = [u for u in flagged if not acr.first_only or u is by_base[u.base][0]]
    words_memo: list[frozenset[str]] = []

    def words() -> frozenset[str]:
        """The text's lower-case words, for expansions that depend on context (built once, on need)."""
        if not words_memo:
            words_memo.append(frozenset(w.lower() for w in _WORD_RE.findall(unit.text)))
        return words_memo[0]

    dropped: list[Use] = []
    bare = [u for u in chosen if _rank(acr, u) == _BARE]
    if (acr.max_per_text and len(chosen) > acr.max_per_text) or (acr.max_bare_per_text and len(bare) > acr.max_bare_per_text):
        ranked = sorted(chosen, key=lambda u: (_rank(acr, u), u.start))
        if acr.max_bare_per_text:
            ranked = [u for u in ranked if _rank(acr, u) != _BARE] + bare[: acr.max_bare_per_text]
        keep = {id(u) for u in (ranked[: acr.max_per_text] if acr.max_per_text else ranked)}
        dropped = [u for u in chosen if id(u) not in keep]
        chosen = [u for u in chosen if id(u) in keep]
    for n, u in enumerate(chosen):
        uses_of = by_base[u.base]
        exp = acr.expansions.get(u.base)
        expansion = exp.text if exp is not None and (not (exp.context or exp.unless) or exp.sure_in(words())) else ""
        word = u.word
        if expansion and word.endswith("s") and not u.base.endswith("s") and not expansion.endswith("s"):
            expansion += "s"  # "quarterly business reviews (QBRs)"
        suggestions = (f"{expansion} ({word})",) if expansion else ()
        before = unit.text[max(0, u.start - 40) : u.start]
        if suggestions and _sentence_start(before):
            suggestions = (suggestions[0][0].upper() + suggestions[0][1:],)
        fixable = bool(suggestions) and acr.rule.options.get("fix", True) and _safe_expansion(before, unit.text[u.end : u.end + 2], expansion, word)
        more = ""
        if n == 0 and dropped:
            names_more = list(dict.fromkeys(d.word for d in dropped))
            shown = ", ".join(names_more[:8]) + (", ..." if len(names_more) > 8 else "")
            more = f" (and {len(dropped)} more undefined in this text: {shown})"
        values = {
            "text": word,
            "expansion": expansion,
            "suggestion": f"{expansion} ({word})" if expansion else f"<full form> ({word})",
            "uses": f" (used {len(uses_of)} times)" if acr.first_only and len(uses_of) > 1 else "",
            "more": more,
        }
        yield Hit(acr.rule, u.start, u.end, values, suggestions, fixable, explanation={"evidence": "undefined", "reason": f"no definition before this use; not common English (zipf {acr.knowledge.frequency(u.base):.2f} < {acr.common_zipf}), not a name, code or known acronym"})


_BARE = 3


def _rank(acr: AcronymRule, u: Use) -> int:
    """Lower is likelier jargon: a known business expansion, then use as a noun ("the QBR",
    "QBRs"), then as a bare modifier ("DG check"), then bare as a whole noun phrase ("to ENA.")."""
    if u.base in acr.expansions:
        return 0
    if u.word != u.base or _DETERMINER_RE.search(u.seg.text[max(0, u.s - 30) : u.s]):
        return 1
    if _modifies_a_noun(u.seg.text[u.e : u.e + 40]):
        return 2
    return _BARE


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

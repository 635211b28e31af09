"""Candidates and evidence for ``kind: person-reference``, one small function each.

A **candidate** is a noun phrase that could stand for a person without
naming one: its head is a noun that WordNet does not make a person, a
pronoun or a name ("the renewal", "the 11:45 filling", "the grey Tesla",
"the slip-and-fall"), or an identifier with or without a label word
("member 0044172", "table 9", "#88213").

Each **evidence** function looks at the parse around one candidate and
returns an ``Evidence`` (the reason, the words involved, and whether it is
*strong*) or None. Strong evidence flags on its own: only people phone,
e-mail, hang up, are upset, wait in a lobby or have a wife. *Weak* evidence
(asks, wants, says, we told it, send it a copy) is also what documents,
systems and ordinary nouns do in running prose, so it flags only with
**support**: the phrase is an identifier or carries a time ("the 7am
pickup"), a place or a name ("the Birch Ct closing"), its head is a coinage
WordNet does not list as a noun ("the no-cool", "the prepaid"), or a
personal pronoun (she, he, her, his) follows in the same or the next
sentence.

**Counter-evidence** comes from what the head noun names (``wordnet``):
groups, organisations and places ("the bank called"), and agents such as
devices, systems and software ("the app asks", "the machine wants a
filter") legitimately act and are never flagged; content such as
documents, forms and policies legitimately says, asks and wants ("the
policy says"), so those verbs are no evidence for them; a physical thing
is no subject of a verb whose senses, used as here, mostly take Something
as subject ("the boiler wants descaling"). Passive verbs ("the renewal was
processed"), possessed nouns ("her request", "NYISO's request"), list
labels ("Feature request: ..."), quantities and time adverbials ("called
the other day") are never candidates or evidence.

When the parse itself fails on a terse note ("The 7:30 tasting rang":
"rang" taken for a noun), ``surface_subjects`` reads a definite phrase
right before a past tense of phoning as its subject from the words alone.

The functions take the compiled rule (``PersonRule``) for its word lists,
so "why was this flagged" is one function to read. Nothing here imports
spaCy; tokens come from the engine.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping

from ..lazyre import lazy
from .. import wordnet
from ..parse import doc_text
from ..prefilter import PHONE_RE as _PHONE_RE, SINGULAR_PERSONAL

if TYPE_CHECKING:  # pragma: no cover
    from .person import PersonRule

Token = Any

DEFINITE = frozenset({"the", "this", "that", "these", "those", "my", "our", "your"})
GENERIC = frozenset({"a", "an"})
COUNTING = frozenset({"two", "three", "four", "five", "six", "both"})  # (together: the cue gate's CANDIDATE_STARTS)
OWNERS = frozenset({"his", "her", "its", "their", "whose"})
PRONOUNS = frozenset(
    {"he", "she", "him", "her", "his", "hers", "it", "they", "them", "we", "us", "i", "me", "you", "who", "whom", "someone", "anyone", "everyone", "somebody", "anybody", "nobody", "one"}
)
_NP_LEFT_DEPS = frozenset({"det", "predet", "amod", "compound", "nummod", "poss", "nmod", "npadvmod", "quantmod", "punct"})
_NOT_CANDIDATE_POS = frozenset({"PRON", "DET", "ADP", "CCONJ", "SCONJ", "PUNCT", "AUX", "PART", "INTJ", "SYM", "SPACE"})
# What supports a document-like head that asks or wants: a she or he, a time, a number,
# or the same phrase flagged elsewhere in the text ("When a cancel calls ... If the cancel
# still wants out").
_CONTENT_NEEDS = ("pronoun", "time", "identifier", "repeated")
# Verbs of conversation: a numbered record spoken with is someone ("spoke with policy 88-204411").
_CONVERSE = frozenset({"speak", "talk", "chat", "meet"})
# Verbs whose object may take a participle saying what is to be done to it ("want it sent").
_COMPLEMENT_HEADS = frozenset({"want", "need", "like", "prefer", "have", "get", "see", "keep", "leave", "order", "request", "require", "expect", "wish"})
# Prepositions as notes abbreviate them ("spoke w/ #88213").
_PREP_ABBREVIATIONS = {"w/": "with", "w": "with", "wth": "with"}
# Verbs of phoning: what is phoned is someone at a number, never a document ("call the claim back").
_PHONE_VERBS = frozenset({"call", "phone", "ring"})
_PERSON_PRONOUN_RE = lazy(r"(?i)(?<![\w'’])(?:he|she|him|her|his|hers|himself|herself)(?![\w'’])")
# Verbs whose object can only be someone (so a document-like head is still a stand-in): "thanked the claim".
PERSON_ONLY_OBJECTS = frozenset({"thank", "reassure", "console", "greet", "calm", "persuade", "convince"})
# Verbs of being somewhere ("is at the counter", "waiting in the lobby").
PRESENCE_VERBS = frozenset({"be", "wait", "sit", "stand", "hold"})
_TIME_ADVERBIAL_MODIFIERS = frozenset({"other", "next", "last", "same", "previous", "following"})


@dataclass(frozen=True)
class Candidate:
    """A noun phrase that could stand for a person."""

    head: Token
    role: Token  # the head, or the first conjunct it is coordinated with
    start: int  # token span of the phrase
    end: int
    kind: str  # "noun", "time" (headed or modified by a time), "identifier"
    category: str  # "thing-as-person" or "number-as-person"
    cls: str  # what the head names (see wordnet.CLASSES), or "unknown"
    shares: frozenset[str]  # classes with at least a quarter of the head's senses
    # Flagged only when the same phrase is flagged elsewhere in the text (a definite
    # acronym, "call the MQL": most such are organisations).
    mentioned_again: bool = False

    @property
    def text(self) -> str:
        return str(self.head.doc[self.start : self.end].text)


@dataclass(frozen=True)
class Evidence:
    """Why a candidate is taken for a person."""

    name: str  # the evidence type, e.g. "subject-of"
    reason: str  # short, for the message: "it called"
    words: tuple[str, ...]  # the words that gave it
    strong: bool
    needs: tuple[str, ...] = ()  # weak evidence: the only support that counts for it (empty: the rule's)


# ---------------------------------------------------------------------------
# What the head names


def classify(tok: Token, kind: str, start: int, end: int, merged: Mapping[int, str], rule: "PersonRule") -> tuple[str, frozenset[str]]:
    """(class, classes with a real share) of a candidate's head, from WordNet."""
    if kind == "identifier":
        # "Ticket #4412 says ...": a ticket, a file or a contract says and waits; a member does not.
        words = tok.text.split()
        label = words[0].lower().rstrip(".:") if len(words) > 1 else ""
        profile = wordnet.noun_profile(label) if label else None
        if profile and profile.get("content", 0) >= 0.5 and profile.get("person", 0) < 0.15:
            return "abstract", frozenset({"abstract", "content"})
        return "abstract", frozenset({"abstract"})
    lemma = tok.lemma_.lower()
    if lemma in rule.add_nouns or tok.lower_ in rule.add_nouns:
        return "abstract", frozenset({"abstract"})
    profile = wordnet.noun_profile(lemma) or wordnet.noun_profile(tok.lower_)
    if profile is None:
        cls, profile = _unknown_class(lemma)
        if profile is None:
            return cls, frozenset({"unknown"})
    numbered = any(merged.get(t.idx) in ("id", "labelled") or (t.text.isdigit() and len(t.text) >= 3) for t in tok.doc[start:end])
    timed = any(merged.get(t.idx) == "time" for t in tok.doc[start:end]) or kind == "time"
    never = _never_a_stand_in(lemma, profile, numbered, timed)
    if never in ("person", "quantity"):
        return never, frozenset({never})
    shares = frozenset(k for k, v in profile.items() if v >= 0.25)
    grouped = never == "group" or (never is None and not timed and _best_class(profile) == "group")
    if grouped and profile.get("group", 0) <= _GROUP_MAY_BE_SHE and _pronoun_refers_back(tok, end):
        # "the membership emailed upset that her tune-up ...": a group is no she, so
        # the head's other reading (a membership held, a reservation made) stands in
        never = None
        shares = shares - {"group"}
        profile = {k: v for k, v in profile.items() if k != "group"}
    if timed:
        return "abstract", shares | {"abstract"}  # "the 4pm collection": an appointment, whatever else a collection is
    if never is not None:
        return never, shares
    best = _best_class(profile)
    if best == "time":
        return "time", shares
    return best, shares


def _best_class(profile: Mapping[str, float]) -> str:
    """The head's likeliest class. (A quantity sense that is not most senses is not the
    reading: "the 4pm drop", "the 0412 number".)"""
    return max(((k, v) for k, v in profile.items() if k != "quantity"), key=lambda kv: kv[1], default=("abstract", 1.0))[0]


def _pronoun_refers_back(head: Token, end: int) -> bool:
    """A "she", "he", "her" or "his" later in the sentence with nothing between that
    it could stand for instead: no person's name, no person noun, no "someone". A
    group (a membership, a reservation, a committee) is an "it" or a "they", never a
    "she": "the membership on Ash St emailed upset that her tune-up ...", "call the
    membership and get her on the books". (First and second persons are no
    antecedents of "she": "the membership called me about her ...".)"""
    if head.tag_ in ("NNS", "NNPS"):
        return False  # "the banks ... his people": a plural is no "he"
    doc = head.doc
    if any(t.lower_ in SINGULAR_PERSONAL or t.ent_type_ == "PERSON" for t in doc[: head.left_edge.i]):
        return False  # "He said the bank asked his people": the "his" may be his
    own = {t.i for t in head.subtree}
    for t in doc[end:]:
        low = t.lower_
        if low in SINGULAR_PERSONAL:
            return True
        if t.ent_type_ == "PERSON" or low in _INDEFINITE_PERSONS:
            return False
        if t.pos_ == "PROPN" and not t.ent_type_ and t.i not in own and _time_share(t.lower_) < 0.5:
            return False  # a name nobody has classified: perhaps a person's (not "Tuesday's")
        if t.pos_ == "NOUN" and _person_share(t.lemma_.lower()) >= 0.15:
            return False
    return False


# A head that is a group in at most this share of its senses has another reading
# to fall back on when a "she" refers to it ("membership", "reservation"); "the
# tech" (a school, in WordNet) has none.
_GROUP_MAY_BE_SHE = 0.7
_INDEFINITE_PERSONS = frozenset({"someone", "anyone", "everyone", "somebody", "anybody", "everybody", "nobody", "one"})


_PARTICLES = ("back", "up", "out", "off", "in", "on", "over", "down", "away", "through")


def _unknown_class(lemma: str) -> tuple[str, Mapping[str, float] | None]:
    """A head WordNet lacks: (class, profile to use, or None to keep it unknown).

    A hyphenated word ending in a person word is one ("co-founder"); other
    hyphenated words are coinages and stay unknown ("no-cool", "8-top"). A
    word written solid takes the class of the longest noun it ends with
    ("helpdesk" a desk, "hotline" a line, "counterparty" a party), unless it
    is a verb and a particle ("chargeback", "signup": an event); an agent
    noun made from a verb is a person ("installer")."""
    if "-" in lemma:
        first, last = lemma.split("-")[0], lemma.split("-")[-1]
        profile = wordnet.noun_profile(last)
        if profile and profile.get("person", 0) >= 0.15 and not first.isdigit():
            return "person", None
        return "unknown", None
    if _agentive(lemma):
        return "person", None
    for particle in _PARTICLES:
        stem = lemma[: -len(particle)]
        if lemma.endswith(particle) and len(stem) >= 3 and wordnet.is_verb(stem):
            return "abstract", {"abstract": 1.0}  # "chargeback", "signup", "rollback": a phrasal verb made a noun, an event
    for k in range(1, max(1, len(lemma) - 3)):
        profile = wordnet.noun_profile(lemma[k:])
        if profile is not None:
            return "compound", profile
    return "unknown", None


def _agentive(lemma: str) -> bool:
    """An agent noun made from a verb: "cleaner", "installer", "operator"."""
    for suffix, repl in (("er", ""), ("er", "e"), ("or", ""), ("or", "e"), ("r", "")):
        if lemma.endswith(suffix) and len(lemma) > len(suffix) + 2:
            stem = lemma[: -len(suffix)] + repl
            if wordnet.is_verb(stem) or (len(stem) > 3 and stem[-1] == stem[-2] and wordnet.is_verb(stem[:-1])):
                return True
    return False


def _person_share(lemma: str) -> float:
    profile = wordnet.noun_profile(lemma) or {}
    return profile.get("person", 0.0)


def _time_share(lemma: str) -> float:
    profile = wordnet.noun_profile(lemma) or {}
    return profile.get("time", 0.0)


# ---------------------------------------------------------------------------
# Candidates


def np_span(tok: Token) -> tuple[int, int]:
    """Token span of the noun phrase headed by ``tok``: its left modifiers and the head."""
    start = tok.i
    doc = tok.doc
    for child in reversed(list(tok.lefts)):
        if child.dep_ not in _NP_LEFT_DEPS or (child.dep_ == "punct" and child.text != "-"):
            break
        left = child.left_edge.i
        if any(t.is_space or "\n" in t.text or "\n" in t.whitespace_ for t in doc[left : start]):
            break  # never across a line break
        start = min(start, left)
    # A determiner opens its phrase: what the parser hung on the head before it ("😀 The
    # renewal", "Update The renewal") is not part of it, unless it is a predeterminer ("all
    # the renewals", "both the leads").
    det = next((c for c in tok.lefts if c.dep_ == "det" and c.i > start), None)
    if det is not None and not all(t.lower_ in _PREDETERMINERS for t in doc[start : det.i]):
        start = det.i
    return start, tok.i + 1


_PREDETERMINERS = frozenset({"all", "both", "half", "such", "quite", "what", "rather"})


def _not_label(doc: Any, end: int, start: int | None = None) -> bool:
    """False for a list label or heading: "Feature request: ...", "Transcript 1 (May 4, 2001): ...".
    A label begins its line (after a bullet, perhaps): a dash after a phrase inside a sentence
    is a pause ("be kind to the late return - she has a flight")."""
    if start is not None and not _begins_line(doc, start):
        j = end
        while j < len(doc) and doc[j].is_space:
            j += 1
        if j < len(doc) and doc[j].text.startswith(("–", "—", "-")):
            return True
    j = end
    while j < len(doc) and doc[j].is_space:
        j += 1
    if j < len(doc) and doc[j].text == "(":
        depth = 0
        while j < len(doc):
            depth += doc[j].text.count("(") - doc[j].text.count(")")
            j += 1
            if depth <= 0:
                break
    if j > end and doc[j - 1].text.endswith(":"):
        return False  # "(May 4, 2001):" tokenized as one
    return not (j < len(doc) and doc[j].text.startswith((":", "–", "—")))


def _begins_line(doc: Any, start: int) -> bool:
    """Whether only a bullet, a number or markup comes before ``doc[start]`` on its line."""
    for t in reversed(doc[:start]):
        if "\n" in t.text or "\n" in t.whitespace_:
            return True
        if t.is_space or re.fullmatch(r"[-*•+>#]+|\d+[.)]|[a-z][.)]|\W", t.text):
            continue
        return False
    return True


def _abbreviation(word: str) -> bool:
    """A short label WordNet does not know, as notes abbreviate record words: "Rx", "Acct",
    "Tkt" (not a name, "Elledge", nor a word, "Areas", "Box")."""
    w = word.lower().rstrip(".")
    return len(w) <= 4 and w.isalpha() and not any(wordnet.is_noun(f) or wordnet.is_verb(f) or wordnet.is_adjective(f) for f in (w, w.rstrip("s")))


def _identifier_ok(tok: Token) -> bool:
    """An identifier that could name a record: not a date, a phone number, a postcode or a numbered part."""
    text = tok.text
    if _PHONE_RE.search(text) or _in_phone_number(tok):
        return False
    parts = text.split()
    if len(parts) >= 2:
        label = parts[0]
        doc = tok.doc
        mid_sentence = tok.i > 0 and not tok.is_sent_start and not doc[tok.i - 1].is_space and doc[tok.i - 1].text not in ".!?:;"
        if label[:1].isupper() and not label.isupper() and mid_sentence and not (_abbreviation(label) and not re.fullmatch(r"\d{1,3}[-.]\d{4}", parts[-1])):
            return False  # "Texas 77554", "Box 26530", "Phase 1", "Kay 3-0643": a name or a numbered part (not "Rx 7710448")
        if _time_share(label.lower().rstrip(".")) >= 0.5:
            return False  # "June 11", "day 7"
        if re.fullmatch(r"(?:19|20)\d\d", parts[-1]):
            return False  # a year
        if label[:1].isupper() and re.fullmatch(r"\d{5}(?:-\d{4})?", parts[-1]) and (wordnet.noun_profile(label.lower()) or {}).get("group", 0) >= 0.5:
            return False  # "Texas 77554": a place and its postcode
        if label.isupper() and label in _subdivisions() and re.fullmatch(r"\d{5}(?:-\d{4})?|[A-Z]\d[A-Z] ?\d[A-Z]\d|\d{4}", parts[-1]):
            return False  # "TX 77079-6909", "QC H2X 1Y4", "NSW 2000": a state and its postcode (ISO 3166-2)
    return True


def _in_phone_number(tok: Token) -> bool:
    """Whether the token is part of a phone number the tokenizer split ("555-0422" in
    "(290) 555-0422"): the cheap gate does not count such digits as a candidate's start."""
    a, b = tok.idx, tok.idx + len(tok.text)
    text = tok.doc.text
    return any(m.start() < b and a < m.end() for m in _PHONE_RE.finditer(text, max(0, a - 20), min(len(text), b + 20)))


def _subdivisions() -> frozenset[str]:
    from ..acronym_data import load

    return load().subdivisions


_DETERMINING = DEFINITE | GENERIC | COUNTING


def head_never_candidate(word: str, rule: "PersonRule", she: bool = False) -> bool:
    """For the cheap gate: whether a plain lower-case head noun (no digit, no capital)
    is never a candidate of ``rule``, whatever the parse: a person, group, agent or
    quantity noun by WordNet (as ``classify`` decides), a skip noun or a staff place.
    False when in doubt (unknown words, words WordNet reads several ways). ``she``:
    the text has a "she" or "his" that a group head may be (``_pronoun_refers_back``)."""
    if not rule.nouns:
        return True  # (a rule without noun candidates takes only numbered phrases)
    forms = {word}
    if word.endswith("ies") and len(word) > 4:
        forms.add(word[:-3] + "y")
    if word.endswith("es") and len(word) > 3:
        forms.add(word[:-2])
    if word.endswith("s") and len(word) > 2:
        forms.add(word[:-1])
    verdicts = []
    for w in forms:
        if w in rule.add_nouns:
            return False
        if w in rule.skip_nouns or _presence_place(w, rule):
            verdicts.append(True)
            continue
        profile = wordnet.noun_profile(w)
        if profile is None:
            continue
        never = _never_a_stand_in(w, profile, numbered=False, timed=False)
        verdicts.append(never is not None and not (she and never == "group" and profile.get("group", 0) <= _GROUP_MAY_BE_SHE))
    return bool(verdicts) and all(verdicts)


def _never_a_stand_in(lemma: str, profile: Mapping[str, float], numbered: bool, timed: bool) -> str | None:
    """The class that makes a head never a stand-in, or None: a person (in at least 15%
    of its senses, or any person sense of an agent noun such as "installer"), a
    quantity ("two thirds", "the majority"; but "the 0412 number rang"), and, unless
    the phrase carries a time ("the 4pm collection"), a group or agent (at least half;
    a group at 40%: "the bank called", as often an organisation as a thing)."""
    person = profile.get("person", 0)
    if person >= 0.15 or (person > 0 and _agentive(lemma)):
        return "person"
    if profile.get("quantity", 0) >= 0.6 and not numbered:
        return "quantity"
    if timed:
        return None
    for cls in ("group", "agent"):
        if profile.get(cls, 0) >= 0.5:
            return cls
    return "group" if profile.get("group", 0) >= 0.4 else None


def _may_have_determiner(tok: Token, doc: Any) -> bool:
    """A quick necessary condition for what ``candidate_or_reason`` checks next: a
    determiner or counting word somewhere left of the head in its phrase ("the Oslo
    install"), or a small number right after it ("table 12"). Most tokens fail it."""
    for j in range(tok.left_edge.i, tok.i):
        if doc[j].lower_ in _DETERMINING:
            return True
    if tok.i > 0 and doc[tok.i - 1].lower_ in _DETERMINING:
        return True
    if _split_compound(tok) and tok.i > 1 and doc[tok.i - 2].lower_ in _DETERMINING:
        return True  # "told the Saturday wedding"
    return tok.i + 1 < len(doc) and doc[tok.i + 1].text[:1] in "#0123456789"


def _split_compound(tok: Token) -> bool:
    """The parser split one noun phrase in two: a noun right after a noun or name that has
    the same head and the same relation ("told the Saturday wedding we'd confirm": two
    objects), where English puts a modifier before its head."""
    if tok.i == 0 or tok.pos_ not in ("NOUN", "PROPN"):
        return False
    prev = tok.doc[tok.i - 1]
    return prev.pos_ in ("NOUN", "PROPN") and prev.head.i == tok.head.i and prev.dep_ == tok.dep_ and prev.dep_ in ("dobj", "nsubj", "pobj", "dative") \
        and not any(ch.dep_ in ("det", "poss") for ch in tok.children) and any(ch.dep_ == "det" for ch in prev.children)


# The parts of speech a candidate's head can have (the tagger's view of a misparsed noun included).
_MAYBE_POS = frozenset({"NOUN", "PROPN", "ADJ", "VERB", "NUM", "X"})


def maybe_candidates(doc: Any, merged: Mapping[int, str]) -> list[int]:
    """Indices of the tokens that may head a candidate for any rule: identifiers, and
    tokens that pass the rule-independent checks ``candidate_or_reason`` starts with (not
    a pronoun or a function word, not a modifier, a noun-like part of speech, a
    determiner in reach). Computed once per parsed sentence and shared by the person
    rules (kept as indices: tokens in ``user_data`` would tie the doc into a cycle)."""
    key = "humanize_lint.maybe_candidates"
    got = doc.user_data.get(key)
    if got is not None:
        return got
    # Only a token of a part of speech in _MAYBE_POS, or a merged identifier, can pass: read
    # from the doc's arrays, so that only those tokens are made into Token objects.
    out = []
    ids = _pos_ids()
    for i, (pos, idx) in enumerate(doc.to_array(_POS_IDX).tolist()):
        if merged.get(idx) in ("labelled", "id") or (pos in ids and _early_reason(doc[i], doc) is None):
            out.append(i)
    doc.user_data[key] = out
    return out


_POS_IDX: list[str] = ["POS", "IDX"]


@lru_cache(maxsize=1)
def _pos_ids() -> frozenset[int]:
    """The symbol ids of ``_MAYBE_POS`` (as ``Doc.to_array`` gives a token's part of speech)."""
    from spacy.parts_of_speech import IDS

    return frozenset(IDS[p] for p in _MAYBE_POS)


def _early_reason(tok: Token, doc: Any) -> str | None:
    """Why ``tok`` heads no candidate of any rule, from the checks that do not depend on
    the rule (``candidate_or_reason`` starts with them), or None."""
    if tok.lower_ in PRONOUNS or tok.pos_ in _NOT_CANDIDATE_POS:
        return f"a pronoun or a {tok.pos_} word"
    if tok.dep_ in ("compound", "amod", "nmod", "nummod") and tok.head.i > tok.i and tok.head.pos_ in ("NOUN", "PROPN"):
        return f"a modifier of '{tok.head.text}'"  # "the renewal team"
    if tok.pos_ not in _MAYBE_POS:
        return f"not a noun ({tok.pos_})"
    if not _may_have_determiner(tok, doc):
        return "no article, number or demonstrative: most bare nouns in notes name things"
    return None


_MAYBE_DIGIT_RE = lazy(r"[0-9]|[^\x00-\x7f]")  # (a negated class: a range up to U+10FFFF takes milliseconds to compile)


def may_hold_number(text: str) -> bool:
    """Whether a sentence may hold a digit: an ASCII digit or any non-ASCII character.

    A rule that takes neither nouns nor times (``candidates: {nouns: false, times:
    false}``) finds a candidate only through a number: an identifier (every merged one
    holds a digit), a numbered phrase or a small number after its head ("table 12"), or
    else through an acronym head. Without a digit, ``candidate`` is None for every other
    token, so ``PersonRule.check`` need not ask."""
    return _MAYBE_DIGIT_RE.search(text) is not None


def candidate(tok: Token, merged: Mapping[int, str], rule: "PersonRule") -> Candidate | None:
    """The candidate headed by ``tok``, or None."""
    got = candidate_or_reason(tok, merged, rule)
    return got if isinstance(got, Candidate) else None


def candidate_or_reason(tok: Token, merged: Mapping[int, str], rule: "PersonRule") -> Candidate | str:
    """The candidate headed by ``tok``, or a few words on why there is none (``explain``)."""
    doc = tok.doc
    kind = merged.get(tok.idx)
    if kind in ("labelled", "id"):
        if not rule.identifiers:
            return "an identifier, and this rule takes no identifiers"
        start, end = tok.i, tok.i + 1
        if start > 0 and doc[start - 1].lower_ in DEFINITE | GENERIC and not doc[start - 1].whitespace_.count("\n"):
            start -= 1  # "the #88213"
        if not _not_label(doc, end, start):
            return "a label or heading (a colon follows)"
        if not _identifier_ok(tok):
            return "a date, phone number, postcode, year or numbered part, not a record"
        return _make(tok, start, end, "identifier", "number-as-person", merged, rule)
    early = _early_reason(tok, doc)
    if early is not None:
        return early
    start, end = np_span(tok)
    if start == tok.i and tok.i > 0 and doc[tok.i - 1].lower_ in DEFINITE | GENERIC:
        start = tok.i - 1  # "The expired wants ...": the parser hung the article elsewhere
    elif start == tok.i and _split_compound(tok):
        start = np_span(doc[tok.i - 1])[0]  # "told the Saturday wedding": two objects, one phrase
    left = list(doc[start : tok.i])
    if any(t.dep_ == "poss" for t in left) and not any(t.lower_ in ("my", "our", "your") for t in left):
        return "owned by someone (a possessive)"  # "NYISO's request", "her refund": a thing someone has
    if left and left[0].lower_ in OWNERS:
        return f"owned by someone ('{left[0].text}')"
    det = next((t for t in left if t.lower_ in DEFINITE | GENERIC | COUNTING), None)
    if any(t.lower_ in ("all", "each", "every", "any", "no") for t in left) or (start > 0 and doc[start - 1].lower_ in ("all", "each", "every")):
        return "quantified (all, each, every, any, no): a statement about a kind, not a reference"
    small = [c for c in tok.rights if c.dep_ in ("nummod", "appos", "npadvmod") and c.i == tok.i + 1 and re.fullmatch(r"#?\d{1,3}", c.text)]
    if small and det is None and tok.pos_ in ("NOUN", "PROPN") and tok.text.isalpha():
        if not rule.identifiers or not _not_label(doc, small[0].i + 1) or _time_share(tok.lemma_.lower()) >= 0.5:
            return "a numbered thing that is a label, a time, or not this rule's kind"
        return _make(tok, tok.i, small[0].i + 1, "identifier", "number-as-person", merged, rule)  # "table 12"
    if det is None:
        return "no article, number or demonstrative: most bare nouns in notes name things"
    lemma = tok.lemma_.lower()
    if lemma in rule.skip_nouns or tok.lower_ in rule.skip_nouns:
        return "listed under candidates.skip-nouns"
    if _presence_place(lemma, rule) and not any(merged.get(t.idx) for t in doc[start:end]):
        return "a place where staff work (presence-places): the staff there"  # "the front desk called"
    nominal = det.i == tok.i - 1 or (tok.i > 0 and (doc[tok.i - 1].pos_ in ("PROPN", "NOUN", "ADJ") or merged.get(doc[tok.i - 1].idx) == "time") and det.i < tok.i)
    if tok.pos_ == "VERB" and tok.tag_ not in ("VBN", "VBD", "VBG") and not (nominal and (tok.tag_ in ("VB", "VBP") or det.lower_ in COUNTING)):
        return "parsed as a verb"  # but "the install", "the Oslo install", "two mortgage leads" are nouns
    if tok.text[:1].isupper() and not tok.text.isupper() and not is_acronym(tok.text) and not tok.is_sent_start and doc[tok.i - 1].lower_ not in ("the", "a", "an"):
        return "capitalised mid-sentence: a name or a title"  # "the Working Group", "the Licensor"
    if is_acronym(tok.text) and lemma not in rule.add_nouns:
        # An acronym head names an organisation more often than a customer ("the SEC said"),
        # unless it is counted like a common noun ("an MQL", "two MQLs") or comes from
        # somewhere or some time ("the SMB from Gdansk", "the P1 from last night").
        singular = tok.text[:-1] if tok.text.endswith("s") and tok.text[:-1] in rule.acronym_heads else tok.text
        head = rule.acronym_heads.get(singular)
        if head is not None and _person_share(head) >= 0.5:
            return f"the acronym stands for a person ('{head}')"  # "the SDRs", "an AE"
        plural = tok.text.endswith("s") and (head is not None or det.lower_ not in DEFINITE)
        counted = det.lower_ in GENERIC | COUNTING or plural
        origin = any(ch.dep_ == "prep" and ch.lower_ in ("from", "on") and ch.i > tok.i for ch in tok.children) or (tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ in ("from", "on"))
        if not counted and not origin and not _pronoun_refers_back(tok, tok.i + 1):
            # (but an organisation is no "she": "I reassured the SMB that ..., but he'd like it in
            # writing"; and one flagged elsewhere in the text is that one: "call the MQL")
            got = _make(tok, *np_span(tok), "noun", "thing-as-person", merged, rule)
            return dataclasses.replace(got, mentioned_again=True) if isinstance(got, Candidate) else got
    if not re.fullmatch(r"[A-Za-z0-9][\w'’.-]*", tok.text):
        return "not a word"
    time_head = merged.get(tok.idx) == "time"
    if len(tok.text) <= 2 and tok.text.islower() and not time_head:
        return "a short lower-case abbreviation nobody can classify"  # "the pt"
    if not _not_label(doc, end, start):
        return "a label or heading (a colon or dash follows)"
    phrase = doc[start:end].text
    if "  " in phrase or "\n" in phrase:
        return "the phrase runs across removed markup"
    if det.lower_ in ("my", "our", "your") and not (time_head or any(merged.get(t.idx) == "time" for t in left)):
        return "the writer's or reader's own thing (my, our, your)"  # "my 3pm" is kept
    numbered = any(merged.get(t.idx) in ("id", "labelled") or (t.dep_ == "nummod" and t.text.isdigit() and len(t.text) >= 3) for t in left)
    if numbered and not rule.identifiers:
        return "numbered, and this rule takes no identifiers"
    if not numbered and not (rule.nouns or (time_head and rule.times)):
        return "a noun phrase, and this rule takes none"
    category = "number-as-person" if numbered else "thing-as-person"
    return _make(tok, start, end, "time" if time_head else "noun", category, merged, rule)


def _presence_place(lemma: str, rule: "PersonRule") -> bool:
    """A place where staff serve, or a solid compound whose head is one ("helpdesk", "hotline")."""
    return _place_word(lemma, rule.presence_places)


@lru_cache(maxsize=65536)
def _place_word(lemma: str, places: frozenset[str]) -> bool:
    return lemma in places or any(lemma.endswith(p) and len(p) >= 4 and lemma != p for p in places if " " not in p)


def is_acronym(text: str) -> bool:
    """Capitals (and digits), maybe with a plural s: "MQL", "MQLs", "P1"."""
    return bool(re.fullmatch(r"[A-Z][A-Z0-9&]*[A-Z0-9]s?", text)) and len(text) > 1


def _make(tok: Token, start: int, end: int, kind: str, category: str, merged: Mapping[int, str], rule: "PersonRule") -> Candidate | str:
    cls, shares = classify(tok, kind, start, end, merged, rule)
    if cls in ("person", "quantity"):
        return f"WordNet: '{tok.lemma_.lower()}' is a {cls} noun"
    role = tok
    while role.dep_ == "conj" and role.head.i < role.i and role.head.pos_ in ("NOUN", "PROPN"):
        role = role.head
    return Candidate(tok, role, start, end, kind, category, cls, shares)


# ---------------------------------------------------------------------------
# The parse around a candidate


def verb_lemma(tok: Token, known: frozenset[str]) -> str:
    """A verb's lemma: spaCy's, or WordNet's morphology when spaCy's is no verb we know ("texted")."""
    lemma = str(tok.lemma_).lower()
    if lemma in known or wordnet.is_verb(lemma):
        return lemma
    low = tok.lower_
    for base in wordnet.verb_lemmas(low):
        return base
    for suffix in ("ed", "ing", "es", "s", "d"):
        if low.endswith(suffix) and low[: -len(suffix)] in known:
            return low[: -len(suffix)]
    return lemma


def lemma_of(tok: Token, known: frozenset[str]) -> str:
    """A token's lemma; for a verb (or a verb form the tagger took for a noun: "rang"), the verb's."""
    if tok.pos_ in ("VERB", "AUX") or tok.tag_.startswith("VB"):
        return verb_lemma(tok, known)
    lemma = str(tok.lemma_).lower()
    if lemma not in known and tok.tag_.startswith("NN") and tok.lower_ == lemma:
        for base in wordnet.verb_lemmas(tok.lower_):
            if base in known:
                return base
    return lemma


def passive(verb: Token, subject: Token | None = None) -> bool:
    """Whether the verb is passive ("was told", "has been processed"). ``subject``: a token
    the parser may have hung on the verb as its auxiliary ("acct 2208 called": auxpass)."""
    return any(
        (c.dep_ == "auxpass" or (c.dep_ == "aux" and c.lower_ in ("been", "be", "being") and verb.tag_ == "VBN")) and (subject is None or c.i != subject.i)
        for c in verb.children
    )


def comparative(tok: Token) -> bool:
    """A comparative or superlative adjective ("reminder" tagged JJR, lemma "remind"):
    never the verb a piece of evidence needs, so the cheap gate does not look for
    those forms of its verbs (``lemmas.forms(..., adjective=False)``)."""
    return tok.tag_ in ("JJR", "JJS")


def predicates(c: Candidate, rule: "PersonRule") -> list[Token]:
    """Verbs and predicate adjectives the candidate is the active subject of,
    including shared subjects ("called and wants", "keeps calling", "is at the
    counter asking") and the misparses of terse notes ("The 4pm collection
    from yesterday called", "acct 2208 just called")."""
    role, doc = c.role, c.role.doc
    found = []
    if role.dep_ == "nsubj" and role.head.pos_ in ("VERB", "AUX", "ADJ"):
        verb = role.head
        # "wants a label emailed", "needs the forms signed": a participle after the object of a
        # verb of wanting or causing says what should be done to it; it has no subject.
        small_clause = verb.dep_ in ("ccomp", "xcomp", "oprd") and verb.tag_ in ("VBN", "VBD") and verb.head.lemma_.lower() in _COMPLEMENT_HEADS \
            and role.i < verb.i and verb.head.i < role.i
        imperative = any(ch.lower_ == "please" for ch in verb.children) or small_clause
        apart = verb.i > c.end and any(t.pos_ == "SCONJ" or (t.is_punct and t.text not in (",", "-", "—")) for t in doc[c.end : verb.i])
        if not imperative and not apart:
            found.append(verb)  # (not "ECS 6990 *~*~* If you have questions, please call")
            found.extend(_spliced_after(verb))
    elif role.dep_ == "nsubjpass" and not any(ch.dep_ in ("auxpass", "aux") for ch in role.head.children):
        found.append(role.head)  # "Acct 4471-22 called back": a passive with no auxiliary is a misparsed past tense
    elif c.kind == "identifier" and role.head.i > role.i and (role.head.pos_ in ("VERB", "AUX") or wordnet.verb_lemmas(role.head.lower_)) and role.dep_ not in ("dobj", "pobj", "dative", "nsubjpass", "nsubj") \
            and not any(ch.dep_ in ("nsubj", "nsubjpass") for ch in role.head.children) \
            and role.head.tag_ != "VB" and not any(t.is_punct or t.pos_ in ("SCONJ", "SYM") or "\n" in t.text for t in doc[c.end : role.head.i]):
        # "acct 2208 just called" misparsed; not "ECS 6990 *~*~* If you have questions, please call"
        found.append(role.head)
    elif role.dep_ in ("ROOT", "dep", "npadvmod", "nmod", "appos", "auxpass", "meta", "intj", "punct", "cc"):
        i = c.end
        for ch in role.children:
            if ch.dep_ == "prep" and ch.i == i:
                i = ch.right_edge.i + 1
        while i < len(doc) and (doc[i].pos_ in ("ADV", "PART", "SPACE") or doc[i].dep_ in ("advmod", "neg")):
            i += 1
        if i < len(doc) and (doc[i].tag_ in ("VBD", "VBZ", "VBP", "MD", "VBN") or (doc[i].tag_.startswith("NN") and wordnet.verb_lemmas(doc[i].lower_) and doc[i].lower_ not in rule.known_verbs and doc[i].lower_ != doc[i].lemma_)):
            verb = doc[i]
            if not any(ch.dep_ in ("nsubj", "nsubjpass") and ch.i >= c.end for ch in verb.children):
                found.append(verb if verb.tag_ != "MD" else verb.head)
    if c.start < len(doc) and doc[c.start].lower_ in GENERIC:
        # "If a delivery calls", "An MQL called again" (a past tense the tagger took for a participle); not "a chance email me"
        found = [v for v in found if v.tag_ in ("VBZ", "VBD", "MD") or any(a.tag_ == "MD" for a in v.children) or (v.tag_ == "VBN" and (c.start == 0 or doc[c.start].is_sent_start) and not any(a.dep_ in ("aux", "auxpass") for a in v.children))]
    # A reduced relative clause: "an MQL asking for a call back", "the renewal wanting a refund".
    # Not after "a": "a message thanking the reporter", "a function calling another" describe a kind.
    if not (c.start < len(doc) and doc[c.start].lower_ in GENERIC):
        found.extend(ch for ch in role.children if ch.dep_ == "acl" and ch.tag_ == "VBG" and ch.i > role.i and not any(g.dep_ in ("nsubj", "mark", "aux") for g in ch.children))
    out: list[Token] = []
    seen: set[int] = set()
    queue = list(found)
    while queue:
        verb = queue.pop(0)
        if verb.i in seen:
            continue
        seen.add(verb.i)
        out.append(verb)
        for ch in verb.children:
            if ch.dep_ == "conj" and ch.pos_ in ("VERB", "AUX", "ADJ") and not any(g.dep_ in ("nsubj", "nsubjpass") for g in ch.children) \
                    and not any(t.lower_ in ("but", "or", "so", "then", "yet") for t in doc[verb.i + 1 : ch.i]) \
                    and not (ch.tag_ == "VB" and verb.tag_ in ("VBZ", "VBD")):  # "The renewal is due March 1, call the customer": a command
                queue.append(ch)
            elif ch.dep_ == "xcomp" and ch.pos_ == "VERB" and lemma_of(verb, rule.known_verbs) in rule.catenative:
                queue.append(ch)
            elif ch.dep_ in ("advcl", "xcomp") and ch.tag_ == "VBG" and not any(g.dep_ in ("nsubj", "mark") for g in ch.children):
                queue.append(ch)
    return [v for v in out if not passive(v, role)]


def _spliced_after(verb: Token) -> list[Token]:
    """The finite verb of a clause joined to ``verb``'s by a comma alone, which shares its
    subject ("The leak is waiting in the lobby, wants us to come back"): the small
    pipeline hangs the first clause on the second as its complement and leaves the second
    without a subject. Only a verb that agrees with a third-person subject ("wants",
    "called"), never a command ("..., call them today")."""
    head = verb.head
    if verb.dep_ != "ccomp" or head.i <= verb.i or head.tag_ not in ("VBZ", "VBD") or any(ch.dep_ in ("nsubj", "nsubjpass", "expl") for ch in head.children):
        return []
    doc = verb.doc
    comma = verb.right_edge.i + 1
    if comma >= head.i or doc[comma].text != "," or any(t.pos_ not in ("ADV", "PART") for t in doc[comma + 1 : head.i]):
        return []
    return [head]


def _use(verb: Token, role: Token) -> str:
    """How the verb is used here, as a key of ``wordnet.USES``."""
    kids = [ch for ch in verb.children if ch.i != role.i]
    deps = {ch.dep_ for ch in kids}
    if any(ch.dep_ == "xcomp" and any(g.dep_ == "aux" and g.lower_ == "to" for g in ch.children) for ch in kids):
        return "to-infinitive"
    if any(ch.dep_ == "ccomp" and ch.tag_ == "VB" and any(g.dep_ == "aux" and g.lower_ == "to" for g in ch.children) and any(g.dep_ == "nsubj" for g in ch.children) for ch in kids):
        return "to-infinitive"  # "wants us to come back": WordNet's "Somebody ----s somebody to INFINITIVE"
    if "ccomp" in deps:
        return "clause"
    if "dative" in deps and "dobj" in deps:
        return "two-objects"
    if "dobj" in deps:
        return "object"
    if "prep" in deps:
        return "prep"
    return "intransitive"


def _rings_literally(lemma: str, use: str) -> bool:
    """Whether most senses of a phoning verb, used as here, take Something as subject
    (WordNet's frames: "ring" sounds; "call" and "phone" are done by someone)."""
    share = wordnet.literal_share(lemma, use)
    if share is None:
        share = wordnet.literal_share(lemma, "intransitive")  # ("rang to say": no frame for the use)
    return share is not None and share >= 0.5


def _wants_done(verb: Token) -> bool:
    """A desire for something to be done: "wants the boiler moved", "would like the forms
    signed" (an object and a past participle, which the tagger may take for a past tense:
    "want" takes no finished clause). What wants a thing done has intentions;
    a thing that "wants" in the sense of needs takes a noun or a gerund ("wants descaling")."""
    for ch in verb.children:
        if ch.dep_ in ("ccomp", "xcomp", "oprd") and ch.tag_ in ("VBN", "VBD") and any(g.dep_ in ("nsubj", "nsubjpass") and g.pos_ in ("NOUN", "PROPN", "PRON") for g in ch.children) \
                and not any(g.dep_ in ("aux", "auxpass") for g in ch.children):
            return True
        if ch.dep_ == "dobj" and any(g.dep_ == "acl" and g.tag_ == "VBN" and g.i > ch.i for g in ch.children):
            return True
    return False


def _timed(c: Candidate) -> bool:
    """The phrase carries a time ("the 2pm repair")."""
    return any(_is_time(t) for t in c.head.doc[c.start : c.end])


def _is_time(tok: Token) -> bool:
    return bool(re.fullmatch(r"(?i)\d{1,2}(?::\d{2})?\s?(?:am|pm|a\.m\.|p\.m\.)|\d{1,2}:\d{2}", tok.text))


_ORIGIN_PREPS = frozenset({"from", "on", "at", "for", "in"})


def _individuated(c: Candidate) -> bool:
    """A prepositional phrase gives the phrase a time, place or origin: "the MQL from the webinar",
    "the trial pass from Sunday", "the no-cool on Briarwood", "the storage pickup for Thursday"."""
    for ch in c.head.children:
        if ch.dep_ == "prep" and ch.lower_ in _ORIGIN_PREPS and ch.i > c.head.i:
            for obj in ch.children:
                if obj.dep_ != "pobj":
                    continue
                if obj.pos_ == "PROPN" or _is_time(obj) or _time_share(obj.lemma_.lower()) >= 0.5:
                    return True
    return False


def _specified(c: Candidate, names: bool = True) -> bool:
    """The phrase carries a time, number, or (with ``names``) a place or name
    ("the 7am pickup", "the Maple Court blister pack")."""
    doc = c.head.doc
    if any(t.i != c.head.i and ((names and t.pos_ == "PROPN") or re.search(r"\d", t.text)) for t in doc[c.start : c.end]):
        return True
    return names and _individuated(c)


def _acts(c: Candidate) -> bool:
    """Whether the head names something that legitimately acts (never a stand-in for a customer)."""
    return c.cls in ("group", "agent", "person")


# ---------------------------------------------------------------------------
# Evidence


def subject_of(c: Candidate, rule: "PersonRule") -> Evidence | None:
    """It does what people do: calls, e-mails, hangs up, complains (strong); asks, wants, says (weak).
    Of the verbs it is the subject of, the first that gives strong evidence counts, else the
    first weak one ("The leak is waiting in the lobby, wants us to come back": "wants ... to")."""
    if _acts(c) or not (rule.subject_verbs or rule.strong_subject_verbs):
        return None
    held: Evidence | None = None
    weak: Evidence | None = None
    for verb in predicates(c, rule):
        if comparative(verb):
            continue
        lemma = lemma_of(verb, rule.known_verbs)
        strong = lemma in rule.strong_subject_verbs
        if not strong and lemma not in rule.subject_verbs:
            continue
        if not rule.verb_ok(lemma, verb, c.role):
            continue
        if lemma == "call" and any(ch.dep_ in ("prt", "prep") and ch.lower_ in ("for", "on", "off", "out") and ch.i == verb.i + 1 for ch in verb.children):
            continue  # "the plan calls for", "calls on the government"
        if lemma == "call" and _naming(verb):
            continue  # "an album called 'Texas Shoot Out'"
        if lemma == "thank" and any(ch.lower_ == "you" for ch in verb.children):
            continue  # "Thank you for ..."
        use = _use(verb, c.role)
        if lemma in rule.desire_verbs and use == "to-infinitive":
            generic = doc_lower(c, c.start) in GENERIC
            ev = Evidence("subject-of", f"it {verb.text} to", (verb.text,), not generic and not c.shares & {"content"})  # "wants to know": only a person
            if ev.strong:
                return ev
            weak = weak or ev
            continue
        told = next((ch for ch in verb.children if ch.dep_ in ("dobj", "dative") and ch.lower_ in ("us", "me", "him", "her", "them")), None)
        if lemma in rule.telling_verbs and use == "to-infinitive" and verb.tag_ == "VBD" and c.cls in ("abstract", "unknown", "time") and told is not None:
            # "The packing job asked us to leave the kitchen for last": WordNet's "Somebody
            # ----s somebody to INFINITIVE", told of something that happened (not "the
            # exercise asks you to": a text, in the present, to its reader)
            ev = Evidence("subject-of", f"it {verb.text} {told.text} to", (verb.text,), doc_lower(c, c.start) not in GENERIC)
            if ev.strong:
                return ev
            weak = weak or ev
            continue
        if lemma in rule.desire_verbs and _wants_done(verb):
            # "the Brighton install wants the boiler moved"; but software WordNet files as a
            # physical thing ("the portal wants the form signed") is weak
            generic = doc_lower(c, c.start) in GENERIC
            ev = Evidence("subject-of", f"it {verb.text} something done", (verb.text,), not generic and c.cls in ("abstract", "unknown") and not c.shares & {"content"})
            if ev.strong:
                return ev
            weak = weak or ev
            continue
        timed = c.kind in ("identifier", "time") or _timed(c)
        numbered = c.kind == "identifier" or c.category == "number-as-person"
        if lemma in rule.content_verbs and lemma not in rule.contact_verbs and c.shares & {"content", "agent", "group"} \
                and not (numbered and lemma in rule.desire_verbs):
            # "the policy says", "the form asks", "ticket #4412 is waiting on the vendor"; but
            # "the return wants a label ... she": a content head that asks and wants is a
            # person only when a she or he follows (or it carries a time or a number).
            if c.cls == "content" and not c.shares & {"agent", "group"} and lemma != "say":
                held = held or Evidence("subject-of", f"it {_verb_phrase(verb)}", (verb.text,), False, _CONTENT_NEEDS)
            continue
        if lemma == "wait" and timed:
            ev = Evidence("subject-of", f"it is {verb.text}", (verb.text,), True)
            if ev.strong:
                return ev
            weak = weak or ev
            continue
        if lemma == "say" and not (timed or c.cls == "unknown") and c.shares & {"content", "agent", "group"}:
            continue  # "the status says": texts say things
        if c.cls == "physical" and lemma not in rule.contact_verbs:
            particles = [ch.lower_ for ch in verb.children if ch.dep_ == "prt"]
            phrasal = next((f"{lemma}_{p}" for p in particles if wordnet.is_verb(f"{lemma}_{p}")), None)
            share = wordnet.literal_share(phrasal or lemma, use)
            if lemma in rule.desire_verbs or (share is not None and share >= 0.5):
                continue  # "the boiler wants descaling", "the box says fragile"
        if lemma in rule.motion_verbs and c.cls not in ("abstract", "unknown"):
            continue  # "the parcel arrived": things move
        if lemma in rule.contact_verbs and c.shares & {"physical", "agent"} and _rings_literally(lemma, use):
            continue  # "the alarm rang", "the 7:30 bell rang": what mostly rings is a bell
        ev = Evidence("subject-of", f"it {_verb_phrase(verb)}", (verb.text,), strong)
        if ev.strong:
            return ev
        weak = weak or ev
    return weak or held


def passive_subject_of(c: Candidate, rule: "PersonRule") -> Evidence | None:
    """People are told and reassured: "the downgrade was told", "#77120 was promised a callback"."""
    if _acts(c) or not rule.passive_verbs or c.role.dep_ != "nsubjpass":
        return None
    verb = c.role.head
    lemma = lemma_of(verb, rule.known_verbs)
    if comparative(verb) or lemma not in rule.passive_verbs or not rule.verb_ok(lemma, verb, c.role, table="passive"):
        return None
    if any(ch.dep_ == "agent" and any(g.pos_ not in ("PRON", "PROPN") and lemma_of(g, rule.known_verbs) not in ("agent", "rep") for g in ch.children if g.dep_ == "pobj") for ch in verb.children) and lemma not in ("tell", "reassure", "promise"):
        return None
    return Evidence("passive-subject-of", f"it was {verb.text}", (verb.text,), lemma in ("tell", "reassure", "thank", "promise", "advise", "inform"))


def described_as(c: Candidate, rule: "PersonRule") -> Evidence | None:
    """It feels what people feel: "is upset", "is very anxious", "called upset", "is a lovely lady"."""
    if _acts(c) or not rule.feelings:
        return None
    preds = predicates(c, rule)
    role = c.role
    if role.dep_ == "nsubjpass" and role.head.lower_ in rule.feelings and not any(ch.dep_ == "agent" for ch in role.head.children) \
            and not ("content" in c.shares and any(ch.lower_ == "been" for ch in role.head.children)):  # "the requirements have been satisfied": fulfilled
        return Evidence("described-as", f"it is {role.head.text}", (role.head.text,), not (c.cls == "physical" and c.kind == "noun"))
    for verb in preds:
        if verb.pos_ == "ADJ" and verb.lower_ in rule.feelings:
            return Evidence("described-as", f"it is {verb.text}", (verb.text,), True)
        if lemma_of(verb, rule.known_verbs) not in rule.linking:
            continue
        for ch in verb.children:
            if ch.dep_ in ("acomp", "oprd") or (ch.dep_ == "conj" and ch.pos_ == "ADJ"):
                for adj in [ch] + [g for g in ch.children if g.dep_ == "conj"]:
                    if adj.lower_ in rule.feelings and not any(g.dep_ in ("agent", "aux", "auxpass") for g in adj.children) and not ((adj.tag_ == "VBN" or adj.lower_.endswith("ed")) and verb.lower_ in ("been", "be", "being")):
                        if c.cls == "physical" and c.kind == "noun":
                            continue  # "the west desk is pleased": a department, not a customer
                        return Evidence("described-as", f"it {verb.text} {adj.text}", (adj.text,), True)
            if ch.dep_ == "attr" and ch.pos_ == "NOUN" and ch.i > verb.i and ch.lemma_.lower() in rule.person_nouns and any(g.dep_ == "det" and g.lower_ in ("a", "an") for g in ch.children):
                return Evidence("described-as", f"it {verb.text} a {ch.text}", (ch.text,), True)
    for verb in preds:
        if lemma_of(verb, rule.known_verbs) in rule.linking:
            j = verb.i + 1
            doc = verb.doc
            while j < len(doc) and doc[j].pos_ in ("ADV", "PART") and doc[j].lower_ not in ("not", "n't", "never"):
                j += 1
            # "have been satisfied": for a document or requirement, fulfilled, not pleased
            passive_participle = j < len(doc) and verb.lower_ in ("been", "be", "being") and (doc[j].tag_ == "VBN" or ("content" in c.shares and doc[j].lower_.endswith("ed")))
            if j < len(doc) and doc[j].lower_ in rule.feelings and doc[j].tag_ in ("JJ", "VBN") and not passive_participle and not (c.cls == "physical" and c.kind == "noun"):
                return Evidence("described-as", f"it {verb.text} {doc[j].text}", (doc[j].text,), True)  # "the case is happy now - ..." (misparsed)
        for ch in verb.children:
            if (ch.tag_ == "VBN" or ch.lower_.endswith("ed")) and verb.lower_ in ("been", "be", "being"):
                continue  # "have been satisfied": a passive verb ("the requirements were met"), not a feeling
            if ch.dep_ in ("oprd", "acomp", "advcl", "xcomp") and ch.lower_ in rule.feelings and ch.i > verb.i and not (c.cls == "physical" and c.kind == "noun"):
                return Evidence("described-as", f"it {verb.text} {ch.text}", (ch.text,), True)  # "rang in upset"
    return None


def present_at(c: Candidate, rule: "PersonRule") -> Evidence | None:
    """It is where a visitor or caller is: in the lobby, at the counter, on line 2, on hold, here."""
    if _acts(c) or not rule.presence_places:
        return None
    doc = c.role.doc
    for verb in predicates(c, rule):
        if comparative(verb):
            continue
        lemma = lemma_of(verb, rule.known_verbs)
        # Being somewhere, or coming there ("came to the front desk", "walked into reception").
        moving = lemma in rule.motion_verbs
        if lemma not in PRESENCE_VERBS and not moving:
            continue
        if moving and c.kind == "noun" and c.cls not in ("abstract", "unknown"):
            continue  # "the parcel came to reception": things are brought
        # Coming to a place is weak: deliveries come to the front desk too.
        strong = (c.cls in ("abstract", "unknown") or c.kind != "noun") and not moving
        kids = list(verb.children) + [g for ch in verb.children if ch.dep_ == "advmod" and ch.lower_ in ("back", "already", "still", "now") for g in ch.children]
        for ch in kids:
            # "is here", "is home now" (the small pipeline tags "home" a noun attribute)
            if ch.dep_ in ("advmod", "attr") and not moving and ch.lower_ in rule.presence_adverbs and ch.i > verb.i and not any(g.dep_ in ("det", "poss", "amod") for g in ch.children) \
                    and not any(t.tag_ in ("WDT", "WP", "WRB", "EX") for t in doc[: c.start]):
                return Evidence("present-at", f"it {verb.text} {ch.text}", (ch.text,), strong)
            if ch.dep_ == "prep" and ch.lower_ in (("to", "into", "at", "in") if moving else ("in", "at", "on")):
                for place in ch.children:
                    words = {place.lemma_.lower(), place.lower_.split(" ")[0]}
                    compounds = {g.lower_ for g in place.children if g.dep_ == "compound"}
                    if place.tag_ == "VBG":
                        # "is on the phone asking", "is at the drive-thru asking": the parser hung the place on "asking"
                        words = compounds | {g.lower_ for g in place.children if g.dep_ == "amod" and g.i < place.i}
                    if (place.dep_ == "pobj" or (place.dep_ == "pcomp" and place.tag_ == "VBG")) and (words | {f"{x} {place.lower_}" for x in compounds}) & rule.presence_places \
                            and not any(g.lower_ in ("my", "your", "our", "his", "her", "their") for g in place.children):
                        return Evidence("present-at", f"it {verb.text} {ch.text} the {place.text}", (place.text,), strong)
    return None


def addressee_of(c: Candidate, rule: "PersonRule") -> Evidence | None:
    """People are spoken to: we call it back, tell it that ..., send it a copy, walk it through, let it know."""
    if _acts(c):
        return None
    role, doc = c.role, c.role.doc
    verb = role.head
    if role.dep_ == "nsubj" and lemma_of(verb, rule.known_verbs) == "know" and lemma_of(verb.head, rule.known_verbs) == "let":
        return Evidence("addressee-of", "let it know", (verb.head.text, verb.text), True)
    # (A "noun" with an auxiliary and an object is a verb: "Can someone senior call ticket 7094")
    misread = verb.pos_ == "NOUN" and role.dep_ == "dobj" and any(ch.dep_ == "aux" and ch.i < verb.i for ch in verb.children)
    if role.dep_ not in ("dobj", "dative", "oprd") or (verb.pos_ != "VERB" and not misread) or passive(verb):
        return None
    if doc[c.start].lower_ in GENERIC and c.kind == "noun":
        return None  # "call a cab", "assure a smooth running": people addressed are definite
    if verb.tag_ == "VBN" and verb.dep_ in ("acl", "amod"):
        return None  # "a band called the Titans": naming
    lemma = lemma_of(verb, rule.known_verbs)
    if doc[verb.i + 1 : c.start] and any(t.pos_ in ("ADP", "PUNCT", "SCONJ") for t in doc[verb.i + 1 : c.start]):
        return None
    text = doc[c.start : c.end].text
    if c.kind == "identifier" and (rule.phone_re.fullmatch(text) or _PHONE_RE.search(text)):
        return None  # a phone number or extension is dialled
    nxt = doc[c.end] if c.end < len(doc) else None
    second = [ch for ch in verb.children if ch.i > role.i and ch.dep_ in ("dobj", "ccomp", "xcomp")] + [ch for ch in role.children if ch.dep_ == "appos" and role.dep_ == "dative"]
    told = [ch for ch in role.children if ch.i > role.i and ((ch.dep_ == "prep" and ch.lower_ == "about") or (ch.dep_ in ("relcl", "acl", "ccomp") and not any(g.lower_ in ("which", "that") and g.i == ch.left_edge.i for g in ch.subtree)))]
    back = any(ch.dep_ in ("prt", "advmod") and ch.lower_ == "back" for ch in list(verb.children) + list(role.children))
    # "send the renewal a gift card": the first of two objects is the recipient.
    # (A giving verb WordNet gives no clause frame takes no clause: "send the inquiry the
    # rentals list", with "list" parsed as a verb, still has two objects.)
    if lemma in rule.giving_verbs and c.start == verb.i + 1 and second and (second[0].dep_ in ("dobj", "appos") or second[0].dep_ == "ccomp" and wordnet.literal_share(lemma, "clause") is None) \
            and second[0].left_edge.i == c.end \
            and nxt is not None and (nxt.lower_ in ("a", "an", "the", "some", "our", "my", "your", "his", "her", "their", "both") or nxt.like_num):
        # Things are given treatments ("give the boiler a service"), but only someone is
        # texted or e-mailed something ("text the brow lamination the waitlist link").
        strong = (c.cls in ("abstract", "unknown") and not c.shares & {"content", "physical"}) or lemma in rule.contact_verbs
        return Evidence("recipient-of", f"{verb.text} it {nxt.text} ...", (verb.text,), strong)
    # "told the freeze it's active", "told the insulin refill about the copay card".
    if lemma in rule.telling_verbs and c.start == verb.i + 1 and (told or (second and second[0].dep_ in ("ccomp", "xcomp"))):
        return Evidence("addressee-of", f"{verb.text} it ...", (verb.text,), True)
    if lemma == "walk" and any(ch.lower_ == "through" for ch in verb.children) and c.cls in ("abstract", "unknown"):
        return Evidence("addressee-of", f"{verb.text} it through", (verb.text, "through"), True)
    if lemma == "put" and any(ch.lower_ == "through" and ch.dep_ == "prt" for ch in verb.children) and any(ch.dep_ == "prep" and ch.lower_ == "to" for ch in verb.children):
        return Evidence("addressee-of", f"{verb.text} it through to", (verb.text, "through"), False)  # "put the churn through to me"
    if lemma not in rule.addressee_verbs:
        return None
    if any(t.lower_ in _TIME_ADVERBIAL_MODIFIERS for t in doc[c.start : c.end]):
        return None  # "called the other day"
    if c.kind == "noun" and _time_share(c.head.lemma_.lower()) >= 0.5 and not _specified(c):
        return None  # "called this morning"
    if lemma == "call" and _naming(verb):
        return None  # "call it a day", "a band called the Titans"
    if lemma in rule.contact_verbs and any(ch.dep_ == "prep" and ch.lower_ == "to" for ch in verb.children) and lemma not in ("call", "phone", "ring"):
        return None  # "e-mail the report to Sam": the report is sent, not addressed
    if c.shares & {"content"} and lemma not in PERSON_ONLY_OBJECTS and lemma not in _PHONE_VERBS and not _specified(c, names=False):
        return None  # "tell the story", "tell the Sourcegraph story", "text the link"; but a claim is not phoned
    if c.cls == "physical":
        return None  # "call the airline", "contact the ICE help desk": a service, not a stand-in
    if c.kind == "noun" and any(t.lower_ in ("my", "our", "your") for t in doc[c.start : c.end]):
        return None  # "contact your local IT support"
    strong = back and lemma in rule.contact_verbs
    return Evidence("addressee-of", f"{verb.text} it" + (" back" if back else ""), (verb.text,), strong)


def object_of_prep(c: Candidate, rule: "PersonRule") -> Evidence | None:
    """People are spoken to through a preposition: apologized to it, spoke with it, hung up on it, reach out to it."""
    if _acts(c) or c.role.dep_ != "pobj":
        return None
    prep = c.role.head
    if prep.dep_ not in ("prep", "dative", "agent"):
        return None
    word = prep.norm_.lower() if prep.norm_.lower() in rule.preps else _PREP_ABBREVIATIONS.get(prep.lower_, prep.lower_)
    head = prep.head
    if c.kind == "noun" and _time_share(c.head.lemma_.lower()) >= 0.5:
        return None
    if head.pos_ == "VERB" and not _subject_is_person(head):
        return None  # "the enclosed meets with your approval"
    lemma = lemma_of(head, rule.known_verbs)
    allowed = rule.preps.get(word, frozenset())
    if lemma == "leave" and word == "for" and any(ch.dep_ == "dobj" and ch.lemma_.lower() in rule.preps.get("for", ()) for ch in head.children):
        # "left a voicemail for the weekly": messages are left for people, whatever the head names
        return Evidence("object-of-prep", "left a message for it", (head.text, word), True)
    content_only = False
    if c.shares & {"content"} and lemma not in rule.strong_prep_heads and not (c.kind == "identifier" and lemma in _CONVERSE and word in ("with", "to")):
        # "talk to the report", "listen to the message": no evidence, unless a she or he, a time or
        # a number supports it ("be kind to the late return - she has a flight at 6"); but
        # "spoke with policy 88-204411"
        if c.cls != "content" or lemma not in allowed or word not in ("to", "with") or head.pos_ == "NOUN" or doc_lower(c, c.start) in GENERIC:
            return None  # (and "sends calls to a voicemail box": people spoken to are definite)
        content_only = True
    prts = [ch.lower_ for ch in head.children if ch.dep_ == "prt"]
    for prt in prts:
        phrase = f"{lemma} {prt} {word}"
        if phrase in rule.phrasal_preps:  # "reach out to the renewal": the preposition hangs on the verb
            return Evidence("object-of-prep", f"{head.text} {prt} {word} it", (head.text, prt, word), phrase in rule.strong_prep_heads)
    if lemma in allowed and head.pos_ in ("VERB", "ADJ", "NOUN"):
        if word == "with" and head.pos_ != "VERB":
            return None
        if word == "to" and lemma in rule.giving_verbs and not any(ch.dep_ == "dobj" for ch in head.children):
            return None
        if content_only:
            return Evidence("object-of-prep", f"{head.text} {word} it", (head.text, word), False, _CONTENT_NEEDS)
        return Evidence("object-of-prep", f"{head.text} {word} it", (head.text, word), lemma in rule.strong_prep_heads)
    if head.dep_ in ("prt", "advmod"):
        phrase = f"{lemma_of(head.head, rule.known_verbs)} {head.lower_} {word}"
        if phrase in rule.phrasal_preps:
            return Evidence("object-of-prep", f"{head.head.text} {head.text} {word} it", (head.head.text, head.text, word), phrase in rule.strong_prep_heads)
    return None


def _topic_like(tok: Token) -> bool:
    """A noun for content or something abstract ("call certain functions"), not a person, group or line."""
    profile = wordnet.noun_profile(tok.lemma_.lower())
    if not profile:
        return False
    best = max(profile.items(), key=lambda kv: kv[1])[0]
    return best in ("content", "abstract") and profile.get("person", 0) < 0.15 and profile.get("group", 0) < 0.3


def doc_lower(c: Candidate, i: int) -> str:
    return str(c.head.doc[i].lower_)


def _naming(verb: Token) -> bool:
    """*call* in its naming sense: a name or description after the object, and no "back".
    A time after the object is no name ("call the Brennan divorce first thing", "call the renewal today").
    (The parser may hang "back" on the object it took for a name: "called the Birch Ave closing back".)"""
    names = [ch for ch in verb.children if ch.dep_ == "oprd" and not _time_phrase(ch)]
    return bool(names) and not any(ch.lower_ == "back" for ch in verb.children) and not any(g.lower_ == "back" and g.dep_ in ("advmod", "prt") for ch in names for g in ch.children)


def _time_phrase(tok: Token) -> bool:
    """A time adverbial: "today", "first thing", "this morning", "tomorrow"."""
    low = tok.lower_
    if low in ("today", "tonight", "tomorrow", "now") or _time_share(tok.lemma_.lower()) >= 0.5:
        return True
    return low == "thing" and any(ch.lower_ == "first" for ch in tok.children)


def _subject_is_person(verb: Token) -> bool:
    """The verb has no subject, or a personal pronoun, a name or a person noun ("the pharmacist talks to")."""
    subj = [ch for ch in verb.children if ch.dep_ == "nsubj"]
    return not subj or any(ch.lower_ in ("i", "we", "you", "he", "she", "they") or ch.pos_ == "PROPN" or (ch.pos_ == "NOUN" and _person_share(ch.lemma_.lower()) >= 0.15) for ch in subj)


def possessor_of(c: Candidate, rule: "PersonRule") -> Evidence | None:
    """It has family: "the renewal's wife", "acct 2201-77 and his wife"."""
    if _acts(c) or not rule.kin:
        return None
    doc = c.role.doc
    if c.role.dep_ == "poss" and c.role.head.pos_ == "NOUN" and c.role.head.lemma_.lower() in rule.kin:
        return Evidence("possessor-of", f"its {c.role.head.text}", (c.role.head.text,), True)
    e = c.end
    if e + 1 < len(doc) and doc[e].lower_ in ("'s", "’s") and doc[e + 1].pos_ == "NOUN" and doc[e + 1].lemma_.lower() in rule.kin:
        return Evidence("possessor-of", f"its {doc[e + 1].text}", (doc[e + 1].text,), True)
    if e + 2 < len(doc) and doc[e].lower_ == "and" and doc[e + 1].lower_ in ("his", "her") and doc[e + 2].lemma_.lower() in rule.kin:
        return Evidence("possessor-of", f"with {doc[e + 1].text} {doc[e + 2].text}", (doc[e + 2].text,), True)
    return None


def relative_who(c: Candidate, rule: "PersonRule") -> Evidence | None:
    """Followed by "who": "the upgrade who called" (the parse decides what "who" belongs to)."""
    if _acts(c) or not rule.relative_pronouns or c.shares & {"content", "person"}:
        return None
    doc = c.role.doc
    j = c.end
    while j < len(doc) and doc[j].is_space:
        j += 1  # "[the renewal](x.md) who called": the link's target is blanked
    if j < len(doc) and doc[j].lower_ in rule.relative_pronouns and doc[j].head.head.i == c.role.i:
        verb = doc[j].head
        strong = doc[j].dep_ == "nsubj" and lemma_of(verb, rule.known_verbs) in rule.strong_subject_verbs and rule.verb_ok(lemma_of(verb, rule.known_verbs), verb, doc[j])
        return Evidence("relative-who", f"followed by '{doc[j].text} {verb.text}'" if strong else f"followed by '{doc[j].text}'", (doc[j].text,), strong)
    return None


def _verb_phrase(verb: Token) -> str:
    before = [ch for ch in verb.children if ch.dep_ in ("aux", "neg") and ch.i < verb.i]
    after = [ch for ch in verb.children if ch.dep_ == "prt"]
    return " ".join(t.text.lower() for t in sorted(before + [verb] + after, key=lambda t: t.i))


# The evidence types, in the order they are tried; the first that fires is reported.
EVIDENCE: dict[str, Callable[[Candidate, "PersonRule"], Evidence | None]] = {
    "subject-of": subject_of,
    "possessor-of": possessor_of,
    "described-as": described_as,
    "present-at": present_at,
    "passive-subject-of": passive_subject_of,
    "addressee-of": addressee_of,
    "object-of-prep": object_of_prep,
    "relative-who": relative_who,
}


# ---------------------------------------------------------------------------
# When the parse fails: a phrase right before a past tense of phoning


# Adverbs that may come between a subject and its verb ("the Oakridge offer just called").
_SUBJECT_ADVERBS = frozenset({"just", "already", "also", "still", "finally", "again", "never", "then"})
# Words that may end a phrase's left edge: what starts a clause before it.
_CLAUSE_OPENERS = frozenset({"and", "but", "so", "then", "also", "hi", "hey", "fyi", "ok", "okay", "update"})


def surface_subjects(doc: Any, merged: Mapping[int, str], rule: "PersonRule") -> Iterator[tuple[Candidate, Evidence]]:
    """Phrases the parser got wrong: a definite noun phrase that opens a clause, right
    before a past tense of a phoning or e-mailing verb ("The 7:30 tasting rang to push to
    8", "The 4pm shingles shot rang to say ..."), or a phrase with "a" in a condition
    before its present tense ("When a cancel calls, offer a freeze"), where the small pipeline took the verb
    for a noun or hung the phrase elsewhere. Only a head WordNet files as an act, event
    or abstraction (or a coinage) counts: "the bell rang", "the phone rang", "the
    system emailed" stay things, and a verb the parse already gives a subject is left to
    ``subject_of``."""
    strings = doc.vocab.strings
    lows = doc.to_array(_LOWER).tolist()
    forms = {h for h in set(lows) if _surface_verb_form(strings[h], rule.contact_verbs)}
    for i, h in enumerate(lows):
        if h not in forms:
            continue  # (an inflected form of a phoning verb only: "rang", "phoned", "called", "emailed")
        v = doc[i]
        low = v.lower_
        past = low.endswith("ed") or low in _IRREGULAR_PAST
        # "When a cancel calls, ...": after "a", "calls" cannot be a plural noun
        if not past and v.i + 1 < len(doc) and doc[v.i + 1].lower_ in ("for", "on", "off", "out", "in"):
            continue
        third = not past  # (_surface_verb_form lets through only a past tense or a third person)
        lemmas = [l for l in wordnet.verb_lemmas(low) if l in rule.contact_verbs]
        if v.pos_ in ("VERB", "AUX") and any(ch.dep_ in ("nsubj", "nsubjpass") for ch in v.children):
            continue  # the parse found its subject: subject_of decides
        if v.dep_ in ("acl", "amod") and any(t.pos_ in ("VERB", "AUX") and t.lemma_.lower() in _COMPLEMENT_HEADS for t in doc[: v.i]):
            continue  # a participle saying what is to be done ("wants the forms signed and the label emailed")
        if any(ch.dep_ == "oprd" or (ch.dep_ == "dobj" and ch.pos_ == "PROPN") for ch in v.children) or (v.i + 1 < len(doc) and doc[v.i + 1].text[:1] in "\"'`“‘" ):
            continue  # "a form called 'Returns'": naming
        j = v.i - 1
        while j >= 0 and doc[j].lower_ in _SUBJECT_ADVERBS:
            j -= 1
        # An origin after the head: "Two mortgage leads from the Pune branch emailed".
        for q in range(j, max(0, j - 4), -1):
            if doc[q].lower_ == "from" and all(t.is_alpha or merged.get(t.idx) for t in doc[q + 1 : j + 1]):
                j = q - 1
                break
        if j < 1:
            continue
        head = doc[j]
        k = j
        while k > 0 and k > j - 6 and doc[k - 1].lower_ not in _DETERMINING and not doc[k - 1].is_punct and not doc[k - 1].is_space \
                and (doc[k - 1].pos_ in ("NOUN", "PROPN", "ADJ", "NUM", "VERB", "X") or merged.get(doc[k - 1].idx)):
            k -= 1
        if k == 0 or doc[k - 1].lower_ not in (("the", "this", "that") + tuple(COUNTING) if past else ("a", "an")):
            continue
        start = k - 1
        before = doc[start - 1] if start > 0 else None
        if third and not (before is not None and before.lower_ in _CONDITIONS):
            continue  # "When a cancel calls": a habit, in a condition
        if not (before is None or doc[start].is_sent_start or before.is_punct or before.is_space or before.lower_ in _CLAUSE_OPENERS | _CONDITIONS):
            continue  # the phrase opens a clause
        kind = "time" if any(merged.get(t.idx) == "time" for t in doc[start : j + 1]) and merged.get(head.idx) == "time" else "noun"
        if not head.text.replace("-", "").isalnum() or head.lower_ in PRONOUNS or merged.get(head.idx) in ("id", "labelled"):
            continue
        got = _surface_candidate(head, start, j + 1, kind, merged, rule)
        if got is None:
            continue
        if got.shares & {"physical", "agent"} and any(_rings_literally(l, "intransitive") for l in lemmas):
            continue  # "The 7:30 bell rang"
        yield got, Evidence("subject-of", f"it {v.text}", (v.text,), True)


_LOWER: list[str] = ["LOWER"]


@lru_cache(maxsize=65536)
def _surface_verb_form(low: str, contact_verbs: frozenset[str]) -> bool:
    """What ``surface_subjects`` asks of a word before it looks at its place: a past tense
    or third person of a phoning verb, alphabetic, not a noun in WordNet ("rang",
    "emailed", "calls" after "a"). A necessary condition for each word it reads."""
    past = low.endswith("ed") or low in _IRREGULAR_PAST
    third = low.endswith("s") and low[:-1] in contact_verbs
    if not (past or third) or not low.isalpha() or low in contact_verbs or wordnet.is_noun(low):
        return False
    return any(l in contact_verbs for l in wordnet.verb_lemmas(low))


def _surface_candidate(head: Token, start: int, end: int, kind: str, merged: Mapping[int, str], rule: "PersonRule") -> Candidate | None:
    """The candidate a surface rule reads from the words, or None: only a head WordNet files
    as an act, event, time or content, or a coinage (never a person, group, agent or thing)."""
    got = _make(head, start, end, kind, "thing-as-person", merged, rule)
    if isinstance(got, str) or _acts(got):
        return None
    if got.cls in ("abstract", "time", "content") or (got.cls == "unknown" and support(got, "", ("coinage",))):
        return got
    return None


def surface_callbacks(doc: Any, merged: Mapping[int, str], rule: "PersonRule") -> Iterator[tuple[Candidate, Evidence]]:
    """A phrase between a phoning verb and "back" that the parser got wrong ("Could you
    call both leads back today": "leads" taken for a verb): what is called back is
    someone. The same heads as ``surface_subjects``; things are recalled, not called back."""
    if "back" not in doc_text(doc).lower():
        return  # (a token "back" is needed; most sentences have none)
    for v in doc:
        if v.i + 1 >= len(doc) or doc[v.i + 1].lower_ not in ("the", "this", "that", "both", "two", "three"):
            continue
        if v.lower_ not in rule.contact_verbs and not (set(wordnet.verb_lemmas(v.lower_)) & rule.contact_verbs):
            continue
        j = v.i + 2
        while j < len(doc) and j < v.i + 7 and doc[j].lower_ != "back" and (doc[j].pos_ in ("NOUN", "PROPN", "ADJ", "NUM", "VERB", "X") or merged.get(doc[j].idx)) and doc[j].text.replace("-", "").isalnum():
            j += 1
        if j >= len(doc) or doc[j].lower_ != "back" or j == v.i + 2:
            continue
        if any(ch.dep_ in ("dobj", "dative") for ch in v.children if v.i + 1 < ch.i < j):
            continue  # the parse has the object: addressee_of decides
        head = doc[j - 1]
        if head.lower_ in PRONOUNS or merged.get(head.idx) in ("id", "labelled"):
            continue
        got = _surface_candidate(head, v.i + 1, j, "noun", merged, rule)
        if got is None:
            continue
        yield got, Evidence("addressee-of", f"{v.text} it back", (v.text, "back"), True)


_IRREGULAR_PAST = frozenset({"rang", "rung"})
_CONDITIONS = frozenset({"when", "whenever", "if", "once", "until", "before", "after"})


# ---------------------------------------------------------------------------
# Support for weak evidence


def support_context(after: str) -> str:
    """What of the next sentence ``support`` can use: all of it when it holds a person
    pronoun, else nothing (``support`` reads it for nothing else, and a pronoun cannot
    straddle the sentence boundary). The judged-sentence cache keys on this, so a
    sentence repeated before different next sentences is parsed once."""
    return after if _PERSON_PRONOUN_RE.search(after) else ""


def support(c: Candidate, after: str, allowed: Iterable[str]) -> str | None:
    """Why a candidate with only weak evidence is still shorthand for a customer, or None."""
    allowed = set(allowed)
    if c.kind in ("identifier", "time") and c.kind in allowed:
        return c.kind
    if "coinage" in allowed and c.cls == "unknown" and ("-" in c.head.text or _other_part_of_speech(c.head.lower_, c.head.lemma_.lower()) or is_acronym(c.head.text)):
        return "coinage"  # "the no-cool", "the prepaid", "two MQLs" (acronym heads are candidates only when counted or from somewhere)
    if "specified" in allowed and _specified(c):
        return "specified"
    if "pronoun" in allowed:
        doc = c.head.doc
        tail = doc.text[doc[c.end - 1].idx :] + " " + after
        if _PERSON_PRONOUN_RE.search(tail):
            return "pronoun"
    return None


def corroborated(weaks: Iterable[Evidence]) -> bool:
    """Two pieces of weak evidence of different kinds, each open to all the support
    there is, that do not say the same thing: "The minivan is at the counter asking
    for 2 car seats" (it is somewhere a customer waits, and it asks). Being, waiting,
    sitting or standing somewhere is presence already, so it corroborates nothing."""
    kinds = {}
    for ev in weaks:
        if ev.needs:
            continue
        if ev.name == "subject-of" and any(set(wordnet.verb_lemmas(w.lower())) & PRESENCE_VERBS or w.lower() in PRESENCE_VERBS for w in ev.words):
            continue
        kinds.setdefault(ev.name, ev)
    return len(kinds) >= 2


@lru_cache(maxsize=4096)
def _other_part_of_speech(low: str, lemma: str) -> bool:
    """A head WordNet knows as a verb or adjective but not as a noun: "the prepaid", "the expired", "the consult"."""
    return wordnet.is_adjective(low) or wordnet.is_verb(low) or wordnet.is_verb(lemma)

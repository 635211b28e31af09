"""``kind: person-reference``: a thing or a number written as if it were the customer.

"The renewal called", "the 11:45 filling is in the lobby", "Seller 55120
emailed again", "table 9 is asking for the manager": the sentence treats a
transaction, appointment, product or record as a person. The rule knows no
list of such nouns. Any noun phrase is a **candidate** unless its head
names a person, is a pronoun or a name (``candidates``); what the head
names comes from WordNet (``humanize_lint.wordnet``). A candidate is
flagged when the parse shows **evidence** that the sentence treats it as a
person, and nothing says it is something that legitimately acts:

============================  ==================================================  ========
evidence                      example                                             strength
============================  ==================================================  ========
``possessor-of``              the cancellation's **wife**; acct 2201-77 and his   strong
                              wife
``described-as``              the escalation **is furious**; called **upset**;    strong
                              is a lovely **lady**
``present-at``                the 11:45 filling **is in the lobby**; the          strong
                              chargeback is **on line 2**; the 7am pickup is
                              **here**
``subject-of``                the renewal **called** / **hung up** /              strong
                              **complained**; **wants to** know
``subject-of``                the tune-up **asks**; the balayage **says**         weak
``passive-subject-of``        the downgrade **was told**                          strong
``addressee-of``              **told** the freeze it's active; **called** the     strong
                              no-cool **back**; **walked** it **through**; **let**
                              the transfer **know**
``addressee-of``              **call** the Brennan divorce; **thank** the claim   weak
``recipient-of``              **send** the renewal a gift card                    strong
``object-of-prep``            **apologized to** the refund                        strong
``object-of-prep``            **spoke with** #88213; **talk to** the delivery     weak
``relative-who``              the upgrade **who** called                          weak
============================  ==================================================  ========

Weak evidence flags only with **support** (``weak-evidence-needs``): an
identifier or a time ("the 7am pickup"), a place or name in the phrase
("the Birch Ct closing"), a coinage WordNet has no noun for ("the
no-cool", "the prepaid"), or she/he/her/his in the same or the next
sentence.

Counter-evidence, from WordNet: a head that names a group, organisation or
place, or is as often one as a thing ("the bank called"), or an agent such
as a device, system or web site ("the website asks") is never flagged; a
proportion is no reference ("the majority called"); content such as
documents and policies may say, ask and want (``content-verbs``: "the
policy says"), unless a she or he, a time or a number says it is someone
("the return wants a label emailed ... she"); a physical thing is no
subject of a verb that mostly takes things as subjects ("the boiler wants
descaling"). A head WordNet does not know ("the app asks") needs support
for any evidence.

Options:

- ``candidates``: ``nouns`` (noun phrases, open vocabulary), ``times``
  ("the 2pm"), ``identifiers`` (labelled or shaped numbers, for
  number-as-person), ``add-nouns`` (always candidates, taken as
  abstract: for words WordNet misreads in your trade) and ``skip-nouns``
  (never candidates); ``acronym-expansions`` (what acronyms stand for,
  usually ``$acronym-expansions``: one whose spelled-out head is a person
  noun is a role, never a candidate).
- ``cues``: the word lists each evidence type uses (see the table of keys
  in rules/README.md); a missing list turns that evidence off.
- ``evidence``: the evidence types this rule uses (default: all).
- ``weak-evidence-needs``: which support makes weak evidence enough
  (default: identifier, time, specified, coinage, pronoun, repeated; ``[]``
  turns weak evidence off).

Known problems: the small English pipeline misparses terse notes ("The
7:30 tasting rang" tags *rang* as a noun); a noun WordNet knows mostly as
an organisation or a device is never flagged ("the corporate membership
called"); a definite acronym head ("the SR called") is a candidate only
when it is counted ("an MQL", "two MQLs") or comes from somewhere ("the SR
from finance"), because most capitalised heads in running prose are
organisations ("the SEC said"); an acronym whose expansion
(``candidates.acronym-expansions``) ends in a person noun names a role, not
a stand-in ("the SDRs", "the CSM"), and is never a candidate; one with no
known expansion in the plural after "the" is left alone ("talk to the SEs").

Fix safety: replacing the phrase with the customer's name is unsafe (the
sentence may need more rewording); offered only when the export gives the
name and the phrase is a bare noun.

PASS: ``The renewal is due March 1.`` / ``The website asks for a photo.``
FAIL: ``The renewal called again.`` / ``The 11:45 filling is in the lobby.``
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from .. import wordnet
from ..model import Rule, RuleError
from . import LIST_OR_REF
from ..parse import doc_text
from ..prefilter import CueGate
from .person_evidence import EVIDENCE, PRESENCE_VERBS, Candidate, Evidence, candidate, candidate_or_reason, corroborated, head_never_candidate, is_acronym, maybe_candidates, may_hold_number, support, surface_callbacks, surface_subjects

NAME = "person-reference"

OPTIONS: dict[str, Any] = {
    "candidates": dict,
    "cues": dict,
    "evidence": list,
    "weak-evidence-needs": list,
}

# Keys of the version 1 schema, with how to say the same thing now.
RENAMED = {
    "trigger": "person-reference rules take any noun WordNet does not make a person; list extra nouns under 'candidates: {add-nouns: [...]}' (see rules/README.md)",
    "not-when": "list nouns that are never a stand-in under 'candidates: {skip-nouns: [...]}' (see rules/README.md)",
}

CANDIDATE_KEYS: dict[str, Any] = {
    "nouns": bool,
    "times": bool,
    "identifiers": bool,
    "add-nouns": LIST_OR_REF,
    "skip-nouns": LIST_OR_REF,
    "acronym-expansions": (dict, str),
}
CUE_KEYS: dict[str, Any] = {
    "subject-of": LIST_OR_REF,
    "strong-subject-of": LIST_OR_REF,
    "contact-verbs": LIST_OR_REF,
    "content-verbs": LIST_OR_REF,
    "desire-verbs": LIST_OR_REF,
    "motion-verbs": LIST_OR_REF,
    "passive-subject-of": LIST_OR_REF,
    "addressee-of": LIST_OR_REF,
    "telling-verbs": LIST_OR_REF,
    "recipient-of": LIST_OR_REF,
    "object-of-prep": (dict, str),
    "described-as": LIST_OR_REF,
    "predicate-nouns": LIST_OR_REF,
    "possessor-of": LIST_OR_REF,
    "wordnet-kin": bool,
    "present-at": LIST_OR_REF,
    "present-adverbs": LIST_OR_REF,
    "linking-verbs": LIST_OR_REF,
    "catenative-verbs": LIST_OR_REF,
    "relative-pronouns": LIST_OR_REF,
    "phone-labels": LIST_OR_REF,
}
VERB_LIST_KEYS = ("subject-of", "strong-subject-of", "passive-subject-of")
# Cue keys of the version 1 schema, with what to write now.
RENAMED_CUES = {
    "object-of": "verbs whose object is a person are 'addressee-of' (call, tell, thank) and 'telling-verbs'",
    "coordinated-with": "coordination is no longer evidence; remove the key",
    "head-of": "list nouns that are never a stand-in under 'candidates: {skip-nouns: [...]}'",
    "modified-by": "list nouns that are never a stand-in under 'candidates: {skip-nouns: [...]}'",
}

SUPPORT = ("identifier", "time", "specified", "coinage", "pronoun", "repeated", "corroborated")
VERB_SPEC_KEYS: dict[str, Any] = {
    "lemma": str,
    "object": LIST_OR_REF,
    "particle": LIST_OR_REF,
    "requires-object": bool,
    "without-object": bool,
    "prep": dict,
}


def validate(raw: Any, options: Mapping[str, Any], path: str, check_keys: Any) -> None:
    """Checks beyond the key types of ``OPTIONS`` (``check_keys`` is rulepack's key checker)."""

    def where(mapping: Any, key: str) -> tuple[int, int]:
        return mapping.where(key, value=True) if hasattr(mapping, "where") else (1, 1)

    if "candidates" not in options:
        raise RuleError("a person-reference rule needs 'candidates'", path, *raw.where("kind"))
    check_keys(options["candidates"], CANDIDATE_KEYS, path, "candidates")
    if "cues" not in options:
        raise RuleError("a person-reference rule needs 'cues'", path, *raw.where("kind"))
    cues = options["cues"]
    for old, hint in RENAMED_CUES.items():
        if isinstance(cues, Mapping) and old in cues:
            raise RuleError(f"cue '{old}' is gone: {hint} (see rules/README.md)", path, *(cues.where(old) if hasattr(cues, "where") else (1, 1)))
    check_keys(cues, CUE_KEYS, path, "cues")
    for key, value in cues.items():
        if key in VERB_LIST_KEYS or not isinstance(value, list):
            continue
        for i, item in enumerate(value):
            if not isinstance(item, str):
                pos = value.where(i) if hasattr(value, "where") else where(cues, key)
                raise RuleError(f"each entry of '{key}' must be a word (only {', '.join(VERB_LIST_KEYS)} take mappings with 'lemma')", path, *pos)
    for key in VERB_LIST_KEYS:
        items = cues.get(key)
        if isinstance(items, list):
            for i, item in enumerate(items):
                pos = items.where(i) if hasattr(items, "where") else where(cues, key)
                if isinstance(item, str):
                    continue
                if not isinstance(item, dict) or "lemma" not in item:
                    raise RuleError(f"each entry of '{key}' must be a word or a mapping with 'lemma'", path, *pos)
                check_keys(item, VERB_SPEC_KEYS, path, f"'{key}' entry")
    for value, known, what in ((options.get("evidence"), EVIDENCE, "evidence"), (options.get("weak-evidence-needs"), SUPPORT, "weak-evidence-needs")):
        for i, item in enumerate(value or []):
            if item not in known:
                pos = value.where(i) if hasattr(value, "where") else where(raw, what)
                raise RuleError(f"unknown {what} '{item}'; expected one of: {', '.join(known)}", path, *pos)


def _words(items: Iterable[Any]) -> frozenset[str]:
    return frozenset(str(i).lower() for i in items or () if isinstance(i, str))


@dataclass(frozen=True)
class VerbSpec:
    """One entry of a verb list: a lemma plus optional conditions on how it is used."""

    lemma: str
    objects: frozenset[str] = frozenset()
    particles: frozenset[str] = frozenset()
    requires_object: bool = False
    without_object: bool = False
    preps: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def build(cls, item: Any) -> "VerbSpec":
        """From a YAML entry: a word, or a mapping with conditions."""
        if isinstance(item, str):
            return cls(lemma=item.lower())
        return cls(
            lemma=str(item["lemma"]).lower(),
            objects=_words(item.get("object", [])),
            particles=_words(item.get("particle", [])),
            requires_object=bool(item.get("requires-object", False)),
            without_object=bool(item.get("without-object", False)),
            preps={str(k).lower(): _words(v) for k, v in (item.get("prep") or {}).items()},
        )

    def matches(self, verb: Any, exclude: Any = None) -> bool:
        """Whether the verb token is used as this entry requires."""
        objs = [c for c in verb.children if c.dep_ in ("dobj", "obj", "dative") and (exclude is None or c.i != exclude.i)]
        if self.requires_object and not objs:
            return False
        if self.without_object and objs:
            return False
        if self.objects and not any(o.lemma_.lower() in self.objects for o in objs):
            return False
        # A particle is "prt" or "advmod", or a preposition with no object of its own ("came by at 5" is not).
        parts = {c.lower_ for c in verb.children if c.dep_ in ("prt", "advmod") or (c.dep_ == "prep" and not any(g.dep_ == "pobj" for g in c.children))}
        if self.particles and not parts & self.particles:
            return False
        if self.preps:
            for c in verb.children:
                if c.dep_ == "prep" and c.lower_ in self.preps:
                    allowed = self.preps[c.lower_]
                    if not allowed or any(g.lemma_.lower() in allowed or g.lower_ in allowed for g in c.children if g.dep_ in ("pobj", "pcomp")):
                        return True
            return False
        return True


def _table(items: Iterable[Any]) -> dict[str, tuple[VerbSpec, ...]]:
    table: dict[str, list[VerbSpec]] = {}
    for item in items or []:
        spec = VerbSpec.build(item)
        table.setdefault(spec.lemma, []).append(spec)
    return {k: tuple(v) for k, v in table.items()}


@dataclass
class Finding:
    """A candidate the rule flags, with the evidence and the support that made it.

    ``pending``: only weak evidence and no support in its sentence; it is
    flagged only if the same unit flags the same phrase elsewhere (``settle``).
    """

    candidate: Candidate
    evidence: Evidence
    support: str | None
    pending: bool = False

    @property
    def key(self) -> str:
        """What makes two mentions the same: the head word."""
        return str(self.candidate.head.lower_)


def settle(found: Sequence[Finding]) -> list[Finding]:
    """The findings of one unit: pending ones count when the same head is flagged
    elsewhere in the unit ("The downgrade called ... the downgrade still wants a callback")."""
    flagged = {f.key for f in found if not f.pending}
    out = []
    for f in found:
        if not f.pending:
            out.append(f)
        elif f.key in flagged:
            f.support, f.pending = "repeated", False
            out.append(f)
    return out


def _acronym_heads(expansions: Mapping[str, Any]) -> dict[str, str]:
    """Acronym -> the head noun of its expansion ("MQL" -> "lead", "SDR" -> "representative").

    The acronym rule's expansion table says what an acronym stands for; its last
    word is the head of the spelled-out phrase, which WordNet can classify.
    """
    out = {}
    for acronym, entry in expansions.items():
        text = entry.get("expansion") if isinstance(entry, Mapping) else entry
        if isinstance(text, str) and text.split():
            out[str(acronym)] = text.split()[-1].split("-")[-1].lower()
    return out




@dataclass
class PersonRule:
    """A compiled person-reference rule: the word sets its evidence functions use."""

    rule: Rule
    nouns: bool
    times: bool
    identifiers: bool
    add_nouns: frozenset[str]
    skip_nouns: frozenset[str]
    acronym_heads: Mapping[str, str]
    subject_table: Mapping[str, tuple[VerbSpec, ...]]
    strong_table: Mapping[str, tuple[VerbSpec, ...]]
    passive_table: Mapping[str, tuple[VerbSpec, ...]]
    contact_verbs: frozenset[str]
    content_verbs: frozenset[str]
    desire_verbs: frozenset[str]
    motion_verbs: frozenset[str]
    addressee_verbs: frozenset[str]
    telling_verbs: frozenset[str]
    giving_verbs: frozenset[str]
    preps: Mapping[str, frozenset[str]]
    phrasal_preps: frozenset[str]
    strong_prep_heads: frozenset[str]
    feelings: frozenset[str]
    person_nouns: frozenset[str]
    own_kin: frozenset[str]  # the rule's own kin words (possessor-of)
    wordnet_kin: bool  # and WordNet's (wordnet-kin), read on first need: see ``kin``
    presence_places: frozenset[str]
    presence_adverbs: frozenset[str]
    linking: frozenset[str]
    catenative: frozenset[str]
    relative_pronouns: frozenset[str]
    phone_re: re.Pattern[str]
    evidence: tuple[str, ...]
    weak_needs: tuple[str, ...]

    @classmethod
    def compile(cls, rule: Rule) -> "PersonRule":
        """Turn validated YAML options into word sets."""
        o = rule.options
        cand = o.get("candidates", {})
        cues = o.get("cues", {})
        preps: dict[str, frozenset[str]] = {}
        phrasal: set[str] = set()
        for prep, heads in (cues.get("object-of-prep") or {}).items():
            single = set()
            for h in heads or []:
                words = str(h).lower().split()
                if len(words) > 1:
                    phrasal.add(f"{' '.join(words)} {str(prep).lower()}")  # "reach out" + "to"
                else:
                    single.add(words[0])
            preps[str(prep).lower()] = frozenset(single)
        strong_table = _table(cues.get("strong-subject-of", []))
        contact = _words(cues.get("contact-verbs", []))
        labels = sorted(_words(cues.get("phone-labels", [])), key=len, reverse=True)
        # A phone number: a label and digits ("ext 4432", "tel. 555 0100"), or seven digits or more
        # ("(713) 853-0100"); not "4471-22", which is an account.
        bare = r"(?=(?:[().\s+-]*\d){7})[\d().\s+-]{7,}|\d{1,3}[-.]\d{4}"  # (and "3-9390": an internal extension)
        phone_re = re.compile(r"(?i:" + "|".join(map(re.escape, labels)) + r")\.?\s*[\d().\s+-]{3,}|" + bare if labels else bare)
        return cls(
            rule=rule,
            nouns=bool(cand.get("nouns", True)),
            times=bool(cand.get("times", True)),
            identifiers=bool(cand.get("identifiers", False)),
            add_nouns=_words(cand.get("add-nouns", [])),
            skip_nouns=_words(cand.get("skip-nouns", [])),
            acronym_heads=_acronym_heads(cand.get("acronym-expansions") or {}),
            subject_table=_table(cues.get("subject-of", [])),
            strong_table={**{c: (VerbSpec(c),) for c in contact}, **strong_table},
            passive_table=_table(cues.get("passive-subject-of", [])),
            contact_verbs=contact,
            content_verbs=_words(cues.get("content-verbs", [])),
            desire_verbs=_words(cues.get("desire-verbs", [])),
            motion_verbs=_words(cues.get("motion-verbs", [])),
            addressee_verbs=_words(cues.get("addressee-of", [])),
            telling_verbs=_words(cues.get("telling-verbs", [])),
            giving_verbs=_words(cues.get("recipient-of", [])),
            preps=preps,
            phrasal_preps=frozenset(phrasal),
            # Only people are apologized to, hung up on, spoken with, heard from, reached out to.
            strong_prep_heads=frozenset({"apologize", "apologise", "sorry", "apology", "hang up on", "voicemail", "reach out to", "get back to", "text"}),  # (a text goes to a phone: "texted the code to the showing")
            feelings=_words(cues.get("described-as", [])),
            person_nouns=_words(cues.get("predicate-nouns", [])),
            own_kin=_words(cues.get("possessor-of", [])),
            wordnet_kin=bool(cues.get("wordnet-kin", True) and "possessor-of" in cues),
            presence_places=_words(cues.get("present-at", [])),
            presence_adverbs=_words(cues.get("present-adverbs", [])),
            linking=_words(cues.get("linking-verbs", ["be"])),
            catenative=_words(cues.get("catenative-verbs", [])),
            relative_pronouns=_words(cues.get("relative-pronouns", [])),
            phone_re=phone_re,
            evidence=tuple(o.get("evidence") or EVIDENCE),
            weak_needs=tuple(o.get("weak-evidence-needs", SUPPORT)),
        )

    # -- what the evidence functions ask -------------------------------------

    @property
    def subject_verbs(self) -> frozenset[str]:
        return frozenset(self.subject_table)

    @property
    def strong_subject_verbs(self) -> frozenset[str]:
        return frozenset(self.strong_table)

    @property
    def passive_verbs(self) -> frozenset[str]:
        return frozenset(self.passive_table)

    @property
    def known_verbs(self) -> frozenset[str]:
        return self._known

    def __post_init__(self) -> None:
        self._gate: CueGate | None = None
        self._known = frozenset(self.subject_table) | frozenset(self.strong_table) | frozenset(self.passive_table) | self.addressee_verbs | self.telling_verbs | self.giving_verbs | self.contact_verbs | self.linking | {"let", "know", "walk"}

    def verb_ok(self, lemma: str, verb: Any, role: Any, table: str = "subject") -> bool:
        """Whether the verb is used as one of its entries requires (particles, objects ...)."""
        specs = (self.passive_table if table == "passive" else {**self.subject_table, **self.strong_table}).get(lemma, ())
        return any(s.matches(verb, role) for s in specs) if specs else False

    # -- the check -------------------------------------------------------------

    def check(self, doc: Any, merged: Mapping[int, str], after: str = "") -> Iterator[Finding]:
        """Flagged candidates of one parsed sentence. ``after``: the text of the next sentence of the unit."""
        spans = []
        numbers_only = not self.nouns and not self.times and not may_hold_number(doc_text(doc))
        for i in maybe_candidates(doc, merged):  # (candidate() says no to the others too)
            tok = doc[i]
            if numbers_only and not is_acronym(tok.text):
                continue  # a rule of numbers alone: no number here, and no acronym head
            cand = candidate(tok, merged, self)
            if cand is None:
                continue
            found, _ = self.decide(cand, after)
            if found is not None:
                if not found.pending:
                    spans.append((cand.start, cand.end))
                yield found
        yield from self._surface(doc, merged, spans)

    def _surface(self, doc: Any, merged: Mapping[int, str], flagged: Sequence[tuple[int, int]]) -> Iterator[Finding]:
        """Findings the parse missed (``surface_subjects``, ``surface_callbacks``) that overlap
        no phrase in ``flagged``, in sentences the cheap gate lets through (so parsing only
        what the gate passes finds the same)."""
        if not self.nouns:
            return
        found = [*surface_subjects(doc, merged, self)] if "subject-of" in self.evidence else []
        if "addressee-of" in self.evidence:
            found += surface_callbacks(doc, merged, self)
        found = [(c, e) for c, e in found if not any(a < c.end and c.start < b for a, b in flagged)]
        passes = None
        for cand, ev in found:
            if passes is None:
                if self._gate is None:
                    self._gate = CueGate(self.cues())
                passes = self._gate.passes(doc_text(doc))
            if passes:
                yield Finding(cand, ev, None)

    def decide(self, cand: Candidate, after: str = "") -> tuple[Finding | None, str]:
        """The finding for one candidate (or None), and a few words on why (``explain``)."""
        # A head WordNet does not know and that is no coinage ("the munis", "the app") may
        # be jargon for anything: every piece of evidence needs support.
        plain_unknown = cand.cls == "unknown" and cand.kind == "noun" and support(cand, "", ("coinage",)) is None
        weaks: list[Evidence] = []
        if cand.mentioned_again:
            # A definite acronym ("the MQL") names an organisation more often than a
            # customer: any evidence counts only when the same head is flagged elsewhere.
            ev = next((e for name in self.evidence if (e := EVIDENCE[name](cand, self)) is not None), None)
            if ev is None or "repeated" not in self.weak_needs:
                return None, "a definite acronym that is neither counted nor from somewhere: most are organisations, and no evidence here"
            return Finding(cand, ev, None, pending=True), f"evidence {ev.name} ({ev.reason}) on a definite acronym, which most often names an organisation: flagged only if the same phrase is flagged elsewhere in the text"
        for name in self.evidence:
            ev = EVIDENCE[name](cand, self)
            if ev is None:
                continue
            if ev.strong and not plain_unknown:
                return Finding(cand, ev, None), f"strong evidence {ev.name}: {ev.reason}"
            weaks.append(ev)
        if not weaks:
            return None, "no evidence that the sentence treats it as a person"
        weak = weaks[0]
        what = f"{'evidence' if weak.strong else 'weak evidence'} {weak.name} ({weak.reason})"
        if plain_unknown:
            what += f", on a head WordNet does not know ('{cand.head.lemma_.lower()}'), so it needs support"
        needs = tuple(n for n in weak.needs if n in self.weak_needs) if weak.needs else self.weak_needs
        if "corroborated" in needs and corroborated(weaks):
            return Finding(cand, weak, "corroborated"), f"{what}, supported: {explain_support_name('corroborated')} ({'; '.join(e.reason for e in weaks[1:])})"
        why = support(cand, after, needs)
        if why is not None:
            return Finding(cand, weak, why), f"{what}, supported: {explain_support_name(why)}"
        if "repeated" in needs:
            return Finding(cand, weak, None, pending=True), f"{what}; nothing in the sentence supports it, so it is flagged only if the same phrase is flagged elsewhere in the text"
        return None, f"{what}; nothing supports it (weak-evidence-needs: {', '.join(self.weak_needs) or 'none'})"

    def trace(self, doc: Any, merged: Mapping[int, str], after: str = "") -> Iterator[tuple[Any, Finding | None, str]]:
        """For ``explain``: each noun-like token of the sentence, its finding (or None) and why."""
        spans = []
        for tok in doc:
            if tok.pos_ not in ("NOUN", "PROPN", "NUM", "X") and not merged.get(tok.idx) and tok.pos_ != "ADJ":
                continue
            got = candidate_or_reason(tok, merged, self)
            if isinstance(got, str):
                if tok.pos_ in ("NOUN", "PROPN", "NUM", "X") or merged.get(tok.idx):
                    yield tok, None, f"not a candidate: {got}"
                continue
            found, why = self.decide(got, after)
            if found is not None and not found.pending:
                spans.append((got.start, got.end))
            phrase = doc[got.start : got.end].text
            yield tok, found, f"candidate '{phrase}' ({got.kind}; WordNet: {got.cls}): {why}"
        for found in self._surface(doc, merged, spans):
            c = found.candidate
            function = "surface_callbacks" if found.evidence.name == "addressee-of" else "surface_subjects"
            yield c.head, found, f"candidate '{doc[c.start : c.end].text}' ({c.kind}; WordNet: {c.cls}), from the words, the parse having missed it: strong evidence {found.evidence.name}: {found.evidence.reason} ({function})"

    # -- what the cheap gate must let through ---------------------------------

    @functools.cached_property
    def kin(self) -> frozenset[str]:
        """Kin nouns for ``possessor-of``: the rule's own, and WordNet's unless
        ``wordnet-kin: false``. Read on first need, so a run that never meets a
        possessive before a kin word does not load WordNet's table (start-up time)."""
        return self.own_kin | wordnet.kin() if self.wordnet_kin else self.own_kin

    def cues(self) -> "Cues":
        """What a sentence must hold for some evidence of this rule to fire.

        The gate before parsing lets a sentence through only if it holds one
        of these; a sentence without one cannot be flagged.
        """
        # After a candidate: what it does, is, feels, "who".
        after = set(self.subject_table) | set(self.strong_table) | set(self.passive_table) | self.feelings
        # Before one: verbs whose object it is ("told the freeze", "call acct 2208 back").
        before = self.addressee_verbs | self.telling_verbs | self.contact_verbs
        words = set(self.relative_pronouns)
        with_word: dict[str, set[str]] = {}
        for prep, heads in self.preps.items():
            with_word.setdefault(prep, set()).update(heads)  # "apologized to", "spoke with"
        for phrase in self.phrasal_preps:
            verb, particle = phrase.split()[:2]
            with_word.setdefault(particle, set()).add(verb)  # "reach out to"
        with_word.setdefault("know", set()).add("let")  # "let the transfer know"
        return Cues(
            frozenset(after),
            frozenset(before),
            frozenset(words),
            {k: frozenset(v) for k, v in with_word.items()},
            lambda: self.kin,
            frozenset(self.giving_verbs - before),
            frozenset(self.presence_adverbs),
            frozenset(p.split()[-1] for p in self.presence_places),
            frozenset(self.person_nouns),
            frozenset(self.linking),
            functools.partial(head_never_candidate, rule=self),
            adjectives=frozenset(self.feelings),
            partners=self._partners(),
            through=frozenset({"walk", "put"}),  # "walked the stop payment through": its object
        )

    def _partners(self) -> dict[str, frozenset[str]]:
        """For a verb that counts after a candidate only when used a certain way, the
        words one of which its sentence must hold: the particles, objects or prepositions
        its entries require (``VerbSpec.matches``: "show" only as "show up", "leave" only
        with a note or message), and for a verb of motion the words of the places
        ``present_at`` takes ("came to the front desk"). A verb the passive, presence or
        linking evidence reads, or with an entry that requires nothing, has none."""
        from .. import lemmas

        out: dict[str, frozenset[str]] = {}
        plain = set(self.passive_table) | self.feelings | self.linking | PRESENCE_VERBS
        place_words = {f for p in self.presence_places for w in p.split() for f in lemmas.forms(w)}
        for lemma in set(self.subject_table) | set(self.strong_table):
            if lemma in plain:
                continue
            need: set[str] = set()
            for spec in (*self.subject_table.get(lemma, ()), *self.strong_table.get(lemma, ())):
                if spec.particles:
                    need |= spec.particles
                elif spec.objects:
                    need |= {f for o in spec.objects for f in lemmas.forms(o)}
                elif spec.preps:
                    need |= set(spec.preps)
                else:
                    break  # an entry that requires none of these
            else:
                if lemma in self.motion_verbs:
                    need |= place_words
                out[lemma] = frozenset(need)
        return out


@dataclass(frozen=True)
class Cues:
    """What the cheap gate looks for (see ``PersonRule.cues``).

    ``after``: lemmas that count after something that could be a candidate (an
    article or determiner, a number); ``before``: lemmas that count right
    before one; ``words``: words as written, after one ("who"); ``with_word``:
    lemmas that count only when the given word is in the same sentence ("kind"
    only with "to"); ``kin``: kin nouns, which count only with a possessive
    ("'s", "his", "her"), as a function called on first need (WordNet's table
    loads then, not at start-up)."""

    @staticmethod
    def union(items: Iterable["Cues"]) -> "Cues":
        """The cues of several rules together."""
        items = list(items)
        with_word: dict[str, frozenset[str]] = {}
        for c in items:
            for w, lemmas in c.with_word.items():
                with_word[w] = with_word.get(w, frozenset()) | lemmas

        def merged(name: str) -> frozenset[str]:
            return frozenset().union(*(getattr(c, name) for c in items)) if items else frozenset()

        tests = [c.never_head for c in items]

        def never(word: str, she: bool = False) -> bool:
            return all(t is not None and t(word, she=she) for t in tests)

        # A verb needs a partner only if it needs one for every rule that has it.
        partners: dict[str, frozenset[str]] = {}
        for lemma in merged("after"):
            needs = [c.partners.get(lemma) for c in items if lemma in c.after]
            if needs and all(n is not None for n in needs):
                partners[lemma] = frozenset().union(*needs)  # type: ignore[arg-type]
        return Cues(
            merged("after"), merged("before"), merged("words"), with_word, lambda: frozenset().union(*(c.kin() for c in items)), merged("giving"),
            merged("presence_adverbs"), merged("presence_places"), merged("predicate_nouns"), merged("linking"),
            never if tests else None, adjectives=merged("adjectives"), partners=partners, through=merged("through"),
        )

    after: frozenset[str]
    before: frozenset[str]
    words: frozenset[str]
    with_word: Mapping[str, frozenset[str]]
    kin: Callable[[], frozenset[str]]
    giving: frozenset[str] = frozenset()  # verbs that count only before two objects ("send the renewal a card")
    presence_adverbs: frozenset[str] = frozenset()  # count only after a form of be or wait ("is here")
    presence_places: frozenset[str] = frozenset()  # count only after in, at or on ("in the lobby")
    predicate_nouns: frozenset[str] = frozenset()  # count only after a linking verb and "a" ("is a lovely lady")
    linking: frozenset[str] = frozenset()
    never_head: Any = None  # head noun -> True when it is never a candidate ("the customer asked", "call the team")
    adjectives: frozenset[str] = frozenset()  # lemmas of ``after`` that may be adjectives (feelings): all their forms count
    # lemma of ``after`` -> words one of which the sentence must hold for it to count ("show": "up")
    partners: Mapping[str, frozenset[str]] = field(default_factory=dict)
    through: frozenset[str] = frozenset()  # verbs that count before an object and "through" ("walk the X through")


def explain_support(finding: Finding) -> str:
    """A few words on why weak evidence was enough."""
    return explain_support_name(finding.support)


def explain_support_name(name: str | None) -> str:
    """A few words on one kind of support."""
    return {
        "identifier": "the phrase is an identifier",
        "time": "the phrase carries a time",
        "specified": "the phrase carries a name, place or number",
        "coinage": "its head is not a dictionary noun",
        "pronoun": "she/he follows",
        "repeated": "the same phrase is flagged elsewhere in the text",
        "corroborated": "weak evidence of another kind in the same sentence",
    }.get(name or "", "")


def evidence_names() -> Sequence[str]:
    """The evidence types, in the order they are tried."""
    return tuple(EVIDENCE)

"""The linter: runs compiled rules over segments and yields findings.

Flow per unit: sources give segments; two cheap stages decide what needs a
parse, without spaCy: a segment must hold a trigger form (set lookups, plus
identifier/time regexes), then each of its sentences must hold a trigger and,
in another word, some form of a cue lemma (``CueGate``, built from the
lemmatizer's own tables in ``lemma-forms.json``). Only those sentences go
through spaCy (tagger, parser, lemmatizer; never NER), after identifiers,
times and multi-word terms are merged into single tokens so the parser sees
them as one noun. ``LintOptions(prefilter=False)`` parses every sentence: the
reference the tests hold the cheap stages to. Each rule kind is one function in ``KINDS``: the Python
logic of every rule lives here, its words and options in YAML.

Kinds:
- ``person-reference``: a trigger (transaction noun, internal acronym,
  appointment time, or identifier) that the sentence treats as a person:
  subject of a person verb, object of a contact verb, recipient, possessor
  of kin, described by a person adjective or noun, followed by "who", or
  coordinated with "his wife". Uses the dependency parse, with guards for
  the misparses the small English model makes on terse notes.
- ``acronym``: an all-caps acronym used before it is defined in the unit.
- ``identifier``: account/ticket numbers, anywhere.
- ``terms``: a word list (lemma or case aware) with replacements.
- ``pattern``: raw spaCy Matcher token patterns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Mapping, Sequence

from . import sources
from .model import Edit, Finding, Rule, Segment, Severity, Unit
from .kinds import Hit
from .kinds import acronym as acronym_kind
from .kinds.acronym import AcronymRule
from .suggest import person_phrases

# ---------------------------------------------------------------------------
# Shared helpers



_QUOTE_RE = re.compile(r'"[^"\n]{1,300}"|“[^”\n]{1,300}”|(?<![\w])\'[^\'\n]{3,200}\'(?![\w])')


def quote_masks(text: str) -> list[tuple[int, int]]:
    """Spans of quoted speech or quoted examples: parsed, never flagged."""
    return [m.span() for m in _QUOTE_RE.finditer(text)]


def _words_regex(words: Iterable[str], *, plural: bool = True, flags: int = re.IGNORECASE) -> re.Pattern[str] | None:
    alts = sorted({re.escape(w) for w in words if w}, key=len, reverse=True)
    if not alts:
        return None
    suffix = r"(?:s|es|'s|’s)?" if plural else ""
    return re.compile(r"(?<![\w-])(?:" + "|".join(alts) + ")" + suffix + r"(?![\w-])", flags)


def _lower_set(items: Iterable[Any]) -> frozenset[str]:
    return frozenset(str(i).lower() for i in items if isinstance(i, str))


@dataclass(frozen=True)
class VerbSpec:
    """One entry of a verb list: a lemma plus optional conditions."""

    lemma: str
    objects: frozenset[str] = frozenset()
    particles: frozenset[str] = frozenset()
    requires_object: bool = False
    without_object: bool = False
    preps: Mapping[str, frozenset[str]] = field(default_factory=dict)
    unless_trigger: frozenset[str] = frozenset()
    without_preps: frozenset[str] = frozenset()

    @classmethod
    def build(cls, item: Any) -> "VerbSpec":
        """From a YAML entry: a word, or a mapping with conditions."""
        if isinstance(item, str):
            return cls(lemma=item.lower())
        return cls(
            lemma=str(item["lemma"]).lower(),
            objects=_lower_set(item.get("object", [])),
            particles=_lower_set(item.get("particle", [])),
            requires_object=bool(item.get("requires-object", False)),
            without_object=bool(item.get("without-object", False)),
            preps={str(k).lower(): _lower_set(v) for k, v in (item.get("prep") or {}).items()},
            unless_trigger=_lower_set(item.get("unless-trigger", [])),
            without_preps=_lower_set(item.get("without-prep", [])),
        )


def _verb_table(items: Iterable[Any]) -> dict[str, list[VerbSpec]]:
    table: dict[str, list[VerbSpec]] = {}
    for item in items or []:
        spec = VerbSpec.build(item)
        table.setdefault(spec.lemma, []).append(spec)
    return table


_OBJECT_DEPS = {"dobj", "obj", "dative", "attr", "oprd"}


def _objects(verb: Any) -> list[Any]:
    return [c for c in verb.children if c.dep_ in ("dobj", "obj", "dative")]


def _verb_ok(spec: VerbSpec, verb: Any, trigger_lemma: str, exclude: Any = None) -> bool:
    if trigger_lemma in spec.unless_trigger:
        return False
    objs = [o for o in _objects(verb) if exclude is None or o.i != exclude.i]
    if spec.requires_object and not objs:
        return False
    if spec.without_object and objs:
        return False
    if spec.without_preps and any(c.dep_ in ("prep", "dative") and c.lower_ in spec.without_preps for c in verb.children):
        return False
    if spec.objects and not any(o.lemma_.lower() in spec.objects for o in objs):
        return False
    if spec.particles:
        parts = {c.lower_ for c in verb.children if c.dep_ in ("prt", "advmod", "prep")}
        if not parts & spec.particles:
            return False
    if spec.preps:
        found = False
        heads = [verb] + [c for c in verb.children if c.dep_ in ("advmod", "acomp")]
        for h in heads:
            for c in h.children:
                if c.dep_ == "prep" and c.norm_.lower() in spec.preps:
                    allowed = spec.preps[c.norm_.lower()]
                    pobjs = [g for g in c.children if g.dep_ in ("pobj", "pcomp")]
                    if not allowed or any(p.lemma_.lower() in allowed or p.lower_ in allowed for p in pobjs):
                        found = True
        if not found:
            return False
    return True


def _match_verb(table: Mapping[str, list[VerbSpec]], verb: Any, trigger_lemma: str, exclude: Any = None) -> bool:
    specs = table.get(verb.lemma_.lower())
    if not specs:
        return False
    return any(_verb_ok(s, verb, trigger_lemma, exclude) for s in specs)


# ---------------------------------------------------------------------------
# person-reference


_SKIP_BETWEEN = {"ADV", "PART", "SPACE"}
_DIAL_VERBS = {"call", "phone", "ring", "text", "dial", "sms"}
_NP_LEFT_DEPS = {"det", "predet", "amod", "compound", "nummod", "poss", "nmod", "npadvmod", "quantmod", "nounmod"}
_WHO = {"who", "whom", "whose"}


@dataclass
class PersonRule:
    """A compiled person-reference rule."""

    rule: Rule
    terms: frozenset[str]
    multiword: tuple[str, ...]
    acronyms: frozenset[str]
    times: bool
    id_regexes: tuple[re.Pattern[str], ...]
    trigger_forms: frozenset[str]
    acronym_forms: frozenset[str]
    label_words: tuple[str, ...]
    subject_of: dict[str, list[VerbSpec]]
    passive_subject_of: dict[str, list[VerbSpec]]
    object_of: dict[str, list[VerbSpec]]
    recipient_of: dict[str, list[VerbSpec]]
    object_of_prep: dict[str, frozenset[str]]
    described_as: frozenset[str]
    predicate_nouns: frozenset[str]
    possessor_of: frozenset[str]
    coordinated_with: frozenset[str]
    linking: frozenset[str]
    relative: frozenset[str]
    catenative: frozenset[str]
    head_of: frozenset[str]
    modified_by: frozenset[str] = frozenset()
    cue_words: "CueWords | None" = None
    _multi_re: re.Pattern[str] | None = None
    _multi_first: tuple[str, ...] = ()
    id_needs: tuple[tuple[bool, bool], ...] = ()

    def __post_init__(self) -> None:
        self._multi_re = _words_regex(self.multiword) if self.multiword else None
        # The multi-word regex cannot match without the first word of some term.
        self._multi_first = tuple(_first_word(w) for w in self.multiword)

    @classmethod
    def compile(cls, rule: Rule) -> "PersonRule":
        """Turn validated YAML options into lookup tables and regexes."""
        trig = rule.options.get("trigger", {})
        cues = rule.options.get("cues", {})
        nw = rule.options.get("not-when", {})
        words = [w for w in trig.get("terms", []) if isinstance(w, str)]
        single = frozenset(w.lower() for w in words if re.fullmatch(r"[\w]+", w))
        multi = tuple(w for w in words if not re.fullmatch(r"[\w]+", w))
        acr = frozenset(trig.get("acronyms", []))
        # The first cheap stage looks trigger forms up in sets (see ``trigger_spans``).
        forms = frozenset(f for w in single for f in (w, w + "s", w + "es"))
        acr_forms = frozenset(f for a in acr for f in (a, a + "s"))
        labels = tuple(_first_word(str(lbl)) for lbl in (trig.get("identifiers") or {}).get("labels", []))
        id_parts = identifier_parts(trig["identifiers"]) if "identifiers" in trig else ()
        prep_table = {str(k).lower(): _lower_set(v) for k, v in (cues.get("object-of-prep") or {}).items()}
        cue_words = CueWords.of(cues, prep_table)
        return cls(
            rule=rule,
            terms=single,
            multiword=multi,
            acronyms=acr,
            times=bool(trig.get("times")),
            id_regexes=tuple(rx for _, rx in id_parts),
            id_needs=tuple(needs for needs, _ in id_parts),
            trigger_forms=forms,
            acronym_forms=acr_forms,
            label_words=labels,
            subject_of=_verb_table(cues.get("subject-of", [])),
            passive_subject_of=_verb_table(cues.get("passive-subject-of", [])),
            object_of=_verb_table(cues.get("object-of", [])),
            recipient_of=_verb_table(cues.get("recipient-of", [])),
            object_of_prep=prep_table,
            described_as=_lower_set(cues.get("described-as", [])),
            predicate_nouns=_lower_set(cues.get("predicate-nouns", [])),
            possessor_of=_lower_set(cues.get("possessor-of", [])),
            coordinated_with=_lower_set(cues.get("coordinated-with", [])),
            linking=_lower_set(cues.get("linking-verbs", ["be"])),
            relative=_lower_set(cues.get("relative-pronouns", _WHO)),
            catenative=_lower_set(cues.get("catenative-verbs", [])),
            head_of=_lower_set(nw.get("head-of", [])),
            modified_by=_lower_set(nw.get("modified-by", [])),
            cue_words=cue_words,
        )

    # -- candidate spans found before parsing (merged into one token) -------

    @property
    def has_triggers(self) -> bool:
        """Whether the rule has any trigger at all (words, acronyms, identifiers, times)."""
        return bool(self.trigger_forms or self.acronyms or self.id_regexes or self.times or self.multiword)

    def trigger_spans(self, text: str, scan: "_Scan | None" = None) -> list[tuple[int, int]]:
        """Every trigger form in ``text`` (the first cheap stage, before spaCy).

        A word trigger is a whole run of word characters and hyphens equal to a
        term (or its -s/-es plural, any case) or an acronym (or its plural, exact
        case). Identifier, time and multi-word patterns are regexes, each tried
        only when the text holds a word or a digit it cannot match without.
        ``scan``: the text's word runs, shared by the rules that look at it.
        """
        scan = scan or _Scan(text)
        spans: list[tuple[int, int]] = []
        # (An acronym's plural contains the acronym: a substring test finds both.)
        if not self.trigger_forms.isdisjoint(scan.lowered) or any(a in text for a in self.acronyms):
            spans.extend(m.span() for m in _RUN_RE.finditer(text) if m.group() in self.acronym_forms or m.group().lower() in self.trigger_forms)
        if self.id_regexes or self.times or self._multi_re is not None:
            spans.extend((c.span_start if c.span_start is not None else c.start, c.end) for c in self._regex_candidates(text, scan))
        return spans

    def _regex_candidates(self, text: str, scan: "_Scan | None" = None) -> Iterator[Candidate]:
        code = self.rule.code
        scan = scan or _Scan(text)
        for rx, (needs_digit, needs_label) in zip(self.id_regexes, self.id_needs):
            # Most identifier patterns cannot match without a digit; a labelled one
            # also needs its label's first word ("acct", "customer").
            if (needs_digit and not scan.digit) or (needs_label and not any(w in scan.low for w in self.label_words)):
                continue
            for m in rx.finditer(text):
                if m.lastgroup == "noun":
                    # "the 5512 account" parses well as it is: mark the noun.
                    yield Candidate(m.start("noun"), m.end("noun"), "identifier", code, merge=False, span_start=m.start())
                else:
                    yield Candidate(m.start(), m.end(), "identifier", code)
        if self.times and scan.digit:
            for m in _TIME_RE.finditer(text):
                yield Candidate(m.start("time"), m.end("time"), "time", code)
        if self._multi_re is not None and any(w in scan.low for w in self._multi_first):
            for m in self._multi_re.finditer(text):
                yield Candidate(m.start(), m.end(), "term", code)

    def merge_spans(self, text: str) -> list[Candidate]:
        """Candidate spans found before parsing; most are merged into one token."""
        spans = list(self._regex_candidates(text))
        spans.extend(Candidate(m.start(), m.end(), "verb", self.rule.code) for m in _HYPHEN_VERB_RE.finditer(text))
        return spans

    # -- after parsing ------------------------------------------------------

    def triggers(self, doc: Any, merged: Mapping[int, list[Candidate]]) -> Iterator[tuple[Any, str, int | None]]:
        """Tokens that may stand for a person: (token, trigger kind, forced span start)."""
        for tok in doc:
            mine = [c for c in merged.get(tok.idx, ()) if c.code == self.rule.code]
            cand = mine[0] if mine else None
            if cand is not None and cand.what == "identifier":
                yield tok, "identifier", (cand.span_start if not cand.merge else None)
            elif cand is not None and cand.what == "time":
                if any(c.dep_ == "det" for c in tok.children) or (tok.i > 0 and doc[tok.i - 1].lower_ in ("the", "a")):
                    yield tok, "time", None
            elif cand is not None and cand.what == "term":
                yield tok, "term", None
            elif tok.text in self.acronyms or (tok.text.endswith("s") and tok.text[:-1] in self.acronyms):
                yield tok, "acronym", None
            elif self.terms and self._is_term(tok):
                yield tok, "term", None

    def _is_term(self, tok: Any) -> bool:
        """A trigger noun, also when the tagger took a plural noun for a verb ("mortgage leads")."""
        if tok.i > 0 and tok.text.isalpha():
            prev = tok.doc[tok.i - 1]  # (not doc.text: spaCy rebuilds it on every access)
            if prev.idx + len(prev.text) == tok.idx and prev.text[-1] in "#@":
                return False  # a chat channel or handle: "reach out to #delivery"
        lemma = tok.lemma_.lower()
        if tok.pos_ in ("NOUN", "PROPN") and lemma in self.terms:
            return True
        low = tok.lower_
        forms = {low, low[:-1] if low.endswith("s") else low, low[:-2] if low.endswith("es") else low}
        if not forms & self.terms or tok.pos_ in ("ADP", "ADJ"):
            return False
        # Walk back over modifiers ("the Denver install") to a determiner or number.
        i = tok.i - 1
        while i >= 0 and tok.i - i <= 3 and tok.doc[i].tag_ in ("NNP", "NNPS", "NN", "JJ"):
            i -= 1
        prev = tok.doc[i] if i >= 0 else None
        return prev is not None and prev.tag_ in ("DT", "CD", "PRP$", "PDT") and prev.lower_ not in ("that", "this", "which")

    def np_span(self, tok: Any) -> tuple[int, int]:
        """Token span of the noun phrase headed by ``tok`` (left modifiers only)."""
        if tok.pos_ not in ("NOUN", "PROPN", "NUM", "X"):
            # Misparsed head: take the determiner, numbers and nouns right before it.
            start = tok.i
            while start > 0 and tok.doc[start - 1].tag_ in ("DT", "PDT", "CD", "PRP$", "JJ", "NN", "NNP") and tok.doc[start - 1].lower_ not in ("that", "which"):
                start -= 1
            return start, tok.i + 1
        start = tok.i
        for child in reversed(list(tok.lefts)):
            if child.dep_ not in _NP_LEFT_DEPS:
                break
            left = child.left_edge.i
            # Only contiguous modifiers: no punctuation (but hyphens) in between.
            between = tok.doc[left:start]
            if any(t.is_punct and t.text not in "-'’" for t in between) or any(t.is_space for t in between):
                break
            if any(not re.fullmatch(r"[\w'’.&/-]+", t.text) for t in between):
                break
            start = left
        doc = tok.doc
        # "met with the Oslo install": the parser hung "the Oslo" elsewhere; take it back.
        if not any(doc[i].tag_ in ("DT", "PRP$") for i in range(start, tok.i + 1)):
            j = start
            while j > 0 and doc[j - 1].tag_ in ("NNP", "NNPS", "CD") and doc[j - 1].head.i != tok.i:
                j -= 1
            if j < start and j > 0 and doc[j - 1].tag_ in ("DT", "PRP$"):
                start = j - 1
        return start, tok.i + 1

    def person_cue(self, tok: Any, span: tuple[int, int]) -> str | None:
        """Why the sentence treats ``tok`` as a person, or None."""
        doc = tok.doc
        # For "shipment 44-8812" the word that says what it is, is the label.
        lemma = tok.lemma_.lower().split()[0] if " " in tok.text else tok.lemma_.lower()
        if tok.dep_ in ("compound", "amod") and tok.head.i > tok.i and tok.head.pos_ in ("NOUN", "PROPN"):
            return None
        if span[1] < len(doc) and doc[span[1]].lemma_.lower() in self.head_of and doc[span[1]].dep_ != "poss":
            return None
        if any(c.lemma_.lower() in self.modified_by for c in tok.children if c.dep_ in ("compound", "amod") and c.i < tok.i):
            return None
        # The same when the parser missed the compound ("The team lead agreed": team/nsubj, lead/ROOT).
        if tok.i > 0 and doc[tok.i - 1].lemma_.lower() in self.modified_by and doc[tok.i - 1].pos_ in ("NOUN", "PROPN", "ADJ"):
            return None
        role = tok
        while role.dep_ == "conj" and role.head.i < role.i:
            role = role.head
        # Relative pronoun right after the phrase: "the upgrade who called".
        nxt = _next_token(doc, span[1], tok)
        if nxt is not None and nxt.lower_ in self.relative:
            return f"followed by '{nxt.text}'"
        # Possessor of a kin word: "the cancellation's wife".
        if tok.dep_ == "poss" and tok.head.lemma_.lower() in self.possessor_of:
            return f"it has a {tok.head.text}"
        if span[1] + 1 < len(doc) and doc[span[1]].lower_ in ("'s", "’s", "'") and doc[span[1] + 1].lemma_.lower() in self.possessor_of:
            return f"it has a {doc[span[1] + 1].text}"
        # Coordinated with "his wife": "acct 2201-77 and his wife came in".
        for c in tok.children:
            if c.dep_ == "conj" and c.lemma_.lower() in self.coordinated_with and any(p.dep_ == "poss" for p in c.children):
                return f"with {' '.join(t.text for t in c.subtree if t.i <= c.i)}"
        if span[1] + 3 < len(doc) + 1 and span[1] + 2 < len(doc):
            a, b, c2 = doc[span[1]], doc[span[1] + 1], doc[span[1] + 2]
            if a.lower_ == "and" and b.lower_ in ("his", "her", "their") and c2.lemma_.lower() in self.coordinated_with:
                return f"with {b.text} {c2.text}"
        # Subject of a person verb, or described as a person.
        for pred, passive in self._predicates(role, span):
            cue = self._predicate_cue(pred, passive, role, lemma)
            if cue:
                return cue
        # Object of a contact verb, recipient, or object of a contact preposition.
        cue = self._object_cue(role, lemma, span)
        if cue:
            return cue
        # A contact preposition right before the phrase: "met with the Oslo install".
        if span[0] > 1 and role.dep_ != "pobj":
            prep = doc[span[0] - 1]
            allowed = self.object_of_prep.get(prep.norm_.lower())
            if prep.pos_ == "ADP" and allowed and (prep.head.lemma_.lower() in allowed or doc[span[0] - 2].lemma_.lower() in allowed):
                return f"{prep.head.text.lower()} {prep.text} it"
        # Misparsed object: "call both leads back" with "leads" taken for a verb.
        if role.dep_ not in ("nsubj", "nsubjpass", "dobj", "pobj", "dative", "poss", "compound", "attr") and span[0] > 0:
            prev = doc[span[0] - 1]
            if prev.tag_.startswith("VB") and _match_verb(self.object_of, prev, lemma):
                return f"{prev.text.lower()} it"
            # "send the Denver install a gift card": a second object right after it.
            after = doc[span[1]] if span[1] < len(doc) else None
            if prev.tag_.startswith("VB") and after is not None and after.tag_ in ("DT", "CD", "PRP$") and prev.lemma_.lower() in self.recipient_of:
                return f"{prev.text.lower()} it {after.text} ..."
        return None

    def _predicates(self, role: Any, span: tuple[int, int]) -> list[tuple[Any, bool | None]]:
        doc = role.doc
        preds: list[tuple[Any, bool | None]] = []
        if role.dep_ in ("nsubj", "nsubjpass", "csubj"):
            head = role.head
            # Two subjects on one verb is a misparse; the nearer one is the real subject.
            nearer = [c for c in head.children if c.dep_ in ("nsubj", "nsubjpass") and role.i < c.i < head.i]
            if not nearer:
                passive = role.dep_ == "nsubjpass" or any(c.dep_ == "auxpass" for c in head.children)
                preds.append((head, passive))
        # Misparse guard: "The renewal called twice" parsed as a reduced
        # relative clause (acl) or a fragment; a finite verb right after the
        # noun phrase, with only adverbs in between, is its predicate.
        if role.dep_ not in ("nsubj", "nsubjpass", "dobj", "pobj", "dative", "poss"):
            i = span[1]
            # Skip a prepositional phrase hanging off the noun: "the cancellation from Malmö left".
            while i < len(doc) and (doc[i].pos_ in _SKIP_BETWEEN or doc[i].dep_ == "advmod"):
                i += 1
            for c in role.children:
                if c.dep_ == "prep" and c.i == i:
                    i = c.right_edge.i + 1
            while i < len(doc) and (doc[i].pos_ in _SKIP_BETWEEN or doc[i].dep_ == "advmod" or doc[i].dep_ == "neg"):
                i += 1
            if i < len(doc):
                v = doc[i]
                if v.pos_ in ("VERB", "AUX") and v.tag_ in ("VBD", "VBZ", "VBP", "VBN", "VBG", "MD"):
                    has_agent = any(c.dep_ in ("agent",) or (c.dep_ == "prep" and c.lower_ in ("by", "to")) for c in v.children)
                    if not (v.tag_ == "VBN" and has_agent) and not any(c.dep_ in ("nsubj", "nsubjpass") and c.i < v.i and c.i >= span[1] for c in v.children):
                        if v.tag_ == "MD" or v.lemma_ in ("have", "be") and v.dep_ == "aux":
                            preds.append((v.head, False))
                        else:
                            # A bare participle right after the noun: "the renewal called" (a
                            # misparsed past tense) or "shipment 44-8812 held at customs" (a
                            # reduced passive). None lets the cue try both readings.
                            preds.append((v, None if v.tag_ == "VBN" else False))
        # Shared subjects: conjoined verbs and catenatives ("keeps calling").
        out: list[tuple[Any, bool | None]] = []
        seen: set[int] = set()
        queue = list(preds)
        while queue:
            p, passive = queue.pop(0)
            if p.i in seen:
                continue
            seen.add(p.i)
            out.append((p, passive))
            for c in p.children:
                if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX") and not any(g.dep_ in ("nsubj", "nsubjpass") for g in c.children):
                    # "must be approved and accepted": a bare participle shares the passive.
                    own_aux = any(g.dep_ in ("aux", "auxpass") for g in c.children)
                    queue.append((c, any(g.dep_ == "auxpass" for g in c.children) or (passive and c.tag_ == "VBN" and not own_aux)))
                elif c.dep_ == "xcomp" and p.lemma_.lower() in self.catenative and c.pos_ in ("VERB", "AUX"):
                    queue.append((c, False))
        return out

    def _predicate_cue(self, pred: Any, passive: bool | None, role: Any, lemma: str) -> str | None:
        plemma = pred.lemma_.lower()
        if passive is None:
            if pred.pos_ in ("VERB", "AUX") and _match_verb(self.subject_of, pred, lemma):
                return f"it {_verb_phrase(pred)}"
            passive = True
        if passive:
            if _match_verb(self.passive_subject_of, pred, lemma):
                return f"it was {pred.text.lower()}"
            return None
        if pred.pos_ in ("VERB", "AUX") and _match_verb(self.subject_of, pred, lemma):
            if plemma == "be":
                return f"it {pred.text.lower()} {' '.join(t.text for t in pred.rights if t.dep_ in ('prep', 'advmod'))}".strip()
            return f"it {_verb_phrase(pred)}"
        # Described as a person: "is upset", "is a nice guy", "rang in upset".
        if plemma in self.linking:
            j = pred.i + 1
            doc = pred.doc
            while j < len(doc) and (doc[j].pos_ in ("ADV", "PART", "SPACE") or doc[j].lemma_ in ("get", "become", "be")):
                j += 1
            if j < len(doc) and doc[j].lemma_.lower() in self.described_as and doc[j].tag_ in ("JJ", "VBN", "JJR", "RB"):
                return f"it {pred.text.lower()} {doc[j].text}"
        for c in pred.children:
            if c.dep_ in ("acomp", "oprd", "advcl", "xcomp", "dep", "attr", "ccomp") or (c.dep_ == "conj" and c.pos_ == "ADJ"):
                adjs = [c] + [g for g in c.children if g.dep_ == "conj" and g.pos_ == "ADJ"]
                for a in adjs:
                    if a.pos_ == "ADJ" and a.lemma_.lower() in self.described_as:
                        return f"it {pred.text.lower()} {a.text}"
                if plemma in self.linking and c.dep_ == "attr" and c.pos_ in ("NOUN", "PROPN") and c.lemma_.lower() in self.predicate_nouns:
                    return f"it {pred.text.lower()} a {c.text}"
                # "is the one that complained": the relative clause says what the person did.
                if plemma in self.linking and c.dep_ == "attr" and c.lemma_.lower() == "one":
                    for rc in c.children:
                        if rc.dep_ == "relcl" and _match_verb(self.subject_of, rc, lemma):
                            return f"it is the one that {rc.text}"
        return None

    def _object_cue(self, role: Any, lemma: str, span: tuple[int, int]) -> str | None:
        dep = role.dep_
        head = role.head
        doc = role.doc
        # "called re: the application": a preposition-like word in between means it is not the object.
        between = doc[head.i + 1 : span[0]] if head.i < span[0] else doc[0:0]
        if any(t.pos_ in ("ADP", "PUNCT", "SCONJ") or t.norm_ in ("about", "with") for t in between):
            return None
        if dep in ("dobj", "obj", "dative") and head.pos_ in ("VERB", "AUX"):
            passive = any(c.dep_ == "auxpass" for c in head.children)
            # "call 0412-555-019": a bare phone number is dialled, not a person.
            if re.fullmatch(r"[\d\s()+.-]{6,}", role.text) and head.lemma_.lower() in _DIAL_VERBS:
                return None
            if not passive and _match_verb(self.object_of, head, lemma, exclude=role):
                return f"{head.text.lower()} it"
            if not passive and span[0] == head.i + 1 and _match_verb(self.recipient_of, head, lemma, exclude=role):
                # "send the renewal a gift card": the trigger is the first of two objects.
                others = [c for c in head.children if c.dep_ in ("dobj", "obj") and c.i > role.i]
                if others and not any(t.pos_ in ("ADP", "PUNCT") for t in doc[role.i + 1 : others[0].left_edge.i]):
                    return f"{head.text.lower()} it {doc[others[0].left_edge.i:others[0].i + 1].text}"
        if dep == "pobj" and head.dep_ in ("prep", "agent"):
            prep = head.norm_.lower() if head.norm_ else head.lower_
            verb = head.head
            allowed = self.object_of_prep.get(prep)
            if allowed and verb.pos_ in ("VERB", "AUX", "ADJ", "NOUN") and verb.lemma_.lower() in allowed:
                return f"{verb.text.lower()} {head.text} it"
            # Phrasal verbs listed as "reach out" or "get back": the particle is a child
            # of the verb, or the preposition hangs off the particle.
            if allowed:
                v = verb.head if verb.dep_ in ("prt", "advmod") else verb
                parts = {c.lower_ for c in v.children if c.dep_ in ("prt", "advmod")} | ({verb.lower_} if v is not verb else set())
                if any(f"{v.lemma_.lower()} {p}" in allowed for p in parts):
                    return f"{v.text.lower()} {' '.join(sorted(parts))} {head.text} it"
            # "hang up on X": the preposition hangs off the particle.
            if allowed and verb.dep_ in ("prt", "advmod") and verb.head.lemma_.lower() in allowed:
                return f"{verb.head.text.lower()} {verb.text} {head.text} it"
        return None


# ---------------------------------------------------------------------------
# The second cheap stage: could this sentence hold a person cue at all?

_AUXILIARIES = frozenset({"be", "have", "do"})
_POSSESSIVE_RE = re.compile(r"(?i)(?:(?<=\w)(?:'s|’s|'|’)(?![\w])|(?<![\w])(?:my|your|his|her|its|our|their|whose)(?![\w]))")


@dataclass(frozen=True)
class CueWords:
    """Lemmas a person cue needs, grouped by what else the cue needs.

    ``strong``: one of these lemmas is enough (person verbs, person adjectives,
    relative pronouns, contact verbs before a preposition). ``nouns``: a
    predicate noun ("is a lovely lady") is a cue only after a linking verb.
    ``kin``: a kin noun ("the renewal's wife", "acct 5512 and his wife") is a
    cue only with a possessive. Each group is a superset of what the parse
    checks in ``PersonRule.person_cue`` can accept.
    """

    strong: frozenset[str]
    nouns: frozenset[str]
    linking: frozenset[str]
    kin: frozenset[str]

    @classmethod
    def of(cls, cues: Mapping[str, Any], prep_table: Mapping[str, frozenset[str]]) -> "CueWords":
        strong: set[str] = set()
        for key in ("subject-of", "passive-subject-of", "object-of", "recipient-of"):
            for specs in _verb_table(cues.get(key, [])).values():
                for spec in specs:
                    # "be on the phone": an auxiliary is everywhere, the required words are not.
                    if spec.lemma in _AUXILIARIES and spec.objects:
                        strong.update(spec.objects)
                    elif spec.lemma in _AUXILIARIES and spec.preps and all(spec.preps.values()):
                        strong.update(w for words in spec.preps.values() for w in words)
                    else:
                        strong.add(spec.lemma)
        for verbs in prep_table.values():
            # "reach out to": the check needs the verb ("reach"); a single word is needed as it is.
            strong.update(v.split()[0] for v in verbs)
        strong.update(_lower_set(cues.get("described-as", [])))
        strong.update(_lower_set(cues.get("relative-pronouns", _WHO)))
        return cls(
            strong=frozenset(strong),
            nouns=_lower_set(cues.get("predicate-nouns", [])),
            linking=_lower_set(cues.get("linking-verbs", ["be"])),
            kin=_lower_set(cues.get("possessor-of", [])) | _lower_set(cues.get("coordinated-with", [])),
        )


_WORD_RUN_RE = re.compile(r"\w+")


class _Forms:
    """Every surface form of some lemmas: whole-word runs by set lookup, the
    few forms with an apostrophe or hyphen ("'re", "e-mail") by regex."""

    def __init__(self, words: Iterable[str]) -> None:
        from . import lemmas

        forms: set[str] = set()
        for w in words:
            forms.update(lemmas.forms(w))
        self.plain = frozenset(f for f in forms if _WORD_RUN_RE.fullmatch(f))
        other = sorted((f for f in forms if f not in self.plain), key=len, reverse=True)
        self.other = re.compile(r"(?i)(?<![\w])(?:" + "|".join(map(re.escape, other)) + r")(?![\w])") if other else None
        self.empty = not forms

    def present(self, text: str, words: Sequence[str]) -> bool:
        """Any form in ``text`` (``words``: its lower-cased word runs)."""
        return not self.plain.isdisjoint(words) or (self.other is not None and self.other.search(text) is not None)

    def spans(self, text: str) -> Iterator[tuple[int, int]]:
        for m in _WORD_RUN_RE.finditer(text):
            if m.group().lower() in self.plain:
                yield m.span()
        if self.other is not None:
            yield from (m.span() for m in self.other.finditer(text))


class CueGate:
    """Compiled ``CueWords``: ``passes(text, trigger_spans)`` is False only when
    no parse of ``text`` could give a person cue for any trigger in it."""

    def __init__(self, words: CueWords) -> None:
        self.strong = _Forms(words.strong)
        self.nouns = _Forms(words.nouns)
        self.linking = _Forms(words.linking)
        self.kin = _Forms(words.kin)

    def passes(self, text: str, triggers: Sequence[tuple[int, int]]) -> bool:
        words = [w.lower() for w in _WORD_RUN_RE.findall(text)]

        def apart(forms: _Forms) -> bool:
            # The cue is another token than the trigger ("the request" is not its own verb).
            if not forms.present(text, words):
                return False
            return any(all(e <= a or s >= b for a, b in triggers) for s, e in forms.spans(text))

        if apart(self.strong):
            return True
        if self.linking.present(text, words) and apart(self.nouns):
            return True
        return _POSSESSIVE_RE.search(text) is not None and apart(self.kin)


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
    its own, so a sentence with no candidate is never parsed.
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


def _verb_phrase(verb: Any) -> str:
    """The verb with its auxiliaries, negation and particle: "is threatening", "never picked up"."""
    before = [c for c in verb.children if c.dep_ in ("aux", "auxpass", "neg") and c.i < verb.i]
    after = [c for c in verb.children if c.dep_ == "prt"]
    return " ".join(t.text.lower() for t in sorted(before + [verb] + after, key=lambda t: t.i))


def _next_token(doc: Any, i: int, head: Any) -> Any:
    """The token after a noun phrase, skipping a prepositional phrase on its head."""
    while i < len(doc) and doc[i].is_space:
        i += 1
    if i < len(doc) and doc[i].dep_ == "prep" and doc[i].head.i == head.i:
        i = doc[i].right_edge.i + 1
    while i < len(doc) and (doc[i].is_space or doc[i].text == ","):
        i += 1
    return doc[i] if i < len(doc) else None


_TIME_RE = re.compile(r"(?i:\b(?:the|a|your|my|our)\s+(?P<time>\d{1,2}(?::\d{2})?\s?(?:[ap]m|[ap]\.m\.))(?![\w]))")


def identifier_parts(spec: Mapping[str, Any]) -> tuple[tuple[tuple[bool, bool], re.Pattern[str]], ...]:
    """Regexes for identifiers: labelled ("acct 4471-22"), standalone ("#88213"), and "the 5512 account".

    Each comes with what it cannot match without, for the cheap first stage:
    (a digit, the first word of a label).
    """
    out: list[tuple[tuple[bool, bool], re.Pattern[str]]] = []
    labels = [re.escape(str(lbl)).replace(r"\ ", r"\s+") for lbl in spec.get("labels", [])]
    shapes = [str(s) for s in spec.get("shapes", [])]
    if labels and shapes:
        rx = re.compile(
            r"(?<![\w/])(?i:" + "|".join(sorted(labels, key=len, reverse=True)) + r")"
            r"(?:\s*(?i:no\.?|number|id|\#)\s*|\s+|\s*:\s*)\#?"
            r"(?:" + "|".join(shapes) + r")(?![\w-])"
        )
        out.append(((requires_digit(rx.pattern), True), rx))
    standalone = [str(s) for s in spec.get("standalone", [])]
    if standalone:
        rx = re.compile(r"(?<![\w#/-])(?:" + "|".join(standalone) + r")(?![\w-])")
        out.append(((requires_digit(rx.pattern), False), rx))
    nouns = [re.escape(str(n)) for n in spec.get("label-nouns", [])]
    if nouns:
        out.append(((True, False), re.compile(r"(?i:\b(?:the|a|an|this|that)\s+\d{3,}\s+(?P<noun>" + "|".join(nouns) + r"))\b")))
    return tuple(out)


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
        return _seq_requires_digit(sre_parse.parse(pattern), sre_parse)
    except Exception:  # noqa: BLE001 - a parser internals change: just try the regex
        return False


def _seq_requires_digit(seq: Any, sp: Any) -> bool:
    c = sp.constants if hasattr(sp, "constants") else sp
    for op, av in seq:
        name = str(op)
        if name == "LITERAL":
            if _DIGIT_RE.fullmatch(chr(av)):
                return True
        elif name == "IN":
            if av and all(_class_item_is_digit(str(o), v, c) for o, v in av):
                return True
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            lo, _, sub = av
            if lo >= 1 and _seq_requires_digit(sub, sp):
                return True
        elif name == "SUBPATTERN":
            if _seq_requires_digit(av[-1], sp):
                return True
        elif name == "ATOMIC_GROUP":
            if _seq_requires_digit(av, sp):
                return True
        elif name == "BRANCH":
            if av[1] and all(_seq_requires_digit(b, sp) for b in av[1]):
                return True
    return False


def _class_item_is_digit(op: str, value: Any, c: Any) -> bool:
    if op == "LITERAL":
        return _DIGIT_RE.fullmatch(chr(value)) is not None
    if op == "RANGE":
        return ord("0") <= value[0] and value[1] <= ord("9")
    if op == "CATEGORY":
        return str(value) == "CATEGORY_DIGIT"
    return False


def compile_identifiers(spec: Mapping[str, Any]) -> tuple[re.Pattern[str], ...]:
    """The identifier regexes alone (for the ``identifier`` rule kind)."""
    return tuple(rx for _, rx in identifier_parts(spec))


class _Scan:
    """What the cheap stages read from one text, computed once for all rules."""

    __slots__ = ("low", "lowered", "digit")

    def __init__(self, text: str) -> None:
        self.low = text.lower()
        self.lowered = _RUN_RE.findall(self.low)
        self.digit = _DIGIT_RE.search(text) is not None


_RUN_RE = re.compile(r"[\w-]+")
_DIGIT_RE = re.compile(r"\d")


def _first_word(phrase: str) -> str:
    """The lower-case text of ``phrase`` up to its first space (a substring any match contains)."""
    return phrase.lower().split()[0] if phrase.strip() else ""


# ---------------------------------------------------------------------------


KINDS = ("person-reference", "acronym", "identifier", "terms", "pattern")

# Parsed characters per spaCy memory zone (see Linter._enter_zone).
ZONE_CHARS = 4_000_000


@dataclass
class LintOptions:
    """Run-wide settings from config and CLI."""

    known_acronyms: tuple[str, ...] = ()
    defined_acronyms: Mapping[str, str] = field(default_factory=dict)
    allow: tuple[str, ...] = ()
    name_style: str = "full"
    severity_overrides: Mapping[str, Severity] = field(default_factory=dict)
    # The two cheap stages: only sentences with a trigger and a possible cue
    # are tagged and parsed. False parses every sentence (the reference the
    # two-stage results are tested against).
    prefilter: bool = True


class Linter:
    """Owns the compiled rules and the (lazy) spaCy pipeline."""

    def __init__(self, rules: Sequence[Rule], model: Any, options: LintOptions | None = None) -> None:
        self.options = options or LintOptions()
        self.model = model
        self.rules = list(rules)
        self.person = [PersonRule.compile(r) for r in self.rules if r.kind == "person-reference"]
        self.acronym = [
            AcronymRule.compile(r, self.options.known_acronyms, self.options.defined_acronyms)
            for r in self.rules
            if r.kind == "acronym"
        ]
        self.identifier = [(r, compile_identifiers(r.options["identifiers"])) for r in self.rules if r.kind == "identifier"]
        self.terms = [r for r in self.rules if r.kind == "terms"]
        self.patterns = [r for r in self.rules if r.kind == "pattern"]
        self._matchers: Any = None
        self._allow_re = _words_regex(self.options.allow, plural=False) if self.options.allow else None
        self.skipped_parse_rules: list[Rule] = []
        self._gates: list[CueGate | None] | None = None
        self._zone: Any = None  # the open spaCy memory zone (see _enter_zone)
        self._zone_chars = 0

    # -- public -------------------------------------------------------------

    def needs_model(self) -> bool:
        """Whether any selected rule needs a parse."""
        return bool(self.person or self.terms or self.patterns)

    def lint_unit(self, unit: Unit) -> list[Finding]:
        """All findings in one unit, in text order."""
        return self.lint_units([unit])[0]

    def lint_units(self, units: Sequence[Unit]) -> list[list[Finding]]:
        """Findings per unit; the segments of all units that need a parse go through spaCy in one batch."""
        segs = [sources.segment(u) for u in units]
        parsed = self._parsed_hits(units, segs)
        # The acronym kind's NER stage: names around the candidates its cheap checks leave open.
        names = acronym_kind.entity_names(self.acronym, units, segs, self.model, self.options.defined_acronyms)
        return [self._finish(u, s, h, n) for u, s, h, n in zip(units, segs, parsed, names)]

    def _finish(self, unit: Unit, segments: Sequence[Segment], hits: list[Hit], names: frozenset[str] = frozenset()) -> list[Finding]:
        all_masks = [(seg.start + a, seg.start + b) for seg in segments for a, b in list(seg.masks) + quote_masks(seg.text)]
        for rule, regexes in self.identifier:
            for seg in segments:
                for rx in regexes:
                    for m in rx.finditer(seg.text):
                        hits.append(Hit(rule, seg.start + m.start(), seg.start + m.end(), {"text": m.group(0)}))
        for acr in self.acronym:
            hits.extend(acronym_kind.hits(acr, unit, segments, self.options.defined_acronyms, names, all_masks))
        hits = [h for h in hits if not _overlaps_any(h.start, h.end, all_masks)]
        if self._allow_re is not None:
            allowed = [m.span() for m in self._allow_re.finditer(unit.text)]
            hits = [h for h in hits if not _overlaps_any(h.start, h.end, allowed)]
        hits = _supersede(hits)
        return [self._finding(unit, h) for h in sorted(hits, key=lambda h: (h.start, h.rule.code))]

    # -- parse-based rules ----------------------------------------------------

    def _parsed_hits(self, units: Sequence[Unit], segs: Sequence[Sequence[Segment]]) -> list[list[Hit]]:
        out: list[list[Hit]] = [[] for _ in units]
        if not (self.person or self.terms or self.patterns) or self.skipped_parse_rules:
            return out
        gates = self._cue_gates()
        # (unit index, offset of the sentence in the unit, sentence text, candidate spans, chat starts)
        todo: list[tuple[int, int, str, list[Candidate], list[int]]] = []
        every = bool(self.terms or self.patterns) or not self.options.prefilter
        for k, segments in enumerate(segs):
            for seg in segments:
                ptext = parse_text(seg.text)
                # Stage one, on the whole segment: trigger words (set lookups, no spaCy).
                scan = _Scan(ptext)
                found = [pr.trigger_spans(ptext, scan) if pr.has_triggers else [] for pr in self.person]
                if not every and not any(found):
                    continue
                starts = _speaker_starts(seg.text)
                for cs, ce in sentence_spans(ptext):
                    ctext = ptext[cs:ce]
                    spans: list[Candidate] = []
                    hit = bool(self.terms or self.patterns)
                    for pr, gate, trig_all in zip(self.person, gates, found):
                        if not pr.has_triggers:
                            continue
                        if self.options.prefilter:
                            # Stage two, per sentence: a trigger, and a word some parse
                            # of the sentence could make its person cue.
                            trig = [(a - cs, b - cs) for a, b in trig_all if cs <= a < ce]
                            if not trig or (gate is not None and not gate.passes(ctext, trig)):
                                continue
                        hit = True
                        spans.extend(pr.merge_spans(ctext))
                    if hit:
                        todo.append((k, seg.start + cs, ctext, spans, [x - cs for x in starts if cs <= x < ce]))
        if not todo:
            return out
        nlp = self.model.get()
        if self.terms or self.patterns:
            self._build_matchers(nlp.vocab)  # outside any zone: the matchers' strings must stay
        self._enter_zone(nlp)
        docs = []
        merged_maps = []
        for _, _, ctext, spans, starts in todo:
            doc, merged = _make_doc(nlp, ctext, spans, starts)
            docs.append(doc)
            merged_maps.append(merged)
        for (k, base, _, _, _), doc, merged in zip(todo, nlp.pipe(docs, batch_size=256), merged_maps):
            unit = units[k]
            for pr in self.person:
                out[k].extend(self._person_hits(pr, unit, base, doc, merged))
            out[k].extend(self._term_hits(unit, base, doc))
        del docs
        self._zone_chars += sum(len(t[2]) for t in todo)
        if self._zone is not None and self._zone_chars >= ZONE_CHARS:
            self._zone.__exit__(None, None, None)
            self._zone = None
        return out

    def _enter_zone(self, nlp: Any) -> None:
        """Strings, lexemes and tokenizer cache entries that parses add to the vocab
        (ids, names, typos) live in a spaCy memory zone that is closed and reopened
        every ``ZONE_CHARS`` parsed characters, so memory stays flat over millions
        of records while the tokenizer's cache stays warm between batches. Hits
        hold only offsets and plain strings, never tokens, so closing is safe
        between batches."""
        if self._zone is None and hasattr(nlp, "memory_zone"):
            self._zone = nlp.memory_zone()
            self._zone.__enter__()
            self._zone_chars = 0

    def _cue_gates(self) -> list[CueGate | None]:
        """The second stage per person rule; None (trigger words only) when the
        pipeline's lemmatizer may not be the one ``lemma-forms.json`` describes."""
        if self._gates is None:
            from . import lemmas
            from .model import ModelError

            try:
                name = self.model.check() if hasattr(self.model, "check") else None
            except ModelError:
                name = None
            known = name in lemmas.PIPELINES
            self._gates = [CueGate(pr.cue_words) if known and pr.cue_words is not None else None for pr in self.person]
        return self._gates

    def _person_hits(self, pr: PersonRule, unit: Unit, base: int, doc: Any, merged: Mapping[int, list[Candidate]]) -> Iterator[Hit]:
        for tok, what, forced in pr.triggers(doc, merged):
            span = pr.np_span(tok)
            if forced is not None:
                first = next((t.i for t in doc if t.idx >= forced), tok.i)
                span = (min(first, span[0]), span[1])
            cue = pr.person_cue(tok, span)
            if not cue:
                continue
            s_tok, e_tok = doc[span[0]], doc[span[1] - 1]
            start = base + s_tok.idx
            end = base + e_tok.idx + len(e_tok.text)
            text = unit.text[start:end]
            plural = (tok.tag_ in ("NNS", "NNPS") or (what == "acronym" and tok.text.endswith("s"))) and what != "identifier"
            count = next((c.text.lower() for c in doc[span[0] : span[1]] if c.dep_ in ("nummod", "det") and c.lower_ in _COUNT_WORDS), None)
            suggestions = person_phrases(
                text,
                customer=unit.customer,
                plural=plural,
                count_word=count,
                sentence_start=s_tok.is_sent_start or s_tok.i == 0,
                templates={k: list(v) for k, v in pr.rule.suggest.items() if isinstance(v, list)},
                name_style=self.options.name_style,
            )
            if what == "term":
                trigger = tok.lemma_.lower()
            elif what == "time":
                trigger = "appointment time"
            elif what == "acronym" and tok.text.endswith("s") and tok.text[:-1] in pr.acronyms:
                trigger = tok.text[:-1]
            else:
                trigger = tok.text
            values = {"text": text, "trigger": trigger, "a_trigger": f"{_article(trigger)} {trigger}", "cue": cue, "customer": unit.customer or ""}
            # Only a known name is a safe replacement ("the customer" may not fit the
            # sentence), and only for a bare reference: "the upset renewal" or "the
            # Leeds install" would lose words.
            extra = [t for t in doc[span[0] : span[1]] if t.i != tok.i and t.dep_ != "det" and not t.is_punct]
            fixable = bool(unit.customer and unit.customer.strip()) and not plural and not extra
            yield Hit(pr.rule, start, end, values, suggestions, fixable)

    def _term_hits(self, unit: Unit, base: int, doc: Any) -> Iterator[Hit]:
        if not (self.terms or self.patterns):
            return
        matcher, phrase, keys = self._build_matchers(doc.vocab)
        found = (list(matcher(doc)) if len(matcher) else []) + (list(phrase(doc)) if len(phrase) else [])
        for match_id, s, e in found:
            rule, suggestion = keys[doc.vocab.strings[match_id]]
            start = base + doc[s].idx
            end = base + doc[e - 1].idx + len(doc[e - 1].text)
            text = unit.text[start:end]
            yield Hit(rule, start, end, {"text": text, "term": text}, tuple(suggestion), len(suggestion) == 1 and rule.options.get("fix", True))

    def _build_matchers(self, vocab: Any) -> tuple[Any, Any, dict[str, tuple[Rule, list[str]]]]:
        if self._matchers is not None:
            return self._matchers
        from spacy.matcher import Matcher, PhraseMatcher

        matcher = Matcher(vocab, validate=True)
        phrase = PhraseMatcher(vocab, attr="LOWER")
        keys: dict[str, tuple[Rule, list[str]]] = {}
        nlp = self.model.get()
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
            key = f"{rule.code}:p"
            keys[key] = (rule, list(rule.suggest.get("without-name", [])))
            try:
                matcher.add(key, list(rule.options["patterns"]))
            except Exception as exc:  # spaCy's MatchPatternError / ValueError
                from .model import RuleError

                raise RuleError(f"invalid spaCy pattern: {str(exc).splitlines()[0]}", rule.origin[0], rule.origin[1], 1) from None
        self._matchers = (matcher, phrase, keys)
        return self._matchers

    # -- findings -------------------------------------------------------------

    def _finding(self, unit: Unit, hit: Hit) -> Finding:
        doc = unit.document
        d_start, d_end = unit.to_doc(hit.start), unit.to_doc(hit.end - 1) + 1 if hit.end > hit.start else unit.to_doc(hit.end)
        values = dict(hit.values)
        values.setdefault("text", unit.text[hit.start : hit.end])
        if hit.suggestions:
            values["suggestion"] = hit.suggestions[0]
        message = hit.rule.message.format_map(_Values(values)).strip()
        severity = self.options.severity_overrides.get(hit.rule.code, hit.rule.severity)
        fix = None
        matched = unit.text[hit.start : hit.end]
        if hit.fixable and hit.suggestions and d_end - d_start == len(matched) and doc.text[d_start:d_end] == matched:
            fix = Edit(d_start, d_end, hit.suggestions[0])
        return Finding(
            rule=hit.rule,
            path=doc.path,
            record=unit.record,
            field=unit.field,
            start=hit.start,
            end=hit.end,
            doc_start=d_start,
            doc_end=d_end,
            start_pos=doc.position(d_start),
            end_pos=doc.position(d_end),
            text=unit.text[hit.start : hit.end],
            message=message,
            suggestions=hit.suggestions,
            severity=severity,
            fix=fix,
        )


_COUNT_WORDS = {"two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "both", "several", "many", "some", "all"}


def _article(word: str) -> str:
    """'a' or 'an' by how the word is spoken ("an upgrade", "an MQL", "a P1")."""
    if word[:2].isupper() or (word[:1].isupper() and word[1:2].isdigit()):
        return "an" if word[0] in "AEFHILMNORSX" else "a"
    low = word.lower()
    if low.startswith(("uni", "use", "usu", "one", "eu")):
        return "a"
    return "an" if low[:1] in "aeiou" else "a"


class _Values(dict):  # type: ignore[type-arg]
    def __missing__(self, key: str) -> str:
        return ""



def _overlaps_any(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(start < b and a < end for a, b in spans)



def _supersede(hits: list[Hit]) -> list[Hit]:
    """Drop hits of rules that an overlapping hit's rule supersedes (by name, code or category)."""
    out = []
    for h in hits:
        beaten = False
        for o in hits:
            if o is h or not (o.start < h.end and h.start < o.end):
                continue
            if {h.rule.code, h.rule.name, h.rule.category} & set(o.rule.supersedes):
                beaten = True
                break
            if o.rule is h.rule and (o.end - o.start, -o.start) > (h.end - h.start, -h.start):
                beaten = True
                break
        if not beaten:
            out.append(h)
    return out


_SPEAKER_RE = re.compile(r"(?m)^[ \t]*(?:\[[^\]\n]{1,25}\][ \t]*|\d{1,2}:\d{2}(?::\d{2})?[ \t]+)[\w .'-]{1,30}:[ \t]")


_LABEL_RE = re.compile(r"(?im)^[ \t]*(?:note|notes|update|fyi|edit|ps|internal note|summary|next steps?|outcome|resolution|status|action|issue)[ \t]*:[ \t]")


def parse_text(text: str) -> str:
    """Text as the parser should see it: chat speaker tags ("[09:14] dana: ") and
    line labels ("Note: ") blanked, same length."""
    text = _SPEAKER_RE.sub(lambda m: " " * len(m.group(0)), text)
    return _LABEL_RE.sub(lambda m: " " * len(m.group(0)), text)


def _speaker_starts(text: str) -> list[int]:
    """Offsets where a chat message starts (after its speaker tag)."""
    return [m.end() for rx in (_SPEAKER_RE, _LABEL_RE) for m in rx.finditer(text)]


@dataclass(frozen=True)
class Candidate:
    """A span found by regex before parsing: an identifier, a time, a multi-word term."""

    start: int
    end: int
    what: str
    code: str
    merge: bool = True
    span_start: int | None = None


_HYPHEN_VERB_RE = re.compile(r"(?i)\bno-show(?:s|ed|ing)?\b")


def _make_doc(nlp: Any, text: str, spans: Sequence[Candidate], sentence_starts: Sequence[int] = ()) -> tuple[Any, dict[int, list[Candidate]]]:
    """Tokenize, and merge candidate spans into single tokens before tagging.

    Returns the doc and, by the start offset of each candidate token, the
    candidates on it (several rules may share one span).
    """
    doc = nlp.make_doc(text)
    by_span: dict[tuple[int, int], list[Candidate]] = {}
    for c in spans:
        by_span.setdefault((c.start, c.end), []).append(c)
    chosen: list[tuple[int, int]] = []
    for s, e in sorted(by_span, key=lambda x: (x[0], -(x[1] - x[0]))):
        if chosen and s < chosen[-1][1]:
            continue
        chosen.append((s, e))
    merged: dict[int, list[Candidate]] = {}
    last_token = -1
    with doc.retokenize() as retok:
        for s, e in chosen:
            span = doc.char_span(s, e, alignment_mode="expand")
            if span is None or len(span) == 0 or span.start <= last_token:
                continue
            last_token = span.end - 1
            cands = by_span[(s, e)]
            if len(span) > 1 and any(c.merge for c in cands):
                retok.merge(span)
            merged[span.start_char if any(c.merge for c in cands) else doc[span.end - 1].idx] = cands
    # Each chat message is its own sentence; the parser keeps preset boundaries.
    if sentence_starts:
        starts = set(sentence_starts)
        for tok in doc:
            if tok.idx in starts and tok.i > 0:
                tok.is_sent_start = True
    return doc, merged

"""The linter: runs the stages that turn segments into findings.

Stages, per batch of units:

1. **Candidates without spaCy.** Each segment is split into sentences
   (``prefilter.sentence_spans``). A sentence goes on only if some
   person-reference rule could flag it: it holds a form of one of the
   rules' cue lemmas (``prefilter.CueGate``) and something that could be a
   candidate (an article, a determiner or a digit). Terms and pattern rules
   need every sentence. ``LintOptions(prefilter=False)`` sends every
   sentence on: the reference the tests hold the cheap stage to.
2. **Parse.** Only those sentences are tokenized, merged (identifiers,
   times, hyphenated words: ``parse``) and run through the pipeline, in
   large batches inside a memory zone. A sentence judged before in this
   run (a macro, a signature, a quoted reply) is not parsed again: the
   judgement of a sentence is a function of its text, its chat-message
   starts, the next sentence of its segment (pronoun support) and the
   linter's rules, and is kept, without its doc, in a bounded cache under
   that key (``LintOptions.sentence_cache``). What depends on the unit (its
   text outside the sentence, the customer's name in suggestions, repeated
   mentions across sentences, acronym definitions) is settled per unit
   after the cache, every time.
3. **Each kind's check.** ``kinds.person`` on each parsed sentence,
   ``kinds.terms``/``kinds.pattern`` matchers, then the kinds that need no
   parse: ``kinds.acronym`` and ``kinds.identifier`` over the segments.
4. **Filters.** Masks (inline code, URLs, quoted speech), the config's
   ``allow`` list, and rules superseding overlapping rules.
5. **Findings.** Unit offsets mapped to the document's lines and columns,
   the message filled in, suggestions and a fix where it is safe.

The engine knows no input format: callers pass the segments of each unit
(``sources.segment``). Each kind's logic lives in its module under
``kinds/``; the engine only runs the stages.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from .kinds import Hit
from .kinds import acronym as acronym_kind
from .kinds.acronym import AcronymRule
from .kinds.identifier import IdentifierRule
from .kinds.person import Cues, PersonRule
from .kinds.person import Finding as PersonFinding
from .kinds.person import settle as settle_findings
from .kinds.person_evidence import is_acronym, support_context
from .kinds.terms import Matchers
from .model import Edit, Finding, Position, Rule, Segment, Severity, Unit
from .parse import Parser
from .prefilter import CueGate, line_starts, parse_text, quote_masks, sentence_spans, speaker_starts
from .suggest import person_phrases

KINDS = ("person-reference", "acronym", "identifier", "terms", "pattern")

# Something that could be a candidate: an article or determiner before a noun, or a digit.

Segmenter = Callable[[Unit], Sequence[Segment]]


@dataclass
class LintOptions:
    """Run-wide settings from config and CLI."""

    known_acronyms: tuple[str, ...] = ()
    defined_acronyms: Mapping[str, str] = field(default_factory=dict)
    allow: tuple[str, ...] = ()
    name_style: str = "full"
    severity_overrides: Mapping[str, Severity] = field(default_factory=dict)
    # The cheap stage: only sentences that hold a cue and a candidate are parsed.
    # False parses every sentence (the reference the cheap stage is tested against).
    prefilter: bool = True
    # Judged sentences remembered (least recently used dropped first); 0: none.
    sentence_cache: int = 20_000


@dataclass
class _Sentence:
    """A sentence of a segment that goes through the parser."""

    unit: int  # index of its unit in the batch
    base: int  # its offset in the unit
    text: str  # the text the parser sees (speaker tags blanked)
    starts: list[int]  # chat message starts inside it
    after: str  # the next sentence of the segment, when it can support a finding (support_context)

    def key(self) -> tuple[str, tuple[int, ...], str]:
        """Everything a sentence's judgement depends on besides the linter's rules."""
        return (self.text, tuple(self.starts), self.after)


@dataclass(frozen=True, slots=True)
class _PersonJudged:
    """A person rule's finding in one sentence, as plain values (no tokens): what
    settling within the unit and building the hit need."""

    rule: int  # index into Linter.person
    start: int  # sentence offsets of the candidate phrase
    end: int
    key: str  # what makes two mentions the same (``settle``)
    pending: bool
    support: str | None
    plural: bool
    count: str | None
    sentence_start: bool
    trigger: str
    reason: str
    bare: bool  # no word besides the head, its determiner and punctuation
    explanation: tuple[tuple[str, Any], ...]  # without "support", settled per unit


@dataclass(frozen=True, slots=True)
class _Judged:
    """The parse-based judgement of one sentence: person findings and matcher hits
    (rule, sentence start, sentence end, suggestions, fixable)."""

    person: tuple[_PersonJudged, ...]
    matches: tuple[tuple[Rule, int, int, tuple[str, ...], bool], ...]


@dataclass
class _Mention:
    """One use of a cached person finding in a unit; ``settle`` may mark it supported."""

    judged: _PersonJudged
    base: int
    support: str | None
    pending: bool

    @property
    def key(self) -> str:
        return self.judged.key


class Linter:
    """Owns the compiled rules and the (lazy) spaCy pipeline."""

    def __init__(self, rules: Sequence[Rule], model: Any, options: LintOptions | None = None, segment: Segmenter | None = None) -> None:
        self.options = options or LintOptions()
        self.model = model
        self.segment = segment
        self.rules = list(rules)
        self.person = [PersonRule.compile(r) for r in self.rules if r.kind == "person-reference"]
        self.acronym = [AcronymRule.compile(r, self.options.known_acronyms, self.options.defined_acronyms) for r in self.rules if r.kind == "acronym"]
        self.identifier = [IdentifierRule.compile(r) for r in self.rules if r.kind == "identifier"]
        self.matchers = Matchers([r for r in self.rules if r.kind == "terms"], [r for r in self.rules if r.kind == "pattern"])
        self.parser = Parser(model)
        self._allow_re = _words_regex(self.options.allow) if self.options.allow else None
        self.skipped_parse_rules: list[Rule] = []
        self._gate: CueGate | None = None
        # The cheap stage's verdicts per segment text (see SentenceCache); off unless a
        # caller that lints the same text again and again (an editor) sets it.
        self.sentence_cache: SentenceCache | None = None
        # Judged sentences (``_judge``), bounded by ``LintOptions.sentence_cache``.
        self._judged: OrderedDict[tuple[str, tuple[int, ...], str], _Judged] = OrderedDict()
        self.cache_hits = 0
        self.cache_misses = 0

    # -- public -------------------------------------------------------------

    def needs_model(self) -> bool:
        """Whether any selected rule needs a parse."""
        return bool(self.person or self.matchers)

    def lint_unit(self, unit: Unit, segments: Sequence[Segment] | None = None) -> list[Finding]:
        """All findings in one unit, in text order."""
        return self.lint_units([unit], None if segments is None else [segments])[0]

    def lint_units(self, units: Sequence[Unit], segments: Sequence[Sequence[Segment]] | None = None) -> list[list[Finding]]:
        """Findings per unit; the sentences of all units that need a parse go through spaCy together.

        ``segments``: each unit's segments; by default the ``segment`` function
        the linter was made with cuts them.
        """
        if segments is None:
            if self.segment is None:
                raise TypeError("Linter needs the units' segments (pass segments=, or segment= to the constructor)")
            segments = [self.segment(u) for u in units]
        parsed = self._parsed_hits(units, segments)
        # The acronym kind's NER stage: names around the candidates its cheap checks leave open.
        names = acronym_kind.entity_names(self.acronym, units, segments, self.model, self.options.defined_acronyms)
        return [self._finish(u, s, h, n) for u, s, h, n in zip(units, segments, parsed, names)]

    def gate(self) -> CueGate:
        """The cheap stage for the person rules (built on first use)."""
        if self._gate is None:
            self._gate = CueGate(Cues.union(pr.cues() for pr in self.person))
        return self._gate

    def warm(self) -> None:
        """Build now what the stages build on first use and never change: the cue gate
        (with its kin nouns), the WordNet and lemma tables, the acronym tables. Called
        before worker processes are forked, so they share these instead of each
        building its own."""
        from . import lemmas, wordnet

        if self.person or self.acronym:
            wordnet.preload()
        if self.person:
            lemmas.preload()
            self.gate().kin
        for acr in self.acronym:
            acr.knowledge

    # -- stage 1: which sentences need a parse -------------------------------

    def sentences(self, units: Sequence[Unit], segments: Sequence[Sequence[Segment]]) -> list[_Sentence]:
        """The sentences of the batch that go through the parser."""
        todo: list[_Sentence] = []
        if not self.needs_model() or self.skipped_parse_rules:
            return todo
        cache = self.sentence_cache
        if cache is not None:
            cache.fit(sum(len(segs) for segs in segments))
        for k, segs in enumerate(segments):
            for seg in segs:
                if cache is None:
                    todo.extend(_Sentence(k, sent.base, sent.text, sent.starts, sent.after) for sent, skipped in self.plan(seg) if skipped is None)
                    continue
                # The cheap stage's verdicts depend on the segment's text alone: kept with
                # offsets relative to the segment.
                key = ("L" if _typed_lines(seg) else "-") + seg.text  # (line breaks typed in a record start sentences)
                planned = cache.planned(key)
                if planned is None:
                    planned = [(sent.base - seg.start, sent.text, sent.starts, sent.after) for sent, skipped in self.plan(seg) if skipped is None]
                    cache.plan(key, planned)
                todo.extend(_Sentence(k, seg.start + rel, text, starts, after) for rel, text, starts, after in planned)
        return todo

    def plan(self, seg: Segment, *, reasons: bool = False) -> Iterator[tuple[_Sentence, str | None]]:
        """Each sentence of a segment, with None if it goes through the parser, else why
        the cheap stage skips it (spelled out with ``reasons``, for ``explain``)."""
        every = bool(self.matchers) or not self.options.prefilter
        gate = self.gate() if self.person and not every else None
        ptext = parse_text(seg.text)
        if gate is not None and not gate.admits(ptext):
            yield _Sentence(-1, seg.start, ptext, [], ""), _skip_reason(gate, ptext) if reasons else "skipped"
            return
        starts = speaker_starts(seg.text)
        if _typed_lines(seg):
            starts = sorted(set(starts) | set(line_starts(ptext)))
        spans = sentence_spans(ptext)
        for i, (cs, ce) in enumerate(spans):
            text = ptext[cs:ce]
            if not text.strip():
                continue
            after = support_context(ptext[spans[i + 1][0] : spans[i + 1][1]]) if i + 1 < len(spans) else ""
            sent = _Sentence(-1, seg.start + cs, text, [x - cs for x in starts if cs <= x < ce], after)
            if gate is not None and len(text) < len(ptext) and not gate.admits(text):  # (a one-sentence segment passed above)
                yield sent, _skip_reason(gate, text) if reasons else "skipped"
            else:
                yield sent, None

    # -- stages 2 and 3: parse, then the parse-based kinds --------------------

    def _parsed_hits(self, units: Sequence[Unit], segments: Sequence[Sequence[Segment]]) -> list[list[Hit]]:
        out: list[list[Hit]] = [[] for _ in units]
        todo = self.sentences(units, segments)
        if not todo:
            return out
        judged = self._judge(todo)
        # Person findings wait until their unit is done: a pending one needs another mention.
        pending: dict[tuple[int, int], list[_Mention]] = {}
        for sent, j in zip(todo, judged):
            unit = units[sent.unit]
            for pj in j.person:
                pending.setdefault((sent.unit, pj.rule), []).append(_Mention(pj, sent.base, pj.support, pj.pending))
            for rule, a, b, suggestion, fixable in j.matches:
                text = unit.text[sent.base + a : sent.base + b]
                out[sent.unit].append(Hit(rule, sent.base + a, sent.base + b, {"text": text, "term": text}, suggestion, fixable))
        for (k, r), items in pending.items():
            for m in settle_findings(items):  # type: ignore[arg-type]
                out[k].append(self._person_hit(self.person[r], units[k], m))
        return out

    def _judge(self, todo: Sequence[_Sentence]) -> list[_Judged]:
        """The judgement of each sentence: from the cache, or parsed (each distinct sentence once)."""
        if self.matchers:
            self.matchers.build(self.model.get())  # outside any memory zone: the matchers' strings must stay
        size = self.options.sentence_cache
        if not size:  # the reference: every sentence parsed and judged
            self.cache_misses += len(todo)
            judged = [self._judge_doc(doc, merged, s.after) for s, (doc, merged) in zip(todo, self.parser.parse((s.text, s.starts) for s in todo))]
            self.parser.release()
            return judged
        cache = self._judged
        keys = [s.key() for s in todo]
        got: dict[tuple[str, tuple[int, ...], str], _Judged] = {}
        miss: dict[tuple[str, tuple[int, ...], str], _Sentence] = {}
        for key, sent in zip(keys, todo):
            if key in got or key in miss:
                continue
            j = cache.get(key)
            if j is None:
                miss[key] = sent
            else:
                cache.move_to_end(key)
                got[key] = j
        self.cache_hits += len(todo) - len(miss)
        self.cache_misses += len(miss)
        if miss:
            items = list(miss.items())
            for (key, sent), (doc, merged) in zip(items, self.parser.parse((s.text, s.starts) for _, s in items)):
                j = self._judge_doc(doc, merged, sent.after)
                got[key] = j
                cache[key] = j
            self.parser.release()  # the judgements keep offsets and strings only
            while len(cache) > size:
                cache.popitem(last=False)
        return [got[k] for k in keys]

    def _judge_doc(self, doc: Any, merged: Mapping[int, str], after: str) -> _Judged:
        person = tuple(self._person_judged(r, pr, doc, found) for r, pr in enumerate(self.person) for found in pr.check(doc, merged, after))
        matches: tuple[tuple[Rule, int, int, tuple[str, ...], bool], ...] = ()
        if self.matchers:
            matches = tuple((h.rule, h.start, h.end, h.suggestions, h.fixable) for h in self.matchers.hits(doc, 0, doc.text))
        return _Judged(person, matches)

    def _person_judged(self, r: int, pr: PersonRule, doc: Any, found: PersonFinding) -> _PersonJudged:
        c, ev = found.candidate, found.evidence
        s_tok, e_tok = doc[c.start], doc[c.end - 1]
        plural = c.head.tag_ in ("NNS", "NNPS") and c.kind != "identifier"
        count = next((t.text.lower() for t in doc[c.start : c.end] if t.dep_ in ("nummod", "det") and t.lower_ in _COUNT_WORDS), None)
        if c.kind == "identifier":
            trigger = "identifier"
        elif c.kind == "time" and c.head.i == c.start + (1 if c.end - c.start > 1 else 0):
            trigger = "appointment time"
        elif is_acronym(c.head.text):
            trigger = c.head.text[:-1] if c.head.text.endswith("s") else c.head.text  # "an MQL", as written
        else:
            trigger = c.head.lemma_.lower() if c.head.pos_ in ("NOUN", "PROPN") else c.head.lower_
        # Only a known name is a safe replacement ("the customer" may not fit the
        # sentence), and only for a bare reference: "the upset renewal" or "the
        # Leeds install" would lose words.
        extra = [t for t in doc[c.start : c.end] if t.i != c.head.i and t.dep_ != "det" and not t.is_punct]
        explanation = (
            ("candidate", c.kind),
            ("head", c.head.text),
            ("wordnet", c.cls),
            ("evidence", ev.name),
            ("reason", ev.reason),
            ("words", tuple(ev.words)),
            ("strength", "strong" if ev.strong else "weak"),
        )
        return _PersonJudged(
            rule=r,
            start=s_tok.idx,
            end=e_tok.idx + len(e_tok.text),
            key=found.key,
            pending=found.pending,
            support=found.support,
            plural=plural,
            count=count,
            sentence_start=s_tok.is_sent_start or s_tok.i == 0,
            trigger=trigger,
            reason=ev.reason,
            bare=not extra,
            explanation=explanation,
        )

    def _person_hit(self, pr: PersonRule, unit: Unit, m: _Mention) -> Hit:
        j = m.judged
        start, end = m.base + j.start, m.base + j.end
        text = unit.text[start:end]
        suggestions = person_phrases(
            text,
            customer=unit.customer,
            plural=j.plural,
            count_word=j.count,
            sentence_start=j.sentence_start,
            templates={k: list(v) for k, v in pr.rule.suggest.items() if isinstance(v, list)},
            name_style=self.options.name_style,
        )
        trigger = j.trigger
        values = {"text": text, "trigger": trigger, "a_trigger": f"{_article(trigger)} {trigger}", "cue": j.reason, "customer": unit.customer or ""}
        fixable = bool(unit.customer and unit.customer.strip()) and not j.plural and j.bare
        explanation = {k: list(v) if k == "words" else v for k, v in j.explanation}
        explanation["support"] = m.support
        return Hit(pr.rule, start, end, values, suggestions, fixable, explanation=explanation)

    # -- stages 4 and 5 -------------------------------------------------------

    def _finish(self, unit: Unit, segments: Sequence[Segment], hits: list[Hit], names: frozenset[str] = frozenset()) -> list[Finding]:
        all_masks = [(seg.start + a, seg.start + b) for seg in segments for a, b in list(seg.masks) + quote_masks(seg.text)]
        for ir in self.identifier:
            hits.extend(ir.hits(segments))
        for acr in self.acronym:
            hits.extend(acronym_kind.hits(acr, unit, segments, self.options.defined_acronyms, names, all_masks))
        hits = [h for h in hits if not _overlaps_any(h.start, h.end, all_masks)]
        if self._allow_re is not None:
            allowed = [m.span() for m in self._allow_re.finditer(unit.text)]
            hits = [h for h in hits if not _overlaps_any(h.start, h.end, allowed)]
        hits = _supersede(hits)
        return [self._finding(unit, h) for h in sorted(hits, key=lambda h: (h.start, h.rule.code))]

    def _finding(self, unit: Unit, hit: Hit) -> Finding:
        values = dict(hit.values)
        values.setdefault("text", unit.text[hit.start : hit.end])
        if hit.suggestions:
            values["suggestion"] = hit.suggestions[0]
        message = hit.rule.message.format_map(_Values(values)).strip()
        severity = self.options.severity_overrides.get(hit.rule.code, hit.rule.severity)
        d_start, d_end, start_pos, end_pos, fix = locate(unit, hit.start, hit.end, hit.suggestions[0] if hit.fixable and hit.suggestions else None)
        return Finding(
            rule=hit.rule,
            path=unit.document.path,
            record=unit.record,
            field=unit.field,
            start=hit.start,
            end=hit.end,
            doc_start=d_start,
            doc_end=d_end,
            start_pos=start_pos,
            end_pos=end_pos,
            text=unit.text[hit.start : hit.end],
            message=message,
            suggestions=hit.suggestions,
            severity=severity,
            fix=fix,
            explanation=hit.explanation,
        )


def locate(unit: Unit, start: int, end: int, replacement: str | None) -> tuple[int, int, Position, Position, Edit | None]:
    """Where unit offsets ``start``-``end`` are in the unit's document (offsets, then line
    and column), and the edit that puts ``replacement`` there, when the span maps
    character for character to the file (else no edit)."""
    doc = unit.document
    d_start, d_end = unit.to_doc(start), unit.to_doc_end(end) if end > start else unit.to_doc(end)
    fix = None
    matched = unit.text[start:end]
    if replacement is not None and d_end - d_start == len(matched) and doc.text[d_start:d_end] == matched:
        fix = Edit(d_start, d_end, replacement)
    return d_start, d_end, doc.position(d_start), doc.position(d_end), fix


class SentenceCache:
    """The cheap stage's verdict per segment text, so that an edit re-runs the gate only
    on the paragraphs it changed (the language server sets one on each linter). The
    parse-based judgements are kept by the linter itself (``Linter._judge``, bounded by
    ``LintOptions.sentence_cache``), keyed by what they depend on.

    Least recently used entries go first beyond ``size``.
    """

    def __init__(self, size: int = 1_000) -> None:
        from collections import OrderedDict

        # Grows to twice the largest lint seen (``fit``): an LRU smaller than one
        # document's segments would miss on every one of them.
        self.size = size
        self._plans: OrderedDict[str, list[tuple[int, str, list[int], str]]] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def fit(self, n: int) -> None:
        """Make room for twice ``n`` entries (the segments of one lint)."""
        self.size = max(self.size, 2 * n)

    def planned(self, segment_text: str) -> list[tuple[int, str, list[int], str]] | None:
        """The sentences of a segment that go to the parser, if this segment text was planned before."""
        got = self._plans.get(segment_text)
        if got is None:
            self.misses += 1
            return None
        self.hits += 1
        self._plans.move_to_end(segment_text)
        return got

    def plan(self, segment_text: str, sentences: list[tuple[int, str, list[int], str]]) -> None:
        """Keep the cheap stage's verdict on a segment: (offset in the segment, text, starts, next sentence) of each sentence to parse."""
        self._plans[segment_text] = sentences
        if len(self._plans) > self.size:
            self._plans.popitem(last=False)

    def __len__(self) -> int:
        return len(self._plans)


_COUNT_WORDS = {"two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "both", "several", "many", "some", "all"}


def _words_regex(words: Iterable[str]) -> re.Pattern[str] | None:
    alts = sorted({re.escape(w) for w in words if w}, key=len, reverse=True)
    if not alts:
        return None
    return re.compile(r"(?<![\w-])(?:" + "|".join(alts) + r")(?![\w-])", re.IGNORECASE)


def _typed_lines(seg: Segment) -> bool:
    """Whether the line breaks of a segment are ones its writer typed: a text field of a
    record (a ticket note, typed in a text box), not an e-mail body or a file, whose
    lines may be wrapped."""
    unit = seg.unit
    return unit.record is not None and unit.field not in (None, "body", "subject")


def _skip_reason(gate: CueGate, text: str) -> str:
    if gate.reason(text) is None:
        return ("no cue: no word some evidence needs, where it needs it (a verb after a noun phrase that could be a candidate, "
                "a verb or preposition before one, 'who', a kin word after a possessive ...); a phrase that is plainly a person, "
                "team or system by WordNet ('the customer', 'the support team') is no candidate")
    return "no candidate: no article, demonstrative, number or acronym plural"


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

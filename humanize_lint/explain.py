"""``humanize-lint explain``: why a text is flagged, or why it is not.

Runs the stages of the engine one by one on a text and says what each one
decided: the segments the reader cut, which sentences the cheap cue gate
let through to the parser (and the cue it saw) or skipped (and why), for
each parsed sentence every noun phrase the person rules looked at (not a
candidate and why; a candidate, its WordNet class, the evidence found and
whether it was enough), what the acronym rule decided about each
acronym-shaped word, and the findings left at the end. The answer to "why
was this flagged" is then one evidence function to read
(``humanize_lint/kinds/person_evidence.py``), named in the output.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .engine import Linter
from .kinds import acronym as acronym_kind
from .model import Finding, Unit, one_line


@dataclass
class Step:
    """One decision of one stage, at a place in the text."""

    stage: str  # "segment", "gate", "parse", "person", "acronym", "finding"
    line: int
    column: int
    text: str
    verdict: str
    rule: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON shape."""
        out: dict[str, Any] = {"stage": self.stage, "line": self.line, "column": self.column, "text": self.text, "verdict": self.verdict}
        if self.rule:
            out["rule"] = self.rule
        if self.details:
            out["details"] = self.details
        return out


# Evidence found by a function of another name (recipients are addressees with two objects).
EVIDENCE_FUNCTIONS = {"recipient-of": "addressee_of"}


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def explain(linter: Linter, unit: Unit, *, show_parse: bool = False) -> tuple[list[Step], list[Finding]]:
    """Every stage's decisions on ``unit``, and the findings of a normal run."""
    steps: list[Step] = []
    text = unit.text
    segments = linter.segment(unit) if linter.segment is not None else []

    def at(offset: int) -> tuple[int, int]:
        return _position(text, offset)

    for seg in segments:
        steps.append(Step("segment", *at(seg.start), _short(seg.text), f"a {seg.kind} segment" + (f" with {len(seg.masks)} masked spans (code, URLs, markup)" if seg.masks else "")))
    parse_ready = linter.needs_model() and not linter.skipped_parse_rules and bool(linter.person or linter.matchers)
    if linter.person and not parse_ready:
        steps.append(Step("gate", 1, 1, "", "the person rules are off: no spaCy pipeline (see humanize-lint check's warning)"))
    todo = []
    if parse_ready:
        for seg in segments:
            for sent, skipped in linter.plan(seg, reasons=True):
                line, col = at(sent.base)
                if skipped is not None:
                    steps.append(Step("gate", line, col, _short(sent.text), f"skipped: {skipped}"))
                    continue
                cue = linter.gate().reason(sent.text) if linter.person else None
                steps.append(Step("gate", line, col, _short(sent.text), "parsed" + (f": cue {cue}" if cue else " (every sentence is parsed: pattern or terms rules, or prefilter off)")))
                todo.append(sent)
    if todo:
        for sent, (doc, merged) in zip(todo, linter.parser.parse((s.text, s.starts) for s in todo)):
            if show_parse:
                line, col = at(sent.base)
                tokens = " ".join(f"{t.text}/{t.pos_}/{t.dep_}>{t.head.i}" + (f"[{merged[t.idx]}]" if merged.get(t.idx) else "") for t in doc if not t.is_space)
                steps.append(Step("parse", line, col, _short(sent.text), tokens))
            by_token: dict[int, list[Step]] = {}
            for pr in linter.person:
                for tok, found, why in pr.trace(doc, merged, sent.after):
                    line, col = at(sent.base + tok.idx)
                    verdict = ("flagged: " if found is not None and not found.pending else ("pending: " if found is not None else "")) + why
                    details: dict[str, Any] = {}
                    if found is not None:
                        function = EVIDENCE_FUNCTIONS.get(found.evidence.name, found.evidence.name.replace("-", "_"))
                        details = {"evidence": found.evidence.name, "function": f"humanize_lint/kinds/person_evidence.py:{function}", "words": list(found.evidence.words)}
                    by_token.setdefault(tok.i, []).append(Step("person", line, col, tok.text, verdict, pr.rule.name, details))
            for i in sorted(by_token):
                # A phrase one person rule does not take at all is the other rule's: say it once.
                mine = [st for st in by_token[i] if "this rule takes" not in st.verdict] or by_token[i][:1]
                if len(mine) > 1 and len({st.verdict for st in mine}) == 1:
                    mine = [Step("person", mine[0].line, mine[0].column, mine[0].text, mine[0].verdict, ", ".join(st.rule for st in mine))]
                steps.extend(mine)
        linter.parser.release()
    for acr in linter.acronym:
        for use in acronym_kind.analyse(acr, unit, segments, linter.options.defined_acronyms):
            line, col = at(use.start)
            steps.append(Step("acronym", line, col, use.word, f"left alone: {use.reason}" if use.reason else "may be flagged: no definition, not common, not a name or code (the NER stage and max-per-text decide the rest)", acr.rule.name))
    findings = linter.lint_unit(unit)
    for f in findings:
        line, col = at(f.start)
        why = describe(f.explanation)
        steps.append(Step("finding", line, col, f.text, f.message + (f" [why: {why}]" if why else ""), f.rule.name, dict(f.explanation or {})))
    return steps, findings


def describe(explanation: Any) -> str:
    """One line from a finding's explanation (``check --explain``)."""
    if not explanation:
        return ""
    if not isinstance(explanation, dict):
        explanation = dict(explanation)
    if "candidate" in explanation:
        out = f"{explanation.get('strength', '')} evidence {explanation.get('evidence')} ({explanation.get('reason')})".strip()
        if explanation.get("support"):
            out += f", supported by {explanation['support']}"
        out += f"; {explanation.get('candidate')} headed by '{explanation.get('head')}', WordNet class {explanation.get('wordnet')}"
        return out
    return str(explanation.get("reason") or explanation.get("evidence") or "")


def _short(text: str, width: int = 72) -> str:
    flat = one_line(" ".join(text.split()))
    return flat if len(flat) <= width else flat[: width - 1] + "…"

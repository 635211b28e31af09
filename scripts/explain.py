"""Debug helper: show the parse the engine sees for a text and each trigger's cue."""
import sys

from humanize_lint import rulepack
from humanize_lint.engine import Linter, _make_doc, parse_text
from humanize_lint.nlp import LazyModel

pack = rulepack.load()
lz = LazyModel()
linter = Linter(list(pack.rules.values()), lz)
nlp = lz.get()
for text in sys.argv[1:]:
    spans = []
    for pr in linter.person:
        spans.extend(pr.merge_spans(parse_text(text)))
    text = parse_text(text); doc, merged = _make_doc(nlp, text, spans)
    doc = nlp(doc)
    print(" ".join(f"{t.i}:{t.text}/{t.lemma_}/{t.tag_}/{t.dep_}>{t.head.i}" for t in doc))
    for pr in linter.person:
        for tok, what, forced in pr.triggers(doc, merged):
            span = pr.np_span(tok)
            print(f"  {pr.rule.name}: {doc[span[0]:span[1]].text!r} ({what}) cue={pr.person_cue(tok, span)!r}")

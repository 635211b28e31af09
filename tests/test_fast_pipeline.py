"""The fast attribute ruler and lemmatizer must give exactly the stock token attributes.

``LazyModel.get()`` swaps the pipeline's ``attribute_ruler`` and ``lemmatizer`` for
memoizing equivalents (``humanize_lint.fastpipes.install``). Here the
real pipeline is loaded both ways and compared token by token, on the dev set,
a spread of the bench corpus and the patterns with tricky shapes; small blank
pipelines check pattern shapes the installed model does not use, the fallback
to the stock components, and memory zones.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

spacy = pytest.importorskip("spacy")
# A fast component that fails falls back to the stock one with a warning: here that is a bug.
pytestmark = pytest.mark.filterwarnings("error:humanize-lint. fast:RuntimeWarning")

from humanize_lint import fastpipes  # noqa: E402
from humanize_lint import nlp as hl_nlp  # noqa: E402
from humanize_lint.model import ModelError  # noqa: E402

SHARED = Path(__file__).resolve().parents[2] / "shared"
DEV = SHARED / "eval" / "dev.jsonl"
CORPUS = SHARED / "bench-corpus"
# Every Nth corpus file (in sorted order); 20 keeps this file near 20 s.
CORPUS_STEP = int(os.environ.get("HUMANIZE_LINT_FAST_PIPE_STEP", "20"))

TRICKY = [
    "I'm gonna call them back, we're gonna fix it.",
    "Let's go. let's not. LET'S GO!",
    "C'mon, c'mon now.",
    "Y'all know it. y' all did. Ya'll too?",
    "There is a refund. There are two. there was one, there were none. There's a fix. There're more.",
    "I'd go. I'd gone home. She'd say no. You'd've known.",
    "He got it. She gets it. We got ta go. It's got to work. Got it? gets. got.",
    "Two  spaces,\tand a tab.\n\nNew paragraph.   \n  indented\n",
    " leading space and trailing space ",
    "\n",
    "ain't it? It ain't. I aint. ain’t no way.",
    "He's been doin' it, goin' home, nothin' to say, somethin' else, 'nuff said, ol' times, see 'em, I'll go.",
    "Something, anything, nothing, everyone, nobody, any1 can.",
    "I ca n't, you wo n't, we sha n't. I can't, won't, shan't.",
    "Because it rains, though it's dry, whether or not, unless if, cause I said so.",
    "I did it, he had it, they have done it, she does, do it, has it.",
    "The ticket, that one, those two, these, this and that; which that?",
    "",
]

ATTRS = ("text", "tag_", "pos_", "morph", "lemma_", "dep_", "head", "is_sent_start", "norm_")


def _rows(doc: Any) -> list[tuple[Any, ...]]:
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i, t.is_sent_start, t.norm_) for t in doc]


def _assert_same(stock_docs: Any, fast_docs: Any, names: list[str]) -> int:
    """Token-by-token equality; returns the number of tokens compared."""
    tokens = 0
    for name, a, b in zip(names, stock_docs, fast_docs, strict=True):
        ra, rb = _rows(a), _rows(b)
        if ra != rb:
            bad = next(i for i, (x, y) in enumerate(zip(ra, rb)) if x != y) if len(ra) == len(rb) else 0
            pytest.fail(f"{name}: token {bad}: stock {dict(zip(ATTRS, ra[bad]))} != fast {dict(zip(ATTRS, rb[bad]))}")
        tokens += len(ra)
    return tokens


# -- the installed pipeline, both ways ---------------------------------------------


@pytest.fixture(scope="module")
def pipelines() -> tuple[Any, Any]:
    """(stock, fast): the installed pipeline as spaCy loads it, and as ``LazyModel`` does."""
    model = hl_nlp.LazyModel()
    try:
        name = model.check()
        fast = model.get()
        stock = spacy.load(name, exclude=["ner"])
    except (ModelError, OSError) as exc:
        pytest.skip(f"no spaCy English pipeline installed ({exc})")
    hl_nlp._add_special_cases(stock)
    return stock, fast


@pytest.fixture(scope="module")
def fast_installed(pipelines: tuple[Any, Any]) -> Any:
    stock, fast = pipelines
    if not isinstance(fast.get_pipe("attribute_ruler") if "attribute_ruler" in fast.pipe_names else None, fastpipes.FastAttributeRuler):
        pytest.skip("the installed pipeline's attribute_ruler is not one the fast ruler supports")
    return fast


def test_docs_of_another_vocab_go_to_the_stock_component(pipelines: tuple[Any, Any], fast_installed: Any) -> None:
    stock, fast = pipelines
    text = "Let's see: the quuxified grommets were gonna ship."
    foreign = list(stock.pipe([text], disable=["attribute_ruler", "lemmatizer"]))
    ruler = fast.get_pipe("attribute_ruler")
    before = dict(ruler.counts)
    done = list(fast.get_pipe("lemmatizer").pipe(ruler.pipe(foreign)))
    assert ruler.counts["stock"] == before["stock"] + 1
    _assert_same([stock(text)], done, [text])


def test_the_swap_keeps_names_and_stock_views(pipelines: tuple[Any, Any], fast_installed: Any) -> None:
    stock, fast = pipelines
    assert fast.pipe_names == stock.pipe_names
    ruler = fast.get_pipe("attribute_ruler")
    assert isinstance(ruler, fastpipes.FastAttributeRuler)
    assert ruler.patterns == stock.get_pipe("attribute_ruler").patterns  # forwarded to the stock component
    lem = fast.get_pipe("lemmatizer")
    assert isinstance(lem, fastpipes.FastLemmatizer)
    assert lem.lookups.tables == stock.get_pipe("lemmatizer").lookups.tables
    assert lem.mode == "rule"


def test_tricky_patterns(pipelines: tuple[Any, Any], fast_installed: Any) -> None:
    stock, fast = pipelines
    _assert_same(stock.pipe(TRICKY), fast.pipe(TRICKY), TRICKY)
    # One at a time too (``__call__``, batches of one).
    for text in TRICKY:
        _assert_same([stock(text)], [fast(text)], [text])


def test_tricky_patterns_fire(fast_installed: Any) -> None:
    """The multi-token and whitespace rules really apply (not just agree)."""
    fast = fast_installed

    def lemmas(text: str) -> dict[str, str]:
        return {t.text: t.lemma_ for t in fast(text)}

    assert lemmas("We're gonna win.")["gon"] == "go"
    assert lemmas("We're gonna win.")["na"] == "to"
    assert lemmas("Let's go.")["'s"] == "us"
    assert lemmas("C'mon now.")["C'm"] == "come"
    assert lemmas("Thank y'all.")["y'"] == "you"
    assert lemmas("He gets it and got it.")["gets"] == "get"
    assert lemmas("He gets it and got it.")["got"] == "get"
    doc = fast("One.  \n\n  Two.")
    space = [t for t in doc if t.is_space]
    assert space and all(t.tag_ == "_SP" and t.pos_ == "SPACE" for t in space)
    there = fast("There is a refund.")
    if there[0].dep_ == "expl":
        assert there[1].pos_ == "VERB"
    would = fast("I'd go.")
    if would[1].tag_ == "MD":
        assert would[1].lemma_ == "would"


def test_dev_and_corpus_sample_match_stock(pipelines: tuple[Any, Any], fast_installed: Any) -> None:
    stock, fast = pipelines
    names: list[str] = []
    texts: list[str] = []
    if DEV.is_file():
        for line in DEV.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            names.append(f"dev:{rec['id']}")
            texts.append(rec["text"])
    if CORPUS.is_dir():
        for path in sorted(CORPUS.rglob("*.md"))[::CORPUS_STEP]:
            for k, para in enumerate(re.split(r"\n[ \t]*\n", path.read_text(encoding="utf-8", errors="replace"))):
                if para.strip():
                    names.append(f"{path.relative_to(CORPUS)}#{k}")
                    texts.append(para)
    if not texts:
        pytest.skip("shared dev set and bench corpus not found")
    # The neural components run once; the stock components the fast ones wrap
    # (same vocab) and the fast ones each get their own copies of the docs.
    rules = ("attribute_ruler", "lemmatizer")
    parsed = list(fast.pipe(texts, batch_size=256, disable=list(rules)))
    a = [d.copy() for d in parsed]
    b = [d.copy() for d in parsed]
    for name in rules:
        component = fast.get_pipe(name)
        before = dict(component.counts)
        a = list(component.stock.pipe(a, batch_size=256))
        b = list(component.pipe(b, batch_size=256))
        assert component.counts == {"fast": before["fast"] + len(texts), "stock": before["stock"]}
    assert _assert_same(a, b, names) > 10_000


def test_end_to_end_equals_stock_on_dev(pipelines: tuple[Any, Any], fast_installed: Any) -> None:
    """The whole ``nlp.pipe`` of both pipelines, as the engine calls it (sentences, batch 256)."""
    stock, fast = pipelines
    if not DEV.is_file():
        pytest.skip("shared dev set not found")
    texts = [json.loads(line)["text"] for line in DEV.read_text(encoding="utf-8").splitlines()][::3]
    sents = [s.text_with_ws for doc in stock.pipe(texts) for s in doc.sents]
    _assert_same(stock.pipe(sents, batch_size=256), fast.pipe(sents, batch_size=256), sents)


def test_memory_zone_lemmas_stay_valid(pipelines: tuple[Any, Any], fast_installed: Any) -> None:
    """Lemmas learned inside a memory zone are strings the zone frees: the fast
    lemmatizer must not reuse their hashes after the zone."""
    stock, fast = pipelines
    if not hasattr(fast, "memory_zone"):
        pytest.skip("spaCy without memory zones")
    def check(text: str) -> None:
        assert [t.lemma_ for t in fast(text)] == [t.lemma_ for t in stock(text)]

    first = "The zorblaxes were frobnicating the quuxified grommets."
    with fast.memory_zone():
        check(first)
    check(first)  # the zone's lemma strings are gone: learned again
    second = "Two glimbering snarfles wuggled the plonkish dreebs."
    with fast.vocab.memory_zone():  # zones on the vocab only: the pipes are not told
        check(second)
    with fast.vocab.memory_zone():  # a new zone right away: the first one's lemmas are gone
        check(second)
    check(second)


def test_env_var_keeps_the_stock_components(monkeypatch: pytest.MonkeyPatch, pipelines: tuple[Any, Any]) -> None:
    stock, _ = pipelines
    monkeypatch.setenv(fastpipes.FAST_PIPES_ENV, "0")
    assert fastpipes.install(stock) == {}
    assert not any(isinstance(p, (fastpipes.FastAttributeRuler, fastpipes.FastLemmatizer)) for _, p in stock.pipeline)


# -- pattern shapes, on blank pipelines (no model needed) --------------------------

SHAPE_PATTERNS: list[dict[str, Any]] = [
    {"patterns": [[{"IS_ALPHA": True}]], "attrs": {"POS": "NOUN", "MORPH": "Number=Sing"}},
    {"patterns": [[{"IS_PUNCT": True}]], "attrs": {"POS": "PUNCT", "LEMMA": "<p>"}},
    {"patterns": [[{"lower": {"REGEX": "^re"}, "IS_TITLE": False}]], "attrs": {"POS": "VERB"}},
    {"patterns": [[{"TEXT": {"IN": ["Alpha", "Beta"]}}]], "attrs": {"POS": "PROPN", "NORM": "greek"}},
    {"patterns": [[{"ORTH": {"NOT_IN": ["the", "a"]}, "IS_LOWER": True}], [{"ORTH": "The"}]], "attrs": {"POS": "X"}},
    {"patterns": [[{"LOWER": "new"}, {"LOWER": "york"}, {"LOWER": "city"}]], "attrs": {"LEMMA": "NYC", "POS": "PROPN"}, "index": -1},
    {"patterns": [[{"LOWER": "new"}, {"LOWER": "york"}]], "attrs": {"LEMMA": "NY"}, "index": 1},
    {"patterns": [[{"LOWER": "new"}, {}]], "attrs": {"MORPH": "Degree=Pos"}, "index": 0},
    {"patterns": [[{"IS_DIGIT": True}, {"IS_DIGIT": True}]], "attrs": {"TAG": "CD", "POS": "NUM"}, "index": -1},
    {"patterns": [[{"IS_SPACE": True}]], "attrs": {"TAG": "_SP", "POS": "SPACE", "MORPH": "_"}},
    {"patterns": [[{"TEXT": {"REGEX": "^[A-Z]{2,}$", "NOT_IN": ["OK"]}}]], "attrs": {"POS": "PROPN", "LEMMA": "ACRONYM"}},
]

SHAPE_TEXTS = [
    "the new york city office and New York. new thing",
    "Alpha and Beta re-run the REPORT, OK? 12 34 56 x 7",
    "  spaced   out\n\ttext ",
    "NEW YORK CITY new york",
    "",
    "a",
]


def _blank_pair(patterns: list[dict[str, Any]]) -> tuple[Any, Any]:
    """Two blank English pipelines with the same attribute ruler; the second swapped."""
    out = []
    for _ in range(2):
        nlp = spacy.blank("en")
        nlp.add_pipe("attribute_ruler").add_patterns(patterns)
        out.append(nlp)
    assert fastpipes.install(out[1]) == {"attribute_ruler": "fast"}
    return out[0], out[1]


def test_pattern_shapes_match_stock() -> None:
    stock, fast = _blank_pair(SHAPE_PATTERNS)
    _assert_same(stock.pipe(SHAPE_TEXTS), fast.pipe(SHAPE_TEXTS), SHAPE_TEXTS)
    _assert_same(stock.pipe(SHAPE_TEXTS, batch_size=1), fast.pipe(SHAPE_TEXTS, batch_size=1), SHAPE_TEXTS)
    doc = fast("new york city")
    assert [t.lemma_ for t in doc] == ["", "NY", "NYC"]
    assert doc[0].morph.get("Degree") == ["Pos"]


def test_patterns_added_later_are_picked_up() -> None:
    stock, fast = _blank_pair(SHAPE_PATTERNS)
    fast("warm the caches up")
    extra = [{"patterns": [[{"LOWER": "caches"}]], "attrs": {"LEMMA": "cache"}}]
    stock.get_pipe("attribute_ruler").add_patterns(extra)
    fast.get_pipe("attribute_ruler").add_patterns(extra)  # forwarded to the stock ruler
    _assert_same([stock("warm the caches up")], [fast("warm the caches up")], ["added"])
    assert fast("the caches")[1].lemma_ == "cache"


@pytest.mark.parametrize(
    "pattern",
    [
        {"patterns": [[{"LOWER": "a", "OP": "+"}]], "attrs": {"POS": "DET"}},
        {"patterns": [[{"LENGTH": {">=": 3}}]], "attrs": {"POS": "NOUN"}},
        {"patterns": [[{"LOWER": {"FUZZY": "thing"}}]], "attrs": {"POS": "NOUN"}},
        {"patterns": [[{"_": {"foo": True}}]], "attrs": {"POS": "NOUN"}},
        {"patterns": [[{"LOWER": "a"}]], "attrs": {"IS_STOP": True}},
        {"patterns": [[{"LOWER": "a"}]], "attrs": {"_": {"foo": 1}}},
        {"patterns": [[{"MORPH": "Number=Sing"}]], "attrs": {"POS": "NOUN"}},
    ],
)
def test_unsupported_shapes_keep_the_stock_ruler(pattern: dict[str, Any]) -> None:
    from spacy.tokens import Token

    if not Token.has_extension("foo"):
        Token.set_extension("foo", default=None)
    nlp = spacy.blank("en")
    nlp.add_pipe("attribute_ruler").add_patterns([pattern])
    report = fastpipes.install(nlp)
    assert report["attribute_ruler"].startswith("stock:")
    assert type(nlp.get_pipe("attribute_ruler")).__name__ == "AttributeRuler"


def test_a_lookup_lemmatizer_matches_stock() -> None:
    from spacy.lookups import Lookups

    lookups = Lookups()
    lookups.add_table("lemma_lookup", {"went": "go", "mice": "mouse", "Running": "run"})
    pair = []
    for _ in range(2):
        nlp = spacy.blank("en")
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"}).initialize(lookups=lookups)
        pair.append(nlp)
    assert fastpipes.install(pair[1]) == {"lemmatizer": "fast"}
    texts = ["We went, mice went. Running running went", "", "x"]
    _assert_same(pair[0].pipe(texts), pair[1].pipe(texts), texts)
    assert pair[1]("went")[0].lemma_ == "go"

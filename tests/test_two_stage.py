"""The cheap stage must not change results: linting with it equals parsing every sentence."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from humanize_lint import rulepack, sources
from humanize_lint.engine import Linter, LintOptions
from humanize_lint.model import Document, Unit
from humanize_lint.nlp import LazyModel

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DEV = SHARED / "eval" / "dev.jsonl"
INDUSTRIES = SHARED / "eval" / "dev-industries.jsonl"
CORPUS = SHARED / "bench-corpus"


@pytest.fixture(scope="module")
def linters() -> tuple[Linter, Linter]:
    rules = list(rulepack.load().rules.values())
    model = LazyModel()
    return Linter(rules, model, segment=sources.segment), Linter(rules, model, LintOptions(prefilter=False), segment=sources.segment)


def _key(findings):
    return [(f.rule.code, f.start, f.end, f.text, f.message, f.suggestions) for f in findings]


def _in_repo_texts():
    """Texts this repository carries: every rule case and example, and the examples folder."""
    for path in sorted((REPO / "tests" / "rules").glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            yield f"{path.name}:{case['id']}", case["text"], case.get("customer"), "markdown" if case.get("markdown") else "text"
    for rule in rulepack.load().rules.values():
        for i, (_, text, _, _) in enumerate(rule.example_cases):
            yield f"{rule.name}:example-{i}", text, None, "text"
    for path in sorted((REPO / "examples").rglob("*.md")) + sorted((REPO / "examples").rglob("*.txt")):
        yield str(path.relative_to(REPO)), path.read_text(encoding="utf-8"), None, "markdown" if path.suffix == ".md" else "text"
    for line in (REPO / "examples" / "tickets.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        yield f"tickets:{rec['id']}", rec["body"], rec.get("customer"), "text"


def _texts():
    yield from _in_repo_texts()
    for path in (DEV, INDUSTRIES):
        if path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                rec = json.loads(line)
                yield f"{path.stem}:{rec['id']}", rec["text"], rec.get("customer"), "text"
    if CORPUS.is_dir():
        files = sorted(p for p in CORPUS.rglob("*.md"))
        # A spread of the corpus: every 15th file keeps the test under a minute.
        for p in files[:: int(os.environ.get("HUMANIZE_LINT_CORPUS_STEP", "15"))]:
            yield str(p.relative_to(CORPUS)), p.read_text(encoding="utf-8", errors="replace"), None, "markdown"


def test_two_stage_equals_full_parse(linters: tuple[Linter, Linter]) -> None:
    """Runs on the repository's own texts always, and on ../shared's sets and corpus when present."""
    fast, full = linters
    seen = 0
    for name, text, customer, markup in _texts():
        doc = Document(path=name, text=text, format=markup)
        unit = Unit(document=doc, text=text, customer=customer, markup=markup)
        assert _key(fast.lint_unit(unit)) == _key(full.lint_unit(unit)), name
        seen += 1
    assert seen > 200


@pytest.mark.parametrize(
    "text",
    [
        "# Release notes\n\nThe weather was nice and the build is green.\n",
        "Maria Garcia asked about her invoice. I sent it to her.\n",
    ],
)
def test_a_text_with_no_candidate_never_loads_the_model(text: str) -> None:
    rules = list(rulepack.load().rules.values())
    model = LazyModel()
    linter = Linter(rules, model, segment=sources.segment)
    doc = Document(path="x.md", text=text, format="markdown")
    assert linter.lint_unit(Unit(document=doc, text=doc.text, markup="markdown")) == []
    assert model._nlp is None


# -- the pieces of the cheap stage -------------------------------------------


def test_lemma_forms_file_matches_the_installed_pipeline(linter: Linter) -> None:
    """``lemma-forms.json`` must be what the installed pipeline's lemmatizer says
    (regenerate with ``python -m humanize_lint.lemmas`` after a pipeline upgrade)."""
    from humanize_lint import lemmas

    nlp = linter.model.get()
    built = lemmas.build(nlp)
    stored = json.loads(lemmas.DATA.read_text(encoding="utf-8"))
    assert built["rules"] == stored["rules"]
    assert built["adjective_rules"] == stored["adjective_rules"]
    assert built["exceptions"] == stored["exceptions"]


@pytest.mark.parametrize(
    ("text", "passes"),
    [
        ("The renewal called twice.", True),
        ("I will call you tomorrow.", False),  # the verb's subject is a pronoun
        ("Send me an email when you can.", False),  # "an email" is a noun
        ("Please call the 4pm back.", True),  # an object right after the verb
        ("Send the trial day a copy.", True),  # two objects after a giving verb
        ("Send a copy to finance.", False),
        ("Here are the notes.", False),  # "here" not after a form of be
        ("The 2pm is here.", True),
        ("The 11:45 filling is in the lobby.", True),
        ("The lobby has new chairs.", False),
        ("The cancellation's husband phoned.", True),
        ("My husband fixed it.", False),  # no candidate before the verb, no kin with a possessive candidate
        ("Please be kind to the late return.", True),
        ("Be kind.", False),
        ("Let the renewal know.", True),
        ("Please let the onboarding team know.", False),  # the subject of "know" is a team
        ("Please let us know.", False),
        ("Please let the renewal and the broker know.", True),  # either may be the candidate
        # A verb that counts only with a particle, an object or a place needs it in the sentence.
        ("The payroll module still shows error 500.", False),  # "show" only as "show up"
        ("The 3pm never showed up.", True),
        ("The 3pm showed at the front desk.", True),  # a verb of motion, to a place
        # Forms only an adjective takes are no verb forms ("reminder", "caller" as a comparative).
        ("Sending the standard reminder to two follow-ups.", False),
        ("The renewal reminded me twice.", True),
        # The object of a verb that addresses someone comes right after it, with no clause
        # opener between; "walk ... through" wants one too.
        ("Kwame asked whether the fee can be waived.", False),
        ("Asked the renewal whether the fee can be waived.", True),
        ("Walked Priya through pairing the scanner.", False),
        ("Walked the stop payment through the new form.", True),
        # Two objects: the second starts right after the first one's head.
        ("The check mailed on 10/12.", False),
        ("Sent the label for acct 8868-36 to the billing contact.", False),
        ("Sent the 4pm tasting the waitlist link.", True),
        ("Send the new and old renewals a card.", True),  # listed modifiers in the first object
        # The digits of a phone number start no candidate; an account number does.
        ("Called Fatima back at (290) 555-0422 and left a voicemail.", False),
        ("Called back; acct 4471-22 left a voicemail.", True),
        # A cue inside a hyphenated word or a chat channel's name, which the parse merges
        # into one token, is no verb there.
        ("The on-call engineer pages the team.", False),
        ("The People team in #ask-people-team will help.", False),
        ("The renewal called-back twice.", False),
        ("The renewal called - twice.", True),
        ("The renewal (called) twice.", True),
    ],
)
def test_the_cue_gate(linter: Linter, text: str, passes: bool) -> None:
    assert linter.gate().passes(text) is passes


@pytest.mark.parametrize(
    ("run", "kind"),
    [
        ("#88213", "id"),
        ("#A-55102", "id"),
        ("#ask-people-team", "hyphen"),  # a chat channel is one name
        ("#wg-v2-telemetry", "hyphen"),
        ("#general", None),
        ("on-call", "hyphen"),
        ("8-12", None),
        ("4471-22", "id"),
    ],
)
def test_runs_the_parse_merges(run: str, kind: str | None) -> None:
    from humanize_lint.parse import classify_run

    assert classify_run(run) == kind


@pytest.mark.parametrize(
    ("text", "streets"),
    [
        ("call the Elm St St about it", ["Elm St"]),  # (the second "St" is inside the first name: once a crash)
        ("The Cedar Ave Ave St 2-bed called.", ["Cedar Ave", "Ave St"]),
        ("Met at Elm St and Oak Rd today.", ["Elm St", "Oak Rd"]),
    ],
)
def test_street_names_merge_without_overlapping(linter: Linter, text: str, streets: list[str]) -> None:
    """Street names are merged as one token each; two that would share a token are one
    (spaCy refuses to merge overlapping spans). Found by a differential fuzz run."""
    from humanize_lint.parse import make_doc

    doc, kinds = make_doc(linter.model.get(), text)
    assert [t.text for t in doc if kinds.get(t.idx) == "street"] == streets


@pytest.mark.parametrize(
    ("text", "merged"),
    [
        ("Told waybill 77120034 delivery by 6pm.", "waybill 77120034"),  # a singular noun: no count
        ("Loaded crate 12 pallets today.", None),  # a number above one counts a plural
        ("Kept bay 1 pallet aside.", None),  # one counts a singular
        ("Told the minivan 20 min.", None),  # a measure
    ],
)
def test_a_number_counts_the_noun_after_it_only_in_agreement(linter: Linter, text: str, merged: str | None) -> None:
    from humanize_lint.parse import make_doc

    doc, kinds = make_doc(linter.model.get(), text)
    labelled = [t.text for t in doc if kinds.get(t.idx) == "labelled"]
    assert labelled == ([merged] if merged else [])


def test_a_cue_the_gate_finds_inside_a_merged_word_is_no_token_of_the_parse(linter: Linter) -> None:
    """``in_merged_word`` mirrors ``MergePlan``: wherever it says a cue is inside a merged word,
    the prepared doc has no token that is the cue alone. Brackets, quotes, marks and
    tokenizer exceptions ("'re", "s.", "co.", ":)", "''", "...") around and inside the
    word are varied; the check fails if the gate drops a cue the parse keeps."""
    import itertools

    from humanize_lint.parse import make_doc
    from humanize_lint.prefilter import in_merged_word

    nlp = linter.model.get()
    heads = ["", "(", '"', '("', "\u201c", "\u2018", "[", "``", "'", "((", "{", "#", "*", "-", "(-:", "\u2019"]
    tails = ["", ".", ",", ")", '".', "),", "...", "..", "''", "?!", "!", "'s", "\u2019", ";", ":", "-", "\u2026", "]).", ":)", ";)", "co.", "s.", "%"]
    words = ["on-call", "call-back", "re-call-ed", "X-call", "call-to-action", "call", "s-call", "call-s", "call-co", "Mr-call", "#wg-call"]
    said = 0
    for head, word, tail in itertools.product(heads, words, tails):
        for frame in ("the {} now", "{}", "it\u2019s {}\nnext"):
            text = frame.format(head + word + tail)
            i = text.index("call")
            if not in_merged_word(text, i, i + 4):
                continue
            said += 1
            doc, _ = make_doc(nlp, text)
            assert not any(t.idx == i and len(t.text) == 4 for t in doc), (text, [t.text for t in doc])
    assert said > 500  # the check is exercised


def test_the_digits_of_a_split_phone_number_are_no_candidate(linter: Linter) -> None:
    """The gate leaves phone numbers out of a candidate's possible starts; the candidate
    stage must agree, also when the tokenizer splits the number ("(290) 555-0422")."""
    from humanize_lint.kinds.person_evidence import candidate_or_reason
    from humanize_lint.parse import make_doc

    nlp = linter.model.get()
    rule = linter.person[0]
    for text, word, ok in [
        ("Called back at (290) 555-0422 and left a voicemail.", "555-0422", False),
        ("Called back; acct 4471-22 left a voicemail.", "4471-22", True),
    ]:
        doc, merged = make_doc(nlp, text)
        doc = nlp(doc) if not doc.has_annotation("DEP") else doc
        tok = next(t for t in doc if word in t.text)
        got = candidate_or_reason(tok, merged, rule)
        assert isinstance(got, str) is not ok, (text, got)


@pytest.mark.parametrize(
    "text, pieces",
    [
        ("The renewal called. She is upset!", ["The renewal called. ", "She is upset!"]),
        ("Mr. Smith called. Then Dr. Jones.", ["Mr. Smith called. ", "Then Dr. Jones."]),
        ("Call acct. 4471 today. E.g. Maria.", ["Call acct. 4471 today. ", "E.g. Maria."]),
        ("see e.g. The Guide", ["see e.g. The Guide"]),
        ("met J. R. Smith at 3 p.m. Sunday", ["met J. R. Smith at 3 p.m. Sunday"]),
        ("first line\n\nsecond line", ["first line\n\n", "second line"]),
        ('He said "fine." Then left.', ['He said "fine." ', "Then left."]),
        ('Ticket no. 5 is open', ['Ticket no. 5 is open']),
        ("version 3.8. Next", ["version 3.8. ", "Next"]),
        ("", [""]),
    ],
)
def test_sentence_spans(text: str, pieces: list[str]) -> None:
    from humanize_lint.prefilter import sentence_spans

    spans = sentence_spans(text)
    assert [text[a:b] for a, b in spans] == pieces
    assert "".join(text[a:b] for a, b in spans) == text


def test_parses_do_not_grow_the_vocab_without_bound(linter: Linter, monkeypatch: pytest.MonkeyPatch) -> None:
    """Unique words (ids, names, typos) live in spaCy memory zones that are recycled
    every ZONE_CHARS parsed characters: over a million records the vocab stays flat.
    Only the first WARM_CHARS characters are parsed outside a zone (so the
    tokenizer caches the run's common words for good)."""
    from humanize_lint import parse

    monkeypatch.setattr(parse, "ZONE_CHARS", 2_000)
    monkeypatch.setattr(parse, "WARM_CHARS", 2_000)
    nlp = linter.model.get()

    def lint_many(first: int) -> int:
        for i in range(first, first + 300):
            text = f"The renewal Qzx{i}w{i * 7}v called about order {i}kq{i * 3} and is upset."
            linter.lint_unit(Unit(document=Document(path="t.txt", text=text, format="text"), text=text), [])
            doc = Document(path="t.txt", text=text, format="text")
            unit = Unit(document=doc, text=text)
            linter.lint_unit(unit, sources.segment(unit))
        return len(nlp.vocab.strings)

    after_first = lint_many(0)
    after_second = lint_many(10_000)
    assert after_second - after_first < 200  # 300 texts add about 900 unique strings without zones


def test_loading_the_pipeline_skips_spacys_command_line_package() -> None:
    """spaCy's CLI package (weasel, requests: ~0.25 s) is not imported to lint,
    and ``spacy.info`` and ``import spacy.cli`` still work afterwards."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from humanize_lint.nlp import LazyModel\n"
        "nlp = LazyModel().get()\n"
        "assert 'spacy.cli' not in sys.modules, 'spacy.cli was imported'\n"
        "assert nlp('The renewal called.')[2].lemma_ == 'call'\n"
        "import spacy, spacy.cli\n"
        "assert callable(spacy.cli.download)\n"
        "assert spacy.info()['spacy_version'] == spacy.__version__\n"
        "print('ok')\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr


def test_the_skipped_saved_tokenizer_equals_the_default_one(linter: Linter) -> None:
    """For the official pipelines the saved tokenizer is not re-read (see
    nlp.load_exclusions): the one spaCy builds from its English defaults must be
    the same, byte for byte (special cases, prefixes, suffixes, infixes, URL match)."""
    from humanize_lint import nlp as hl_nlp

    name = linter.model.check()
    if name not in hl_nlp.DEFAULT_TOKENIZER_PIPELINES:
        pytest.skip(f"{name} loads its saved tokenizer")
    spacy = hl_nlp.import_spacy()
    saved = spacy.load(name, exclude=["ner"])
    default = spacy.load(name, exclude=hl_nlp.load_exclusions(name))
    assert default.tokenizer.to_bytes() == saved.tokenizer.to_bytes()
    # The acronym kind's NER pipeline skips it the same way.
    ner = LazyModel(name).ner()
    if ner is not None:
        assert ner.tokenizer.to_bytes() == saved.tokenizer.to_bytes()


@pytest.mark.parametrize(
    "text",
    [
        "the renewal's wife", "the renewals' wives", "the renewal’s wife", "HIS order", "ask Their manager",
        "history and theirs", "her", "shers", "It's fine", "'quoted' words", "rock 'n' roll", "x'", "'s",
        "hİs order", "hıs order", "ſhe", "no possessive at all", "", "THEIR", "o'clock", "his-and-hers",
    ],
)
def test_the_gates_possessive_check_equals_its_pattern(text: str) -> None:
    """The gate decides "a possessive" from the word set when the text allows (ASCII, no
    apostrophe); that must agree with the pattern on every text."""
    from humanize_lint.prefilter import _POSSESSIVE_RE, _WORD_RUN_RE, _has_possessive

    words = set(map(str.lower, _WORD_RUN_RE.findall(text)))
    assert _has_possessive(text, words) == (_POSSESSIVE_RE.search(text) is not None)


def test_the_gate_and_the_candidate_stage_share_their_start_words() -> None:
    from humanize_lint.kinds.person_evidence import COUNTING, DEFINITE, GENERIC
    from humanize_lint.prefilter import CANDIDATE_STARTS

    assert DEFINITE | GENERIC | COUNTING == frozenset(CANDIDATE_STARTS)


def test_a_clean_file_loads_neither_spacy_nor_the_wordnet_table(tmp_path: Path) -> None:
    """Start-up on a clean file: the cue gate needs WordNet's kin nouns only for a
    possessive, so neither spaCy nor the WordNet table (about 0.08 s) is loaded."""
    import subprocess
    import sys

    clean = tmp_path / "clean.txt"
    clean.write_text("Thanks for the update, see you Monday.\n", encoding="utf-8")
    code = (
        "import sys\n"
        "from humanize_lint import wordnet, cli\n"
        f"sys.argv = ['humanize-lint', 'check', {str(clean)!r}, '--no-cache']\n"
        "try:\n"
        "    cli.run()\n"
        "except SystemExit as exc:\n"
        "    assert exc.code == 0, exc.code\n"
        "assert 'spacy' not in sys.modules, 'spacy was imported'\n"
        "assert wordnet._table.cache_info().currsize == 0, 'the WordNet table was loaded'\n"
        "print('ok')\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and r.stdout.strip().endswith("ok"), r.stdout + r.stderr


@pytest.mark.parametrize(
    "text",
    [
        "Call the renewal; the renewal called back, recalled, call_back, call2 and CALL.",
        "calls calling call call", "", "call", "xcall callx call", "Émile called the renewal and called again",
        "the ﬁle call (ligature) call", "İstanbul call CALL", "email e-mail emails",
    ],
)
def test_the_gates_word_positions_equal_its_word_runs(text: str) -> None:
    """``_Runs.of`` finds forms by ``str.find`` on ASCII text; it must give exactly the word
    runs that are those forms, in text order."""
    from humanize_lint.prefilter import _WORD_RUN_RE, _Runs

    forms = frozenset({"call", "called", "calls", "email", "x"})
    words = set(map(str.lower, _WORD_RUN_RE.findall(text)))
    expected = [(m.start(), m.end()) for m in _WORD_RUN_RE.finditer(text) if m.group().lower() in forms]
    assert _Runs(text).of(forms, words) == expected


def test_warm_builds_the_shared_tables_before_workers_fork() -> None:
    """``Linter.warm`` (called before ``--jobs`` forks its workers) builds the gate, its kin
    nouns and the WordNet, lemma and acronym tables, so workers share them."""
    import subprocess
    import sys

    code = (
        "from humanize_lint import rulepack, sources, wordnet, lemmas, acronym_data\n"
        "from humanize_lint.engine import Linter\n"
        "from humanize_lint.nlp import LazyModel\n"
        "linter = Linter(list(rulepack.load().rules.values()), LazyModel(), segment=sources.segment)\n"
        "tables = (wordnet._table, lemmas._tables, acronym_data.load)\n"
        "assert linter._gate is None and not any(t.cache_info().currsize for t in tables)\n"
        "linter.warm()\n"
        "assert linter._gate is not None and linter._gate._kin is not None\n"
        "assert all(t.cache_info().currsize == 1 for t in tables), [t.cache_info() for t in tables]\n"
        "print('ok')\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stdout + r.stderr


def _gate_sentences(gate) -> list[str]:  # type: ignore[no-untyped-def]
    """Every sentence of this repository's texts (and the dev sets when present), and
    seeded random sentences of cue words, determiners, numbers, names and possessives."""
    import random

    from humanize_lint.prefilter import parse_text, sentence_spans

    out = []
    for _, text, _, _ in _texts():
        p = parse_text(text)
        out.extend(p[a:b] for a, b in sentence_spans(p))
    rng = random.Random(7)
    cue_words = sorted(
        set(gate.after.plain) | set(gate.before.plain) | set(gate.words) | set(gate.with_word) | set(gate.giving.plain) | set(gate.through.plain)
        | set(gate.adverbs) | set(gate.places) | set(gate.predicate_nouns.plain) | set(gate.linking.plain) | set(gate.kin.plain)
    )
    cue_words += sorted({f for forms in (gate.after, gate.before, gate.giving, gate.through, gate.predicate_nouns, gate.kin) for f in forms.other_forms})
    fill = ["the", "a", "this", "our", "renewal", "team", "Priya", "acct", "4471-22", "#88213", "it", "we", "to", "with", "know", "let", "through",
            "her", "his", "Renewal's", "customer’s", "(290)", "555-0422", "is", "was", "QBRs", "e-mail", "İstanbul", "café", ",", ";", "-"]
    plain = [w for w in fill if w.lower() not in set(cue_words)]
    for _ in range(3000):
        words = [rng.choice(cue_words) if rng.random() < 0.3 else rng.choice(fill) for _ in range(rng.randint(1, 14))]
        if rng.random() < 0.3:
            words = [w.upper() if rng.random() < 0.2 else w.capitalize() if rng.random() < 0.2 else w for w in words]
        out.append(" ".join(words) + rng.choice(["", ".", "?", " here."]))
    # One cue word among words that are no cue: each cue list alone decides these.
    for cue in cue_words:
        for det in ("the", "a", "acct 4471-22", "his"):
            out.append(f"{det} {rng.choice(plain)} {cue} {rng.choice(plain)} {det} {rng.choice(plain)}")
            out.append(f"{cue} {det} {rng.choice(plain)} {cue} {rng.choice(plain)}")
    return out


def test_the_gates_shortcuts_change_no_verdict(linter: Linter, monkeypatch: pytest.MonkeyPatch) -> None:
    """The gate answers some sentences from their word set alone and finds cue words with
    ``str.find`` on ASCII text; on every sentence it must say exactly what it says without
    those shortcuts (every word run built, the possessive pattern searched). Fails when a
    cue is added to ``CueGate.reason`` without its words in ``CueGate._needed``."""
    from humanize_lint import prefilter

    gate = linter.gate()
    sentences = _gate_sentences(gate)
    fast = [gate.reason(s) for s in sentences]
    assert any(fast) and not all(fast)
    # Every word of every sentence "needed": the word-set shortcut never answers.
    monkeypatch.setattr(gate, "_needed", frozenset(w.lower() for s in sentences for w in prefilter._WORD_RUN_RE.findall(s)))
    monkeypatch.setattr(prefilter._Runs, "of", lambda self, forms, words: [(a, b) for a, b, w in self._all() if w in forms])
    monkeypatch.setattr(prefilter, "_has_possessive", lambda text, words: prefilter._POSSESSIVE_RE.search(text) is not None)
    slow = [gate.reason(s) for s in sentences]
    assert [(s, f) for s, f, r in zip(sentences, fast, slow) if f != r] == []


def test_catalogues_entry_points_answer_as_before() -> None:
    """``import_spacy`` puts a memo in front of catalogue's entry-point snapshot: every
    group (and any other query) must give what the snapshot gives."""
    from humanize_lint import nlp as hl_nlp

    hl_nlp.import_spacy()
    import catalogue

    wrapped = catalogue.AVAILABLE_ENTRY_POINTS
    assert isinstance(wrapped, hl_nlp._EntryPointsByGroup)
    snapshot = wrapped._snapshot
    groups = set(getattr(snapshot, "groups", ())) | {"spacy_factories", "spacy_languages", "thinc_layers", "no_such_group"}
    for group in sorted(groups):
        assert list(wrapped.select(group=group)) == list(snapshot.select(group=group)), group
        assert list(wrapped.select(group=group)) == list(snapshot.select(group=group)), group  # from the memo
    assert wrapped.groups == snapshot.groups  # anything else goes to the snapshot
    some = [ep for group in sorted(groups) for ep in snapshot.select(group=group)][:1]
    name = some[0].name if some else "x"
    assert list(wrapped.select(name=name)) == list(snapshot.select(name=name))


def test_c1_controls_are_read_as_windows_1252(lint) -> None:  # type: ignore[no-untyped-def]
    """Text whose windows-1252 quotes and dashes were read as Latin-1 upstream ("doesn\\x92t",
    an export through an old gateway) is parsed as the writer typed it; the finding keeps
    the text's own characters and offsets. Hard negative: the same sentence with the
    renewal as a thing."""
    from humanize_lint.prefilter import parse_text

    text = "The refund doesn\x92t show yet and the renewal called twice \x96 the QBR is Friday."
    assert parse_text(text) == "The refund doesn’t show yet and the renewal called twice – the QBR is Friday."
    assert parse_text("a\x81b\x9dc") == "a b c"  # (bytes windows-1252 leaves undefined)
    found = [(f.rule.code, f.text, f.start) for f in lint(text)]
    assert ("HL101", "the renewal", text.index("the renewal")) in found
    assert not [f for f in lint("The refund doesn\x92t show yet and the renewal is due \x96 the QBR is Friday.") if f.rule.code == "HL101"]


def test_forms_present_searches_irregular_forms_by_their_first_word() -> None:
    """``Forms.present`` tries only the irregular forms whose first word is in the
    text; the answer is the one a search with all of them gives, on texts that hold
    first words with and without their forms, in any case, at edges and inside words."""
    import random
    import re

    from humanize_lint.prefilter import Forms, _WORD_RUN_RE

    forms = Forms(["brother-in-law", "half-sister", "front desk", "e-mail", "in-law", "by-blow", "sister"])
    assert {"in", "half", "front", "e", "by", "brother"} <= forms.other_first
    assert forms.other is not None
    pieces = ["in", "law", "In-Law", "in-laws", "brother-in-law's", "half", "half-sister", "HALF-SISTERS", "front", "front  desk",
              "front desk", "e", "e-mail", "re-mail", "by", "by-blow", "by-blowing", "standby-blow", "the", "sisters", "x-in-law", "-", ",", ".",
              "\u0131n-law", "\u0130N-LAW", "half-\u017fister", "brother-\u0131n-law", "\u212aIN"]  # (ı, İ, ſ match i, s; the Kelvin sign matches k)
    rng = random.Random(5)
    seen = {True: 0, False: 0}
    for _ in range(3000):
        text = "".join(rng.choice(pieces) + rng.choice([" ", "", "-", "\n"]) for _ in range(rng.randint(1, 6)))
        words = {w.lower() for w in _WORD_RUN_RE.findall(text)}
        # (the search with all of them, which the gate has always made only when the first
        # word of some irregular form is in the text)
        want = not forms.plain.isdisjoint(words) or (not forms.other_first.isdisjoint(words) and forms.other.search(text) is not None)
        assert forms.present(text, words) == want, text
        seen[want] += 1
    assert min(seen.values()) > 300
    # What a case-insensitive pattern matches to an ASCII letter, lower-casing gives as that
    # letter, except for the three characters the check above searches the long way for.
    from humanize_lint.prefilter import _FOLDS_TO_ASCII_RE

    letter = re.compile("(?i)[a-z]")
    folding = {c for c in map(chr, range(0x80, 0x110000)) if letter.fullmatch(c)}
    assert "\u212a" in folding  # (the Kelvin sign, whose lower case is "k": no problem)
    assert {c for c in folding if not (len(c.lower()) == 1 and c.lower().isascii())} == {"\u017f", "\u0131", "\u0130"}
    assert all(_FOLDS_TO_ASCII_RE.fullmatch(c) for c in "\u017f\u0131\u0130")


# The acronym kind's patterns begin with their first character, not a look-behind (so the
# regex engine skips to where that character is); each must match what its plain form does.
_PLAIN_FORMS = {
    "_ACRONYM_RE": r"(?<![\w\-/.@#$&'’])([A-Z][A-Z0-9&]*[A-Z0-9])(s?)(?![\w\-/@&])(?!\.[A-Za-z0-9])(?![’'](?![sS]\b)[A-Za-z0-9])",
    "_CAPS_TOKEN_RE": r"(?<![\w&])[A-Z][A-Z0-9&'’]*(?![\w&])",
    "_ACR_TOKEN_RE": r"(?<![\w&])([A-Z][A-Za-z0-9&]*[A-Z0-9])(s?)(?![\w&])",
    "_TITLE_PHRASE_RE": r"(?<![\w&])[A-Z][a-z][\w'’]*(?:[ \t]+(?:of|and|for|the|de|&|[A-Z][a-z][\w'’]*))+",
    "_ALIAS_BEFORE_RE": r"(?<![.!?]\s)\b[A-Z][a-z][\w'’-]*\s*[,(]?\s*(?:aka|a\.k\.a\.?|also known as|known as|formerly|d/b/a|dba)\s+$",
}


def _pattern_texts(seed: int, n: int) -> list[str]:
    import random

    rng = random.Random(seed)
    pieces = ["SLA", "SLAs", "ABB", "Co", "Bank", "of", "America", "the", "de", "&", "AT&T", "P1", "H2", "x", "Ops", "QBR’s", "IT's",
              "a.k.a.", "aka", "also known as", "formerly", "known as", "dba", "d/b/a", "-", "/", ".", "@", "#", "$", "'", "’", "_", "é", "É",
              "Ärzte", "1", "42", " ", "  ", "\t", "\n", "\xa0", ",", "(", ")", ":", "!", "? ", ". ", "US-West", "CWE-287", "e.g."]
    return ["".join(rng.choice(pieces) + rng.choice(("", "", " ", " ", "\t")) for _ in range(rng.randint(1, 14))) for _ in range(n)]


@pytest.mark.parametrize("name", sorted(_PLAIN_FORMS))
def test_acronym_patterns_match_their_plain_forms(name: str) -> None:
    import re

    from humanize_lint.kinds import acronym

    fast, plain = getattr(acronym, name), re.compile(_PLAIN_FORMS[name])
    hits = 0
    texts = _pattern_texts(len(name), 4000)
    texts += [t + tail for t in texts[:300] for tail in (" aka ", ", also known as\n", " (formerly ")]  # ("...$" patterns)
    for text in texts:
        want = [(m.span(), m.groups()) for m in plain.finditer(text)]
        assert [(m.span(), m.groups()) for m in fast.finditer(text)] == want, text
        assert bool(fast.search(text)) == bool(want)
        hits += bool(want)
    assert hits > 50


def test_separator_before_check_never_skips_a_match() -> None:
    """``_is_definition`` searches for a separator before the acronym only when the text,
    less trailing spaces and markup, ends the way a separator does: a necessary condition."""
    from humanize_lint.kinds.acronym import _SEP_BEFORE_RE, _SEP_ENDS, _SEP_TRAILING

    texts = _pattern_texts(7, 6000) + [t + tail for t in _pattern_texts(8, 500) for tail in (" - ", " --\xa0", ", or", " aka ", ", also known as **", ": `", "—\n", ", abbreviated as ", ",abbreviated_")]
    matched = 0
    for text in texts:
        if _SEP_BEFORE_RE.search(text):
            matched += 1
            assert text.rstrip(_SEP_TRAILING).endswith(_SEP_ENDS), text
    assert matched > 1000


def test_lower_words_is_the_set_of_lower_cased_runs() -> None:
    """``lower_words`` takes its words from the lower-cased text only where that gives the
    lower-cased runs: every code point keeps its word-character status when lower-cased to
    one character, and texts with "İ" (two characters lower-cased) or a capital sigma
    (final or not by what follows) come out as the runs lower-cased one by one."""
    import random
    import re

    from humanize_lint.prefilter import _WORD_RUN_RE, lower_words

    word = re.compile(r"\w")
    for c in map(chr, range(0x110000)):
        low = c.lower()
        if len(low) == 1:
            assert bool(word.match(c)) == bool(word.match(low)), hex(ord(c))
    rng = random.Random(3)
    pieces = ["The", "RENEWAL", "renewal’s", "ΟΔΟΣ", "Σ", "'", "’", "Α", "İstanbul", "İ", "ǅ", "K", "ß", "ẞ", "_", "-", " ", "\n", "é", "1"]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 10)))
        assert lower_words(text) == set(map(str.lower, _WORD_RUN_RE.findall(text))), text
    assert lower_words("ΟΔΟΣ'Α") == {"οδος", "α"}  # (the whole text lower-cased would read "οδοσ'α")


# -- shortcuts in the parse and judging stages ----------------------------------
# Each reads less than the code it stands for and must give the same answer.

_JUDGING_EXTRA = [
    "The 4pm rang to push to 5. When a cancel calls, offer a freeze. The bell rang.",
    "Acct 4471-22 called back; table 12 is asking for the manager. INC0012345 is waiting.",
    "The MQLs from the webinar want a demo, and the QBR is next week. An SDR emailed.",
    "Customer ²³⁴ and acct ٤٥٦٧ asked again; the renewal’s wife texted.",
    "  Leading spaces, then the renewal called.\n\nAnd the no-cool on Briarwood texted twice.",
]


@pytest.fixture(scope="module")
def parsed_docs(linter: Linter) -> list:
    """(doc, merged kinds, text) for the paragraphs of this repository's texts, parsed."""
    from humanize_lint.parse import make_doc

    nlp = linter.model.get()
    texts = [p for _, text, _, _ in _in_repo_texts() for p in text.split("\n\n") if p.strip()][:3000] + _JUDGING_EXTRA
    prepared = [make_doc(nlp, t) for t in texts]
    docs = list(nlp.pipe([d for d, _ in prepared]))
    return [(doc, merged, text) for doc, (_, merged), text in zip(docs, prepared, texts)]


def test_doc_text_is_the_text_the_doc_was_made_from(parsed_docs: list) -> None:
    """``doc_text`` gives what ``make_doc`` was given; spaCy's tokenizer, the merges and the
    pipeline keep every character, so it is ``doc.text``."""
    from humanize_lint.parse import doc_text

    for doc, _, text in parsed_docs:
        assert doc_text(doc) == doc.text == text


def test_maybe_candidates_equals_asking_every_token(parsed_docs: list) -> None:
    """``maybe_candidates`` reads parts of speech from the doc's arrays and asks only the
    tokens of a part of speech a head can have; asking every token gives the same."""
    from humanize_lint.kinds.person_evidence import _early_reason, maybe_candidates

    nonempty = 0
    for doc, merged, _ in parsed_docs:
        doc.user_data.pop("humanize_lint.maybe_candidates", None)
        want = [tok.i for tok in doc if merged.get(tok.idx) in ("labelled", "id") or _early_reason(tok, doc) is None]
        assert maybe_candidates(doc, merged) == want, doc.text
        nonempty += bool(want)
    assert nonempty > 100


def test_a_rule_of_numbers_finds_nothing_where_no_digit_can_be(parsed_docs: list) -> None:
    """``PersonRule.check`` skips, for a rule that takes neither nouns nor times, every token
    of a sentence without a digit (ASCII or not) unless it is an acronym: ``candidate``
    says None to each of them."""
    from humanize_lint.kinds.person_evidence import candidate, is_acronym, may_hold_number

    rules = [pr for pr in _person_rules() if not pr.nouns and not pr.times]
    assert rules, "the built-in rules have a rule of numbers alone (number-as-person)"
    asked = found = 0
    for doc, merged, text in parsed_docs:
        for pr in rules:
            for tok in doc:
                got = candidate(tok, merged, pr)
                found += got is not None
                if not may_hold_number(text) and not is_acronym(tok.text):
                    asked += 1
                    assert got is None, (text, tok.text)
    assert asked > 1000 and found > 5
    assert may_hold_number("table ²") and may_hold_number("acct ٤٥") and may_hold_number("7") and not may_hold_number("no number here")


def _person_rules() -> list:
    from humanize_lint.engine import Linter as _Linter

    return _Linter(list(rulepack.load().rules.values()), LazyModel(), segment=sources.segment).person


def test_surface_subjects_reads_every_word_its_loop_would(parsed_docs: list) -> None:
    """``surface_subjects`` looks only at the words ``_surface_verb_form`` lets through:
    every word that passes the tests its loop starts with passes it too."""
    from humanize_lint import wordnet
    from humanize_lint.kinds.person_evidence import _IRREGULAR_PAST, _surface_verb_form

    rule = next(pr for pr in _person_rules() if pr.nouns)
    passed = 0
    words = {tok.lower_ for doc, _, _ in parsed_docs for tok in doc} | {"rang", "rung", "called", "calls", "emailed", "texts", "phoned", "rings", "e-mailed"}
    for low in words:
        past = low.endswith("ed") or low in _IRREGULAR_PAST
        third = low.endswith("s") and low[:-1] in rule.contact_verbs
        loop_goes_on = (past or third) and low.isalpha() and low not in rule.contact_verbs and not wordnet.is_noun(low) \
            and any(lemma in rule.contact_verbs for lemma in wordnet.verb_lemmas(low))
        assert _surface_verb_form(low, rule.contact_verbs) == loop_goes_on, low
        passed += loop_goes_on
    assert passed >= 5


def test_only_a_run_with_a_digit_or_hyphen_can_be_merged() -> None:
    """``MergePlan.of`` skips a run of tokens that ``_RUN_MAY_MERGE_RE`` does not match:
    ``classify_run`` gives every such run None, and no time starts there. Its kinds all
    need a digit (``str.isdigit`` or ``\\d``) or a hyphen; the pattern takes every such
    character (checked for every code point) and any non-ASCII one."""
    import random
    import re

    from humanize_lint.parse import _RUN_MAY_MERGE_RE, classify_run

    digitish = re.compile(r"\d")
    for c in map(chr, range(0x110000)):
        if c.isdigit() or c.isdecimal() or c.isnumeric() or digitish.match(c) or c == "-":
            assert _RUN_MAY_MERGE_RE.match(c), hex(ord(c))
    rng = random.Random(5)
    pieces = ["acct", "A", "b", "#", "/", ":", "_", "pm", "am", "x", "St", "ending", "'s", ".", "4471", "22", "-", "²", "٤", "é", "2pm", "11:45", "Q3"]
    kinds = 0
    for _ in range(20000):
        run = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 5)))
        kind = classify_run(run)
        kinds += kind is not None
        if not _RUN_MAY_MERGE_RE.search(run):
            assert kind is None and not re.fullmatch(r"\d{1,2}(?::\d{2})?", run), run
    assert kinds > 1000


def _possessive_texts(n: int) -> list[str]:
    import random

    rng = random.Random(11)
    pieces = ["his", "HIS", "her", "Hers", "their", "THEIR", "theirs", "hıs", "hİs", "ſ", "'", "’", "'s", "’S", "s", "ſ", "x", "é", "_", "1",
              " ", "-", "renewal", "h", "t", "heir", "is", "er", "\n", "o'clock", "rock 'n' roll", "ΟΔΟΣ"]
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 9))) for _ in range(n)]


def test_the_possessive_pattern_matches_its_plain_form() -> None:
    """``_POSSESSIVE_RE`` begins each branch with a character, not a look-behind."""
    import re

    from humanize_lint.prefilter import _POSSESSIVE_RE

    plain = re.compile(r"(?i)(?:(?<=\w)(?:'s|’s|'|’)(?![\w])|(?<![\w])(?:his|her|their)(?![\w]))")
    hits = 0
    for text in _possessive_texts(20000):
        want = [m.span() for m in plain.finditer(text)]
        assert [m.span() for m in _POSSESSIVE_RE.finditer(text)] == want, text
        hits += bool(want)
    assert hits > 5000


def test_the_gates_possessive_check_equals_its_pattern_on_generated_text() -> None:
    """The word-set shortcut of ``_has_possessive``, on ASCII and non-ASCII text alike."""
    from humanize_lint.prefilter import _POSSESSIVE_RE, _has_possessive, lower_words

    shortcut = 0
    for text in _possessive_texts(20000):
        assert _has_possessive(text, lower_words(text)) == (_POSSESSIVE_RE.search(text) is not None), text
        shortcut += "'" not in text and "’" not in text
    assert shortcut > 1000


def test_the_candidate_test_from_the_word_set_equals_its_pattern() -> None:
    """``may_hold_candidate`` answers from the word set where that is the same as
    ``CANDIDATE_RE``; generated texts with apostrophes, digits (ASCII or not) and the
    characters a case-insensitive pattern folds to ASCII letters."""
    import random

    from humanize_lint.prefilter import CANDIDATE_RE, CANDIDATE_STARTS, lower_words, may_hold_candidate

    rng = random.Random(13)
    pieces = [*CANDIDATE_STARTS, "THE", "An", "tHis", "thıs", "thİs", "ſix", "'", "’", "_", "x", "é", "Ärzte", "٤", "²", "7", " ", "\n", "-", "renewal", "at", "then"]
    hits = 0
    for _ in range(20000):
        text = "".join(rng.choice(pieces) + rng.choice(("", " ")) for _ in range(rng.randint(0, 6)))
        want = CANDIDATE_RE.search(text) is not None
        assert may_hold_candidate(text, lower_words(text)) == want, text
        hits += want
    assert 2000 < hits < 19000

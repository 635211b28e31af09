"""The library API (``humanize_lint.Linter``): one warm linter for many texts, with the
same config, suppression and exclusion rules as ``check``; the sentence cache gives the
same findings as linting from scratch."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from humanize_lint import Linter, lint_text

DOC = """# Call log

The renewal called again and is upset about the QBR.

We sent the Denver install a gift card. The escalation is closed.

- acct 4471-22 is upset
- The 2pm just called and wants to move to 4.

The cancellation's husband phoned this morning. The renewal still wants a callback.
"""


def _key(findings: list) -> list[tuple]:  # type: ignore[type-arg]
    return [(f.rule.code, f.doc_start, f.doc_end, f.message, f.suggestions, f.fix, f.explanation) for f in findings]


def test_lint_uses_the_closest_config_suppressions_and_exclude(tmp_path: Path) -> None:
    (tmp_path / "quiet").mkdir()
    (tmp_path / "quiet" / ".humanize-lint.yaml").write_text("ignore: [HL101]\nexclude: ['skip/**']\n", encoding="utf-8")
    linter = Linter()
    text = "The renewal called again.\n"
    assert [f.rule.code for f in linter.lint(text, path=tmp_path / "a.md")] == ["HL101"]
    assert linter.lint(text, path=tmp_path / "quiet" / "a.md") == []
    assert linter.check(text, path=tmp_path / "quiet" / "skip" / "b.md").excluded
    silenced = "The renewal called again. <!-- humanize-lint disable-line HL101 -->\n"
    assert linter.lint(silenced, path=tmp_path / "a.md") == []
    bad = linter.check("Hi. <!-- humanize-lint disable-line HL999 -->\n", path=tmp_path / "a.md")
    assert [e.message for e in bad.errors] == ["unknown rule 'HL999' in suppression (see `humanize-lint rules`)"]


def test_customer_per_call_and_default(tmp_path: Path) -> None:
    linter = Linter(customer="Ana Lima", discover=False)
    (f,) = linter.lint("The renewal called again.")
    assert f.fix is not None and f.fix.replacement == "Ana Lima"
    (g,) = linter.lint("The renewal called again.", customer="Bo Chen")
    assert g.fix is not None and g.fix.replacement == "Bo Chen"
    assert lint_text("The renewal called again.", customer="Bo Chen")[0].suggestions[0] == "Bo Chen"


def test_reload_reads_a_changed_config(tmp_path: Path) -> None:
    cfg = tmp_path / ".humanize-lint.yaml"
    cfg.write_text("ignore: [HL101]\n", encoding="utf-8")
    linter = Linter()
    text = "The renewal called again.\n"
    assert linter.lint(text, path=tmp_path / "a.md") == []
    cfg.write_text("ignore: []\n", encoding="utf-8")
    assert linter.lint(text, path=tmp_path / "a.md") == []  # read once, kept
    linter.reload()
    assert [f.rule.code for f in linter.lint(text, path=tmp_path / "a.md")] == ["HL101"]


def test_sentence_cache_gives_the_findings_of_a_fresh_lint() -> None:
    """Edits of every kind (words, sentences moved, paragraphs joined) through a cached
    linter give exactly the findings an uncached one gives for the same text."""
    cached = Linter(customer="Maria Garcia", discover=False)
    fresh = Linter(customer="Maria Garcia", discover=False, cache=False)
    rng = random.Random(14)
    text = DOC
    words = ["called", "phoned", "is upset", "wrote", "again", "today", "the renewal", "Maria", "QBR", "(QBR)", "quarterly business review"]
    for step in range(40):
        lines = text.split("\n")
        i = rng.randrange(len(lines))
        op = step % 4
        if op == 0 and lines[i].strip():
            parts = lines[i].split(" ")
            parts[rng.randrange(len(parts))] = rng.choice(words)
            lines[i] = " ".join(parts)
        elif op == 1:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == 2 and i + 1 < len(lines):
            lines[i] = lines[i] + " " + lines.pop(i + 1)
        else:
            lines.insert(i, rng.choice(DOC.split("\n")))
        text = "\n".join(lines)
        for path in ("doc.md", "doc.txt"):
            assert _key(cached.lint(text, path=path)) == _key(fresh.lint(text, path=path)), (step, path, text)
    cache = cached.context().linter.sentence_cache
    assert cache is not None and cache.hits > 0


def test_a_byte_order_mark_kept_in_an_editors_buffer_reads_as_a_space() -> None:
    """The first word stays a word ("\ufeffThe renewal" was no phrase with a determiner),
    and the finding's offsets are those of the buffer."""
    linter = Linter()
    (f,) = linter.lint("\ufeffThe renewal called again.\n", path="a.md")
    assert (f.text, f.doc_start, f.start_pos.column) == ("The renewal", 1, 2)


def test_editor_parses_keep_the_vocab_flat(monkeypatch: pytest.MonkeyPatch) -> None:
    """A linter that stays warm (an editor's) parses inside spaCy memory zones from its
    first lint: words typed once and never again do not pile up in the vocabulary."""
    from humanize_lint import api as api_mod

    monkeypatch.setattr(api_mod, "ZONE_CHARS", 2_000)
    linter = Linter(discover=False)

    def lint_many(first: int) -> int:
        for i in range(first, first + 200):
            linter.lint(f"The renewal Qzx{i}w{i * 7}v called about order {i}kq{i * 3} and is upset.\n", path="note.md")
        nlp = next(iter(linter._models.values())).get()
        return len(nlp.vocab.strings)

    after_first = lint_many(0)
    assert lint_many(10_000) - after_first < 150  # 200 texts bring about 600 new strings


def test_a_relative_directory_gets_the_config_of_the_current_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Contexts are kept by absolute directory: the same relative directory, asked from two
    working directories (a library caller may change directory), gets each one's config."""
    from humanize_lint.model import Report
    from humanize_lint.runner import Contexts, Flags

    for name in ("strict", "quiet"):
        (tmp_path / name / "docs").mkdir(parents=True)
        (tmp_path / name / ".humanize-lint.yaml").write_text("select: [HL]\n", encoding="utf-8")
    contexts = Contexts(Flags(), Report())
    monkeypatch.chdir(tmp_path / "strict")
    first = contexts.for_dir(Path("docs"))
    monkeypatch.chdir(tmp_path / "quiet")
    second = contexts.for_dir(Path("docs"))
    assert (first.key, second.key) == (tmp_path / "strict" / ".humanize-lint.yaml", tmp_path / "quiet" / ".humanize-lint.yaml")

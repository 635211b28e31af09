"""Baseline files, on real findings of real files linted by the real engine.

Files are written to ``tmp_path`` and read with ``humanize_lint.sources``;
findings come from the session ``linter`` fixture (built-in rules, installed
spaCy pipeline). Nothing is mocked.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Callable

import pytest

from humanize_lint import baseline, lint_text, sources
from humanize_lint.engine import Linter
from humanize_lint.model import ConfigError, Finding, HumanizeLintError

NOTE = (
    "# Call notes\n"
    "\n"
    "The renewal called and is upset about the QBR.\n"
    "\n"
    "I apologized to the refund and promised a callback.\n"
    "\n"
    "Acct 4471-22 called back on Friday.\n"
)


def lint_paths(linter: Linter, *paths: str | Path, opts: sources.SourceOptions | None = None) -> tuple[list[Finding], Callable[[Finding], str]]:
    """Lint real files the way the CLI does; returns findings and their unit texts."""
    opts = opts or sources.SourceOptions()
    findings: list[Finding] = []
    unit_texts: dict[int, str] = {}
    errors: list[HumanizeLintError] = []
    for p in paths:
        doc = sources.read_path(Path(p), shown=str(p))
        for unit in sources.units(doc, opts, errors):
            for f in linter.lint_unit(unit):
                findings.append(f)
                unit_texts[id(f)] = unit.text
    assert errors == []
    return findings, lambda f: unit_texts[id(f)]


def summary(findings: list[Finding]) -> list[tuple[str, int, str, str]]:
    return [(f.path, f.start_pos.line, f.rule.code, f.text) for f in findings]


@pytest.fixture()
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``tmp_path`` as the current directory, with ``docs/note.md`` in it."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "note.md").write_text(NOTE, encoding="utf-8")
    return tmp_path


# --- round trip --------------------------------------------------------------------------


def test_round_trip(work: Path, linter: Linter) -> None:
    found, texts = lint_paths(linter, "docs/note.md")
    assert [f.rule.code for f in found] == ["HL101", "HL301", "HL101", "HL201"]
    assert baseline.write(Path("baseline.json"), found, texts) == 4
    data = json.loads((work / "baseline.json").read_text(encoding="utf-8"))
    assert data["humanize-lint-baseline"] == 1
    assert data["findings"] == sorted(data["findings"], key=lambda e: (e["path"], e["rule"], e["text"], e["context"]))
    entry = next(e for e in data["findings"] if e["text"] == "The renewal")
    assert entry == {
        "rule": "HL101",
        "path": "docs/note.md",
        "record": None,
        "field": None,
        "text": "The renewal",
        "context": "the renewal called and is upset",
        "count": 1,
    }
    assert all(set(e) == {"rule", "path", "record", "field", "text", "context", "count"} for e in data["findings"])  # no line numbers
    base = baseline.load(Path("baseline.json"))
    assert len(base) == 4
    assert base.filter(found, texts) == []
    assert base.unmatched() == []


def test_write_is_stable(work: Path, linter: Linter) -> None:
    found, texts = lint_paths(linter, "docs/note.md")
    baseline.write(work / "a.json", found, texts)
    baseline.write(work / "b.json", list(reversed(found)), texts)
    first = (work / "a.json").read_bytes()
    assert first == (work / "b.json").read_bytes()
    assert first.endswith(b"}\n")


def test_lines_moved_and_rewrapped_still_match(work: Path, linter: Linter) -> None:
    found, texts = lint_paths(linter, "docs/note.md")
    baseline.write(Path("baseline.json"), found, texts)
    (work / "docs" / "note.md").write_text(
        "# Call notes\n"
        "\n"
        "A new, clean paragraph at the top.\n"
        "\n"
        "Acct 4471-22 called back on Friday.\n"
        "\n"
        "\n"
        "I apologized to the refund and\n"
        "   promised a callback.\n"
        "\n"
        "The renewal called and is upset about the QBR.\n",
        encoding="utf-8",
    )
    moved, texts = lint_paths(linter, "docs/note.md")
    assert sorted(f.start_pos.line for f in moved) == [5, 8, 11, 11]
    base = baseline.load(Path("baseline.json"))
    assert base.filter(moved, texts) == []
    assert base.unmatched() == []


def test_edited_sentence_is_reported(work: Path, linter: Linter) -> None:
    found, texts = lint_paths(linter, "docs/note.md")
    baseline.write(Path("baseline.json"), found, texts)
    note = work / "docs" / "note.md"
    note.write_text(NOTE.replace("The renewal called and is upset", "The renewal phoned and is upset"), encoding="utf-8")
    edited, texts = lint_paths(linter, "docs/note.md")
    base = baseline.load(Path("baseline.json"))
    new = base.filter(edited, texts)
    assert summary(new) == [("docs/note.md", 3, "HL101", "The renewal")]
    # The acronym on the same line kept its own context ("is upset about the QBR.").
    assert [(e.rule, e.context, n) for e, n in base.unmatched()] == [("HL101", "the renewal called and is upset", 1)]


def test_duplicates_are_counted(work: Path, linter: Linter) -> None:
    note = work / "docs" / "dup.md"
    note.write_text("The renewal called.\n\nThe renewal called.\n", encoding="utf-8")
    found, texts = lint_paths(linter, "docs/dup.md")
    assert len(found) == 2
    baseline.write(Path("baseline.json"), found, texts)
    data = json.loads(Path("baseline.json").read_text(encoding="utf-8"))
    assert [(e["text"], e["count"]) for e in data["findings"]] == [("The renewal", 2)]
    note.write_text("The renewal called.\n\nThe renewal called.\n\nThe renewal called.\n", encoding="utf-8")
    three, texts = lint_paths(linter, "docs/dup.md")
    base = baseline.load(Path("baseline.json"))
    assert summary(base.filter(three, texts)) == [("docs/dup.md", 5, "HL101", "The renewal")]
    # One fixed: nothing new, and one count left over.
    note.write_text("The renewal called.\n", encoding="utf-8")
    one, texts = lint_paths(linter, "docs/dup.md")
    base = baseline.load(Path("baseline.json"))
    assert base.filter(one, texts) == []
    assert [n for _, n in base.unmatched()] == [1]


def test_same_text_in_another_file_is_new(work: Path, linter: Linter) -> None:
    found, texts = lint_paths(linter, "docs/note.md")
    baseline.write(Path("baseline.json"), found, texts)
    (work / "docs" / "copy.md").write_text(NOTE, encoding="utf-8")
    both, texts = lint_paths(linter, "docs/note.md", "docs/copy.md")
    new = baseline.load(Path("baseline.json")).filter(both, texts)
    assert {f.path for f in new} == {"docs/copy.md"} and len(new) == 4


def test_paths_are_relative_to_the_baseline_file(work: Path, linter: Linter, monkeypatch: pytest.MonkeyPatch) -> None:
    found, texts = lint_paths(linter, "./docs/note.md")
    baseline.write(Path("baseline.json"), found, texts)
    assert {e["path"] for e in json.loads(Path("baseline.json").read_text(encoding="utf-8"))["findings"]} == {"docs/note.md"}
    monkeypatch.chdir(work / "docs")
    again, texts = lint_paths(linter, "note.md")
    assert baseline.load(Path("../baseline.json")).filter(again, texts) == []
    absolute, texts = lint_paths(linter, work / "docs" / "note.md")
    assert baseline.load(work / "baseline.json").filter(absolute, texts) == []


def test_records_match_by_record_and_field_not_by_line(work: Path, linter: Linter) -> None:
    export = work / "tickets.jsonl"
    export.write_text(
        '{"id": "T-1", "body": "Refund issued. The renewal called and is upset."}\n'
        '{"id": "T-2", "body": "Acct 4471-22 called back."}\n',
        encoding="utf-8",
    )
    opts = sources.SourceOptions(text_fields=("body",), id_field="id")
    found, texts = lint_paths(linter, "tickets.jsonl", opts=opts)
    assert [(f.record, f.field, f.text) for f in found] == [("T-1", "body", "The renewal"), ("T-2", "body", "Acct 4471-22")]
    baseline.write(Path("baseline.json"), found, texts)
    entries = json.loads(Path("baseline.json").read_text(encoding="utf-8"))["findings"]
    assert [(e["record"], e["field"], e["context"]) for e in entries] == [
        ("T-1", "body", "refund issued. the renewal called and is upset."),
        ("T-2", "body", "acct 4471-22 called back."),
    ]
    # Records reordered, JSON re-formatted, a record added, one id changed.
    export.write_text(
        '{"id": "T-0", "body": "All good here."}\n'
        '{"id":"T-2","body":"Acct 4471-22 called back."}\n'
        '{"body": "Refund issued. The renewal called and is upset.", "id": "T-1"}\n'
        '{"id": "T-3", "body": "Acct 4471-22 called back."}\n',
        encoding="utf-8",
    )
    again, texts = lint_paths(linter, "tickets.jsonl", opts=opts)
    new = baseline.load(Path("baseline.json")).filter(again, texts)
    assert [(f.record, f.text, f.start_pos.line) for f in new] == [("T-3", "Acct 4471-22", 4)]


def test_unit_text_may_be_one_string(tmp_path: Path, linter: Linter) -> None:
    text = "The renewal called.\n"
    found = lint_text(text, path=str(tmp_path / "a.txt"))
    baseline.write(tmp_path / "b.json", found, text)
    assert baseline.load(tmp_path / "b.json").filter(found, text) == []


def test_wrong_unit_text_is_a_programming_error(work: Path, linter: Linter) -> None:
    found, _ = lint_paths(linter, "docs/note.md")
    with pytest.raises(ValueError, match="pass the unit's text"):
        baseline.write(Path("baseline.json"), found, "something else entirely")
    assert not Path("baseline.json").exists()


def test_empty_baseline_reports_everything(work: Path, linter: Linter) -> None:
    assert baseline.write(Path("baseline.json"), [], "") == 0
    assert json.loads(Path("baseline.json").read_text(encoding="utf-8")) == {"humanize-lint-baseline": 1, "findings": []}
    found, texts = lint_paths(linter, "docs/note.md")
    assert baseline.load(Path("baseline.json")).filter(found, texts) == found


# --- the context -----------------------------------------------------------------------


def test_context_is_a_few_words_in_the_same_paragraph() -> None:
    text = "Intro paragraph here.\n\nOne two  three\tfour five THE Renewal six seven\n eight nine ten.\n\nNext paragraph."
    start = text.index("THE")
    ctx = baseline.context(text, start, start + len("THE Renewal"))
    assert ctx == "two three four five the renewal six seven eight nine"
    start = text.index("One")
    assert baseline.context(text, start, start + 3) == "one two three four five"
    assert baseline.context("(the renewal) called", 1, 12) == "(the renewal) called"


# --- errors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content, message",
    [
        ('{"version": 1, "findings": []}', 'not a humanize-lint baseline (no "humanize-lint-baseline" key); write one with --write-baseline'),
        ("[]", 'not a humanize-lint baseline (no "humanize-lint-baseline" key); write one with --write-baseline'),
        ('{"humanize-lint-baseline": 2, "findings": []}', "unsupported humanize-lint baseline version 2 (this version reads 1); rewrite it with --write-baseline"),
        ('{"humanize-lint-baseline": true, "findings": []}', "unsupported humanize-lint baseline version true (this version reads 1); rewrite it with --write-baseline"),
        ('{"humanize-lint-baseline": 1}', 'invalid humanize-lint baseline: "findings" must be a list'),
        ('{"humanize-lint-baseline": 1, "findings": [{"rule": "HL101"}]}', 'invalid humanize-lint baseline: findings[0] has no "path"'),
        (
            '{"humanize-lint-baseline": 1, "findings": [{"rule": "HL101", "path": "a", "text": "x", "context": "x", "count": 0}]}',
            'invalid humanize-lint baseline: findings[0]: "count" must be a positive integer',
        ),
        ('{"humanize-lint-baseline": 1, "findings": [3]}', "invalid humanize-lint baseline: findings[0] must be an object"),
        ("[" * 100_000 + "]" * 100_000, "not a humanize-lint baseline: invalid JSON: nesting too deep"),
        ('{"humanize-lint-baseline": 1, "count": ' + "9" * 5000 + "}", "not a humanize-lint baseline: invalid JSON: a number of more than 4,300 digits"),
    ],
)
def test_not_our_baseline(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "baseline.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        baseline.load(path)
    assert str(info.value) == f"{path}: {message}"


def test_invalid_json_has_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    path.write_text('{\n  "humanize-lint-baseline": 1,\n  "findings": [,]\n}\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        baseline.load(path)
    assert str(info.value) == f"{path}:3:16: not a humanize-lint baseline: invalid JSON: Expecting value"
    assert (info.value.line, info.value.column) == (3, 16)


def test_missing_unreadable_and_binary_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"baseline file not found \(create it with --write-baseline\)$"):
        baseline.load(tmp_path / "nope.json")
    with pytest.raises(ConfigError, match="baseline is a directory"):
        baseline.load(tmp_path)
    (tmp_path / "bin.json").write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ConfigError, match=r"not UTF-8 text \(byte 0\)"):
        baseline.load(tmp_path / "bin.json")


def test_a_hand_written_entry_without_optional_keys_loads(tmp_path: Path, linter: Linter) -> None:
    text = "The renewal called.\n"
    path = tmp_path / "baseline.json"
    path.write_text(
        json.dumps({"humanize-lint-baseline": 1, "findings": [{"rule": "HL101", "path": "a.txt", "text": "The renewal", "context": "the renewal called."}]}),
        encoding="utf-8-sig",
    )
    found = lint_text(text, path=str(tmp_path / "a.txt"))
    assert baseline.load(path).filter(found, text) == []


# --- atomic write ---------------------------------------------------------------------------


def test_atomic_write_leaves_no_temp_files(work: Path, linter: Linter) -> None:
    found, texts = lint_paths(linter, "docs/note.md")
    out = work / "out"
    out.mkdir()
    (out / "baseline.json").write_text("old", encoding="utf-8")
    baseline.write(out / "baseline.json", found, texts)
    assert os.listdir(out) == ["baseline.json"]
    assert baseline.load(out / "baseline.json").filter(found, texts) == []
    mode = (out / "baseline.json").stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o666 & ~umask


def test_failed_write_keeps_the_old_file_and_leaves_no_temp_files(work: Path, linter: Linter) -> None:
    found, texts = lint_paths(linter, "docs/note.md")
    target = work / "out" / "baseline.json"
    target.mkdir(parents=True)  # a directory where the file should go: os.replace fails
    with pytest.raises(ConfigError) as info:
        baseline.write(target, found, texts)
    assert str(info.value).startswith(f"{target}: cannot write baseline: ")
    assert os.listdir(work / "out") == ["baseline.json"] and target.is_dir()
    with pytest.raises(ConfigError, match="cannot write baseline: No such file or directory"):
        baseline.write(work / "missing" / "baseline.json", found, texts)
    assert not (work / "missing").exists()

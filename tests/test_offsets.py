"""Offsets, lines and columns through the real CLI on real files written as bytes.

Columns are 1-based code points (a tab is one column, an astral emoji is one
column, a combining mark is one column); ``\\r\\n`` is one line break. For
plain and Markdown files ``offset`` indexes the decoded file text (BOM
removed); for JSONL it indexes the record's decoded text field, while
line/column point into the file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from humanize_lint.model import line_starts_of

from conftest import run_cli

PLAIN_FILES: dict[str, bytes] = {
    "crlf.txt": b"Fine line.\r\nAnother fine line.\r\nThen the renewal called again.\r\n",
    "bom.txt": "\ufeffThe renewal called again.\nAnd acct 4471-22 is upset.\n".encode("utf-8"),
    "tabs.txt": b"Fine line.\n\t\tThe renewal called again.\n",
    "emoji.txt": "Hi \U0001F642 then the renewal called. Cafe\u0301 and the escalation is upset.\n".encode("utf-8"),
    "lone-cr.txt": b"Line one.\rThe renewal called again.\r",
    "doc.md": (
        "---\n"
        "title: The renewal called\n"
        "note: the renewal called again\n"
        "---\n"
        "\n"
        "# Notes\n"
        "\n"
        "```\n"
        "the renewal called again\n"
        "```\n"
        "\n"
        "    the renewal called again\n"
        "\n"
        "Example: `the renewal called again`.\n"
        "\n"
        "Then the renewal called again.\n"
    ).encode("utf-8"),
    "crlf.md": b"# Log\r\n\r\n~~~\r\nthe renewal called again\r\n~~~\r\n\r\nLater \xf0\x9f\x99\x82 the escalation is upset.\r\n",
}

# file -> [(rule, text, line, column, end_line, end_column)]
EXPECTED: dict[str, list[tuple[str, str, int, int, int, int]]] = {
    "crlf.txt": [("thing-as-person", "the renewal", 3, 6, 3, 17)],
    "bom.txt": [("thing-as-person", "The renewal", 1, 1, 1, 12), ("number-as-person", "acct 4471-22", 2, 5, 2, 17)],
    "tabs.txt": [("thing-as-person", "The renewal", 2, 3, 2, 14)],
    "emoji.txt": [("thing-as-person", "the renewal", 1, 11, 1, 22), ("thing-as-person", "the escalation", 1, 41, 1, 55)],
    "lone-cr.txt": [("thing-as-person", "The renewal", 2, 1, 2, 12)],
    "doc.md": [("thing-as-person", "the renewal", 16, 6, 16, 17)],
    "crlf.md": [("thing-as-person", "the escalation", 7, 9, 7, 23)],
}

# Raw JSONL lines: escapes (\n, \", \u00e9, a surrogate pair, \t, \\) and a
# literal astral emoji before the span.
JSONL_LINES = [
    r'{"id": "r1", "text": "Line\nnext \"quoted\" Caf\u00e9 then the renewal called."}',
    r'{"id": "r2", "text": "Smile \ud83d\ude42 and acct 4471-22 called back."}',
    '{"id": "r3", "text": "Tab\\there \U0001F642 back\\\\slash, then the escalation is upset."}',
    r'{"id": "r4", "text": "Nothing to see here."}',
]
JSONL_EXPECTED = [
    ("r1", "thing-as-person", "the renewal", 1),
    ("r2", "number-as-person", "acct 4471-22", 2),
    ("r3", "thing-as-person", "the escalation", 3),
]


def _decoded(data: bytes) -> str:
    text = data.decode("utf-8")
    return text[1:] if text.startswith("\ufeff") else text


def _offset_of(text: str, line: int, column: int) -> int:
    return line_starts_of(text)[line - 1] + column - 1


@pytest.fixture(scope="module")
def plain_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("offsets")
    for name, data in PLAIN_FILES.items():
        (root / name).write_bytes(data)
    proc = run_cli("check", *sorted(PLAIN_FILES), "--format", "json", "--select", "HL101,HL201", cwd=root)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    report = json.loads(proc.stdout)
    assert report["errors"] == []
    return report


@pytest.mark.parametrize("name", sorted(PLAIN_FILES))
def test_positions_in_plain_and_markdown_files(plain_report: dict[str, Any], name: str) -> None:
    text = _decoded(PLAIN_FILES[name])
    findings = [f for f in plain_report["findings"] if f["path"] == name]
    got = [(f["rule"], f["text"], f["line"], f["column"], f["end_line"], f["end_column"]) for f in findings]
    assert got == EXPECTED[name]
    for f in findings:
        start = _offset_of(text, f["line"], f["column"])
        end = _offset_of(text, f["end_line"], f["end_column"])
        assert text[start:].startswith(f["text"])
        assert text[start:end] == f["text"]
        # A whole-file unit: the offset is the offset into the decoded file.
        assert (f["offset"]["start"], f["offset"]["end"]) == (start, end)


@pytest.fixture(scope="module")
def jsonl_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], list[str]]:
    root = tmp_path_factory.mktemp("jsonl")
    raw = "\n".join(JSONL_LINES) + "\n"
    (root / "notes.jsonl").write_bytes(raw.encode("utf-8"))
    proc = run_cli("check", "notes.jsonl", "--format", "json", "--id-field", "id", "--select", "HL101,HL201", cwd=root)
    assert proc.returncode == 1, proc.stderr
    return json.loads(proc.stdout), raw.split("\n")


def test_jsonl_offsets_index_the_decoded_record_text(jsonl_report: tuple[dict[str, Any], list[str]]) -> None:
    report, raw_lines = jsonl_report
    findings = report["findings"]
    assert [(f["record"], f["rule"], f["text"], f["line"]) for f in findings] == JSONL_EXPECTED
    assert report["summary"]["records"] == 4
    for f in findings:
        record = json.loads(raw_lines[f["line"] - 1])
        assert f["field"] == "text"
        text = record["text"]
        assert text[f["offset"]["start"] : f["offset"]["end"]] == f["text"]
        # line/column point into the file at the literal characters of the span.
        raw = raw_lines[f["line"] - 1]
        assert f["end_line"] == f["line"]
        assert raw[f["column"] - 1 : f["end_column"] - 1] == f["text"]


def test_a_span_that_ends_in_an_escape_ends_after_the_escape(tmp_path: Path) -> None:
    # "TA\u004d" is TAM and "QB\u0052\u0073" is QBRs: the end column is past the whole escape,
    # so the file's characters between the columns decode to the span's text.
    raw = r'{"id": "e1", "text": "Loop in the TA\u004d before the QB\u0052\u0073 and the renewal c\u0061lled."}'
    (tmp_path / "esc.jsonl").write_text(raw + "\n", encoding="utf-8")
    proc = run_cli("check", "esc.jsonl", "--format", "json", "--exit-zero", cwd=tmp_path)
    findings = json.loads(proc.stdout)["findings"]
    assert sorted(f["text"] for f in findings) == ["QBRs", "TAM", "the renewal"]
    for f in findings:
        literal = raw[f["column"] - 1 : f["end_column"] - 1]
        assert json.loads('"' + literal + '"') == f["text"], (f["text"], literal)


def test_jsonl_columns_count_code_points_not_utf16_units(jsonl_report: tuple[dict[str, Any], list[str]]) -> None:
    report, raw_lines = jsonl_report
    r3 = next(f for f in report["findings"] if f["record"] == "r3")
    assert r3["column"] == raw_lines[2].index("the escalation") + 1
    assert r3["offset"]["start"] == json.loads(raw_lines[2])["text"].index("the escalation")


def test_markdown_skips_are_meaningful(lint: Any) -> None:
    """Control: the same Markdown text linted as plain text is flagged in the places Markdown skips."""
    text = _decoded(PLAIN_FILES["doc.md"])
    lines = sorted({f.start_pos.line for f in lint(text) if f.rule.name == "thing-as-person"})
    # front matter (2), fenced block (9), indented block (12), inline code (14), paragraph (16)
    assert {2, 9, 12, 14, 16} <= set(lines), lines


def test_stdin_crlf_positions_match_file_positions() -> None:
    data = PLAIN_FILES["crlf.txt"].decode("utf-8")
    proc = run_cli("check", "-", "--stdin-filename", "crlf.txt", "--format", "json", "--select", "HL101", input=data)
    (f,) = json.loads(proc.stdout)["findings"]
    # Text-mode stdin would translate "\r\n"; the CLI reads bytes, so offsets still index the original text.
    assert (f["path"], f["line"], f["column"], f["offset"]["start"]) == ("crlf.txt", 3, 6, 37)

"""Large exports are read as chunks of whole records: the result must not depend on where blocks end."""

from __future__ import annotations

import codecs
import io
import json

import pytest

from humanize_lint import rulepack, sources
from humanize_lint.model import HumanizeLintError, InputError

OPTS = sources.SourceOptions(text_fields=("subject", "body"), id_field="id", name_field="name", group_field="team")


def _units(stream_docs):
    errors: list = []
    out = []
    for unit in sources.units(stream_docs, OPTS, errors):
        doc = unit.document
        positions = [doc.position(unit.to_doc(i)) for i in range(0, len(unit.text), 3)]
        out.append((unit.record, unit.field, unit.text, unit.customer, dict(unit.meta).get("group"), positions))
    return out, [str(e) for e in errors]


CSV_ROWS = [
    ["id", "team", "name", "subject", "body"],
    ["1", "billing", "Maria Garcia", "Refund", "The renewal called again,\r\nasking about \"the quote\"."],
    ["2", "", "Tomás Echeverría", "Router 📶", "#88213 called back re: the router swap.\tTab."],
    ["3", "support", "", "Ünïcödé", "Line one\nline two\n\nline four with a , comma"],
    ["4", "billing", "Aisha Bello", "", "x" * 50],
]


def _csv(rows, newline="\r\n") -> str:
    def cell(c: str) -> str:
        return '"' + c.replace('"', '""') + '"' if any(ch in c for ch in ',"\r\n') else c

    return "".join(",".join(cell(c) for c in row) + newline for row in rows)


@pytest.mark.parametrize("block", [7, 16, 33, 64, 101])
@pytest.mark.parametrize("bom", [False, True])
def test_csv_chunks_match_whole_file(block: int, bom: bool) -> None:
    text = _csv([CSV_ROWS[0]] + CSV_ROWS[1:] * 5)
    data = (codecs.BOM_UTF8 if bom else b"") + text.encode("utf-8")
    whole = _units(sources.decode(data, "t.csv", "csv"))
    streamed = _units(sources.read_stream(io.BytesIO(data), "t.csv", "csv", block=block))
    assert streamed == whole
    assert len(whole[0]) == 5 * 7  # the fourth row has no subject


@pytest.mark.parametrize("block", [5, 19, 64])
def test_jsonl_chunks_match_whole_file(block: int) -> None:
    recs = [
        {"id": "a1", "team": "t1", "name": "Maria", "subject": "Hi", "body": "The renewal called.\nÜber 📶 line"},
        {"id": 2, "body": "acct 4471-22 is upset", "team": "t2"},
        {"id": "a3", "subject": "no body"},
    ]
    text = "\r\n".join(json.dumps(r, ensure_ascii=False) for r in recs * 4) + "\r\nnot json\r\n"
    data = text.encode("utf-8")
    whole = _units(sources.decode(data, "t.jsonl", "jsonl"))
    streamed = _units(sources.read_stream(io.BytesIO(data), "t.jsonl", "jsonl", block=block))
    assert streamed == whole
    assert any("invalid JSON" in e for e in whole[1]) and whole[1] == streamed[1]


def test_chunk_lines_continue_across_chunks() -> None:
    text = _csv([["id", "body"]] + [[str(i), f"row {i}"] for i in range(1, 200)], newline="\n")
    docs = list(sources.read_stream(io.BytesIO(text.encode()), "t.csv", "csv", block=64))
    assert len(docs) > 10
    assert docs[0].first_line == 1
    for prev, nxt in zip(docs, docs[1:]):
        assert nxt.first_line == prev.first_line + prev.text.count("\n")
    assert "".join(d.text for d in docs) == text


def test_undecodable_byte_late_in_a_large_export_spoils_only_its_row() -> None:
    # Read in blocks of 32 bytes: the bad byte is reported at its line and column, its row is
    # skipped, and the rows before and after it are read.
    text = "id,body\n" + "".join(f"{i},fine row\n" for i in range(50))
    data = text.encode() + b"51,bad \xff byte\n52,the renewal called\n"
    errors: list[HumanizeLintError] = []
    docs = sources.read_stream(io.BytesIO(data), "t.csv", "csv", block=32)
    opts = sources.SourceOptions(text_fields=("body",), id_field="id")
    got = [(u.record, u.text) for u in sources.units(docs, opts, errors)]
    assert got[:2] == [("0", "fine row"), ("1", "fine row")] and got[-1] == ("52", "the renewal called") and len(got) == 51
    (error,) = errors
    assert (error.line, error.column) == (52, 8) and error.message == "not valid UTF-8 (byte 0xff); row skipped"


def test_a_finding_from_a_worker_is_placed_in_its_record() -> None:
    """A worker lints ``unit.for_worker()`` (the unit's text alone); the findings it sends
    back are placed in the export again: the same offsets, positions and fixes as when
    the unit is linted where it was read, on records with quotes, escapes and line breaks."""
    from humanize_lint.engine import LintOptions, Linter
    from humanize_lint.nlp import LazyModel
    from humanize_lint.runner import _finding_from, _finding_state

    rows = [
        ["id", "customer", "body"],
        ["1", "Ana Ruiz", 'She said "the QBR is late" again.\nThe KPI deck, then the SLA.'],
        ["2", "Bo Li", "x,y; the MQL and the NPS and, on a new line,\n\n the CSAT"],
    ]
    text = _csv(rows[:1] + rows[1:] * 3)
    doc = sources.decode(text.encode(), "t.csv", "csv")
    opts = sources.SourceOptions(text_fields=("body",), id_field="id", name_field="customer")
    rules = {r.code: r for r in rulepack.load().rules.values()}
    linter = Linter(list(rules.values()), LazyModel(), LintOptions(), segment=sources.segment)
    units = list(sources.units(doc, opts, []))
    assert len(units) == 6
    here = linter.lint_units(units)
    away = linter.lint_units([u.for_worker() for u in units])
    assert sum(map(len, here)) >= 6
    for unit, mine, theirs in zip(units, here, away):
        assert [_finding_from(_finding_state(f), rules, unit) for f in theirs] == mine
        start = unit.for_worker().document.position(0)
        assert start == doc.position(unit.to_doc(0))  # an error about the unit points at its start

def test_a_unit_rebuilt_in_a_worker_equals_one_built_the_ordinary_way() -> None:
    """``Unit.from_worker_state`` builds the worker's unit without the dataclasses' own
    ``__init__``; it must be the very unit (every field, the document's too) that the
    constructors give, or a new field would be left out."""
    from dataclasses import fields

    from humanize_lint.model import Document, Unit

    doc = Document(path="notes.csv", text="id,body\n1,The renewal called.\n", format="csv", first_line=1)
    unit = Unit(document=doc, text="The renewal called.", record="1", field="body", customer="Ms. Garcia", markup="text", meta={"team": "a"})
    got = Unit.from_worker_state(unit.worker_state())
    start = doc.position(unit.to_doc(0))
    want = Unit(
        document=Document(path=doc.path, text=unit.text, encoding=doc.encoding, bom=doc.bom, newline=doc.newline, format=doc.format,
                          line_starts=(0,), first_line=start.line, first_column=start.column),
        text=unit.text, record="1", field="body", customer="Ms. Garcia", markup="text", meta={"team": "a"},
    )
    for obj, ref in ((got, want), (got.document, want.document)):
        assert set(obj.__dict__) == {f.name for f in fields(type(ref))}
        assert {k: v for k, v in obj.__dict__.items() if k != "document"} == {k: v for k, v in ref.__dict__.items() if k != "document"}


def test_a_broken_utf16_export_is_one_error_not_an_internal_error() -> None:
    # surrogateescape keeps only bytes >= 0x80; a broken UTF-16 pair ends the file with one error.
    data = b"\xff\xfe" + "id,body\n1,fine row\n".encode("utf-16-le") + b"\x00\xd8A\x00\n\x00"
    for block in (8, 1 << 20):
        with pytest.raises(InputError) as info:
            list(sources.read_stream(io.BytesIO(data), "t.csv", "csv", block=block))
        assert "not valid UTF-16-LE" in info.value.message

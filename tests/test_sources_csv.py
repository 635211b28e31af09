"""Tests for the CSV/TSV record source: scanning, delimiters, errors and offset mapping."""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path
from typing import Any, Literal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from humanize_lint.model import Document, HumanizeLintError, InputError, Unit
from humanize_lint.sources import read_path
from humanize_lint.sources.records import csv_rows, read_csv, sniff_delimiter

BOM = b"\xef\xbb\xbf"


def _read(
    tmp_path: Path,
    data: bytes,
    fields: tuple[str, ...] = ("text",),
    name: str = "tickets.csv",
    **options: Any,
) -> tuple[list[Unit], list[HumanizeLintError], Document]:
    path = tmp_path / name
    path.write_bytes(data)
    document = read_path(path)
    errors: list[HumanizeLintError] = []
    options.setdefault("id_field", None)
    options.setdefault("name_field", None)
    units = list(read_csv(document, text_fields=fields, errors=errors, **options))
    return units, errors, document


def _assert_mapping(unit: Unit) -> None:
    """Every unit character is covered by a run and is the document character it maps to."""
    text = unit.document.text
    covered = {i for r in unit.runs for i in range(r.unit_start, r.unit_start + r.length)}
    assert covered == set(range(len(unit.text)))
    for i, char in enumerate(unit.text):
        assert text[unit.to_doc(i)] == char, (i, char)


def _error(errors: list[HumanizeLintError]) -> InputError:
    assert len(errors) == 1, errors
    error = errors[0]
    assert isinstance(error, InputError)
    return error


def test_bom_comma_crlf_ids_and_customers(tmp_path: Path) -> None:
    data = BOM + (
        'id,first,last,text\r\n'
        'T-1,Ana,Lopez,"Hello, the renewal called."\r\n'
        'T-2,Bo,,Plain text here\r\n'
    ).encode()
    units, errors, document = _read(
        tmp_path, data, id_field="id", name_field="name", first_name_field="first", last_name_field="last"
    )
    assert errors == []
    assert document.bom and document.text.startswith("id,")
    assert [(u.record, u.field, u.text, u.customer, u.markup) for u in units] == [
        ("T-1", "text", "Hello, the renewal called.", "Ana Lopez", "markdown"),
        ("T-2", "text", "Plain text here", "Bo", "markdown"),
    ]
    for unit in units:
        _assert_mapping(unit)
    renewal = units[0].text.index("renewal")
    pos = document.position(units[0].to_doc(renewal))
    assert (pos.line, pos.column) == (2, len('T-1,Ana,Lopez,"Hello, the ') + 1)
    assert document.position(units[1].to_doc(0)).line == 3


def test_semicolon_delimiter_is_sniffed(tmp_path: Path) -> None:
    data = 'ticket;"body, with comma";agent\n1;Der Kunde, bitte;Eva\n2;"Zweite; Zeile";Max\n'.encode()
    units, errors, _ = _read(tmp_path, data, ("body, with comma",), name_field="agent")
    assert errors == []
    assert [(u.record, u.text, u.customer) for u in units] == [
        ("1", "Der Kunde, bitte", "Eva"),
        ("2", "Zweite; Zeile", "Max"),
    ]
    for unit in units:
        _assert_mapping(unit)


def test_tab_delimiter_tsv_and_sniffed(tmp_path: Path) -> None:
    data = b"id\ttext\n1\tone, two; three\n2\t\"quoted\ttab\"\n"
    for name in ("tickets.tsv", "tickets.csv"):
        units, errors, _ = _read(tmp_path, data, name=name, id_field="id")
        assert errors == []
        assert [(u.record, u.text) for u in units] == [("1", "one, two; three"), ("2", "quoted\ttab")]
        for unit in units:
            _assert_mapping(unit)


def test_explicit_delimiter_wins(tmp_path: Path) -> None:
    data = b"id|text,x\n1|a,b\n"
    units, errors, _ = _read(tmp_path, data, ("text,x",), delimiter="|")
    assert errors == []
    assert [u.text for u in units] == ["a,b"]


def test_sniffing() -> None:
    assert sniff_delimiter('"a,b,c";d;e\n1,2,3,4,5') == ";"
    assert sniff_delimiter("\n\na\tb\n") == "\t"
    assert sniff_delimiter("single") == ","
    assert sniff_delimiter("a,b;c") == ","  # ties go to the comma


def test_excel_sep_line_names_the_delimiter_and_is_no_header(tmp_path: Path) -> None:
    """Excel writes "sep=;" above the header of a CSV in a locale whose lists use ";": it
    names the delimiter, and the header is the next row. Hard negative: a header whose
    first column is merely called "sep" is a header."""
    data = "sep=;\r\nid;text;customer\r\n1;The renewal called, twice.;Maria Garcia\r\n".encode()
    units, errors, _ = _read(tmp_path, data, id_field="id", name_field="customer")
    assert errors == []
    assert [(u.record, u.text, u.customer) for u in units] == [("1", "The renewal called, twice.", "Maria Garcia")]
    _assert_mapping(units[0])
    assert sniff_delimiter("\nsep=|\na|b,c\n") == "|"
    units, errors, _ = _read(tmp_path, b"sep,text\nx,The renewal called.\n", name="plain.csv")
    assert errors == [] and [u.text for u in units] == ["The renewal called."]


def test_a_duplicate_column_name_is_a_note_and_the_first_is_read(tmp_path: Path) -> None:
    units, errors, _ = _read(tmp_path, b"id,text,text\n1,first,second\n")
    assert [u.text for u in units] == ["first"]
    assert [str(e) for e in errors] == [f"{tmp_path / 'tickets.csv'}:1:9: note: column 'text' is in the header twice (columns 2 and 3); the first is read"]


def test_quoted_multiline_cell_with_doubled_quotes(tmp_path: Path) -> None:
    data = (
        'id,text\r\n'
        '1,"She said ""no"".\r\nThe account ""4471"" called,\r\nagain."\r\n'
        '2,after\r\n'
    ).encode()
    units, errors, document = _read(tmp_path, data, id_field="id")
    assert errors == []
    first, second = units
    assert first.text == 'She said "no".\r\nThe account "4471" called,\r\nagain.'
    assert second.text == "after"
    _assert_mapping(first)
    # A collapsed "" maps to the first quote of its pair.
    quote = first.text.index('"')
    assert document.text[first.to_doc(quote) : first.to_doc(quote) + 2] == '""'
    # Lines inside the cell keep their real positions.
    account = first.text.index("The account")
    assert (document.position(first.to_doc(account)).line, document.position(first.to_doc(account)).column) == (3, 1)
    again = first.text.index("again")
    assert document.position(first.to_doc(again)).line == 4
    # The end of the text maps to the closing quote.
    assert document.text[first.to_doc(len(first.text))] == '"'
    assert document.position(second.to_doc(0)).line == 5


def test_text_after_closing_quote_follows_csv_reader(tmp_path: Path) -> None:
    data = b'text\n"ab"cd"e\n'
    units, errors, _ = _read(tmp_path, data)
    assert errors == []
    assert [u.text for u in units] == ['abcd"e'] == [next(csv.reader(['"ab"cd"e']))[0]]
    _assert_mapping(units[0])


def test_two_megabyte_cells(tmp_path: Path) -> None:
    big = ("The customer wrote a long note, with commas and \"quotes\".\n" * 36000)[: 2 * 1024 * 1024]
    quoted = '"' + big.replace('"', '""') + '"'
    unquoted = "x" * (2 * 1024 * 1024)
    data = ("id,text\n1," + quoted + "\n2," + unquoted + "\n3,tail\n").encode()
    started = time.perf_counter()
    units, errors, document = _read(tmp_path, data, id_field="id")
    elapsed = time.perf_counter() - started
    assert errors == []
    assert [u.record for u in units] == ["1", "2", "3"]
    assert units[0].text == big
    assert units[1].text == unquoted
    for unit in units:
        last = len(unit.text) - 1
        assert document.text[unit.to_doc(last)] == unit.text[last]
    assert document.position(units[2].to_doc(0)).line == big.count("\n") + 4
    assert elapsed < 10


def test_ragged_row_is_reported_and_skipped(tmp_path: Path) -> None:
    data = b"id,text,agent\n1,first,Eva\n2,too,many,fields\n\n3,short\n4,last,Max\n"
    units, errors, _ = _read(tmp_path, data, id_field="id")
    assert [(u.record, u.text) for u in units] == [("1", "first"), ("4", "last")]
    assert [(e.line, e.column) for e in errors if isinstance(e, InputError)] == [(3, 1), (5, 1)]
    assert "row has 4 fields, the header has 3; row skipped" in str(errors[0])
    assert "row has 2 fields" in str(errors[1])


def test_unterminated_quote_reports_where_it_opened(tmp_path: Path) -> None:
    data = b'id,text\n1,fine\n2,"opened here\nand never\nclosed\n'
    units, errors, _ = _read(tmp_path, data)
    assert [u.text for u in units] == ["fine"]
    error = _error(errors)
    assert (error.line, error.column) == (3, 3)
    assert "unterminated quoted field" in error.message


def test_reading_is_lazy(tmp_path: Path) -> None:
    path = tmp_path / "lazy.csv"
    path.write_bytes(b'text\nfirst\n"never closed\n')
    document = read_path(path)
    errors: list[HumanizeLintError] = []
    units = read_csv(document, text_fields=("text",), id_field=None, name_field=None, errors=errors)
    assert next(units).text == "first"
    assert errors == []  # the bad quote later on is not reached yet
    assert list(units) == []
    assert len(errors) == 1


def test_header_missing_the_text_field(tmp_path: Path) -> None:
    data = b"id,subject,comment\n1,Hi,Body\n2,Yo,More\n"
    units, errors, _ = _read(tmp_path, data, ("text", "comment"))
    assert [u.text for u in units] == ["Body", "More"]
    error = _error(errors)
    assert error.message == "no record has field 'text' (fields seen: comment, id, subject)"
    assert error.line is None


def test_no_data_rows_and_empty_file(tmp_path: Path) -> None:
    assert _read(tmp_path, b"id,subject\n")[:2] == ([], [])
    assert _read(tmp_path, b"")[:2] == ([], [])
    assert _read(tmp_path, BOM + b"\r\n\r\n")[:2] == ([], [])


def test_row_numbers_skip_blank_lines_and_empty_cells(tmp_path: Path) -> None:
    data = b"text,other\r\n\r\none,x\r\n,y\r\n   \r\nthree,z\r\n"
    units, errors, _ = _read(tmp_path, data)
    assert errors == []
    assert [(u.record, u.text) for u in units] == [("1", "one"), ("3", "three")]


def test_html_cells(tmp_path: Path) -> None:
    data = b'id,text\n1,"<p>The renewal&nbsp;called.</p><p>Second <b>para</b>.</p>"\n2,**Markdown** text\n'
    units, errors, document = _read(tmp_path, data, id_field="id")
    assert errors == []
    html_unit, md_unit = units
    assert html_unit.markup == "text" and html_unit.meta.get("html") is True
    assert md_unit.markup == "markdown" and md_unit.text == "**Markdown** text"
    assert "<" not in html_unit.text
    assert "renewal\xa0" in html_unit.text
    words = html_unit.text.index("called")
    assert document.text[html_unit.to_doc(words) :].startswith("called.</p>")
    units, _, _ = _read(tmp_path, data, id_field="id", html=False)
    assert units[0].markup == "markdown" and units[0].text.startswith("<p>")
    units, _, _ = _read(tmp_path, data, id_field="id", html=True)
    assert units[1].markup == "text"


# --- agreement with the csv module -------------------------------------------------------

_CSV_CHARS = st.sampled_from(list('ab ,;\t"\r\né🙂'))


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(_CSV_CHARS, max_size=40), st.sampled_from([",", ";", "\t"]))
def test_scanner_agrees_with_csv_reader(text: str, delimiter: str) -> None:
    try:
        expected = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        return
    try:
        got = list(csv_rows(text, delimiter))
    except ValueError:
        # Only an unterminated quote; the csv module accepts it at EOF (non-strict).
        with pytest.raises(csv.Error):
            list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
        return
    assert got == expected


_CELL = st.text(st.sampled_from(list('ab ,;"\r\n\té')), max_size=12)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.tuples(_CELL, _CELL), min_size=1, max_size=5),
    st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
    st.sampled_from(["\r\n", "\n"]),
)
def test_written_tables_read_back_with_exact_mapping(
    tmp_path: Path, rows: list[tuple[str, str]], quoting: Literal[0, 1], terminator: str
) -> None:
    if terminator == "\n":  # csv.writer only quotes line-terminator characters
        rows = [(a, cell.replace("\r", "x")) for a, cell in rows]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=quoting, lineterminator=terminator)
    writer.writerow(["id", "text"])
    for index, (_, cell) in enumerate(rows):
        writer.writerow([f"r{index}", cell])
    units, errors, _ = _read(tmp_path, buffer.getvalue().encode(), id_field="id", html=False, delimiter=",")
    assert errors == []
    expected = [(f"r{i}", cell) for i, (_, cell) in enumerate(rows) if cell]
    assert [(u.record, u.text) for u in units] == expected
    for unit in units:
        _assert_mapping(unit)


def test_excel_sep_line_in_a_tsv(tmp_path: Path) -> None:
    units, errors, _ = _read(tmp_path, b"sep=;\nid;text\n1;The renewal called.\n", name="t.tsv")
    assert errors == [] and [u.text for u in units] == ["The renewal called."]

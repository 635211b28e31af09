"""Tests for the JSON / JSON Lines record source and its offset mapping."""

from __future__ import annotations

import re
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from humanize_lint.model import Document, HumanizeLintError, InputError, Unit
from humanize_lint.sources.records import field_paths, read_json, read_jsonl


def _document(path: Path, content: str, *, fmt: str = "jsonl") -> Document:
    path.write_text(content, encoding="utf-8", newline="")
    with open(path, encoding="utf-8", newline="") as handle:
        return Document(path=str(path), text=handle.read(), format=fmt)


def _jsonl(
    tmp_path: Path, content: str, fields: tuple[str, ...] = ("text",), **options: Any
) -> tuple[list[Unit], list[HumanizeLintError], Document]:
    document = _document(tmp_path / "input.jsonl", content)
    errors: list[HumanizeLintError] = []
    options.setdefault("id_field", None)
    options.setdefault("name_field", None)
    units = list(read_jsonl(document, text_fields=fields, errors=errors, **options))
    return units, errors, document


def _json(
    tmp_path: Path,
    content: str,
    fields: tuple[str, ...] = ("text",),
    records_key: str | None = None,
    **options: Any,
) -> tuple[list[Unit], list[HumanizeLintError], Document]:
    document = _document(tmp_path / "input.json", content, fmt="json")
    errors: list[HumanizeLintError] = []
    options.setdefault("id_field", None)
    options.setdefault("name_field", None)
    units = list(
        read_json(document, records_key=records_key, text_fields=fields, errors=errors, **options)
    )
    return units, errors, document


def _assert_mapping(unit: Unit) -> None:
    """Every character a run covers is the same character in the document."""
    text = unit.document.text
    for run in unit.runs:
        for i in range(run.unit_start, run.unit_start + run.length):
            assert text[unit.to_doc(i)] == unit.text[i]


def _covered(unit: Unit) -> set[int]:
    return {i for r in unit.runs for i in range(r.unit_start, r.unit_start + r.length)}


# --- JSON Lines ------------------------------------------------------------------------


def test_crlf_lines_and_positions(tmp_path: Path) -> None:
    content = '{"id": "a", "text": "First one."}\r\n{"id": "b", "text": "Second one."}\r\n'
    units, errors, document = _jsonl(tmp_path, content, id_field="id")
    assert errors == []
    assert [(u.record, u.field, u.text, u.markup) for u in units] == [
        ("a", "text", "First one.", "markdown"),
        ("b", "text", "Second one.", "markdown"),
    ]
    second = units[1]
    start = second.to_doc(0)
    assert document.position(start).line == 2
    assert document.text[start : second.to_doc(len(second.text))] == "Second one."
    for unit in units:
        _assert_mapping(unit)


def test_escapes_map_to_their_start(tmp_path: Path) -> None:
    raw = r'a\nb\"c\\d\/e \u00e9 \ud83d\ude00!'
    content = '{"text": "' + raw + '"}\n'
    (unit,), errors, document = _jsonl(tmp_path, content)
    assert errors == []
    assert unit.text == 'a\nb"c\\d/e é 😀!'
    _assert_mapping(unit)
    literal_start = content.index(raw)
    # Every escape maps to its backslash.
    for i, char in enumerate(unit.text):
        if i not in _covered(unit):
            assert document.text[unit.to_doc(i)] == "\\", (i, char)
    # The surrogate pair is one code point, and the "!" after it maps exactly.
    emoji = unit.text.index("😀")
    assert unit.to_doc(emoji) == literal_start + raw.index(r"\ud83d")
    assert document.text[unit.to_doc(emoji + 1)] == "!"
    assert unit.to_doc(len(unit.text)) == content.index('"}')


def test_leading_and_consecutive_escapes(tmp_path: Path) -> None:
    content = '{"text": "\\n\\tx\\n\\n"}\n'
    (unit,), errors, document = _jsonl(tmp_path, content)
    assert errors == []
    assert unit.text == "\n\tx\n\n"
    first = content.index("\\")
    assert [unit.to_doc(i) for i in range(len(unit.text) + 1)] == [
        first,
        first + 2,
        first + 4,
        first + 5,
        first + 7,
        first + 9,  # the closing quote
    ]
    assert document.text[unit.to_doc(2)] == "x"


def test_raw_astral_characters(tmp_path: Path) -> None:
    content = '{"text": "Hi 🙂 there 🙂"}\n'
    (unit,), errors, document = _jsonl(tmp_path, content)
    assert errors == []
    assert len(unit.runs) == 1
    assert unit.text == "Hi 🙂 there 🙂"
    _assert_mapping(unit)
    assert document.text[unit.to_doc(unit.text.index("there")) :].startswith("there")


def test_nested_paths_and_several_fields(tmp_path: Path) -> None:
    record = {
        "meta": {"id": 7},
        "comment": {"body": "Nested body."},
        "comments": [{"body": "Zero."}, {"body": "One."}],
        "subject": "Hello\u2014there",
    }
    content = json.dumps(record) + "\n" + json.dumps(record, ensure_ascii=False, indent=None) + "\n"
    fields = ("subject", "comment.body", "comments.1.body")
    units, errors, _ = _jsonl(tmp_path, content, fields, id_field="meta.id")
    assert errors == []
    assert [(u.record, u.field, u.text) for u in units] == [
        ("7", "subject", "Hello\u2014there"),
        ("7", "comment.body", "Nested body."),
        ("7", "comments.1.body", "One."),
    ] * 2
    for unit in units:
        _assert_mapping(unit)


def test_dotted_key_wins_and_duplicate_keys_follow_json_loads(tmp_path: Path) -> None:
    content = '{"a.b": "literal", "a": {"b": "nested"}, "t": "first", "t": "second"}\n'
    units, errors, document = _jsonl(tmp_path, content, ("a.b", "t"))
    assert errors == []
    assert [u.text for u in units] == ["literal", "second"]
    second = units[1]
    assert second.to_doc(0) == content.index("second")


def test_missing_id_uses_line_number(tmp_path: Path) -> None:
    content = '\n{"id": "x1", "text": "One."}\n\n{"text": "Two."}\n{"id": 42, "text": "Three."}\n'
    units, errors, _ = _jsonl(tmp_path, content, id_field="id")
    assert errors == []
    assert [u.record for u in units] == ["x1", "4", "42"]
    units, errors, _ = _jsonl(tmp_path, content)
    assert [u.record for u in units] == ["2", "4", "5"]


def test_numeric_ids_keep_their_spelling(tmp_path: Path) -> None:
    # Record ids (and group values) that are JSON numbers with a fraction or exponent stay
    # as written: not 1500.0 for 1.5e3, nor "Infinity" for a number too large for a float.
    content = '{"id": 1.5e3, "text": "A."}\n{"id": 1E2, "text": "B."}\n{"id": 1e400, "text": "C."}\n{"id": 7, "text": "D."}\n{"id": -0.50, "text": "E."}\n'
    units, errors, _ = _jsonl(tmp_path, content, id_field="id")
    assert errors == []
    assert [u.record for u in units] == ["1.5e3", "1E2", "1e400", "7", "-0.50"]
    units, errors, _ = _json(tmp_path, "[" + ",".join(content.split("\n")[:-1]) + "]", id_field="id")
    assert errors == [] and [u.record for u in units] == ["1.5e3", "1E2", "1e400", "7", "-0.50"]


def test_customer_name(tmp_path: Path) -> None:
    lines = [
        {"text": "a", "name": "Ada Lovelace", "first": "X", "last": "Y"},
        {"text": "b", "first": "Grace", "last": "Hopper"},
        {"text": "c", "first": "Alan"},
        {"text": "d", "name": "", "first": 3},
        {"text": "e", "user": {"name": " Linus "}},
    ]
    content = "".join(json.dumps(line) + "\n" for line in lines)
    units, _, _ = _jsonl(
        tmp_path, content, name_field="name", first_name_field="first", last_name_field="last"
    )
    assert [u.customer for u in units] == ["Ada Lovelace", "Grace Hopper", "Alan", None, None]
    units, _, _ = _jsonl(tmp_path, content, name_field="user.name")
    assert [u.customer for u in units] == [None, None, None, None, "Linus"]


def test_bad_json_line_is_reported_and_reading_goes_on(tmp_path: Path) -> None:
    content = '{"text": "ok"}\r\n{"text": "broken" "x"}\r\n[1, 2]\r\n{"text": "after"}\r\n'
    units, errors, _ = _jsonl(tmp_path, content)
    assert [u.text for u in units] == ["ok", "after"]
    assert len(errors) == 2
    bad, not_object = errors
    assert isinstance(bad, InputError)
    assert bad.message.startswith("invalid JSON: Expecting ',' delimiter")
    assert (bad.line, bad.column) == (2, len('{"text": "broken" ') + 1)
    assert isinstance(not_object, InputError)
    assert "not a JSON object" in not_object.message
    assert not_object.line == 3


def test_invalid_json_column_counts_code_points(tmp_path: Path) -> None:
    content = '{"text": "🙂🙂", }\n'
    units, errors, _ = _jsonl(tmp_path, content)
    assert units == []
    (error,) = errors
    assert (error.line, error.column) == (1, content.index("}") + 1)


def test_missing_field_in_some_records(tmp_path: Path) -> None:
    lines = [
        {"text": "Has both.", "title": "T1"},
        {"title": "Only title."},
        {"text": 5, "title": "T3"},
        {"text": "", "title": "T4"},
    ]
    content = "".join(json.dumps(line) + "\n" for line in lines)
    units, errors, _ = _jsonl(tmp_path, content, ("text", "title"))
    assert [(u.record, u.field) for u in units] == [
        ("1", "text"),
        ("1", "title"),
        ("2", "title"),
        ("3", "title"),
        ("4", "title"),
    ]
    assert [(e.line, e.message) for e in errors] == [
        (2, "record lacks text field 'text'"),
        (3, "text field 'text' is not a string (got number)"),
    ]


def test_missing_field_before_first_seen_is_still_reported(tmp_path: Path) -> None:
    content = '{"other": "x"}\n{"text": "y"}\n'
    units, errors, _ = _jsonl(tmp_path, content)
    assert [u.text for u in units] == ["y"]
    assert [(e.line, e.message) for e in errors] == [(1, "record lacks text field 'text'")]


def test_field_absent_everywhere(tmp_path: Path) -> None:
    content = '{"body": "a", "meta": {"author": "b"}}\n{"body": "c", "id": 3}\n'
    units, errors, document = _jsonl(tmp_path, content, ("text", "body"))
    assert [u.text for u in units] == ["a", "c"]
    (error,) = errors
    assert isinstance(error, InputError)
    assert error.message == "no record has field 'text' (fields seen: body, meta.author)"
    assert (error.path, error.line) == (document.path, None)


def test_empty_input_reports_nothing(tmp_path: Path) -> None:
    units, errors, _ = _jsonl(tmp_path, "\n  \r\n")
    assert units == [] and errors == []


def test_field_paths() -> None:
    record = {"a": "x", "b": {"c": "y", "d": 1}, "e": [{"f": "z"}, "w", None]}
    assert field_paths(record) == ["a", "b.c", "e.0.f", "e.1"]
    assert field_paths("top") == []


# --- JSON ------------------------------------------------------------------------------


def test_json_array(tmp_path: Path) -> None:
    records = [{"id": "r1", "text": "Line\nbreak"}, {"text": "No id."}, "not a record"]
    content = json.dumps(records, indent=2).replace("\n", "\r\n")
    units, errors, document = _json(tmp_path, content, id_field="id")
    assert [(u.record, u.text) for u in units] == [("r1", "Line\nbreak"), ("6", "No id.")]
    assert document.position(units[1].to_doc(0)).line == 7
    for unit in units:
        _assert_mapping(unit)
    (error,) = errors
    assert (error.line, error.column) == (9, 3)
    assert "not a JSON object (got string)" in error.message


def test_json_records_key(tmp_path: Path) -> None:
    content = json.dumps({"meta": {"n": 2}, "data": {"items": [{"text": "A"}, {"text": "B"}]}})
    units, errors, _ = _json(tmp_path, content, records_key="data.items")
    assert errors == []
    assert [u.text for u in units] == ["A", "B"]
    for unit in units:
        _assert_mapping(unit)


def test_json_records_key_problems(tmp_path: Path) -> None:
    content = json.dumps({"data": {"items": [{"text": "A"}]}, "other": "x"})
    units, errors, _ = _json(tmp_path, content, records_key="items")
    assert units == []
    (error,) = errors
    assert error.message == "records key 'items' holds nothing, not an array (arrays found: data.items)"
    units, errors, _ = _json(tmp_path, content)
    assert units == []
    assert "set a records key (arrays found: data.items)" in errors[0].message


def test_json_invalid(tmp_path: Path) -> None:
    content = '[\r\n  {"text": "a"},\r\n  {"text": "b",}\r\n]\r\n'
    units, errors, _ = _json(tmp_path, content)
    assert units == []
    (error,) = errors
    assert error.message.startswith("invalid JSON:")
    assert (error.line, error.column) == (3, content.split("\r\n")[2].index("}") + 1)


def test_json_field_absent_everywhere(tmp_path: Path) -> None:
    units, errors, _ = _json(tmp_path, '[{"body": "x"}, {"body": "y"}]')
    assert units == []
    assert [e.message for e in errors] == ["no record has field 'text' (fields seen: body)"]


# --- property --------------------------------------------------------------------------

def _records(ensure_ascii: bool) -> st.SearchStrategy[dict[str, Any]]:
    # Lone surrogates cannot be written to a UTF-8 file unless escaped. No "<": a value
    # that looks like HTML is read as its visible text ("<A>" has none), which
    # tests/test_sources_html.py covers; this property is about plain values.
    blocked = () if ensure_ascii else ("Cs",)
    strings = st.text(st.characters(blacklist_categories=blocked, blacklist_characters="<"))
    keys = st.text(st.characters(blacklist_categories=blocked, blacklist_characters="."), max_size=6)
    leaves = st.one_of(strings, st.integers(), st.none(), st.booleans())
    values = st.recursive(
        leaves,
        lambda children: st.one_of(
            st.lists(children, max_size=3), st.dictionaries(keys, children, max_size=3)
        ),
        max_leaves=8,
    )
    return st.dictionaries(keys, values, min_size=1, max_size=4)


def _value_at(record: Any, path: str) -> Any:
    for part in path.split("."):
        record = record[int(part)] if isinstance(record, list) else record[part]
    return record


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _check_units(
    document: Document, units: list[Unit], records: list[dict[str, Any]], fields: list[str]
) -> None:
    expected = []
    for record in records:
        present = set(field_paths(record))
        expected += [(f, _LONE_SURROGATE.sub("\ufffd", _value_at(record, f))) for f in fields if f in present and _value_at(record, f)]
    # (a lone surrogate is no character: the reader gives U+FFFD, one code point for one)
    assert [(u.field, u.text) for u in units] == expected
    for unit in units:
        covered = _covered(unit)
        for i in covered:
            assert document.text[unit.to_doc(i)] == unit.text[i]
        for i in set(range(len(unit.text))) - covered:
            assert document.text[unit.to_doc(i)] == "\\"


_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def _dumped(draw: st.DrawFn) -> tuple[list[dict[str, Any]], bool]:
    ensure_ascii = draw(st.booleans())
    records = draw(st.lists(_records(ensure_ascii), max_size=4))
    return records, ensure_ascii


@_SETTINGS
@given(data=_dumped(), crlf=st.booleans())
def test_property_jsonl(
    tmp_path_factory: pytest.TempPathFactory, data: tuple[list[dict[str, Any]], bool], crlf: bool
) -> None:
    records, ensure_ascii = data
    newline = "\r\n" if crlf else "\n"
    content = "".join(json.dumps(r, ensure_ascii=ensure_ascii) + newline for r in records)
    document = _document(tmp_path_factory.mktemp("p") / "p.jsonl", content)
    fields = list(dict.fromkeys(p for r in records for p in field_paths(r)))
    errors: list[HumanizeLintError] = []
    units = list(
        read_jsonl(document, text_fields=fields, id_field=None, name_field=None, errors=errors)
    )
    assert all("lacks" in e.message or "not a string" in e.message for e in errors)
    _check_units(document, units, records, fields)


@_SETTINGS
@given(data=_dumped(), indent=st.sampled_from([None, 0, 2, "\t"]))
def test_property_json(
    tmp_path_factory: pytest.TempPathFactory,
    data: tuple[list[dict[str, Any]], bool],
    indent: int | str | None,
) -> None:
    records, ensure_ascii = data
    content = json.dumps({"rows": records}, ensure_ascii=ensure_ascii, indent=indent)
    document = _document(tmp_path_factory.mktemp("p") / "p.json", content, fmt="json")
    fields = list(dict.fromkeys(p for r in records for p in field_paths(r)))
    errors: list[HumanizeLintError] = []
    units = list(
        read_json(
            document,
            records_key="rows",
            text_fields=fields,
            id_field=None,
            name_field=None,
            errors=errors,
        )
    )
    assert not any("no record has" in e.message for e in errors)
    _check_units(document, units, records, fields)


def test_html_value_with_no_visible_text_is_no_unit(tmp_path: Path) -> None:
    """A field that looks like HTML is read as its visible text; with none ("<A>", "<br>")
    there is nothing to lint, and no error. The next field with text still counts."""
    units, errors, _ = _jsonl(tmp_path, '{"text": "<A>"}\n{"text": "<br>"}\n{"text": "<p>The renewal called.</p>"}\n')
    assert errors == []
    assert [u.text.strip() for u in units] == ["The renewal called."]

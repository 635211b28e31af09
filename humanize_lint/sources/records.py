"""Read JSON Lines, JSON and CSV/TSV record files into units, one per text field of each record.

Records are decoded with :func:`json.loads` and text fields found by dotted
paths (``comment.body``, ``comments.0.body``; a key that itself contains dots
wins over a nested path). To point findings into the file, a small
string-literal-aware scanner walks the raw text to the field's literal and
decodes it again (checked against ``json.loads``), recording
:class:`~humanize_lint.model.Run` stretches of literal characters. Each escape
(``\\n``, ``\\"``, ``\\u00e9``, a surrogate pair) yields one decoded character
no run covers; a zero-length run marks an escape with no literal character just
before it, and the closing quote after a final escape, so every escape maps to
its own start and the end of the text to the closing quote. Bad lines,
non-object records and missing fields become
:class:`~humanize_lint.model.InputError` entries and reading goes on; JSON Lines
input is handled one line at a time. CSV is read by an RFC 4180 scanner over
the document text (it agrees with :func:`csv.reader` on the values, has no
field size limit, and walks rows lazily): the first row names the columns,
the delimiter (``,``, ``;``, tab or ``|``) is sniffed from it unless given
(tab for ``.tsv``), a quoted cell maps character for character except that
each ``""`` is one ``"`` mapped to the first quote of the pair, ragged rows
are reported and skipped, and an unterminated quote ends the file with an
error at the quote. A field holding HTML (``html=True``, or when ``html`` is
None and the text looks like HTML) is turned into its visible text by
:func:`humanize_lint.sources.html.visible_text` (tags become spaces of their
length; a character reference such as ``&nbsp;`` becomes its character alone,
and the unit's runs skip it as they skip a JSON escape), and gets
``markup="text"``; other fields are Markdown.

A record's customer is its name field (or first and last name fields); when
those are absent or empty, a label at the start of a line of one of its text
fields, "Customer: Maria Garcia" or "Caller: Mr. Okafor", names them
(:func:`humanize_lint.suggest.customer_from_text` with ``kind="note"``).
Greetings and signatures in records are not used: a note's "Hi Raj," is
addressed to a colleague.
"""

from __future__ import annotations

import datetime
import json
import re
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from humanize_lint.model import Document, HumanizeLintError, InputError, InputNote, Run, Unit, compose_runs
from humanize_lint.sources.html import looks_like_html, text_runs, visible_text
from humanize_lint.suggest import customer_from_text
from ..lazyre import lazy

__all__ = ["csv_rows", "field_paths", "read_csv", "read_json", "read_jsonl", "sniff_delimiter"]

# How many field paths are remembered for, and listed in, the "fields seen" hint.
_MAX_SEEN_FIELDS = 200
_MAX_LISTED_FIELDS = 20

_WS = lazy(r"[ \t\n\r]*")
_STRING = lazy(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_SCALAR = lazy(r"[^ \t\n\r,\]}]+")
_STRUCTURE = lazy(r'[^"\[\]{}]*')
_ESCAPE = lazy(r"\\(?:u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.)")
_SIMPLE_ESCAPES = {
    '"': '"',
    "\\": "\\",
    "/": "/",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
}

Key = str | int
_SURROGATE = lazy("[\ud800-\udfff]")


# --- scanner over raw JSON text ------------------------------------------------------


class _ScanMismatch(RuntimeError):
    """The raw-text scanner disagrees with ``json.loads`` (a bug, not bad input)."""


def _skip_ws(text: str, i: int) -> int:
    match = _WS.match(text, i)
    assert match is not None  # the pattern matches the empty string
    return match.end()


def _skip_string(text: str, i: int) -> int:
    match = _STRING.match(text, i)
    if match is None:
        raise _ScanMismatch(f"no string literal at offset {i}")
    return match.end()


def _skip_value(text: str, i: int) -> int:
    """Offset just past the JSON value starting at ``i`` (iterative, any depth)."""
    char = text[i]
    if char == '"':
        return _skip_string(text, i)
    if char not in "[{":
        match = _SCALAR.match(text, i)
        if match is None:
            raise _ScanMismatch(f"no JSON value at offset {i}")
        return match.end()
    depth = 0
    while True:
        match = _STRUCTURE.match(text, i)
        assert match is not None
        i = match.end()
        char = text[i]
        if char == '"':
            i = _skip_string(text, i)
            continue
        depth += 1 if char in "[{" else -1
        i += 1
        if depth == 0:
            return i


def _decode_key(text: str, start: int, end: int) -> str:
    literal = text[start:end]
    if "\\" in literal:
        decoded: str = json.loads(literal)
        return decoded
    return literal[1:-1]


def _iter_members(text: str, i: int) -> Iterator[tuple[str, int]]:
    """Yield ``(key, value_offset)`` for each member of the object at ``i``."""
    i = _skip_ws(text, i + 1)
    if text[i] == "}":
        return
    while True:
        end = _skip_string(text, i)
        key = _decode_key(text, i, end)
        i = _skip_ws(text, end)
        if text[i] != ":":
            raise _ScanMismatch(f"expected ':' at offset {i}")
        i = _skip_ws(text, i + 1)
        yield key, i
        i = _skip_ws(text, _skip_value(text, i))
        if text[i] != ",":
            return
        i = _skip_ws(text, i + 1)


def _iter_elements(text: str, i: int) -> Iterator[int]:
    """Yield the offset of each element of the array at ``i``."""
    i = _skip_ws(text, i + 1)
    if text[i] == "]":
        return
    while True:
        yield i
        i = _skip_ws(text, _skip_value(text, i))
        if text[i] != ",":
            return
        i = _skip_ws(text, i + 1)


def _locate(text: str, i: int, keys: Sequence[Key]) -> int:
    """Offset of the value reached from the value at ``i`` by following ``keys``."""
    for key in keys:
        found: int | None = None
        if isinstance(key, str):
            if text[i] != "{":
                raise _ScanMismatch(f"expected an object at offset {i}")
            for name, value in _iter_members(text, i):
                if name == key:
                    found = value  # the last duplicate wins, as in json.loads
        else:
            if text[i] != "[":
                raise _ScanMismatch(f"expected an array at offset {i}")
            for index, value in enumerate(_iter_elements(text, i)):
                if index == key:
                    found = value
                    break
        if found is None:
            raise _ScanMismatch(f"{key!r} not found at offset {i}")
        i = found
    return i


def _scan_string(text: str, i: int) -> tuple[str, tuple[Run, ...]]:
    """Decode the string literal at ``i`` and map its characters to document offsets."""
    if text[i] != '"':
        raise _ScanMismatch(f"expected a string at offset {i}")
    end = _skip_string(text, i) - 1  # the closing quote
    first = i + 1
    if text.find("\\", first, end) < 0:
        literal = text[first:end]
        return literal, (Run(0, first, end - first),) if literal else ()
    parts: list[str] = []
    runs: list[Run] = []
    unit = 0
    j = first
    for match in _ESCAPE.finditer(text, first, end):
        k = match.start()
        if k > j:
            runs.append(Run(unit, j, k - j))
            parts.append(text[j:k])
            unit += k - j
        else:
            # An escape right after another or at the start: a zero-length run
            # pins its unit offset to the escape's start.
            runs.append(Run(unit, k, 0))
        parts.append(_decode_escape(match.group()))
        unit += 1
        j = match.end()
    if end > j:
        runs.append(Run(unit, j, end - j))
        parts.append(text[j:end])
    else:
        runs.append(Run(unit, end, 0))  # the end of the text maps to the closing quote
    return "".join(parts), tuple(runs)


def _decode_escape(escape: str) -> str:
    """The character an escape such as ``\\n``, ``\\u00e9`` or a surrogate pair stands for."""
    if escape[1] != "u":
        return _SIMPLE_ESCAPES[escape[1]]
    code = int(escape[2:6], 16)
    if len(escape) == 12:
        return chr(0x10000 + ((code - 0xD800) << 10) + (int(escape[8:12], 16) - 0xDC00))
    return chr(code)


# --- paths in decoded records ------------------------------------------------------


def _resolve(obj: Any, parts: Sequence[str]) -> tuple[Any, tuple[Key, ...]] | None:
    """Value at a split dotted path and the concrete keys leading to it, or None.

    In an object, the longest run of path parts that is itself a key is tried
    first, so a key such as ``"a.b"`` is reachable; in an array a part must be
    a decimal index.
    """
    if not parts:
        return obj, ()
    if isinstance(obj, dict):
        for n in range(len(parts), 0, -1):
            key = ".".join(parts[:n])
            if key in obj:
                found = _resolve(obj[key], parts[n:])
                if found is not None:
                    return found[0], (key, *found[1])
        return None
    if isinstance(obj, list):
        head = parts[0]
        if head.isascii() and head.isdigit() and int(head) < len(obj):
            index = int(head)
            found = _resolve(obj[index], parts[1:])
            if found is not None:
                return found[0], (index, *found[1])
    return None


def _lookup(obj: Any, path: str) -> Any:
    found = _resolve(obj, path.split("."))
    return None if found is None else found[0]


def field_paths(obj: Any) -> list[str]:
    """Dotted paths of the string leaves of ``obj`` in document order (list items by index)."""
    paths: list[str] = []
    stack: list[tuple[str | None, Any]] = [(None, obj)]
    while stack:
        prefix, value = stack.pop()
        if isinstance(value, str):
            if prefix is not None:
                paths.append(prefix)
        elif isinstance(value, (dict, list)):
            items = value.items() if isinstance(value, dict) else enumerate(value)
            children = [(_join(prefix, key), child) for key, child in items]
            stack.extend(reversed(children))
    return paths


def _array_paths(obj: Any, limit: int = _MAX_LISTED_FIELDS) -> list[str]:
    """Dotted paths of arrays reachable through objects only (records-key hints)."""
    paths: list[str] = []
    stack: list[tuple[str | None, Any]] = [(None, obj)]
    while stack and len(paths) < limit:
        prefix, value = stack.pop()
        if isinstance(value, list):
            paths.append("(top level)" if prefix is None else prefix)
        elif isinstance(value, dict):
            stack.extend(reversed([(_join(prefix, key), child) for key, child in value.items()]))
    return paths


def _join(prefix: str | None, key: Key) -> str:
    return str(key) if prefix is None else f"{prefix}.{key}"


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _listing(names: Sequence[str]) -> str:
    shown = sorted(names)[:_MAX_LISTED_FIELDS]
    more = ", ..." if len(names) > len(shown) else ""
    return ", ".join(shown) + more if shown else "none"


# --- records to units --------------------------------------------------------------


class _RecordReader:
    """Turns decoded records into units and collects per-record errors.

    "Record lacks field X" errors are held back until some record has X; if
    none does, they are dropped for one "no record has field X" error at the
    end, instead of one error per record for a mistyped field name.
    """

    def __init__(
        self,
        document: Document,
        *,
        text_fields: Sequence[str],
        id_field: str | None,
        name_field: str | None,
        first_name_field: str | None,
        last_name_field: str | None,
        errors: list[HumanizeLintError],
        html: bool | None = None,
        group_field: str | None = None,
        date_field: str | None = None,
    ) -> None:
        self.document = document
        self.html = html
        self.group_field = group_field
        self.date_field = date_field
        self.text_fields = list(dict.fromkeys(text_fields))
        self.id_field = id_field
        self.name_field = name_field
        self.first_name_field = first_name_field
        self.last_name_field = last_name_field
        self.errors = errors
        self.records = 0
        self.present: set[str] = set()
        self.pending: dict[str, list[InputError]] = {}
        self.seen_paths: dict[str, None] = {}

    def error(self, message: str, offset: int) -> InputError:
        pos = self.document.position(offset)
        return InputError(message, path=self.document.path, line=pos.line, column=pos.column)

    def record(self, obj: Any, start: int) -> Iterator[Unit]:
        """Units of the record whose value starts at document offset ``start``."""
        if not isinstance(obj, dict):
            self.errors.append(self.error(f"record is not a JSON object (got {_type_name(obj)})", start))
            return
        self.records += 1
        text = self.document.text
        line = self.document.position(start).line
        label = self._record_id(obj) or str(line)
        customer = self._customer(obj) or _labelled_customer((_lookup(obj, name) for name in self.text_fields), self.html)
        meta = {"group": group_value(_lookup_text(obj, self.group_field))} if self.group_field else {}
        if self.date_field:
            meta["period"] = period_of(_lookup_text(obj, self.date_field.partition(":")[0]), self.date_field)
        for name in self.text_fields:
            found = _resolve(obj, name.split("."))
            if found is None:
                self._missing(name, self.error(f"record lacks text field '{name}'", start))
                continue
            self._present(name)
            value, keys = found
            if not isinstance(value, str):
                self.errors.append(
                    self.error(f"text field '{name}' is not a string (got {_type_name(value)})", start)
                )
                continue
            if not value:
                continue
            decoded, runs = _scan_string(text, _locate(text, start, keys))
            if decoded != value:
                raise _ScanMismatch(f"{self.document.path}:{line}: field '{name}' decoded differently")
            unit = _field_unit(self.document, value, runs, label, name, customer, self.html, meta)
            if unit is not None:
                yield unit
        if len(self.present) < len(self.text_fields) and len(self.seen_paths) < _MAX_SEEN_FIELDS:
            for path in field_paths(obj):
                self.seen_paths.setdefault(path)

    def finish(self) -> None:
        """Report text fields that no record had (only if there were records)."""
        if not self.records:
            return
        for name in self.text_fields:
            if name not in self.present:
                self.errors.append(
                    InputError(
                        f"no record has field '{name}' (fields seen: {_listing(list(self.seen_paths))})",
                        path=self.document.path,
                    )
                )

    def _missing(self, name: str, error: InputError) -> None:
        if name in self.present:
            self.errors.append(error)
        else:
            self.pending.setdefault(name, []).append(error)

    def _present(self, name: str) -> None:
        if name not in self.present:
            self.present.add(name)
            self.errors.extend(self.pending.pop(name, ()))

    def _record_id(self, obj: Mapping[str, Any]) -> str | None:
        if self.id_field is None:
            return None
        value = _lookup(obj, self.id_field)
        if isinstance(value, str):
            return value or None
        if isinstance(value, _Number):
            return value.literal  # "1.5e3" as written, not 1500.0 (nor "Infinity" for 1e400)
        if isinstance(value, (bool, int, float)):
            return json.dumps(value)
        return None

    def _customer(self, obj: Mapping[str, Any]) -> str | None:
        if self.name_field is not None:
            name = _text_value(obj, self.name_field)
            if name:
                return name
        parts = [
            _text_value(obj, path)
            for path in (self.first_name_field, self.last_name_field)
            if path is not None
        ]
        return " ".join(part for part in parts if part) or None


def _labelled_customer(values: Iterable[Any], html: bool | None) -> str | None:
    """The name a "Customer: ..." label gives in the first text value that has one (HTML read as its text)."""
    for value in values:
        if not isinstance(value, str) or ":" not in value:
            continue
        text = visible_text(value, []) if html or (html is None and looks_like_html(value)) else value
        name = customer_from_text(text, kind="note")
        if name:
            return name
    return None


def _field_unit(
    document: Document,
    value: str,
    runs: tuple[Run, ...],
    record: str,
    name: str,
    customer: str | None,
    html: bool | None,
    meta: Mapping[str, Any] | None = None,
) -> Unit | None:
    """The unit of one non-empty field; HTML becomes visible text (None if none is left).

    A lone surrogate (a JSON escape such as ``\\udc80`` that is half of a pair)
    is no character at all: it becomes U+FFFD, one code point for one, so
    offsets stay exact and nothing downstream has to encode it.
    """
    if _SURROGATE.search(value):
        value = _SURROGATE.sub("\ufffd", value)
    if html or (html is None and looks_like_html(value)):
        references: list[tuple[int, int, int]] = []
        text = visible_text(value, references)
        if not text.strip():
            return None
        if references:  # ("&nbsp;" is one character here: the unit's runs skip the references)
            runs = compose_runs(text_runs(len(text), len(value), references), runs, len(value))
        return Unit(
            document=document,
            text=text,
            record=record,
            field=name,
            customer=customer,
            runs=runs,
            markup="text",
            meta={"html": True, **(meta or {})},
        )
    return Unit(
        document=document,
        text=value,
        record=record,
        field=name,
        customer=customer,
        runs=runs,
        markup="markdown",
        meta=meta or {},
    )


def group_value(value: str | None) -> str:
    """The group a record falls in for ``--group-by`` (missing values group as "(none)")."""
    return value if value else "(none)"


def period_of(value: str | None, spec: str) -> str | None:
    """The trend period of a record for ``--date-field FIELD[:month|:week]``: ``2025-03``
    or ``2025-W10`` (ISO week) from an ISO date; None when the value is no such date."""
    if not value or not re.match(r"\d{4}-\d{2}-\d{2}", value):
        month = value.strip() if value else ""
        if spec.partition(":")[2] in ("", "month") and re.fullmatch(r"\d{4}-(?:0[1-9]|1[0-2])", month):
            return month
        return None
    try:
        date = datetime.date.fromisoformat(value[:10])  # (not "2025-13-45", not "2025-02-30")
    except ValueError:
        return None
    if spec.partition(":")[2] == "week":
        year, week, _ = date.isocalendar()
        return f"{year}-W{week:02d}"
    return value[:7]


def _lookup_text(obj: Mapping[str, Any], spec: str | None) -> str | None:
    """A field's value as text; ``FIELD:month`` cuts an ISO date to ``YYYY-MM``."""
    if not spec:
        return None
    path, _, part = spec.partition(":")
    value = _lookup(obj, path)
    if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
        text = None if value is None or isinstance(value, (dict, list)) else json.dumps(value)
    else:
        text = value.literal if isinstance(value, _Number) else str(value).strip()
    return _date_part(text, part)


def _date_part(text: str | None, part: str) -> str | None:
    if not text or not part:
        return text
    if part == "month" and re.match(r"\d{4}-\d{2}", text):
        return text[:7]
    if part == "year" and re.match(r"\d{4}", text):
        return text[:4]
    if part == "day" and re.match(r"\d{4}-\d{2}-\d{2}", text):
        return text[:10]
    return text


class _Number(float):
    """A JSON number with a fraction or exponent, as ``json.loads`` gives it (``parse_float``),
    remembering how it was written: a record id or group of ``1.5e3`` stays "1.5e3"."""

    literal: str

    def __new__(cls, literal: str) -> "_Number":
        number = super().__new__(cls, literal)
        number.literal = literal
        return number


def _text_value(obj: Mapping[str, Any], path: str) -> str | None:
    value = _lookup(obj, path)
    return value.strip() if isinstance(value, str) else None


# A byte the export's encoding could not decode, kept as a lone surrogate (surrogateescape;
# see humanize_lint.sources.decode): valid text never holds one.
_UNDECODED = lazy("[\udc80-\udcff]")


def _undecoded_error(document: Document, bad: "re.Match[str]", what: str) -> InputError:
    pos = document.position(bad.start())
    byte = ord(bad.group()) - 0xDC00
    return InputError(f"not valid {document.encoding.upper()} (byte 0x{byte:02x}); {what}", path=document.path, line=pos.line, column=pos.column)


def json_value_error(err: ValueError) -> str:
    """What a ValueError from ``json.loads`` that is no JSONDecodeError says, in a few words."""
    if "integer string conversion" in str(err):
        return f"a number of more than {sys.get_int_max_str_digits():,} digits"
    return str(err)


def _decode_error(document: Document, err: ValueError | RecursionError, base: int) -> InputError:
    if isinstance(err, json.JSONDecodeError):
        # (the error's position is ours to give: "Invalid control character at" loses its "at")
        message, offset = re.sub(r"\s+(?:starting\s+)?at$", "", err.msg), base + err.pos
    elif isinstance(err, RecursionError):
        message, offset = "nesting too deep", base
    else:
        message, offset = json_value_error(err), base
    pos = document.position(offset)
    return InputError(f"invalid JSON: {message}", path=document.path, line=pos.line, column=pos.column)


def read_jsonl(
    document: Document | Iterable[Document],
    *,
    text_fields: Sequence[str],
    id_field: str | None,
    name_field: str | None,
    errors: list[HumanizeLintError],
    first_name_field: str | None = None,
    last_name_field: str | None = None,
    html: bool | None = None,
    group_field: str | None = None,
    date_field: str | None = None,
) -> Iterator[Unit]:
    """Yield a unit per non-empty text field of each JSON Lines record.

    ``document`` is one document or a stream of chunk documents (whole lines
    each, see :func:`humanize_lint.sources.open_path`). A record without an id
    is labelled by its 1-based line number. A field with HTML (``html=True``,
    or ``None`` and it looks like HTML) is read as its visible text. Errors
    are appended to ``errors`` as reading goes; the "no record has field"
    errors come once the generator is exhausted.
    """
    reader: _RecordReader | None = None
    for chunk in [document] if isinstance(document, Document) else document:
        if reader is None:
            reader = _RecordReader(
                chunk,
                text_fields=text_fields,
                id_field=id_field,
                name_field=name_field,
                first_name_field=first_name_field,
                last_name_field=last_name_field,
                errors=errors,
                html=html,
                group_field=group_field,
                date_field=date_field,
            )
        reader.document = chunk
        text = chunk.text
        undecoded = _UNDECODED.search(text) is not None  # (almost never: then each line is checked)
        size = len(text)
        pos = 0
        while pos < size:
            newline = text.find("\n", pos)
            end = size if newline < 0 else newline
            line_start, pos = pos, end + 1
            start = _skip_ws(text, line_start)
            if start >= end:
                continue  # blank line
            bad = _UNDECODED.search(text, line_start, end) if undecoded else None
            if bad is not None:
                errors.append(_undecoded_error(chunk, bad, "record skipped"))
                continue
            try:
                obj = json.loads(text[line_start:end], parse_float=_Number)
            except (ValueError, RecursionError) as err:
                errors.append(_decode_error(chunk, err, line_start))
                continue
            yield from reader.record(obj, start)
    if reader is not None:
        reader.finish()


def read_json(
    document: Document,
    *,
    records_key: str | None,
    text_fields: Sequence[str],
    id_field: str | None,
    name_field: str | None,
    errors: list[HumanizeLintError],
    first_name_field: str | None = None,
    last_name_field: str | None = None,
    html: bool | None = None,
    group_field: str | None = None,
    date_field: str | None = None,
) -> Iterator[Unit]:
    """Yield a unit per non-empty text field of each record of a JSON document.

    The document is an array of records, or an object holding that array at
    the dotted path ``records_key``. A record without an id is labelled by the
    line its object starts on.
    """
    text = document.text
    try:
        root = json.loads(text, parse_float=_Number)
    except (ValueError, RecursionError) as err:
        errors.append(_decode_error(document, err, 0))
        return
    start = _skip_ws(text, 0)
    if records_key:
        found = _resolve(root, records_key.split("."))
        if found is None or not isinstance(found[0], list):
            got = "nothing" if found is None else _type_name(found[0])
            errors.append(
                InputError(
                    f"records key '{records_key}' holds {got}, not an array"
                    f" (arrays found: {_listing(_array_paths(root))})",
                    path=document.path,
                )
            )
            return
        records: list[Any] = found[0]
        start = _locate(text, start, found[1])
    elif isinstance(root, list):
        records = root
    else:
        errors.append(
            InputError(
                f"top-level JSON value is {_type_name(root)}, not an array of records;"
                f" set a records key (arrays found: {_listing(_array_paths(root))})",
                path=document.path,
            )
        )
        return
    reader = _RecordReader(
        document,
        text_fields=text_fields,
        id_field=id_field,
        name_field=name_field,
        first_name_field=first_name_field,
        last_name_field=last_name_field,
        errors=errors,
        html=html,
        group_field=group_field,
        date_field=date_field,
    )
    for obj, offset in zip(records, _iter_elements(text, start)):
        yield from reader.record(obj, offset)
    reader.finish()


# --- CSV -------------------------------------------------------------------------------

# A cell as scanned: (start, end, close). ``start``/``end`` bound its raw text
# (quotes included); ``close`` is the offset of the closing quote of a quoted
# cell, -1 for an unquoted one. Text after the closing quote (``"ab"cd``) is
# kept literally, as :func:`csv.reader` does.
_Cell = tuple[int, int, int]

_DELIMITERS = (",", ";", "\t", "|")  # sniffing order; ties go to the earlier one
_SNIFF = lazy(r'"[^"]*"|[,;\t|]|[\r\n]')
_BLANK_LINES = lazy(r"[\r\n]*")
# Excel's first line "sep=;" names the delimiter of the rows after it; it is no header.
_EXCEL_SEP = lazy(r"sep=([^\"\r\n])[ \t]*(?:\r\n|\r|\n|$)")
_UNQUOTED: dict[str, re.Pattern[str]] = {}


class _UnterminatedQuote(Exception):
    """A quoted cell runs to the end of the text; ``offset`` is its opening quote."""

    def __init__(self, offset: int) -> None:
        super().__init__(offset)
        self.offset = offset


def _unquoted(delimiter: str) -> re.Pattern[str]:
    pattern = _UNQUOTED.get(delimiter)
    if pattern is None:
        pattern = _UNQUOTED[delimiter] = re.compile(f"[^{re.escape(delimiter)}\r\n]*")
    return pattern


def sniff_delimiter(text: str, default: str = ",") -> str:
    """The delimiter of the first line of ``text``: the one an Excel ``sep=;`` line names,
    else the commonest of ``, ; TAB |`` outside quotes."""
    counts = dict.fromkeys(_DELIMITERS, 0)
    blank = _BLANK_LINES.match(text)  # skip leading blank lines
    assert blank is not None
    excel = _EXCEL_SEP.match(text, blank.end())
    if excel is not None:
        return excel.group(1)
    for match in _SNIFF.finditer(text, blank.end()):
        token = match.group()
        if token in counts:
            counts[token] += 1
        elif token in ("\r", "\n"):
            break
    best = max(_DELIMITERS, key=lambda d: counts[d])  # max keeps the first of equals
    return best if counts[best] else default


def _scan_csv(text: str, delimiter: str, start: int = 0) -> Iterator[tuple[int, list[_Cell]]]:
    """Yield ``(row_start, cells)`` per row; a blank line is a row without cells.

    Rows end at ``\\r\\n``, ``\\r`` or ``\\n`` outside quotes. Raises
    :class:`_UnterminatedQuote` when a quoted cell never closes.
    """
    if len(delimiter) != 1 or delimiter in '"\r\n':
        raise ValueError(f"bad CSV delimiter {delimiter!r}")
    unquoted = _unquoted(delimiter).match
    find = text.find
    n = len(text)
    i = start
    while i < n:
        row_start = i
        char = text[i]
        if char == "\n" or char == "\r":
            i += 2 if char == "\r" and text.startswith("\n", i + 1) else 1
            yield row_start, []
            continue
        cells: list[_Cell] = []
        while True:
            if i < n and text[i] == '"':
                j = i + 1
                while True:
                    quote = find('"', j)
                    if quote < 0:
                        raise _UnterminatedQuote(i)
                    if text.startswith('"', quote + 1):
                        j = quote + 2
                        continue
                    break
                match = unquoted(text, quote + 1)
                assert match is not None
                cells.append((i, match.end(), quote))
            else:
                match = unquoted(text, i)
                assert match is not None
                cells.append((i, match.end(), -1))
            i = match.end()
            if i < n and text[i] == delimiter:
                i += 1
                continue
            break
        if i < n:  # at a line break
            i += 2 if text[i] == "\r" and text.startswith("\n", i + 1) else 1
        yield row_start, cells


def _cell_text(text: str, cell: _Cell) -> str:
    start, end, close = cell
    if close < 0:
        return text[start:end]
    inner = text[start + 1 : close]
    if '"' in inner:
        inner = inner.replace('""', '"')
    return inner + text[close + 1 : end] if end > close + 1 else inner


def _cell_runs(text: str, cell: _Cell) -> tuple[Run, ...]:
    """Runs of a cell's decoded text; each ``""`` maps its ``"`` to the pair's first quote."""
    start, end, close = cell
    if close < 0:
        return (Run(0, start, end - start),) if end > start else ()
    runs: list[Run] = []
    unit = 0
    j = start + 1
    while True:
        pair = text.find('""', j, close)
        if pair < 0:
            break
        runs.append(Run(unit, j, pair + 1 - j))
        unit += pair + 1 - j
        j = pair + 2
    if close > j or end == close + 1:
        runs.append(Run(unit, j, close - j))  # the end of the text maps to the closing quote
        unit += close - j
    if end > close + 1:
        runs.append(Run(unit, close + 1, end - close - 1))
    return tuple(runs)


def csv_rows(text: str, delimiter: str = ",") -> Iterator[list[str]]:
    """Decoded rows of CSV ``text``, like :func:`csv.reader` (a blank line is ``[]``).

    Raises :class:`ValueError` on a quote that never closes.
    """
    try:
        for _, cells in _scan_csv(text, delimiter):
            yield [_cell_text(text, cell) for cell in cells]
    except _UnterminatedQuote as exc:
        raise ValueError(f"unterminated quoted field at offset {exc.offset}") from None


def _csv_delimiter(document: Document, delimiter: str | None) -> str:
    """The delimiter given, else the one Excel's ``sep=`` line names, else a tab for a
    ``.tsv``/``.tab`` file (compressed or not), else the sniffed one."""
    import os

    from humanize_lint.sources import compression_of

    if delimiter:
        return delimiter
    blank = _BLANK_LINES.match(document.text)
    excel = _EXCEL_SEP.match(document.text, blank.end() if blank else 0)
    if excel is not None:
        return excel.group(1)
    name = document.path.lower()
    if compression_of(name):
        name = os.path.splitext(name)[0]
    if document.format == "tsv" or name.endswith((".tsv", ".tab")):
        return "\t"
    return sniff_delimiter(document.text)


def complete_prefix(text: str, delimiter: str, final: bool) -> int:
    """Length of the leading run of whole CSV rows in ``text`` (a block of a larger file).

    A row is whole once the line break after it is seen outside quotes; the
    rest (a row cut by the block end, a quoted cell still open) waits for the
    next block. With ``final`` everything is whole.
    """
    n = len(text)
    if final:
        return n
    next_start = 0
    try:
        for row_start, cells in _scan_csv(text, delimiter):
            end = cells[-1][1] if cells else row_start
            if end >= n or (text[end] == "\r" and end + 1 >= n):
                return row_start
            next_start = end + (2 if text.startswith("\r\n", end) else 1)
    except _UnterminatedQuote:
        return next_start
    return n


def read_csv(
    document: Document | Iterable[Document],
    *,
    text_fields: Sequence[str],
    id_field: str | None,
    name_field: str | None,
    errors: list[HumanizeLintError],
    first_name_field: str | None = None,
    last_name_field: str | None = None,
    delimiter: str | None = None,
    html: bool | None = None,
    group_field: str | None = None,
    date_field: str | None = None,
) -> Iterator[Unit]:
    """Yield a unit per non-empty text cell of each row of a CSV (or TSV) document.

    ``document`` is one document or a stream of chunk documents of whole rows
    (see :func:`humanize_lint.sources.open_path`). The first non-blank row is
    the header (after an Excel ``sep=;`` line, which names the delimiter);
    fields are column names (matched with surrounding spaces trimmed; the
    first of duplicate names wins, with a note). A row without an id is
    labelled by its 1-based data row number (blank lines not counted). A row
    whose field count differs from the header's is reported at its line,
    column 1, and skipped; an unterminated quote is reported where it opened
    and ends the reading. Rows are scanned lazily.
    """
    header: list[str] | None = None
    sep_line_read = False  # (Excel's "sep=;" line before the header)
    columns: dict[str, int] = {}
    count = 0
    delim = delimiter
    path = ""
    group_path, _, group_part = (group_field or "").partition(":")
    for document in [document] if isinstance(document, Document) else document:
        text = document.text
        path = document.path
        undecoded = _UNDECODED.search(text) is not None  # (almost never: then each row is checked)
        nul = "\0" in text  # (a NUL byte past the first line: its row is invalid, as a JSON Lines record is)
        if delim is None:
            if not text.strip():
                continue  # only blank lines so far: the delimiter is sniffed from the first row
            delim = _csv_delimiter(document, None)

        def error(message: str, offset: int, column: int | None = None, document: Document = document) -> InputError:
            pos = document.position(offset)
            return InputError(message, path=document.path, line=pos.line, column=column or pos.column)

        try:
            for row_start, cells in _scan_csv(text, delim):
                if not cells:
                    continue
                if header is None:
                    if not sep_line_read and _EXCEL_SEP.match(text, row_start):
                        sep_line_read = True
                        continue  # Excel's "sep=;": the delimiter, not the header
                    header = [_cell_text(text, cell).strip() for cell in cells]
                    for index, name in enumerate(header):
                        if name and columns.setdefault(name, index) != index:
                            pos = document.position(cells[index][0])
                            errors.append(
                                InputNote(f"note: column '{name}' is in the header twice (columns {columns[name] + 1} and {index + 1}); the first is read",
                                          path=document.path, line=pos.line, column=pos.column)
                            )
                    continue
                if len(cells) == 1 and len(header) > 1 and not _cell_text(text, cells[0]).strip():
                    continue  # a line holding only spaces
                count += 1
                bad = _UNDECODED.search(text, row_start, cells[-1][1]) if undecoded else None
                if bad is not None:
                    errors.append(_undecoded_error(document, bad, "row skipped"))
                    continue
                at = text.find("\0", row_start, cells[-1][1]) if nul else -1
                if at >= 0:
                    errors.append(error("a NUL byte in the row; row skipped", at))
                    continue
                if len(cells) != len(header):
                    errors.append(
                        error(
                            f"row has {len(cells)} field{'s' if len(cells) != 1 else ''}, the header has"
                            f" {len(header)}; row skipped",
                            row_start,
                            1,
                        )
                    )
                    continue
                label = _csv_value(text, cells, columns, id_field) or str(count)
                customer = _csv_customer(text, cells, columns, name_field, first_name_field, last_name_field) or _labelled_customer(
                    (_cell_text(text, cells[columns[name]]) for name in dict.fromkeys(text_fields) if name in columns), html
                )
                meta = {"group": group_value(_date_part(_csv_value(text, cells, columns, group_path), group_part))} if group_field else None
                if date_field:
                    meta = {**(meta or {}), "period": period_of(_csv_value(text, cells, columns, date_field.partition(":")[0]), date_field)}
                for name in dict.fromkeys(text_fields):
                    column = columns.get(name)
                    if column is None:
                        continue
                    cell = cells[column]
                    value = _cell_text(text, cell)
                    if not value:
                        continue
                    # How a fix must be written into this cell (humanize_lint.containers).
                    quoted = cell[2] >= 0
                    tail = len(text[cell[0] + 1 : cell[2]].replace('""', '"')) if quoted and cell[1] > cell[2] + 1 else None
                    cell_meta = {**(meta or {}), "csv": (quoted, tail, delim)}
                    unit = _field_unit(document, value, _cell_runs(text, cell), label, name, customer, html, cell_meta)
                    if unit is not None:
                        yield unit
        except _UnterminatedQuote as exc:
            errors.append(error("unterminated quoted field: the quote opened here never closes; rest of file skipped", exc.offset))
            break
    if header is None or not count:
        return
    for name in dict.fromkeys(text_fields):
        if name not in columns:
            errors.append(
                InputError(
                    f"no record has field '{name}' (fields seen: {_listing(list(columns))})",
                    path=path,
                )
            )


def _csv_value(text: str, cells: list[_Cell], columns: Mapping[str, int], name: str | None) -> str | None:
    if name is None:
        return None
    index = columns.get(name)
    if index is None:
        return None
    return _cell_text(text, cells[index]).strip() or None


def _csv_customer(
    text: str,
    cells: list[_Cell],
    columns: Mapping[str, int],
    name_field: str | None,
    first_name_field: str | None,
    last_name_field: str | None,
) -> str | None:
    name = _csv_value(text, cells, columns, name_field)
    if name:
        return name
    parts = [_csv_value(text, cells, columns, path) for path in (first_name_field, last_name_field)]
    return " ".join(part for part in parts if part) or None

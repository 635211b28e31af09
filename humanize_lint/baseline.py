"""Baselines: record today's findings, then report only new ones.

This module owns the baseline file (``--write-baseline FILE`` /
``--baseline FILE``). It does no NLP and knows nothing of the CLI.

A finding is identified by a *fingerprint* that survives lines moving but
not the sentence being edited:

- ``rule``: the rule code;
- ``path``: the file, relative to the baseline file's directory, with ``/``
  separators (so the baseline works whatever the current directory is, and
  whether the file was reached as ``docs/a.md``, ``./docs/a.md`` or by an
  absolute path); paths outside that directory are kept as ``../`` paths,
  and ``<stdin>`` stays as it is;
- ``record`` and ``field``: the record id and field for exports (``null``
  for plain files);
- ``text``: the matched text, exactly;
- ``context``: up to :data:`CONTEXT_WORDS` words before and after the match,
  the match included, taken from the finding's *unit* text (the file, or the
  record field's value) within the same paragraph (a blank line ends it),
  with whitespace collapsed and case folded. No line or column is stored.

Identical fingerprints are counted: a baseline entry with ``"count": 2``
absorbs two identical findings, and a third is reported as new. Among
identical findings, the first ones (in the order given) are the baselined
ones.

File format (version 1), sorted and with a trailing newline::

    {
      "humanize-lint-baseline": 1,
      "findings": [
        {"rule": "HL101", "path": "docs/a.md", "record": null, "field": null,
         "text": "The renewal", "context": "the renewal called and is upset", "count": 1}
      ]
    }
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, NamedTuple, Union

from .lazyre import lazy
from .files import write_text
from .model import ConfigError, Finding

__all__ = ["CONTEXT_WORDS", "MARKER", "VERSION", "Baseline", "Entry", "context", "load", "write"]

MARKER = "humanize-lint-baseline"
VERSION = 1
CONTEXT_WORDS = 4

UnitText = Union[str, Callable[[Finding], str]]

_PARAGRAPH_BREAK = lazy(r"\n[ \t\r]*\n|\r[ \t]*\r")


class Entry(NamedTuple):
    """One fingerprint (without its count)."""

    rule: str
    path: str
    record: str | None
    field: str | None
    text: str
    context: str

    def sort_key(self) -> tuple[str, ...]:
        return (self.path, self.record or "", self.field or "", self.rule, self.text, self.context)


def context(unit_text: str, start: int, end: int, words: int = CONTEXT_WORDS) -> str:
    """The normalised context of ``unit_text[start:end]``: a few words either side, same paragraph."""
    lo = 0
    for m in _PARAGRAPH_BREAK.finditer(unit_text, 0, start):
        lo = m.end()
    hi = len(unit_text)
    m = _PARAGRAPH_BREAK.search(unit_text, end)
    if m is not None:
        hi = m.start()
    before = unit_text[lo:start].split()[-words:] if words else []
    after = unit_text[end:hi].split()[:words] if words else []
    # A word cut by the match ("re" + "newal") stays glued to it.
    glue_left = start > lo and not unit_text[start - 1].isspace()
    glue_right = end < hi and not unit_text[end].isspace()
    middle = " ".join(unit_text[start:end].split())
    if glue_left and before:
        middle = before.pop() + middle
    if glue_right and after:
        middle = middle + after.pop(0)
    joined = " ".join([*before, middle, *after])
    return unicodedata.normalize("NFC", joined).casefold()


def _unit_text_of(unit_text: UnitText) -> Callable[[Finding], str]:
    if isinstance(unit_text, str):
        return lambda _f: unit_text
    return unit_text


def _rel_path(path: str, base_dir: str) -> str:
    """``path`` relative to ``base_dir``, POSIX; pseudo-paths such as ``<stdin>`` unchanged."""
    if path.startswith("<") and path.endswith(">"):
        return path
    try:
        rel = os.path.relpath(os.path.abspath(path), base_dir)
    except ValueError:  # another drive on Windows
        rel = os.path.abspath(path)
    return rel.replace(os.sep, "/")


def _entry(f: Finding, text_of: Callable[[Finding], str], base_dir: str) -> Entry:
    unit = text_of(f)
    if unit[f.start : f.end] != f.text:
        raise ValueError(
            f"baseline: the unit text given for {f.path}:{f.start_pos.line}:{f.start_pos.column} does not hold "
            f"{f.text!r} at {f.start}:{f.end}; pass the unit's text (Unit.text), not the document's"
        )
    return Entry(f.rule.code, _rel_path(f.path, base_dir), f.record, f.field, f.text, context(unit, f.start, f.end))


def _base_dir(path: Path) -> str:
    return os.path.dirname(os.path.abspath(path))


def write(path: Path, findings: Iterable[Finding], unit_text: UnitText) -> int:
    """Write a baseline of ``findings`` to ``path`` atomically; returns the number of findings recorded.

    ``unit_text(finding)`` returns the text of the unit the finding came from
    (``Unit.text``: the file's text, or the record field's value), or pass one
    string when every finding comes from one unit. The file is written to a
    temporary file in the same directory and moved over ``path``; on failure
    nothing is left behind and :class:`ConfigError` is raised.
    """
    path = Path(path)
    base = _base_dir(path)
    text_of = _unit_text_of(unit_text)
    counts = Counter(_entry(f, text_of, base) for f in findings)
    entries = [
        {"rule": e.rule, "path": e.path, "record": e.record, "field": e.field, "text": e.text, "context": e.context, "count": n}
        for e, n in sorted(counts.items(), key=lambda item: item[0].sort_key())
    ]
    data = json.dumps({MARKER: VERSION, "findings": entries}, indent=2, ensure_ascii=False) + "\n"
    try:
        write_text(path, data)
    except OSError as exc:
        raise ConfigError(f"cannot write baseline: {exc.strerror or exc}", str(path)) from None
    return sum(counts.values())


@dataclass
class Baseline:
    """A loaded baseline: fingerprints with the counts not yet matched in this run."""

    path: Path
    counts: Counter[Entry] = field(default_factory=Counter)
    _remaining: Counter[Entry] = field(default_factory=Counter, init=False, repr=False)

    def __post_init__(self) -> None:
        self._remaining = Counter(self.counts)

    def __len__(self) -> int:
        """Number of findings recorded (counts summed)."""
        return sum(self.counts.values())

    def filter(self, findings: Iterable[Finding], unit_text: UnitText) -> list[Finding]:
        """The findings that are not in the baseline (new ones), in their order.

        Each match uses up one count of its entry, for the whole run: call it
        once with all findings or once per unit, but not twice for the same
        findings. ``unit_text`` is as for :func:`write`.
        """
        base = _base_dir(self.path)
        text_of = _unit_text_of(unit_text)
        new: list[Finding] = []
        for f in findings:
            entry = _entry(f, text_of, base)
            if self._remaining[entry] > 0:
                self._remaining[entry] -= 1
            else:
                new.append(f)
        return new

    def new_ones(self, findings: Iterable[Finding], unit_text: UnitText) -> list[Finding]:
        """The findings ``filter`` would return, without using up any count (``--fix`` fixes
        only these: a baselined finding is left as it is, as a suppressed one is)."""
        saved = Counter(self._remaining)
        try:
            return self.filter(findings, unit_text)
        finally:
            self._remaining = saved

    def unmatched(self) -> list[tuple[Entry, int]]:
        """Baseline entries (with how many) that no finding matched so far: fixed, or not linted in this run."""
        return sorted(((e, n) for e, n in self._remaining.items() if n > 0), key=lambda item: item[0].sort_key())


def _fail(path: Path, message: str, line: int | None = None, column: int | None = None) -> ConfigError:
    return ConfigError(message, str(path), line, column)


_FIELDS: dict[str, tuple[type, ...]] = {
    "rule": (str,),
    "path": (str,),
    "record": (str, type(None)),
    "field": (str, type(None)),
    "text": (str,),
    "context": (str,),
}


def load(path: Path) -> Baseline:
    """Read a baseline file; :class:`ConfigError` (one line, with the path) when it is unusable."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise _fail(path, "baseline file not found (create it with --write-baseline)") from None
    except IsADirectoryError:
        raise _fail(path, "baseline is a directory, not a file") from None
    except OSError as exc:
        raise _fail(path, f"cannot read baseline: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _fail(path, f"not a humanize-lint baseline: not UTF-8 text (byte {exc.start})") from None
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _fail(path, f"not a humanize-lint baseline: invalid JSON: {exc.msg}", exc.lineno, exc.colno) from None
    except RecursionError:
        raise _fail(path, "not a humanize-lint baseline: invalid JSON: nesting too deep") from None
    except ValueError as exc:
        from .sources.records import json_value_error

        raise _fail(path, f"not a humanize-lint baseline: invalid JSON: {json_value_error(exc)}") from None
    if not isinstance(data, dict) or MARKER not in data:
        raise _fail(path, f"not a humanize-lint baseline (no \"{MARKER}\" key); write one with --write-baseline")
    version = data[MARKER]
    if version != VERSION or isinstance(version, bool):
        raise _fail(path, f"unsupported humanize-lint baseline version {json.dumps(version)} (this version reads {VERSION}); rewrite it with --write-baseline")
    items = data.get("findings")
    if not isinstance(items, list):
        raise _fail(path, "invalid humanize-lint baseline: \"findings\" must be a list")
    counts: Counter[Entry] = Counter()
    for i, item in enumerate(items):
        where = f"invalid humanize-lint baseline: findings[{i}]"
        if not isinstance(item, dict):
            raise _fail(path, f"{where} must be an object")
        values = {}
        for key, types in _FIELDS.items():
            value = item.get(key)
            if key not in item and type(None) not in types:
                raise _fail(path, f"{where} has no \"{key}\"")
            if not isinstance(value, types):
                kind = "a string or null" if type(None) in types else "a string"
                raise _fail(path, f"{where}: \"{key}\" must be {kind}")
            values[key] = value
        count = item.get("count", 1)
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise _fail(path, f"{where}: \"count\" must be a positive integer")
        counts[Entry(**values)] += count
    return Baseline(path, counts)

"""Data types shared by every stage: documents, units, segments, rules, findings.

This module owns the shapes of the data that flows one way through the tool
(source -> Segment -> engine -> Finding -> reporter) and the error family.
It does no I/O and imports nothing heavy.

Offsets are Python ``str`` indices (code points), end-exclusive. Lines and
columns are 1-based; a column counts code points (a tab is one column) and a
``\\r\\n`` pair is one line break.
"""

from __future__ import annotations

import bisect
import enum
import re
from collections import Counter
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any, Iterable, Mapping
from .lazyre import lazy


# Control characters (C0, DEL, C1), line and paragraph separators, the bidirectional
# formatting characters that reorder what a terminal shows (U+202A-E, U+2066-9), and lone
# surrogates (a mail file's bytes that are not UTF-8, a JSON escape), which no terminal shows.
_CONTROL = lazy(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def visible(text: str) -> str:
    """``text`` with each control character (``_CONTROL``) shown as U+FFFD: same length, so a
    caret under a source line stays under its span, and no escape sequence reaches a terminal."""
    return _CONTROL.sub("\ufffd", text) if _CONTROL.search(text) else text


def one_line(text: str) -> str:
    """``text`` with line breaks and other control characters escaped (``\\n``, ``\\x00``): one line, always."""
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(lambda m: {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(m.group(), f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256 else f"\\u{ord(m.group()):04x}"), text)


class HumanizeLintError(Exception):
    """A user-caused error: printed as one line ``path:line:col: message``, exit 2.

    ``str()`` is always one line: control characters in the path or the
    message (a field name with a newline, a file name with a tab) are escaped.
    """

    def __init__(
        self,
        message: str,
        path: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.column = column

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = self.path
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        return one_line(where + self.message)


class ConfigError(HumanizeLintError):
    """A bad configuration file or option."""


class RuleError(HumanizeLintError):
    """A bad rule file."""


class InputError(HumanizeLintError):
    """A bad input file or record; collected so the other inputs are still linted."""


class ModelError(HumanizeLintError):
    """No usable spaCy pipeline."""


class InputNote(InputError):
    """Something about the input worth a line on stderr that is not an error (a skipped FIFO,
    a truncated mail header): reported as a notice, not counted, no exit 2."""


def internal_error(exc: BaseException, path: str | None = None, line: int | None = None, column: int | None = None, what: str = "") -> InputError:
    """An unexpected exception while reading or linting one file or record, as a one-line input error.

    The run goes on with the next file or record; the exit code is 2.
    """
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    where = f" {what}" if what else ""
    return InputError(f"internal error{where}: {type(exc).__name__}{': ' + detail if detail else ''} (please report)", path, line, column)


class Severity(enum.IntEnum):
    """How serious a finding is; ordered so that ``>=`` compares seriousness."""

    SUGGESTION = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, value: str) -> "Severity":
        """Return the severity named by ``value`` (case-insensitive)."""
        return cls[value.strip().upper()]

    @property
    def label(self) -> str:
        """Lower-case name as written in YAML and reports."""
        return self.name.lower()


def line_starts_of(text: str) -> tuple[int, ...]:
    """Offsets at which each line of ``text`` starts (``\\n``, ``\\r\\n`` and lone ``\\r`` end lines)."""
    if "\r" in text:
        # Rewrite "\r\n" as " \n" and a lone "\r" as "\n": offsets and line
        # starts stay the same, and only "\n" is left to look for (in C).
        text = text.replace("\r\n", " \n").replace("\r", "\n")
    return (0, *[m.end() for m in re.finditer("\n", text)])


@dataclass(frozen=True, slots=True)
class Position:
    """A 1-based line and column in a file."""

    line: int
    column: int


@dataclass(frozen=True)
class Document:
    """A decoded input file. ``text`` has the BOM removed and newlines untouched."""

    path: str
    text: str
    encoding: str = "utf-8"
    bom: bool = False
    newline: str = "\n"
    format: str = "text"
    line_starts: tuple[int, ...] = dc_field(default=(), repr=False, compare=False)
    # A large export is read as a stream of chunk documents, each a run of
    # whole records: ``first_line`` is the file line ``text`` starts on and
    # ``bytes_read`` how far into the file the reader has got (for progress).
    first_line: int = 1
    bytes_read: int = 0
    # The column ``text`` starts at on its first line (a unit sent to a worker on its own).
    first_column: int = 1

    def __post_init__(self) -> None:
        if not self.line_starts:
            object.__setattr__(self, "line_starts", line_starts_of(self.text))

    def position(self, offset: int) -> Position:
        """Line and column (1-based, code points) of a document offset."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self.line_starts, offset) - 1
        return Position(line + self.first_line, offset - self.line_starts[line] + (self.first_column if line == 0 else 1))

    def line_text(self, line: int) -> str | None:
        """The text of file line ``line`` without its line break, if this document holds it."""
        i = line - self.first_line
        if not 0 <= i < len(self.line_starts):
            return None
        a = self.line_starts[i]
        b = self.line_starts[i + 1] if i + 1 < len(self.line_starts) else len(self.text)
        return self.text[a:b].rstrip("\r\n")


@dataclass(frozen=True, slots=True)
class Run:
    """A stretch where unit text equals document text character for character."""

    unit_start: int
    doc_start: int
    length: int


def compose_runs(inner: list[tuple[int, int, int]], outer: tuple[Run, ...], value_length: int) -> tuple[Run, ...]:
    """Runs from a unit's text to the document: ``inner`` maps the text to a source value
    (a record field's, a mail body's; ``html.text_runs``), ``outer`` the value to the
    document (none: the value is where the document's text is)."""
    spans = outer or (Run(0, 0, value_length),)
    out: list[Run] = []
    for t0, v0, length in inner:
        v1 = v0 + length
        for r in spans:
            a, b = max(v0, r.unit_start), min(v1, r.unit_start + r.length)
            if a < b:
                out.append(Run(t0 + a - v0, r.doc_start + a - r.unit_start, b - a))
    return tuple(out)


@dataclass(frozen=True)
class Unit:
    """One text linted as a whole: a file's text, or one field of one record.

    Acronym definitions and the customer's name are scoped to a unit.
    ``runs`` map unit offsets to document offsets; an empty tuple means the
    unit is the document's text itself (identity). Characters between runs
    (an escape such as ``\\n`` in a JSON string) map to the start of the
    source construct that produced them.
    """

    document: Document
    text: str
    record: str | None = None
    field: str | None = None
    customer: str | None = None
    runs: tuple[Run, ...] = ()
    markup: str = "text"  # how sources split it into segments: text | markdown
    meta: Mapping[str, Any] = dc_field(default_factory=dict)
    _keys: tuple[int, ...] = dc_field(default=(), repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.runs and not self._keys:
            object.__setattr__(self, "_keys", tuple(r.unit_start for r in self.runs))

    def for_worker(self) -> "Unit":
        """This unit as a worker process gets it (``worker_state``, then ``from_worker_state``)."""
        return Unit.from_worker_state(self.worker_state())

    def worker_state(self) -> tuple[Any, ...]:
        """What a worker process needs of this unit, as plain values (cheap to send): its
        text, which becomes its own document keeping the path, format and where the unit
        starts (for an error about the unit), and the record's fields. Findings made from
        it carry unit offsets only right: the sender places them in the real document
        again (``engine.locate``)."""
        doc = self.document
        start = doc.position(self.to_doc(0))
        return (doc.path, self.text, doc.encoding, doc.bom, doc.newline, doc.format, start.line, start.column,
                self.record, self.field, self.customer, self.markup, self.meta)

    @classmethod
    def from_worker_state(cls, state: tuple[Any, ...]) -> "Unit":
        """The unit a worker lints, from ``worker_state``."""
        path, text, encoding, bom, newline, fmt, line, column, record, field, customer, markup, meta = state
        # Built field by field, without the frozen dataclasses' __init__ (a worker builds
        # one of each per record): the same objects, nothing left for __post_init__ to fill.
        light = object.__new__(Document)
        light.__dict__.update(path=path, text=text, encoding=encoding, bom=bom, newline=newline, format=fmt, line_starts=(0,), first_line=line, bytes_read=0, first_column=column)
        unit = object.__new__(cls)
        unit.__dict__.update(document=light, text=text, record=record, field=field, customer=customer, runs=(), markup=markup, meta=meta, _keys=())
        return unit

    def to_doc(self, offset: int) -> int:
        """Map a unit offset to a document offset."""
        if not self.runs:
            return offset
        i = bisect.bisect_right(self._keys, offset) - 1
        if i < 0:
            return self.runs[0].doc_start
        run = self.runs[i]
        delta = offset - run.unit_start
        if delta <= run.length:
            return run.doc_start + delta
        # Inside an escape between runs: point at the escape's start.
        return run.doc_start + run.length

    def to_doc_end(self, end: int) -> int:
        """Map the end of a span (the unit offset just after its last character) to a document
        offset: just after that character in the document, or after the whole escape when the
        character was written as one (``\\u004d`` in a JSON string), where the next run starts."""
        if not self.runs or end <= 0:
            return self.to_doc(end)
        i = bisect.bisect_right(self._keys, end - 1) - 1
        if i >= 0:
            run = self.runs[i]
            if end - 1 - run.unit_start < run.length:
                return run.doc_start + end - run.unit_start  # a literal character
            if i + 1 < len(self.runs) and self.runs[i + 1].unit_start == end:
                return self.runs[i + 1].doc_start  # an escape, which ends where the next run starts
        return self.to_doc(end - 1) + 1


@dataclass(frozen=True)
class Segment:
    """A block of a unit (paragraph, heading, list item, table row) handed to NLP.

    ``text`` has exactly the length of ``unit.text[start:start + len(text)]``:
    markup the source removed (Markdown emphasis, link targets, code) is
    replaced by spaces, so offset ``i`` in the segment is unit offset
    ``start + i``. ``masks`` are segment-relative spans kept for parsing but
    never flagged.
    """

    unit: Unit
    start: int
    text: str
    masks: tuple[tuple[int, int], ...] = ()
    kind: str = "paragraph"


@dataclass(frozen=True)
class Rule:
    """A compiled rule: metadata plus the options of its kind."""

    code: str
    name: str
    category: str
    severity: Severity
    kind: str
    summary: str
    why: str
    message: str
    link: str | None
    options: Mapping[str, Any]
    suggest: Mapping[str, Any]
    examples: Mapping[str, tuple[str, ...]]  # plain text, for docs
    origin: tuple[str, int]
    supersedes: tuple[str, ...] = ()
    enabled: bool = True
    # The examples as tests: (kind, text, expected spans, expected evidence or None).
    example_cases: tuple[tuple[str, str, tuple[str, ...], str | None], ...] = ()


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``Document.text[start:end]`` by ``replacement`` (document offsets)."""

    start: int
    end: int
    replacement: str


@dataclass(frozen=True)
class Finding:
    """One problem found in one unit."""

    rule: Rule
    path: str
    record: str | None
    field: str | None
    start: int  # unit offset
    end: int
    doc_start: int
    doc_end: int
    start_pos: Position
    end_pos: Position
    text: str
    message: str
    suggestions: tuple[str, ...]
    severity: Severity
    fix: Edit | None = None  # set when the rule's replacement is unambiguous and the span maps 1:1 to the file
    # Why it was flagged (person rules): evidence type, reason, words, support, WordNet class.
    explanation: Mapping[str, Any] | None = None

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        """Stable output order: path, line, column, rule code."""
        return (self.path, self.start_pos.line, self.start_pos.column, self.rule.code)


_DIGITS = lazy(r"\d{3,}")
MAX_PHRASES = 20000  # distinct phrases remembered for the summary's top list
MAX_KEPT_ERRORS = 1000  # input errors kept for the report; the rest are only counted


def _phrase_key(text: str) -> str:
    """How a matched text is counted among top phrases: "Acct 4471-22" -> "acct <n>-22"."""
    key = _DIGITS.sub("<n>", " ".join(text.split()))
    if key[:1].isupper() and (key[1:2].islower() or key[1:2] == " "):
        key = key[0].lower() + key[1:]
    return key


@dataclass
class GroupStats:
    """Counts for one ``--group-by`` value (or one ``--date-field`` period)."""

    records: int = 0
    findings: int = 0
    by_category: Counter[str] = dc_field(default_factory=Counter)
    flagged: int = 0  # records with at least one finding


@dataclass
class PeriodStats(GroupStats):
    """Counts for one ``--date-field`` period (month or week), and per group within it."""

    group_records: Counter[str] = dc_field(default_factory=Counter)
    group_findings: Counter[str] = dc_field(default_factory=Counter)


@dataclass
class Summary:
    """Counts a support lead reads: by rule and category, top phrases, per group, skipped input."""

    by_rule: Counter[str] = dc_field(default_factory=Counter)
    by_category: Counter[str] = dc_field(default_factory=Counter)
    by_severity: Counter[str] = dc_field(default_factory=Counter)
    phrases: Counter[str] = dc_field(default_factory=Counter)
    groups: dict[str, GroupStats] = dc_field(default_factory=dict)
    periods: dict[str, PeriodStats] = dc_field(default_factory=dict)
    skipped: Counter[str] = dc_field(default_factory=Counter)
    findings: int = 0
    fixed: int = 0
    # Records (files, for plain text) with at least one finding: in all, and by category.
    flagged: int = 0
    flagged_by_category: Counter[str] = dc_field(default_factory=Counter)

    def add_record(self, group: str | None, period: str | None = None) -> None:
        """Count one record (in its group, when grouping; in its period, with a date field)."""
        if group is not None:
            self.groups.setdefault(group, GroupStats()).records += 1
        if period is not None:
            stats = self.periods.setdefault(period, PeriodStats())
            stats.records += 1
            if group is not None:
                stats.group_records[group] += 1

    def add_finding(self, f: "Finding", group: str | None, period: str | None = None) -> None:
        """Count one reported finding."""
        self.findings += 1
        self.by_rule[f.rule.name] += 1
        self.by_category[f.rule.category] += 1
        self.by_severity[f.severity.label] += 1
        key = _phrase_key(f.text)
        if key in self.phrases or len(self.phrases) < MAX_PHRASES:
            self.phrases[key] += 1
        if group is not None:
            stats = self.groups.setdefault(group, GroupStats())
            stats.findings += 1
            stats.by_category[f.rule.category] += 1
        if period is not None:
            pstats = self.periods.setdefault(period, PeriodStats())
            pstats.findings += 1
            pstats.by_category[f.rule.category] += 1
            if group is not None:
                pstats.group_findings[group] += 1

    def add_flagged(self, categories: Iterable[str], group: str | None, period: str | None = None) -> None:
        """Count one record (or file) that has findings, of these categories."""
        self.flagged += 1
        self.flagged_by_category.update(set(categories))
        if group is not None:
            self.groups.setdefault(group, GroupStats()).flagged += 1
        if period is not None:
            self.periods.setdefault(period, PeriodStats()).flagged += 1


@dataclass
class Report:
    """Everything one run produced that reporters need at the end.

    Findings stream to the reporter as they are found; ``findings`` only
    holds them for reporters that need them all at once (SARIF).
    """

    findings: list[Finding] = dc_field(default_factory=list)
    errors: list[HumanizeLintError] = dc_field(default_factory=list)
    notices: list[str] = dc_field(default_factory=list)
    rules: dict[str, Rule] = dc_field(default_factory=dict)
    summary: Summary = dc_field(default_factory=Summary)
    files: int = 0
    records: int = 0
    error_count: int = 0  # input errors, kept or not
    failing_count: int = 0  # findings at or above their config's failing severity
    interrupted: str | None = None  # the signal that stopped the run early ("SIGINT", "SIGTERM")

    def add_error(self, error: HumanizeLintError) -> None:
        """Keep an input error (up to MAX_KEPT_ERRORS) and count it."""
        self.error_count += 1
        if len(self.errors) < MAX_KEPT_ERRORS:
            self.errors.append(error)

    @property
    def exit_code(self) -> int:
        """2 on input errors, else 1 on failing findings, else 0."""
        if self.error_count or self.errors or self.interrupted:
            return 2
        return 1 if self.failing_count else 0

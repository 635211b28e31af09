"""Reporters: format findings. Nothing else in the tool formats findings.

Findings stream: the runner calls ``add(findings, lines)`` once per file (or
chunk of a large export) as soon as they are known, and ``finish(report)``
at the end, so memory stays flat however many findings there are. A format
that needs everything at once (SARIF) collects. ``REPORTERS`` maps a
``--format`` name to a reporter class. ``json`` is a versioned contract
(documented in the README) that ``shared/eval/score.py`` and editors read.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from typing import Any, Mapping, Sequence, TextIO

from .model import Finding, GroupStats, Report, Rule, Severity, Summary, one_line, visible

JSON_VERSION = 1
TOP_PHRASES = 10

# Source lines of the findings, by (path, line): the text, or for a very long line a
# LongLine that points into the document without copying it.
Lines = Mapping[tuple[str, int], "str | LongLine"]

# Lines longer than this are shown as a window around the finding ("…" where cut).
LONG_LINE = 160
CONTEXT_BEFORE = 60
CONTEXT_AFTER = 60
MAX_SPAN_SHOWN = 80


class LongLine:
    """A long source line, not copied: ``text[start:end]`` of the document (line break excluded)."""

    __slots__ = ("text", "start", "end")

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text, self.start, self.end = text, start, end

    def __len__(self) -> int:
        return self.end - self.start

    def slice(self, a: int, b: int) -> str:
        """Characters ``[a, b)`` of the line."""
        a, b = max(0, a), min(len(self), b)
        return self.text[self.start + a : self.start + b] if b > a else ""


def rule_markdown(r: Rule) -> str:
    """A rule explained, as Markdown: what ``humanize-lint rule CODE`` prints and the
    language server shows on hover."""
    lines = [f"# {r.code} {r.name}", "", f"{r.summary}", ""]
    lines += [f"Category: {r.category}    Severity: {r.severity.label}    Kind: {r.kind}", f"Defined in: {r.origin[0]}:{r.origin[1]}"]
    if r.link:
        lines.append(f"More: {r.link}")
    if r.why:
        lines += ["", "## Why", "", r.why]
    for kind, title in (("flag", "Flagged"), ("pass", "Not flagged")):
        cases = [c for c in r.example_cases if c[0] == kind]
        if cases:
            lines += ["", f"## {title}", ""]
            for _, text, spans, evidence in cases:
                note = ", ".join(f"'{s}'" for s in spans)
                if evidence:
                    note += f" ({evidence})"
                lines.append(f"- {text}" + (f"  -> {note}" if note else ""))
    return "\n".join(lines)


def summary_dict(report: Report) -> dict[str, Any]:
    """The summary carried by JSON output (and printed by ``--summary``)."""
    s = report.summary
    out: dict[str, Any] = {
        "findings": s.findings,
        "files": report.files,
        "records": report.records,
        "errors": report.error_count,
        "by_rule": dict(sorted(s.by_rule.items())),
        "by_category": dict(sorted(s.by_category.items())),
        "by_severity": dict(sorted(s.by_severity.items())),
        "top_phrases": [{"text": t, "count": n} for t, n in _top(s.phrases, TOP_PHRASES)],
        "skipped": dict(sorted(s.skipped.items())),
    }
    if s.flagged:
        out["with_findings"] = {"total": s.flagged, "by_category": dict(sorted(s.flagged_by_category.items()))}
    if report.interrupted:
        out["interrupted"] = True
    if s.fixed:
        out["fixed"] = s.fixed
    if s.groups:
        out["groups"] = {g: _stats_dict(st) for g, st in sorted(s.groups.items())}
    if s.periods:
        out["periods"] = {p: _stats_dict(st) for p, st in sorted(s.periods.items())}
    return out


def _stats_dict(st: GroupStats) -> dict[str, Any]:
    """One group's (or period's) counts in the JSON summary."""
    return {
        "records": st.records,
        "findings": st.findings,
        "per_100_records": round(100 * st.findings / st.records, 1) if st.records else None,
        "by_category": dict(sorted(st.by_category.items())),
    }


def _top(counter: Counter[str], n: int) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


class Reporter:
    """Base reporter: ``add`` per batch of findings, ``finish`` once."""

    collect = False  # True: the runner keeps every finding in ``report.findings``
    wants_units = False  # True: ``add`` also gets ``units``, id(finding) -> the Unit it was found in
    quiet = False  # no closing line

    def __init__(self, out: TextIO, *, show_summary: bool = False) -> None:
        self.out = out
        self.show_summary = show_summary

    def add(self, findings: Sequence[Finding], lines: Lines) -> None:
        """Report some findings (sorted, of one file or chunk)."""

    def finish(self, report: Report) -> None:
        """Write whatever comes after the findings."""


def finding_dict(f: Finding) -> dict[str, Any]:
    """The JSON shape of one finding (report contract version 1)."""
    return {
        "path": f.path,
        "record": f.record,
        "field": f.field,
        "rule": f.rule.name,
        "code": f.rule.code,
        "category": f.rule.category,
        "severity": f.severity.label,
        "message": f.message,
        "text": f.text,
        "offset": {"start": f.start, "end": f.end},
        "line": f.start_pos.line,
        "column": f.start_pos.column,
        "end_line": f.end_pos.line,
        "end_column": f.end_pos.column,
        "suggestions": list(f.suggestions),
        "why": dict(f.explanation) if f.explanation else None,
    }


_encode_string = json.encoder.encode_basestring  # the C encoder's, for ensure_ascii=False


def dumps_indented(value: Any, prefix: str = "") -> str:
    """``json.dumps(value, ensure_ascii=False, indent=2)`` with every line after the first
    indented by ``prefix`` too, for the JSON types a report holds (dict with string keys,
    list, tuple, str, int, float, bool, None): the same bytes, several times faster than
    the pure-Python encoder ``json.dumps`` falls back to when asked to indent."""
    t = type(value)
    if t is str:
        return _encode_string(value)
    if value is None:
        return "null"
    if t is dict:
        if not value:
            return "{}"
        inner = prefix + "  "
        parts = []
        for k, v in value.items():
            if type(k) is not str:
                return _dumps(value, prefix)
            tv = type(v)
            parts.append(_key(k) + (_encode_string(v) if tv is str else "null" if v is None else int.__repr__(v) if tv is int else dumps_indented(v, inner)))
        return "{\n" + inner + (",\n" + inner).join(parts) + "\n" + prefix + "}"
    if t is list or t is tuple:
        if not value:
            return "[]"
        inner = prefix + "  "
        return "[\n" + inner + (",\n" + inner).join(dumps_indented(v, inner) for v in value) + "\n" + prefix + "]"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if t is int:
        return int.__repr__(value)
    return _dumps(value, prefix)  # floats, subclasses and the rest: json's own


def _dumps(value: Any, prefix: str) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + prefix)


_KEYS: dict[str, str] = {}


def _key(k: str) -> str:
    """A dict key as written: encoded once ('"path": ')."""
    got = _KEYS.get(k)
    if got is None:
        got = _encode_string(k) + ": "
        if len(_KEYS) < 1000:
            _KEYS[k] = got
    return got


class JsonReporter(Reporter):
    """``{"version": 1, "findings": [...], "errors": [...], "summary": {...}}``, written as it goes."""

    def __init__(self, out: TextIO, *, show_summary: bool = False) -> None:
        super().__init__(out, show_summary=show_summary)
        self.count = 0
        out.write('{\n  "version": %d,\n  "findings": [' % JSON_VERSION)

    def add(self, findings: Sequence[Finding], lines: Lines) -> None:
        for f in findings:
            body = dumps_indented(finding_dict(f), "    ")
            self.out.write(("," if self.count else "") + "\n    " + body)
            self.count += 1

    def finish(self, report: Report) -> None:
        errors = [{"path": e.path, "line": e.line, "column": e.column, "message": e.message} for e in report.errors]
        tail = {"errors": errors, "summary": summary_dict(report)}
        body = json.dumps(tail, ensure_ascii=False, indent=2)
        self.out.write(("\n  ]," if self.count else "],") + "\n" + body[2:] + "\n")


class ConciseReporter(Reporter):
    """``path:line:col: severity: CODE [name] message``, one line per finding (the
    compiler shape that Vim's errorformat, Emacs' compilation mode and VS Code's
    ``$gcc`` matcher read as they are)."""

    def add(self, findings: Sequence[Finding], lines: Lines) -> None:
        for f in findings:
            rec = f" (record {f.record})" if f.record is not None else ""
            msg = " ".join(f.message.split())  # a match across a line break stays on one line
            # (one line per finding, and no escape sequence from the input reaches a terminal)
            self.out.write(one_line(f"{f.path}:{f.start_pos.line}:{f.start_pos.column}: {f.severity.label}: {f.rule.code} [{f.rule.name}] {msg}{rec}") + "\n")

    def finish(self, report: Report) -> None:
        if self.show_summary:
            TextReporter(self.out, show_summary=True, only_summary=True).finish(report)


def _gh_escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_escape_prop(s: str) -> str:
    return _gh_escape_data(s).replace(":", "%3A").replace(",", "%2C")


class GithubReporter(Reporter):
    """GitHub Actions workflow commands (``::warning file=...::message``)."""

    level = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.SUGGESTION: "notice"}

    def add(self, findings: Sequence[Finding], lines: Lines) -> None:
        for f in findings:
            props = [f"file={_gh_escape_prop(f.path)}", f"line={f.start_pos.line}"]
            if f.start_pos.line == f.end_pos.line:
                props += [f"col={f.start_pos.column}", f"endColumn={f.end_pos.column}"]
            else:
                props.append(f"endLine={f.end_pos.line}")
            props.append(f"title={_gh_escape_prop(f'{f.rule.code} {f.rule.name}')}")
            self.out.write(f"::{self.level[f.severity]} {','.join(props)}::{_gh_escape_data(f.message)}\n")


class SarifReporter(Reporter):
    """SARIF 2.1.0 (code scanning); built in ``humanize_lint.sarif`` from all findings."""

    collect = True

    def finish(self, report: Report) -> None:
        from .sarif import report_sarif

        report_sarif(report, self.out)


class HtmlReporter(Reporter):
    """The coaching report: one self-contained HTML page with charts (``humanize_lint.htmlreport``).

    Needs the ``report`` extra (vl-convert-python renders the charts); without it,
    constructing the reporter is a one-line error, before anything is linted.
    """

    wants_units = True

    def __init__(self, out: TextIO, *, show_summary: bool = False) -> None:
        super().__init__(out, show_summary=show_summary)
        from .htmlreport import HtmlReport

        self.page = HtmlReport(out)

    @property
    def redact(self) -> bool:
        """``--redact``: customer names, e-mail addresses and phone numbers replaced."""
        return self.page.redact

    @redact.setter
    def redact(self, value: bool) -> None:
        self.page.redact = value

    def add(self, findings: Sequence[Finding], lines: Lines, units: Mapping[int, Any] | None = None) -> None:
        self.page.add(findings, units)

    def finish(self, report: Report) -> None:
        self.page.write(report)


class TextReporter(Reporter):
    """Human output: location, severity, rule, message, suggestion, the line with the span marked."""

    colours = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.SUGGESTION: "cyan"}

    def __init__(self, out: TextIO, *, show_summary: bool = False, only_summary: bool = False) -> None:
        super().__init__(out, show_summary=show_summary or only_summary)
        # NO_COLOR (no-color.org) turns off every escape sequence, bold and underline too, as ruff does.
        self.no_color = bool(os.environ.get("NO_COLOR"))
        # Styles only reach a terminal (or FORCE_COLOR); anything else gets plain
        # lines written directly, without importing rich (pre-commit, editors, pipes).
        try:
            tty = out.isatty()
        except (AttributeError, ValueError):
            tty = False
        self._tty = tty
        self.styled = not self.no_color and (tty or bool(os.environ.get("FORCE_COLOR")))
        self._console: Any = None
        self.only_summary = only_summary
        self.explain = False  # check --explain: a "why" line under each finding
        self.counts: Counter[str] = Counter()

    @property
    def console(self) -> Any:
        """A rich console on ``out`` (created on first use: tables, styled lines)."""
        if self._console is None:
            from rich.console import Console

            plain = self.no_color
            # A terminal: fit its width. Anything else (a pipe, a file): as wide as
            # the content, so that a table row is one line and no name wraps.
            width = None if self._tty else 100_000
            self._console = Console(file=self.out, highlight=False, soft_wrap=True, width=width, no_color=plain or None, **({"color_system": None} if plain else {}))
        return self._console

    def _line(self, *parts: tuple[str, str | None]) -> None:
        """One output line from (text, style) parts. Control characters from the input (an
        escape sequence, a line break in a record id) are escaped: one line, nothing a
        terminal would act on (the source line's are made visible before, see ``add``)."""
        parts = tuple((one_line(text), style) for text, style in parts)
        if not self.styled:
            # What rich prints for unstyled text: control codes it strips removed.
            self.out.write("".join(text for text, _ in parts).translate(_RICH_STRIPPED) + "\n")
            return
        from rich.text import Text

        line = Text()
        for text, style in parts:
            line.append(text, style=style)
        self.console.print(line)

    def add(self, findings: Sequence[Finding], lines: Lines) -> None:
        for f in findings:
            self.counts[f.severity.label] += 1
            if self.only_summary:
                continue
            colour = self.colours[f.severity]
            head: list[tuple[str, str | None]] = [
                (f"{f.path}:{f.start_pos.line}:{f.start_pos.column}", "bold"),
                (": ", None),
                (f.severity.label, colour),
                (f" {f.rule.code} ", "dim"),
                (f"[{f.rule.name}] ", "magenta"),
                (" ".join(f.message.split()), None),
            ]
            if f.record is not None:
                head.append((f"  (record {f.record}{', field ' + f.field if f.field else ''})", "dim"))
            self._line(*head)
            src = _source_line(lines.get((f.path, f.start_pos.line)), f)
            if src is not None:
                line_text, col0, width = src
                line_text = visible(line_text)  # (same length: the caret stays under the span)
                number = str(f.start_pos.line)
                gutter = " " * len(number)
                self._line((f"  {number} | ", "dim"), (line_text[:col0], None), (line_text[col0 : col0 + width], "bold underline"), (line_text[col0 + width :], None))
                self._line((f"  {gutter} | " + " " * _display_width(line_text[:col0]) + "^" * max(1, _display_width(line_text[col0 : col0 + width])), colour))
            if f.suggestions:
                self._line((f"  help: {f.suggestions[0]}" + (f"  (or: {', '.join(f.suggestions[1:])})" if len(f.suggestions) > 1 else ""), "green"))
            if self.explain and f.explanation:
                from .explain import describe

                self._line((f"  why: {describe(f.explanation)}", "dim"))

    def finish(self, report: Report) -> None:
        if self.show_summary:
            self._summary_tables(report)
        if self.only_summary or self.quiet:
            return
        n = sum(self.counts.values())
        files = f"{report.files} file{'s' if report.files != 1 else ''}"
        records = f", {report.records} record{'s' if report.records != 1 else ''}" if report.records else ""
        fixed = report.summary.fixed
        fixed_note = f"Fixed {fixed} problem{'s' if fixed != 1 else ''}. " if fixed else ""
        if n or report.error_count:
            detail = ", ".join(f"{self.counts[s]} {s}" + ("s" if self.counts[s] != 1 else "") for s in ("error", "warning", "suggestion") if self.counts[s])
            line = fixed_note + f"Found {n} problem{'s' if n != 1 else ''}" + (f" ({detail})" if detail else "") + f" in {files}{records}"
            if report.error_count:
                line += f"; {report.error_count} input error{'s' if report.error_count != 1 else ''}"
            self._line((line + ".", "bold"))
        else:
            self._line((fixed_note + f"All clear: no problems in {files}{records}.", None))

    def _summary_tables(self, report: Report) -> None:
        from rich.table import Table

        s: Summary = report.summary
        console = self.console
        data = summary_dict(report)
        t = Table(title="Findings by rule", title_justify="left", box=None, show_edge=False)
        t.add_column("rule", no_wrap=True)
        t.add_column("category", no_wrap=True)
        t.add_column("findings", justify="right")
        cats = {r.name: r.category for r in report.rules.values()}
        for name, n in _top(s.by_rule, 1000):
            t.add_row(name, cats.get(name, ""), str(n))
        console.print(t)
        t = Table(title="Findings by category", title_justify="left", box=None, show_edge=False)
        t.add_column("category")
        t.add_column("findings", justify="right")
        if report.records:
            t.add_column("per 100 records", justify="right")
        for cat, n in _top(s.by_category, 1000):
            t.add_row(cat, str(n), *([f"{100 * n / report.records:.1f}"] if report.records else []))
        console.print(t)
        if s.phrases:
            t = Table(title=f"Top {min(TOP_PHRASES, len(s.phrases))} phrases", title_justify="left", box=None, show_edge=False)
            t.add_column("phrase")
            t.add_column("count", justify="right")
            for phrase, n in _top(s.phrases, TOP_PHRASES):
                t.add_row(one_line(phrase), str(n))
            console.print(t)
        if s.groups:
            t = Table(title="By group", title_justify="left", box=None, show_edge=False)
            categories = sorted({c for st in s.groups.values() for c in st.by_category})
            t.add_column("group", no_wrap=True)  # a narrow terminal cuts it with "…", never mid-word onto two lines
            t.add_column("records", justify="right")
            t.add_column("findings", justify="right")
            t.add_column("per 100 records", justify="right")
            for c in categories:
                t.add_column(c, justify="right")
            for g, row in data["groups"].items():
                per = row["per_100_records"]
                t.add_row(one_line(g), str(row["records"]), str(row["findings"]), "-" if per is None else f"{per:.1f}", *[str(row["by_category"].get(c, 0)) for c in categories])
            console.print(t)
        if s.skipped:
            t = Table(title="Skipped input", title_justify="left", box=None, show_edge=False)
            t.add_column("reason")
            t.add_column("count", justify="right")
            for reason, n in _top(s.skipped, 1000):
                t.add_row(reason, str(n))
            console.print(t)


class StatisticsReporter(Reporter):
    """``--statistics``: how many findings each rule raised, most first, instead of the
    findings (ruff's shape: count, code, ``[*]`` when some have a fix, name); a JSON
    list with ``--output-format json``."""

    def __init__(self, out: TextIO, *, show_summary: bool = False, as_json: bool = False) -> None:
        super().__init__(out, show_summary=show_summary)
        self.as_json = as_json
        self.counts: Counter[tuple[str, str]] = Counter()
        self.fixable: Counter[tuple[str, str]] = Counter()

    def add(self, findings: Sequence[Finding], lines: Lines) -> None:
        for f in findings:
            key = (f.rule.code, f.rule.name)
            self.counts[key] += 1
            if f.fix is not None:
                self.fixable[key] += 1

    def finish(self, report: Report) -> None:
        rows = sorted(self.counts.items(), key=lambda kv: (-kv[1], kv[0][0]))
        if self.as_json:
            data = [{"code": c, "name": n, "count": k, "fixable": self.fixable[(c, n)]} for (c, n), k in rows]
            self.out.write(json.dumps(data, indent=2) + "\n")
            return
        width = max((len(str(k)) for _, k in rows), default=1)
        code_width = max((len(c) for (c, _), _ in rows), default=1)
        any_fix = any(self.fixable.values())
        for (code, name), k in rows:
            mark = ("[*] " if self.fixable[(code, name)] else "[ ] ") if any_fix else ""
            self.out.write(f"{k:>{width}}\t{code:<{code_width}}\t{mark}{name}\n")


class SummaryReporter(TextReporter):
    """``--format summary``: only the summary tables."""

    def __init__(self, out: TextIO, *, show_summary: bool = True) -> None:
        super().__init__(out, show_summary=True, only_summary=True)


# Control characters rich.text.Text drops (bell, backspace, vertical tab, form feed, CR).
_RICH_STRIPPED = {7: None, 8: None, 11: None, 12: None, 13: None}


def _display_width(s: str) -> int:
    from rich.cells import cell_len

    return cell_len(s.replace("\t", " "))


def _source_line(raw: "str | LongLine | None", f: Finding) -> tuple[str, int, int] | None:
    """The line to show under a finding, the span's start in it and its width.

    A line longer than ``LONG_LINE`` is cut to a window around the span
    (ruff's way), marked with "…", so output grows with the findings, not
    with the line: a 50 MB one-line file prints a few hundred characters.
    """
    if raw is None:
        return None
    col0 = f.start_pos.column - 1
    length = len(raw)
    span = (f.end_pos.column - 1 - col0) if f.end_pos.line == f.start_pos.line else length - col0
    span = max(1, span)
    if length <= LONG_LINE:
        line = (raw if isinstance(raw, str) else raw.slice(0, length)).replace("\t", " ")
        return line, col0, span
    a = max(0, col0 - CONTEXT_BEFORE)
    shown_span = min(span, MAX_SPAN_SHOWN)
    b = min(length, col0 + shown_span + CONTEXT_AFTER)
    piece = raw[a:b] if isinstance(raw, str) else raw.slice(a, b)
    prefix = "…" if a > 0 else ""
    suffix = "…" if b < length else ""
    return (prefix + piece + suffix).replace("\t", " "), len(prefix) + col0 - a, shown_span


REPORTERS: dict[str, type[Reporter]] = {
    "text": TextReporter,
    "concise": ConciseReporter,
    "json": JsonReporter,
    "github": GithubReporter,
    "sarif": SarifReporter,
    "summary": SummaryReporter,
    "html": HtmlReporter,
}

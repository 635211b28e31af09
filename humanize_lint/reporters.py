"""Reporters: format a Report. Nothing else in the tool formats findings.

Each reporter is ``(report, stream) -> None`` registered in ``REPORTERS``.
``json`` is a versioned contract (documented in the README) that
``shared/eval/score.py`` and editors read.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from typing import Any, Callable, TextIO

from .model import Finding, Report, Severity

JSON_VERSION = 1


def _summary(report: Report) -> dict[str, Any]:
    by_rule = Counter(f.rule.name for f in report.findings)
    by_cat = Counter(f.rule.category for f in report.findings)
    by_sev = Counter(f.severity.label for f in report.findings)
    return {
        "findings": len(report.findings),
        "files": report.files,
        "records": report.records,
        "errors": len(report.errors),
        "by_rule": dict(sorted(by_rule.items())),
        "by_category": dict(sorted(by_cat.items())),
        "by_severity": dict(sorted(by_sev.items())),
    }


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
    }


def report_json(report: Report, out: TextIO) -> None:
    """``{"version": 1, "findings": [...], "errors": [...], "summary": {...}}``."""
    data = {
        "version": JSON_VERSION,
        "findings": [finding_dict(f) for f in report.findings],
        "errors": [
            {"path": e.path, "line": e.line, "column": e.column, "message": e.message} for e in report.errors
        ],
        "summary": _summary(report),
    }
    json.dump(data, out, ensure_ascii=False, indent=2)
    out.write("\n")


def report_concise(report: Report, out: TextIO) -> None:
    """``path:line:col: CODE [name] message``, one line per finding."""
    for f in report.findings:
        rec = f" (record {f.record})" if f.record is not None else ""
        out.write(f"{f.path}:{f.start_pos.line}:{f.start_pos.column}: {f.rule.code} [{f.rule.name}] {f.message}{rec}\n")


def _gh_escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_escape_prop(s: str) -> str:
    return _gh_escape_data(s).replace(":", "%3A").replace(",", "%2C")


def report_github(report: Report, out: TextIO) -> None:
    """GitHub Actions workflow commands (``::warning file=...::message``)."""
    level = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.SUGGESTION: "notice"}
    for f in report.findings:
        props = [f"file={_gh_escape_prop(f.path)}", f"line={f.start_pos.line}"]
        if f.start_pos.line == f.end_pos.line:
            props += [f"col={f.start_pos.column}", f"endColumn={f.end_pos.column}"]
        else:
            props.append(f"endLine={f.end_pos.line}")
        props.append(f"title={_gh_escape_prop(f'{f.rule.code} {f.rule.name}')}")
        out.write(f"::{level[f.severity]} {','.join(props)}::{_gh_escape_data(f.message)}\n")


def report_text(report: Report, out: TextIO) -> None:
    """Human output: location, severity, rule, message, suggestion, the line with the span marked."""
    from rich.console import Console
    from rich.text import Text

    # NO_COLOR (no-color.org) turns off every escape sequence, bold and underline too, as ruff does.
    plain = bool(os.environ.get("NO_COLOR"))
    console = Console(file=out, highlight=False, soft_wrap=True, no_color=plain or None, **({"color_system": None} if plain else {}))
    colours = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.SUGGESTION: "cyan"}
    for f in report.findings:
        head = Text()
        head.append(f"{f.path}:{f.start_pos.line}:{f.start_pos.column}", style="bold")
        head.append(": ")
        head.append(f.severity.label, style=colours[f.severity])
        head.append(f" {f.rule.code} ", style="dim")
        head.append(f"[{f.rule.name}] ", style="magenta")
        head.append(f.message)
        if f.record is not None:
            head.append(f"  (record {f.record}{', field ' + f.field if f.field else ''})", style="dim")
        console.print(head)
        src = _source_line(report, f)
        if src is not None:
            line_text, col0, width = src
            number = str(f.start_pos.line)
            gutter = " " * len(number)
            body = Text(f"  {number} | ", style="dim")
            body.append(line_text[:col0])
            body.append(line_text[col0 : col0 + width], style="bold underline")
            body.append(line_text[col0 + width :])
            console.print(body)
            console.print(Text(f"  {gutter} | " + " " * _display_width(line_text[:col0]) + "^" * max(1, _display_width(line_text[col0 : col0 + width])), style=colours[f.severity]))
        if f.suggestions:
            console.print(Text(f"  help: {f.suggestions[0]}" + (f"  (or: {', '.join(f.suggestions[1:])})" if len(f.suggestions) > 1 else ""), style="green"))
    n = len(report.findings)
    if n or report.errors:
        counts = Counter(f.severity.label for f in report.findings)
        detail = ", ".join(f"{counts[s]} {s}" + ("s" if counts[s] != 1 else "") for s in ("error", "warning", "suggestion") if counts[s])
        summary = f"Found {n} problem{'s' if n != 1 else ''}" + (f" ({detail})" if detail else "")
        summary += f" in {report.files} file{'s' if report.files != 1 else ''}"
        if report.records:
            summary += f", {report.records} record{'s' if report.records != 1 else ''}"
        if report.errors:
            summary += f"; {len(report.errors)} input error{'s' if len(report.errors) != 1 else ''}"
        console.print(Text(summary + ".", style="bold"))
    else:
        console.print(Text(f"All clear: no problems in {report.files} file{'s' if report.files != 1 else ''}" + (f", {report.records} records" if report.records else "") + "."))


def _display_width(s: str) -> int:
    from rich.cells import cell_len

    return cell_len(s.replace("\t", " "))


def _source_line(report: Report, f: Finding) -> tuple[str, int, int] | None:
    raw = report.source_lines.get((f.path, f.start_pos.line))
    if raw is None:
        return None
    line = raw.replace("\t", " ")
    col0 = f.start_pos.column - 1
    width = (f.end_pos.column - 1 - col0) if f.end_pos.line == f.start_pos.line else len(line) - col0
    return line, col0, max(1, width)


def report_sarif(report: Report, out: TextIO) -> None:
    """SARIF 2.1.0 (code scanning); built in ``humanize_lint.sarif``."""
    from .sarif import report_sarif as build

    build(report, out)


REPORTERS: dict[str, Callable[[Report, TextIO], None]] = {
    "text": report_text,
    "sarif": report_sarif,
    "concise": report_concise,
    "json": report_json,
    "github": report_github,
}

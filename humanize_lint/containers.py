"""Fixes escaped for the container their text sits in.

A finding's fix replaces file text, and a replacement is plain text: a
customer's name such as ``Maria "Mia" Garcia``. Inside a JSON string it must
be written as JSON (``\\"``), inside a quoted CSV cell with doubled quotes,
inside HTML with entities, in a mail header as ASCII. This module owns that
translation, and drops the fix where no faithful replacement exists (a quote
or delimiter in an unquoted CSV cell, non-ASCII text in a mail header or in a
message that is not UTF-8), so that a SARIF client applying ``fixes`` never corrupts
the file. Plain-text and Markdown files take the replacement as it is. It
does no I/O and knows nothing about rules.
"""

from __future__ import annotations

import html
import json
from dataclasses import replace

from .model import Edit, Finding, Unit

_RECORD_FORMATS = ("json", "jsonl", "csv")
_MAIL_FORMATS = ("eml", "mbox")


def escaped_replacement(text: str, unit: Unit, start: int, end: int) -> str | None:
    """``text`` written for the container of ``unit`` at unit offsets ``[start, end)``; None if it cannot be."""
    fmt = unit.document.format
    if fmt == "html":
        return html.escape(text, quote=False)
    if fmt not in _RECORD_FORMATS and fmt not in _MAIL_FORMATS:
        return text
    if unit.meta.get("html"):
        text = html.escape(text, quote=False)
    if fmt in ("json", "jsonl"):
        return json.dumps(text, ensure_ascii=False)[1:-1]
    if fmt == "csv":
        cell = unit.meta.get("csv")
        if not cell:
            return None
        quoted, tail, delimiter = cell
        if quoted and (tail is None or end <= tail):
            return text.replace('"', '""')
        if any(c in text for c in (delimiter, '"', "\r", "\n")):
            return None  # an unquoted cell cannot hold these without quoting the whole cell
        return text
    # Mail: a header needs encoded words for anything but ASCII, and a body takes other
    # characters only when its part is UTF-8 and written in the file as it is (not
    # quoted-printable or base64, whose text is not the file's).
    if not text.isascii() and (unit.field == "subject" or unit.meta.get("written_in") != "utf-8"):
        return None
    if any(c in text for c in "\r\n"):
        return None
    return text


def needs_escaping(fmt: str) -> bool:
    """Whether fixes in a document of format ``fmt`` must go through ``escape_fix``
    (everything but plain text and Markdown)."""
    return fmt not in ("text", "markdown")


def escape_fix(finding: Finding, unit: Unit) -> Finding:
    """``finding`` with its fix's replacement escaped for the container, or without a fix."""
    fix = finding.fix
    if fix is None:
        return finding
    text = escaped_replacement(fix.replacement, unit, finding.start, finding.end)
    if text is None:
        return replace(finding, fix=None)
    if text == fix.replacement:
        return finding
    return replace(finding, fix=Edit(fix.start, fix.end, text))

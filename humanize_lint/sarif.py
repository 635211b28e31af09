"""SARIF 2.1.0 output (``--format sarif``), for GitHub code scanning and SARIF viewers.

One log, one run. ``tool.driver.rules`` lists every rule that was active
(``Report.rules``), sorted by code; each result points at its rule with
``ruleId`` and ``ruleIndex``.

Locations: ``artifactLocation.uri`` is the path as reported, as a
percent-encoded URI reference. A relative path is relative to the directory
humanize-lint ran in (``uriBaseId: %SRCROOT%``; no ``originalUriBaseIds``, so
the output does not depend on the machine). An absolute path becomes a
``file://`` URI. Regions use our 1-based lines and columns; columns count
code points, so the run says ``columnKind: unicodeCodePoints`` (SARIF's default
is UTF-16 code units), and a lone CR ends a line as it does for us
(``newlineSequences``). The end column is exclusive in both.

The output is deterministic: same report, same bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import PurePath
from typing import Any, TextIO
from urllib.parse import quote

from . import __version__
from .model import Finding, HumanizeLintError, Position, Report, Rule, Severity

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
TOOL_NAME = "humanize-lint"
INFORMATION_URI = "https://github.com/humanize-lint/humanize-lint"
SRCROOT = "%SRCROOT%"
# Key of result.partialFingerprints; bump the version if the hashed fields change.
FINGERPRINT_KEY = "humanizeLintFindingHash/v1"

LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.SUGGESTION: "note"}


def report_sarif(report: Report, out: TextIO) -> None:
    """Write ``report`` to ``out`` as a SARIF 2.1.0 log (indented JSON, trailing newline)."""
    json.dump(sarif_log(report), out, ensure_ascii=False, indent=2)
    out.write("\n")


def sarif_log(report: Report) -> dict[str, Any]:
    """The SARIF log of ``report`` as plain JSON data."""
    rules = sorted(report.rules.values(), key=lambda r: r.code)
    known = {r.code for r in rules}
    for f in report.findings:  # defensive: a finding's rule is always listed
        if f.rule.code not in known:
            known.add(f.rule.code)
            rules.append(f.rule)
    index = {r.code: i for i, r in enumerate(rules)}

    seen: dict[str, int] = {}
    results = []
    for f in sorted(report.findings, key=lambda f: f.sort_key):
        key = _fingerprint(f)
        seen[key] = seen.get(key, 0) + 1
        results.append(_result(f, index[f.rule.code], f"{key}:{seen[key]}"))

    # ``error_count`` also counts the input errors a very long run did not keep.
    error_count = max(len(report.errors), getattr(report, "error_count", 0))
    invocation: dict[str, Any] = {"executionSuccessful": error_count == 0 and not report.interrupted}
    errors = sorted(report.errors, key=lambda e: (e.path or "", e.line or 0, e.column or 0))
    notifications = [_error_notification(e) for e in errors]
    if error_count > len(report.errors):
        more = error_count - len(report.errors)
        notifications.append({"level": "error", "message": {"text": f"{more} more input error{'s' if more != 1 else ''} not listed"}})
    notifications += [_notice_notification(n) for n in report.notices]
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    invocation["properties"] = {"files": report.files, "records": report.records}
    if report.interrupted:
        invocation["properties"]["interrupted"] = True
        invocation["exitSignalName"] = report.interrupted

    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": TOOL_NAME,
                "version": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [_rule(r) for r in rules],
            }
        },
        "invocations": [invocation],
        "columnKind": "unicodeCodePoints",
        # Line breaks as model.line_starts_of counts them; SARIF's default lacks a lone CR.
        "newlineSequences": ["\r\n", "\n", "\r"],
        "results": results,
    }
    return {"$schema": SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


def artifact_location(path: str) -> dict[str, str]:
    """``{"uri", "uriBaseId"}`` for a reported path: relative POSIX and percent-encoded, or ``file://``."""
    p = PurePath(path)
    if p.is_absolute():
        try:
            return {"uri": p.as_uri()}
        except UnicodeEncodeError:  # a name with bytes that are not UTF-8: percent-encode the bytes
            return {"uri": "file://" + quote(os.fsencode(p.as_posix()), safe="/")}
    posix = p.as_posix()
    # Everything but "/" is escaped, so a ':' in the first segment cannot read as a scheme.
    # (A file name's bytes that are not UTF-8 came in as surrogate escapes: the bytes are encoded.)
    uri = quote(os.fsencode(posix), safe="/")
    if posix.startswith("/"):  # Windows "\\dir\\file": rooted but without a drive
        return {"uri": uri}
    return {"uri": uri, "uriBaseId": SRCROOT}


def _region(start: Position, end: Position) -> dict[str, Any]:
    return {"startLine": start.line, "startColumn": start.column, "endLine": end.line, "endColumn": end.column}


def _result(f: Finding, rule_index: int, fingerprint: str) -> dict[str, Any]:
    location = artifact_location(f.path)
    region = _region(f.start_pos, f.end_pos)
    # The snippet is the file's text in the region. The matched text is that
    # text unless the span went through escapes (a JSON "\n", an HTML entity),
    # which change its length; then there is no snippet rather than a wrong one.
    if f.doc_end - f.doc_start == len(f.text):
        region["snippet"] = {"text": f.text}
    result: dict[str, Any] = {
        "ruleId": f.rule.code,
        "ruleIndex": rule_index,
        "level": LEVELS[f.severity],
        "message": {"text": f.message},
        "locations": [{"physicalLocation": {"artifactLocation": location, "region": region}}],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
    }
    fix = f.fix
    # A fix is only emitted for the finding's own span, whose positions we have.
    if fix is not None and (fix.start, fix.end) == (f.doc_start, f.doc_end):
        result["fixes"] = [
            {
                "description": {"text": f"Replace '{f.text}' with '{fix.replacement}'"},
                "artifactChanges": [
                    {
                        "artifactLocation": dict(location),
                        "replacements": [
                            {
                                "deletedRegion": _region(f.start_pos, f.end_pos),
                                "insertedContent": {"text": fix.replacement},
                            }
                        ],
                    }
                ],
            }
        ]
    props: dict[str, Any] = {"suggestions": list(f.suggestions)}
    if f.explanation:
        props["why"] = dict(f.explanation)
    if f.record is not None:
        props["record"] = f.record
    if f.field is not None:
        props["field"] = f.field
    result["properties"] = props
    return result


def _fingerprint(f: Finding) -> str:
    """Hash of what identifies a finding across runs: rule, file, matched text, record, field.

    Line numbers are left out so that an edit above a finding does not make it
    a new alert; identical findings in one file are told apart by a ``:N``
    occurrence suffix.
    """
    parts = [f.rule.code, PurePath(f.path).as_posix(), f.text, f.record or "", f.field or ""]
    return hashlib.sha256("\x00".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _rule(r: Rule) -> dict[str, Any]:
    d: dict[str, Any] = {"id": r.code, "name": r.name}
    if r.summary:
        d["shortDescription"] = {"text": r.summary.strip()}
    why = _unwrap(r.why or "")
    if why:
        d["fullDescription"] = {"text": why}
    if r.link:
        d["helpUri"] = r.link
    help_md = _help_markdown(r)
    if help_md:
        d["help"] = {"text": why or r.summary.strip(), "markdown": help_md}
    d["defaultConfiguration"] = {"level": LEVELS[r.severity]}
    d["properties"] = {"category": r.category, "tags": [r.category]}
    return d


def _unwrap(text: str) -> str:
    """YAML-wrapped prose as one line per paragraph (viewers wrap it themselves)."""
    paragraphs = re.split(r"\n[ \t]*\n", text.strip())
    return "\n\n".join(" ".join(p.split()) for p in paragraphs if p.strip())


def _help_markdown(r: Rule) -> str:
    parts = [p for p in (r.summary.strip(), _unwrap(r.why or "")) if p]
    flag, ok = r.examples.get("flag", ()), r.examples.get("pass", ())
    if flag:
        parts.append("Flagged:\n\n" + "\n".join(f"- {e}" for e in flag))
    if ok:
        parts.append("Not flagged:\n\n" + "\n".join(f"- {e}" for e in ok))
    if r.link:
        parts.append(f"More: <{r.link}>")
    return "\n\n".join(parts)


def _error_notification(e: HumanizeLintError) -> dict[str, Any]:
    n: dict[str, Any] = {"level": "error", "message": {"text": e.message}}
    if e.path is not None:
        physical: dict[str, Any] = {"artifactLocation": artifact_location(e.path)}
        if e.line is not None and e.line >= 1:
            region: dict[str, Any] = {"startLine": e.line}
            if e.column is not None and e.column >= 1:
                region["startColumn"] = e.column
            physical["region"] = region
        n["locations"] = [{"physicalLocation": physical}]
    return n


def _notice_notification(text: str) -> dict[str, Any]:
    level = "warning" if text.startswith("warning:") else "note"
    return {"level": level, "message": {"text": text}}

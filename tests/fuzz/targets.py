"""Fuzz targets and their invariants, shared by the short pytest run and the long run (run.py).

Inputs are mutations of real seeds (the files in examples/, the built-in rule
files, and small hand-written samples of each format), so most of them are
almost valid: deep nesting, long lines, broken quotes, stray escapes, bad
bytes, YAML tags and aliases. Every target checks the invariants of issue 13:

- nothing escapes but the documented input errors (``InputError`` for
  readers, ``RuleError`` for rule files), and every error is one line with a
  position where the format has one;
- each segment maps back to its unit character for character (markup may be
  blanked to spaces, nothing else changes), each unit's runs to the
  document, and each finding to the file position it reports;
- ``--fix`` changes nothing outside the fixed spans.

A target never decides that something is "slow": hangs are caught by the
caller (run.py's watchdog, or pytest's subprocess and hypothesis deadlines).
"""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any, Callable

from humanize_lint import fix, rulepack, sources
from humanize_lint.model import Finding, HumanizeLintError, InputError, RuleError, Unit

REPO = Path(__file__).resolve().parent.parent.parent

READER_FORMATS = ("text", "markdown", "html", "jsonl", "json", "csv", "eml", "mbox")
_EXT = {"text": ".txt", "markdown": ".md", "html": ".html", "jsonl": ".jsonl", "json": ".json", "csv": ".csv", "eml": ".eml", "mbox": ".mbox"}

_SAMPLES: dict[str, list[bytes]] = {
    "text": [
        b"The renewal called again about the QBR.\nAcct 4471-22 is upset.\n\nI apologized to the escalation.\n",
        b"Note: the renewal phoned twice. See https://example.com/x?y=(1).\r\n\r\n#88213 rang back at 9am.\r\n",
    ],
    "markdown": [
        b"---\ntitle: x\n---\n# The renewal called\n\n> - the renewal is upset\n>   about the `QBR`\n\n```\nThe renewal called.\n```\n\n"
        b"| a | b |\n|---|---|\n| The renewal called | [x](http://e.x) |\n\n1. **Acct 4471-22** phoned\n   - [ ] the escalation\n\n"
        b"<div>\nThe renewal <b>called</b>.\n</div>\n\nText[^1].\n\n[^1]: The renewal called.\n\n[ref]: /url\n",
        b"- ```\n  The renewal called.\n  ```\n\n```\n> ```\nThe renewal called.\n```\n\n    indented code\n\nSetext\n===\n",
    ],
    "html": [
        b"<!DOCTYPE html><html><head><title>The renewal called</title><style>p{}</style></head><body>\n"
        b"<h1>Notes</h1><p>The&nbsp;renewal called &amp; left.<br>Acct 4471-22 is upset about the QBR.</p>\n"
        b"<pre>The renewal called.</pre><!-- humanize-lint disable-next-line -->\n<p>The escalation &#8212; upset.</p></body></html>\n",
    ],
    "jsonl": [
        b'{"id": "T1", "text": "The renewal called again.", "customer": "Maria \\"Mia\\" Garcia"}\n'
        b'{"id": 2, "text": "Acct 4471-22 \\u00e9 \\ud83d\\ude00 called\\nback.", "customer": "Raj"}\n'
        b'{"text": "<p>The renewal <b>called</b> &amp; left.</p>"}\n',
    ],
    "json": [
        b'{"tickets": [{"id": 1, "text": "The renewal called.", "c": {"name": "Ana"}}, {"id": 2, "text": ["x"]}]}',
        b'[{"text": "Acct 4471-22 is upset.\\n\\nThe QBR is due."}, {"text": "fine"}, 3]',
    ],
    "csv": [
        b'id,text,customer\n1,"The renewal called, ""again"".",Maria\n2,Acct 4471-22 phoned,"Raj\nKumar"\n3,short\n',
        b"\xef\xbb\xbfid;text\r\n1;The renewal called.\r\n\r\n2;\"multi\r\nline\";x\r\n",
    ],
    "eml": [
        b"From: Maria Garcia <maria@gmail.com>\nTo: support@acme.example\nSubject: The renewal\nMessage-ID: <a@b>\n"
        b"Content-Type: text/plain; charset=utf-8\n\nThe renewal called again.\n\nOn Mon, Ana wrote:\n> The escalation is upset.\n-- \nMaria\n",
        b"From: support@acme.example\nTo: raj@gmail.com\nSubject: =?utf-8?q?Re=3A_hi?=\nMIME-Version: 1.0\n"
        b'Content-Type: multipart/alternative; boundary="XX"\n\n--XX\nContent-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\n'
        b"Hi Raj,=0AThe renewal called.\n--XX\nContent-Type: text/html\nContent-Transfer-Encoding: base64\n\nPHA+VGhlIHJlbmV3YWwgY2FsbGVkLjwvcD4=\n--XX--\n",
        b"From: Ana <ana@gmail.com>\nTo: support@acme.example\nSubject: x\nContent-Type: text/plain; charset=shift_jis\nContent-Transfer-Encoding: 8bit\n\n"
        + "東京から。The renewal called about the SLA, 東京.\n".encode("shift_jis")
        + b"\xff\x81 trailing",
    ],
    "mbox": [
        b"From a@b Mon Mar  3 10:00:00 2025\nFrom: a@gmail.com\nTo: support@x.example\nSubject: one\n\nThe renewal called.\n>From the desk\n\n"
        b"From c@d Mon Mar  3 11:00:00 2025\nFrom: c@d.example\nSubject: two\n\nAcct 4471-22 is upset.\n",
    ],
}

# Fragments spliced into inputs: the markup of every format, escapes, bad bytes, deep nesting.
_TOKENS = [
    b"- ", b"> ", b"* ", b"1. ", b"```", b"~~~", b"    ", b"\t", b"#", b"|", b"---", b"===", b"[", b"]", b"(", b")", b"<", b">", b"</div>",
    b"<!--", b"-->", b"<script>", b"`", b"\\", b"*", b"_", b"~~", b"[^1]:", b"[x]: /u", b"&amp;", b"&#x0;", b"&copyThe", b"&#82;", b"&notit;", b"http://", b"www.",
    b'"', b'""', b",", b";", b"\r", b"\r\n", b"\n", b"\n\n", b"{", b"}", b"\\u", b"\\ud800", b"\\udc80", b"\\n", b'":', b"null", b"[]",
    b"From ", b"\nFrom x Mon Mar  3 10:00:00 2025\n", b"Content-Type: text/html; charset=", b"Content-Transfer-Encoding: base64\n",
    b"boundary=\"", b"=?utf-8?b?", b"=\n", b"\x00", b"\xff", b"\xfe\xff", b"\xef\xbb\xbf", b"\xed\xa0\x80", b"\xc3", b"\xe2\x80\xa8",
    b"The renewal called again.", b"Acct 4471-22 is upset.", b"QBR", b" the escalation ",
]


def seeds() -> dict[str, list[bytes]]:
    """Seed inputs by format: the examples/ files of that format, and the samples above."""
    out = {fmt: list(samples) for fmt, samples in _SAMPLES.items()}
    for path in sorted((REPO / "examples").rglob("*")):
        fmt = sources.detect_format(path.name)
        if path.is_file() and fmt in out and path.suffix:
            out[fmt].append(path.read_bytes())
    return out


def mutate(data: bytes, rnd: random.Random, rounds: int | None = None) -> bytes:
    """A few random edits: splice in a token, delete, duplicate or repeat a stretch, flip bytes."""
    buf = bytearray(data)
    for _ in range(rounds if rounds is not None else rnd.randint(1, 6)):
        op = rnd.random()
        pos = rnd.randint(0, len(buf)) if buf else 0
        if op < 0.35:
            buf[pos:pos] = rnd.choice(_TOKENS)
        elif op < 0.5 and buf:
            end = min(len(buf), pos + rnd.randint(1, 40))
            del buf[pos:end]
        elif op < 0.62 and buf:
            end = min(len(buf), pos + rnd.randint(1, 80))
            buf[pos:pos] = buf[pos:end]
        elif op < 0.72:
            # Repeat a token many times: deep nesting, long lines, many delimiters.
            buf[pos:pos] = rnd.choice(_TOKENS) * rnd.choice((10, 100, 1000, 5000))
        elif op < 0.85 and buf:
            for _ in range(rnd.randint(1, 8)):
                i = rnd.randrange(len(buf))
                buf[i] = rnd.randrange(256)
        elif buf:
            # Move a line elsewhere.
            lines = bytes(buf).split(b"\n")
            if len(lines) > 1:
                line = lines.pop(rnd.randrange(len(lines)))
                lines.insert(rnd.randrange(len(lines) + 1), line)
                buf = bytearray(b"\n".join(lines))
    return bytes(buf)


class Invariant(AssertionError):
    """An invariant of issue 13 does not hold (a bug, whatever the input)."""


def _one_line(error: HumanizeLintError) -> None:
    text = str(error)
    if "\n" in text or "\r" in text:
        raise Invariant(f"error message spans lines: {text!r}")


def _check_unit(unit: Unit) -> None:
    doc = unit.document
    if not unit.runs:
        if unit.text != doc.text:
            raise Invariant("identity unit differs from its document")
    elif not unit.meta.get("html"):
        for run in unit.runs:
            got = unit.text[run.unit_start : run.unit_start + run.length]
            want = doc.text[run.doc_start : run.doc_start + run.length]
            if got == want or got == want.translate(_SURROGATES):
                continue
            # Mail bodies blank quoted replies and signatures (and the '>' of '>From')
            # to spaces, line breaks kept, and read a byte that is not UTF-8 (a lone
            # surrogate in the document) as one character of their charset: the only
            # other differences allowed.
            if doc.format in ("eml", "mbox") and len(got) == len(want) and all(a == b or a == " " or "\udc80" <= b <= "\udcff" for a, b in zip(got, want)):
                continue
            raise Invariant(f"run maps {got[:40]!r} to {want[:40]!r}")
    for seg in sources.segment(unit):
        orig = unit.text[seg.start : seg.start + len(seg.text)]
        if len(orig) != len(seg.text) or any(b != a and b != " " for a, b in zip(orig, seg.text)):
            raise Invariant(f"segment does not map back: {orig[:60]!r} vs {seg.text[:60]!r}")


_SURROGATES = {c: 0xFFFD for c in range(0xD800, 0xE000)}


def read(fmt: str, data: bytes) -> tuple[list[Unit], list[HumanizeLintError]]:
    """Decode and read ``data`` as ``fmt``; returns the units and the input errors."""
    errors: list[HumanizeLintError] = []
    name = "fuzz" + _EXT[fmt]
    try:
        doc = sources.decode(data, name, fmt)
    except InputError as exc:
        _one_line(exc)
        return [], [exc]
    opts = sources.SourceOptions(text_fields=("text", "body", "description_html", "subject"), id_field="id", name_field="customer", records_key="tickets" if fmt == "json" and b'"tickets"' in data else None)
    units: list[Unit] = []
    try:
        for unit in sources.units(doc, opts, errors):
            units.append(unit)
    except InputError as exc:
        errors.append(exc)
    for e in errors:
        _one_line(e)
    return units, errors


def check_reader(fmt: str, data: bytes) -> int:
    """Read and segment ``data`` as ``fmt``; check the invariants. Returns the number of units."""
    units, _ = read(fmt, data)
    for unit in units:
        _check_unit(unit)
    return len(units)


def check_lint(linter: Any, fmt: str, data: bytes) -> int:
    """Full lint of ``data`` (isolated as the runner does it) and, for text, Markdown and HTML, ``--fix``."""
    from humanize_lint.runner import lint_isolated

    units, _ = read(fmt, data)
    if not units:
        return 0
    results, errors = lint_isolated(linter, units)
    for e in errors:
        _one_line(e)
        if "internal error" in e.message:
            raise Invariant(f"internal error: {e}")
    findings: list[Finding] = []
    for unit, found in zip(units, results):
        for f in found:
            if f.text != unit.text[f.start : f.end]:
                raise Invariant(f"finding text {f.text!r} is not the unit's {unit.text[f.start:f.end]!r}")
            pos = unit.document.position(unit.to_doc(f.start))
            if pos != f.start_pos:
                raise Invariant(f"finding at {f.start_pos} maps to {pos}")
            findings.append(f)
    if fmt in ("text", "markdown", "html") and units:
        doc = units[0].document
        plan = fix.plan_fixes(doc, findings)
        new = fix.apply(doc.text, plan.edits)
        _check_outside_edits(doc.text, new, plan.edits)
    return len(findings)


def _check_outside_edits(old: str, new: str, edits: list[Any]) -> None:
    pos = 0
    shift = 0
    for e in sorted(edits, key=lambda e: e.start):
        if old[pos : e.start] != new[pos + shift : e.start + shift]:
            raise Invariant("--fix changed text outside its spans")
        shift += len(e.replacement) - (e.end - e.start)
        pos = e.end
    if old[pos:] != new[pos + shift :]:
        raise Invariant("--fix changed text after its last span")


# --- rule files ---------------------------------------------------------------------

_RULE_TOKENS = [
    "!!int abc", "!!float x", "!!timestamp nope", "!!binary ???", "!!python/object:os.system", "&a ", "*a", "*nope", "<<: *a", "{x: 1}", "[1, 2]",
    "$transaction-nouns", "$nope", "'(a|aa)+$'", "'(a+)+b'", "'[0-9'", "'\\d{3,}'", "null", "~", "true", "42", "-1", "\"\\x00\"", "? ",
    "- ", ": ", "\t", "  ", "\n", "#", "'", '"', "{", "}", "kind: acronym", "kind: pattern", "kind: terms", "kind: identifier", "\x00", "\x85",
    "patterns: [[{TEXT: {REGEX: '(a|aa)+c'}}]]", "expansions: plain", "identifiers: {standalone: ['(x+x+)+y']}", "message: '{nope}'",
]


def rule_seeds() -> list[tuple[str, str]]:
    """(file name, text) of the built-in rule files and the example custom pack."""
    files = sorted((REPO / "rules" / "default").glob("*.yaml")) + sorted((REPO / "examples" / "custom-pack").glob("*.yaml"))
    return [(f.name, f.read_text(encoding="utf-8")) for f in files if f.name != "pack.yaml"]


def mutate_rule(text: str, rnd: random.Random) -> str:
    """A rule file with a few line-level and token-level edits."""
    lines = text.split("\n")
    for _ in range(rnd.randint(1, 4)):
        op = rnd.random()
        i = rnd.randrange(len(lines)) if lines else 0
        if op < 0.3 and lines:
            col = rnd.randint(0, len(lines[i]))
            lines[i] = lines[i][:col] + rnd.choice(_RULE_TOKENS) + lines[i][col:]
        elif op < 0.45 and lines:
            del lines[i]
        elif op < 0.6 and lines:
            lines.insert(i, lines[rnd.randrange(len(lines))])
        elif op < 0.75 and lines and ":" in lines[i]:
            key, _, _ = lines[i].partition(":")
            lines[i] = key + ": " + rnd.choice(_RULE_TOKENS)
        elif op < 0.85:
            lines.insert(i, rnd.choice(_RULE_TOKENS))
        elif lines:
            j = rnd.randrange(len(lines))
            lines[i] = re.sub(r"\S", lambda m: rnd.choice("x1-[{:'\"") if rnd.random() < 0.1 else m.group(), lines[j])
    return "\n".join(lines)


_PACK_YAML = (REPO / "rules" / "default" / "pack.yaml").read_text(encoding="utf-8")


def check_rule(directory: Path, name: str, text: str, lint: Callable[[list[Any]], None] | None = None) -> bool:
    """Load a mutated rule file (with the default pack's lexicons); True if it loaded.

    A loaded rule is compiled (and, with ``lint``, run on a few sentences).
    """
    from humanize_lint.runner import build_linter
    from humanize_lint.engine import LintOptions

    (directory / "pack.yaml").write_text(_PACK_YAML, encoding="utf-8")
    path = directory / name
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    for other in directory.glob("*.yaml"):
        if other.name not in ("pack.yaml", name):
            other.unlink()
    try:
        pack = rulepack.load([directory], builtin=False)
    except RuleError as exc:
        _one_line(exc)
        return False
    rules = list(pack.rules.values())
    try:
        linter = build_linter(rules, None, LintOptions())
    except RuleError as exc:
        _one_line(exc)
        return False
    if lint is not None:
        lint(rules)
    del linter
    return True

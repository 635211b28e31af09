"""Turn an HTML body (a ticket field, an e-mail part) into its visible text.

This module owns the reading of HTML for the record and e-mail sources. It is
a small, forgiving, stdlib-only scanner, not a DOM: :func:`visible_text`
returns a string of exactly the length of its input in which every tag,
comment, doctype, processing instruction and CDATA section is replaced by
spaces, the whole of each ``<script>``, ``<style>``, ``<title>`` and
``<template>`` element is replaced by spaces, and every block-level tag
(``p``, ``div``, ``li``, ``tr``, ``h1``-``h6``, ``blockquote``, ``table``,
``ul``, ``ol`` and the other HTML block elements) becomes two ``\\n``
followed by spaces, a blank line, so that blocks split into paragraphs as in
plain text; ``<br>`` becomes one ``\\n`` and spaces, a line break inside the
paragraph (only spaces when a line break of the source is next to it, so
``line<br>`` + newline + ``line`` leaves no blank line). A character reference (``&amp;``, ``&nbsp;``,
``&#39;``, ``&#x2019;``, or a legacy one without ``;``) becomes the text
:func:`html.unescape` gives for it, padded with spaces (a reference that
would grow is left as written); record fields and mail bodies ask for it
unpadded instead (``references``), so that "the&nbsp;renewal" stays one
phrase, and map the shorter text back with :func:`text_runs` and
:func:`text_offset`. Text characters, newlines included, are kept
at their offsets, so a unit's runs stay valid after the conversion and each
visible character is the document character at the same offset. A ``<``
that does not open a tag (``a < b``) is text; an unterminated tag, comment or
raw-text element runs to the end of the input, as in browsers.
:func:`looks_like_html` is the heuristic the sources use when HTML is not
declared, and :func:`element_spans` finds elements such as ``<blockquote>``.
:func:`read_html` reads an HTML file (``.html``, ``.htm``, ``.xhtml``) into
one unit: its visible text, code elements blanked.
"""

from __future__ import annotations

import html as _stdlib_html
import re
from collections.abc import Iterator
from html.entities import html5 as _ENTITIES  # name (with ";", or without for the legacy ones) -> text

from humanize_lint.model import Document, Run, Unit
from ..lazyre import lazy

__all__ = ["BLOCK_TAGS", "CODE_ELEMENTS", "blank_spans", "element_spans", "looks_like_html", "read_html", "text_offset", "text_runs", "visible_text"]

BLOCK_TAGS = frozenset(
    """
    address article aside blockquote br caption center dd details dialog dir div dl dt
    fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main
    menu nav ol p pre section summary table tbody tfoot thead tr ul
    """.split()
)
# Elements whose whole content is invisible (raw text, or metadata).
_HIDDEN_ELEMENTS = frozenset({"script", "style", "title", "template"})

# A start or end tag; attribute values may hold ``>`` inside quotes.
_TAG = lazy(
    r"<(/?)([A-Za-z][A-Za-z0-9:-]*)(?:[^>\"']|\"[^\"]*\"|'[^']*')*>",
)
# The same without quote handling, for tags with an unbalanced quote.
_TAG_LOOSE = lazy(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)[^>]*>")
_SPECIAL = lazy(r"<!--|<!|<\?|</?[A-Za-z]|&")
# As in html.unescape: numeric references, and names up to 32 characters.
# A line break after a ``<br>`` makes the tag's own break redundant.
_BREAK_AHEAD = lazy(r"[ \t]*[\r\n]")
_CHARREF = lazy(r"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)")
_DETECT = lazy(
    r"<(?:p|div|br|span|a|b|i|u|em|strong|font|ul|ol|li|table|tr|td|th|h[1-6]|blockquote|img"
    r"|html|body|head|meta|style|hr|pre|center|tbody)(?=[\s/>])[^<>]*>"
    r"|</[A-Za-z][A-Za-z0-9]*\s*>"
    r"|<!--.*?-->",
    re.IGNORECASE | re.DOTALL,
)


def looks_like_html(text: str) -> bool:
    """True if ``text`` holds a common HTML tag (``<p>``, ``<div ...>``, ``<br/>``), an end tag or a comment."""
    return "<" in text and _DETECT.search(text) is not None


def _block(length: int, breaks: int) -> str:
    return "\n" * breaks + " " * (length - breaks)


def visible_text(html: str, references: list[tuple[int, int, int]] | None = None) -> str:
    """The visible text of ``html``, with exactly its length (see the module docstring).

    ``references``: when a list is given, a character reference becomes its character(s)
    alone, with no padding ("the&nbsp;renewal" reads "the renewal", not a phrase broken by
    spaces), and the list gets ``(offset in html, its length, length of its text)`` for
    each such reference; the text is then shorter, and ``text_runs`` maps it back."""
    if "<" not in html and "&" not in html:
        return html
    out: list[str] = []
    n = len(html)
    i = 0
    at_break = True  # only spaces and tabs since the last line break written
    while i < n:
        match = _SPECIAL.search(html, i)
        if match is None:
            out.append(html[i:])
            break
        k = match.start()
        if k > i:
            chunk = html[i:k]
            out.append(chunk)
            stripped = chunk.rstrip(" \t")
            if stripped:
                at_break = stripped[-1] in "\r\n"
        token = match.group()
        if token == "&":
            ref = _CHARREF.match(html, k)
            if ref is None:
                out.append("&")
                i = k + 1
                continue
            raw = ref.group()
            decoded = _stdlib_html.unescape(raw)
            if len(decoded) > len(raw):
                decoded = raw
            elif decoded != raw and raw[1] != "#" and raw[1:] not in _ENTITIES:
                raw, decoded = _legacy_reference(raw, decoded)
            if references is not None and len(decoded) < len(raw):
                references.append((k, len(raw), len(decoded)))
                out.append(decoded)
            else:
                out.append(decoded + " " * (len(raw) - len(decoded)))
            at_break = at_break and not decoded.strip(" \t")
            i = k + len(raw)  # (the letters after a legacy reference are text: read next)
            continue
        if token == "<!--":
            close = html.find("-->", k + 4)
            end = n if close < 0 else close + 3
            out.append(" " * (end - k))
            i = end
            continue
        if token in ("<!", "<?"):
            if html.startswith("<![CDATA[", k):
                close = html.find("]]>", k + 9)
                end = n if close < 0 else close + 3
            else:
                close = html.find(">", k + 2)
                end = n if close < 0 else close + 1
            out.append(" " * (end - k))
            i = end
            continue
        # A start or end tag.
        tag = _TAG.match(html, k) or _TAG_LOOSE.match(html, k)
        if tag is None:
            out.append(" " * (n - k))  # an unterminated tag runs to the end
            break
        end = tag.end()
        closing = tag.group(1) == "/"
        name = tag.group(2).lower()
        if not closing and name in _HIDDEN_ELEMENTS and html[end - 2 : end] != "/>":
            end_tag = _find_end_tag(html, name, end)
            end = n if end_tag is None else end_tag
            out.append(" " * (end - k))
            i = end
            continue
        if name == "br":
            if at_break or _BREAK_AHEAD.match(html, end):
                out.append(" " * (end - k))
            else:
                out.append(_block(end - k, 1))
                at_break = True
        elif name in BLOCK_TAGS:
            out.append(_block(end - k, 2))  # a blank line: a paragraph break
            at_break = True
        else:
            out.append(" " * (end - k))
        i = end
    result = "".join(out)
    assert len(result) == n - sum(raw - text for _, raw, text in references or ())
    return result


def _legacy_reference(raw: str, decoded: str) -> tuple[str, str]:
    """The reference and its text in a legacy match without ``;``: "&copyThe" is "&copy"
    ("©") and the text "The", as a browser reads it (``html.unescape`` takes the longest
    entity name that prefixes the letters); the letters after it are text, so they map
    to their own places."""
    for k in range(len(raw) - 1, 1, -1):
        head = _ENTITIES.get(raw[1:k])  # (a legacy name, written without ";": "copy", "amp", "not")
        if head is not None and head + raw[k:] == decoded:
            return raw[:k], head
    return raw, decoded


def text_offset(offset: int, references: list[tuple[int, int, int]]) -> int:
    """Where html ``offset`` (not inside a reference) is in the compact visible text."""
    return offset - sum(raw - text for at, raw, text in references if at < offset)


def text_runs(length: int, html_length: int, references: list[tuple[int, int, int]], marks: bool = False) -> list[tuple[int, int, int]]:
    """``(text start, html start, length)`` of the stretches of a compact visible text (see
    ``visible_text``) that sit at known html offsets: everything but the references' text,
    which lies between runs and maps to its reference's start, as an escape does.

    ``marks``: also a zero-length run at each reference's start, and at its end where no
    stretch starts (another reference follows, or the text ends), so that a span that
    begins or ends with a reference maps to all of it (``Unit.to_doc``, ``to_doc_end``)."""
    runs: list[tuple[int, int, int]] = []

    def stretch(start: int, html_start: int, size: int) -> None:
        if marks and runs and runs[-1][2] == 0 and runs[-1][0] == start:
            runs.pop()  # (an end mark where a stretch starts says nothing more)
        runs.append((start, html_start, size))

    shift = 0  # html offset minus text offset
    t = 0
    for at, raw, text in references:
        if at - shift > t:
            stretch(t, t + shift, at - shift - t)
        if marks:
            stretch(at - shift, at, 0)
            runs.append((at - shift + text, at + raw, 0))
        t = at - shift + text
        shift += raw - text
    if length > t:
        stretch(t, t + shift, length - t)
        assert t + shift + length - t == html_length
    return runs


def _find_end_tag(html: str, name: str, start: int) -> int | None:
    """Offset just past ``</name ...>`` at or after ``start``, or None."""
    pattern = re.compile(r"</" + re.escape(name) + r"(?=[\s/>])[^>]*>", re.IGNORECASE)
    match = pattern.search(html, start)
    return None if match is None else match.end()


def element_spans(html: str, name: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each outermost ``<name>`` element, nesting counted.

    An element left open runs to the end of the input. Tags inside comments
    are not skipped (good enough for finding ``<blockquote>`` in mail).
    """
    pattern = re.compile(r"<(/?)" + re.escape(name) + r"(?=[\s/>])(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.IGNORECASE)
    spans: list[tuple[int, int]] = []
    depth = 0
    start = 0
    for match in pattern.finditer(html):
        if match.group(1) != "/":
            if depth == 0:
                start = match.start()
            depth += 1
        elif depth > 0:
            depth -= 1
            if depth == 0:
                spans.append((start, match.end()))
    if depth > 0:
        spans.append((start, len(html)))
    return spans


# Elements that hold code, never prose (as a Markdown code span or block): blanked in an
# HTML document. The suppression reader skips directives in the same ones.
CODE_ELEMENTS = ("pre", "code", "kbd", "samp", "tt", "var", "script", "style", "textarea")
_NOT_LINE_BREAK = lazy(r"[^\r\n]")


def blank_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with every character but line breaks inside ``spans`` made a space (same length)."""
    if not spans:
        return text
    parts: list[str] = []
    pos = 0
    for start, end in sorted(spans):
        start = max(start, pos)
        if end <= start:
            continue
        parts.append(text[pos:start])
        parts.append(_NOT_LINE_BREAK.sub(" ", text[start:end]))
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def read_html(document: Document, customer: str | None = None) -> Iterator[Unit]:
    """The unit of an HTML document: its visible text (``visible_text``, character
    references compact, so "the&nbsp;renewal" is one phrase), with the content of code
    elements (``CODE_ELEMENTS``) blanked, and runs that map each visible character to
    its place in the file (a reference's text to the reference's start). Nothing for a
    page with no visible text."""
    raw = document.text
    references: list[tuple[int, int, int]] = []
    text = visible_text(raw, references)
    code = [(text_offset(a, references), text_offset(b, references)) for name in CODE_ELEMENTS for a, b in element_spans(raw, name)]
    text = blank_spans(text, code)
    if not text.strip():
        return
    # (Explicit runs even without references: the unit's text is not the document's.)
    runs = tuple(Run(*r) for r in text_runs(len(text), len(raw), references, marks=True)) if references else (Run(0, 0, len(raw)),)
    yield Unit(document=document, text=text, customer=customer, runs=runs, markup="text", meta={"html": True})

"""Split a plain-text unit into paragraph segments, and find bare URLs.

This module owns the plain-text reading of a unit: paragraphs are runs of
non-blank lines separated by blank lines (a line holding only whitespace;
``\\n``, ``\\r\\n`` and a lone ``\\r`` all end lines). Each segment is the
unit slice from the paragraph's first to its last non-blank character with
every ``\\r`` replaced by a space and every bare URL (``http://``,
``https://``, ``www.``) blanked with spaces, so segment offset ``i`` is unit
offset ``start + i``. It also owns the URL matcher that the Markdown source
reuses (:func:`match_url`, :func:`url_spans`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from humanize_lint.model import Segment, Unit, line_starts_of
from ..lazyre import lazy

__all__ = ["URL_START", "match_url", "segments", "split_lines", "url_spans"]

# A URL starts after a non-word character and runs to whitespace or a character
# that never appears unescaped in one (angle brackets, square brackets, quotes).
URL_START = r"(?<![\w@/.\-])(?:https?://|www\.)"  # regex source (case-insensitive); shared with the Markdown scanner
_URL = lazy(URL_START + r"[^\s<>\[\]\"`]+", re.IGNORECASE)
# Trailing punctuation that ends a sentence rather than the URL (as in GFM autolinks).
_URL_TRAILING = "?!.,:;*_~'\""


def _url_end(text: str, start: int, end: int) -> int:
    """Trim sentence punctuation and unbalanced closing parentheses off ``text[start:end]``."""
    while end > start:
        last = text[end - 1]
        if last in _URL_TRAILING:
            end -= 1
        elif last == ")" and text.count("(", start, end) < text.count(")", start, end):
            end -= 1
        else:
            break
    return end


def match_url(text: str, pos: int) -> int | None:
    """End offset of a bare URL starting exactly at ``pos``, or ``None``."""
    match = _URL.match(text, pos)
    if match is None:
        return None
    end = _url_end(text, pos, match.end())
    return end if end > pos else None


def url_spans(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of every bare URL in ``text``, in order."""
    for match in _URL.finditer(text):
        end = _url_end(text, match.start(), match.end())
        if end > match.start():
            yield match.start(), end


def split_lines(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each line's content, the line break excluded."""
    starts = line_starts_of(text)
    if "\r" in text:
        # Where the lines would start if each break were a "\n" at its first
        # character ("\r\n" rewritten as "\n ", offsets unchanged): one past
        # the end of the line before.
        after = line_starts_of(text.replace("\r\n", "\n ").replace("\r", "\n"))
    else:
        after = starts
    ends = [start - 1 for start in after[1:]]
    ends.append(len(text))
    return list(zip(starts, ends))


def _first_non_space(text: str, start: int, end: int) -> int:
    while start < end and text[start].isspace():
        start += 1
    return start


def _last_non_space(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def _segment(unit: Unit, start: int, end: int) -> Segment | None:
    raw = unit.text[start:end]
    text = raw.replace("\r", " ")
    urls = list(url_spans(raw))
    if urls:  # blank them by slicing (no list of characters: a paragraph may be 50 MB)
        parts = []
        pos = 0
        for url_start, url_end in urls:
            parts.append(text[pos:url_start])
            parts.append(" " * (url_end - url_start))
            pos = url_end
        parts.append(text[pos:])
        text = "".join(parts)
    lo = _first_non_space(text, 0, len(text))
    hi = _last_non_space(text, lo, len(text))
    if lo == hi:
        return None
    return Segment(unit=unit, start=start + lo, text=text[lo:hi], kind="paragraph")


def segments(unit: Unit) -> list[Segment]:
    """Paragraph segments of a plain-text unit, in order."""
    text = unit.text
    result: list[Segment] = []
    para_start: int | None = None
    para_end = 0
    for start, end in split_lines(text):
        first = _first_non_space(text, start, end)
        if first == end:  # blank line
            if para_start is not None:
                seg = _segment(unit, para_start, para_end)
                if seg is not None:
                    result.append(seg)
                para_start = None
            continue
        if para_start is None:
            para_start = first
        para_end = _last_non_space(text, first, end)
    if para_start is not None:
        seg = _segment(unit, para_start, para_end)
        if seg is not None:
            result.append(seg)
    return result

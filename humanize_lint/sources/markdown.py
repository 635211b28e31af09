"""Split a Markdown unit into prose segments with markup blanked out.

This module owns the Markdown reading of a unit: a line-based, stdlib-only
scanner that finds the blocks holding prose (paragraphs, ATX and setext
headings, list items, block-quoted paragraphs, table rows, footnote text and
the text inside HTML blocks) and skips those that hold none (front matter,
fenced and indented code, HTML comments, ``<script>``/``<style>``/``<pre>``
blocks, link reference definitions, thematic breaks, table delimiter rows).
Within a block, markup is replaced by spaces: block markers (``#``, ``>``,
list markers, task boxes, table pipes), emphasis and strikethrough
delimiters, code spans, link brackets and destinations, images, autolinks,
bare URLs, HTML tags and comments, and escaping backslashes. Every character
of a segment is the unit character at the same offset, or a space standing
for markup or a ``\\r``, so segment offset ``i`` is unit offset
``start + i``; newlines are kept. It follows CommonMark/GFM where that is
cheap and otherwise errs towards skipping code rather than linting it.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass

from humanize_lint.model import Segment, Unit
from humanize_lint.sources.text import URL_START, match_url, split_lines

__all__ = ["segments"]

# --- block-level patterns (matched at a line's first non-blank character) ---------

_FENCE_OPEN = re.compile(r"(`{3,}|~{3,})(.*)$")
_ATX = re.compile(r"#{1,6}(?=[ \t]|$)")
_ATX_CLOSE = re.compile(r"[ \t]+#+[ \t]*$")
_HEADING_ATTRS = re.compile(r"[ \t]+\{[#.][^{}]*\}[ \t]*$")  # ``## Title {#id}``
_SETEXT_EQ = re.compile(r"=+[ \t]*$")
_SETEXT_DASH = re.compile(r"-+[ \t]*$")
_THEMATIC = re.compile(r"(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
_BULLET = re.compile(r"[-*+](?=[ \t]|$)")
_ORDERED = re.compile(r"(\d{1,9})[.)](?=[ \t]|$)")
_TASK = re.compile(r"\[[ xX]\](?=[ \t]|$)")
_REF_DEF = re.compile(
    r"\[((?:[^\\\[\]]|\\.){1,999})\]:[ \t]*(?:<[^<>\n]*>|\S+)"
    r"(?:[ \t]+(?:\"[^\"]*\"|'[^']*'|\([^()]*\)))?[ \t]*$"
)
_FOOTNOTE_DEF = re.compile(r"\[\^[^\]\s]+\]:")
_HTML_OPEN = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)(?=[\s/>]|$)")
_DELIM_ROW = re.compile(r"[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")

_RAW_TAGS = frozenset({"script", "pre", "style", "textarea"})
# Tags that start an HTML block (CommonMark type 6) and split text into segments.
_BLOCK_TAGS = frozenset(
    """address article aside audio base basefont blockquote body br caption center
    col colgroup dd details dialog dir div dl dt fieldset figcaption figure footer
    form frame frameset h1 h2 h3 h4 h5 h6 head header hr html iframe img legend li
    link main menu menuitem nav noframes ol optgroup option p param picture search
    section source summary table tbody td tfoot th thead title tr track ul
    video""".split()
)

# --- inline patterns ---------------------------------------------------------------

_AUTOLINK = re.compile(r"<[A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\s<>]*>")
_EMAIL_AUTOLINK = re.compile(r"<[\w.!#$%&'*+/=?^`{|}~\-]+@[\w\-]+(?:\.[\w\-]+)*>")
_HTML_TAG = re.compile(
    r"<(/?)([A-Za-z][A-Za-z0-9-]*)"
    r"(?:\s+[A-Za-z_:][\w.:\-]*(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*"
    r"\s*/?>"
)
_HTML_OTHER = re.compile(r"<!--.*?-->|<\?.*?\?>|<![A-Za-z][^>]*>|<!\[CDATA\[.*?\]\]>", re.DOTALL)
_FOOTNOTE_REF = re.compile(r"\[\^[^\]\s]+\]")
_ASCII_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


@dataclass
class _Block:
    """A stretch of unit text that becomes one or more segments."""

    kind: str
    start: int | None = None  # first content offset; None while the block is empty
    end: int = 0
    cells: list[tuple[int, int]] | None = None  # table rows: inline-scanned one by one

    def add(self, start: int, end: int) -> None:
        if self.start is None:
            self.start = start
        self.end = end


@dataclass
class _Delim:
    """A run of emphasis delimiter characters that may open or close."""

    char: str
    pos: int
    count: int
    orig: int
    can_open: bool
    can_close: bool


_NOT_NEWLINE = re.compile(r"[^\n]")


class _Buffer:
    """The unit text as it is being blanked: markup is replaced by spaces, newlines are kept.

    Instead of a list with one string per character (slow to build, to blank
    and to join back), it keeps the text (``\\r`` already turned into spaces)
    and a ``bytearray`` mask with a 1 at every blanked offset. Reading a
    stretch back (:meth:`text`) walks the runs of set mask bytes with
    ``bytearray.find``, so its cost grows with the number of blanked runs,
    not with the number of characters.
    """

    __slots__ = ("base", "mask")

    def __init__(self, text: str) -> None:
        self.base = text.replace("\r", " ")
        self.mask = bytearray(len(self.base))

    def blank(self, start: int, end: int) -> None:
        """Replace ``[start, end)`` by spaces, keeping newlines."""
        if end > start:
            self.mask[start:end] = b"\x01" * (end - start)

    def text(self, lo: int, hi: int) -> str:
        """The current text of ``[lo, hi)``."""
        base = self.base
        mask = self.mask
        j = mask.find(1, lo, hi)
        if j == -1:
            return base[lo:hi]
        parts = []
        i = lo
        while j != -1:
            parts.append(base[i:j])
            k = mask.find(0, j, hi)
            if k == -1:
                k = hi
            run = base[j:k]
            parts.append(_NOT_NEWLINE.sub(" ", run) if "\n" in run else " " * len(run))
            i = k
            j = mask.find(1, i, hi)
        parts.append(base[i:hi])
        return "".join(parts)


def _indent(text: str, start: int, end: int, cols: int = 0) -> tuple[int, int]:
    """Column after the blanks at ``start`` (tabs stop every 4, counting from
    column ``cols``) and the offset of the first non-blank."""
    i = start
    while i < end:
        char = text[i]
        if char == " ":
            cols += 1
        elif char == "\t":
            cols += 4 - cols % 4
        else:
            break
        i += 1
    return cols, i


def _quote_prefix(text: str, start: int, end: int) -> tuple[int, int, list[int]]:
    """Block-quote depth, offset after the ``>`` markers, and the markers' offsets."""
    if text.find(">", start, min(start + 4, end)) == -1:
        return 0, start, []  # the common case: no marker within the first four characters
    depth = 0
    pos = start
    marks: list[int] = []
    while True:
        k = pos
        while k < end and k - pos < 3 and text[k] == " ":
            k += 1
        if k < end and text[k] == ">":
            marks.append(k)
            pos = k + 1
            if pos < end and text[pos] in " \t":
                pos += 1
            depth += 1
        else:
            return depth, pos, marks


# A backslash escapes the character after it (whatever it is), so matching
# escape pairs as single tokens leaves only the unescaped pipes.
_PIPE_OR_ESCAPE = re.compile(r"\\[\s\S]|\|")


def _unescaped_pipes(text: str, start: int, end: int) -> list[int]:
    """Offsets of the pipes in ``text[start:end]`` that no backslash escapes."""
    if text.find("|", start, end) == -1:
        return []
    return [m.start() for m in _PIPE_OR_ESCAPE.finditer(text, start, end) if m[0] == "|"]


def _cell_count(text: str, start: int, end: int) -> int:
    """Number of table cells in ``text[start:end]`` (outer pipes optional)."""
    while start < end and text[start] in " \t":
        start += 1
    while end > start and text[end - 1] in " \t":
        end -= 1
    pipes = _unescaped_pipes(text, start, end)
    count = len(pipes) + 1
    if pipes and pipes[0] == start:
        count -= 1
    if pipes and pipes[-1] == end - 1 and end - 1 != start:
        count -= 1
    return count


def _label(text: str) -> str:
    return " ".join(text.split()).casefold()


# --- inline scanning -----------------------------------------------------------------


_BACKTICKS = re.compile(r"`+")
# Where the bracket pass of _Spans has something to do; it jumps between them.
_SPAN_STOP = re.compile(r"[\\`\[\]]")


def _backtick_run(src: str, i: int) -> int:
    """Length of the run of backticks starting at ``src[i]``."""
    m = _BACKTICKS.match(src, i)
    return 0 if m is None else m.end() - i


class _Spans:
    """Code-span closers and bracket pairs of one block, found in one pass each."""

    def __init__(self, src: str) -> None:
        self.runs: dict[int, list[int]] = {}  # backtick run length -> run starts
        if "`" in src:
            for m in _BACKTICKS.finditer(src):
                self.runs.setdefault(m.end() - m.start(), []).append(m.start())
        self.brackets: dict[int, int] = {}  # "[" offset -> matching "]" offset
        if "[" not in src:
            return  # no opener, no pairs
        opened: list[int] = []
        search = _SPAN_STOP.search
        k = 0
        while True:
            m = search(src, k)
            if m is None:
                break
            k = m.start()
            char = m[0]
            if char == "\\":
                k += 2
                continue
            if char == "`":
                run = _backtick_run(src, k)
                close = self.code_close(k + run, run)
                k = k + run if close is None else close + run
                continue
            if char == "[":
                opened.append(k)
            elif opened:
                self.brackets[opened.pop()] = k
            k += 1

    def code_close(self, start: int, length: int) -> int | None:
        """Offset of the first backtick run of exactly ``length`` at or after ``start``."""
        starts = self.runs.get(length, [])
        i = bisect.bisect_left(starts, start)
        return starts[i] if i < len(starts) else None


# Most blocks have neither backticks nor brackets, so nothing ever asks their
# _Spans anything: they share this empty one instead of building their own.
_NO_SPANS = _Spans("")


_SPACES = re.compile(r"[ \t\n]*")
# In these patterns a backslash always escapes the next character, whatever it
# is, so ``\\[\s\S]`` is one token and the first unescaped stop character ends
# the match; there is exactly one way to split the text into tokens, so the
# regex never backtracks into another reading.
_POINTY_DEST = re.compile(r"<(?:[^<>\n\\]|\\[\s\S])*>")
# Characters of a bare destination that need no attention: not a backslash,
# parenthesis, whitespace (``\s`` is exactly ``str.isspace``) or control character.
_DEST_PLAIN = re.compile(r"[^\\()\s\x00-\x1f]*")
_TITLE_BODY = {
    '"': re.compile(r'(?:[^"\\]|\\[\s\S])*"'),
    "'": re.compile(r"(?:[^'\\]|\\[\s\S])*'"),
    "(": re.compile(r"(?:[^)\\]|\\[\s\S])*\)"),
}


def _skip_space(src: str, i: int) -> int:
    return _SPACES.match(src, i).end()  # type: ignore[union-attr]  # always matches


def _inline_destination_end(src: str, p: int) -> int | None:
    """End of ``dest "title")`` starting just after ``(``, or ``None`` if malformed."""
    n = len(src)
    p = _skip_space(src, p)
    if p < n and src[p] == "<":
        m = _POINTY_DEST.match(src, p)
        if m is None:
            return None
        p = m.end()
    else:
        depth = 0
        plain = _DEST_PLAIN.match
        while p < n:
            p = plain(src, p).end()  # type: ignore[union-attr]  # always matches
            if p >= n:
                break
            char = src[p]
            if char == "\\":
                p += 2
                continue
            if char == "(":
                depth += 1
                if depth > 32:  # as cmark does: keeps unclosed "(" runs linear
                    return None
            elif char == ")":
                if depth == 0:
                    break
                depth -= 1
            else:  # whitespace or a control character
                break
            p += 1
        if depth != 0 or p > n:
            return None
    q = _skip_space(src, p)
    if q < n and q > p and src[q] in "\"'(":
        m = _TITLE_BODY[src[q]].match(src, q + 1)
        if m is None:
            return None
        q = _skip_space(src, m.end())
    if q < n and src[q] == ")":
        return q + 1
    return None


def _link_end(src: str, i: int, refs: frozenset[str], spans: _Spans) -> tuple[int, int] | None:
    """For a ``[`` at ``i``: offsets of its ``]`` and of the end of the whole link."""
    j = spans.brackets.get(i)
    if j is None:
        return None
    k = j + 1
    if k < len(src) and src[k] == "(":
        end = _inline_destination_end(src, k + 1)
        if end is not None:
            return j, end
    if k < len(src) and src[k] == "[":
        m = src.find("]", k + 1)
        if m != -1 and m - k <= 1000 and "[" not in src[k + 1 : m]:
            # Full and collapsed references: the definition may live in another file.
            return j, m + 1
    if refs and j - i <= 1000 and _label(src[i + 1 : j]) in refs:
        return j, j + 1
    return None


def _is_space(char: str) -> bool:
    return char.isspace()


def _is_punct(char: str) -> bool:
    return unicodedata.category(char)[0] in "PS"


def _delimiter(src: str, i: int, run: int) -> tuple[bool, bool]:
    """Whether the delimiter run ``src[i:i+run]`` can open and can close emphasis."""
    before = src[i - 1] if i > 0 else "\n"
    after = src[i + run] if i + run < len(src) else "\n"
    left = not _is_space(after) and (
        not _is_punct(after) or _is_space(before) or _is_punct(before)
    )
    right = not _is_space(before) and (
        not _is_punct(before) or _is_space(after) or _is_punct(after)
    )
    if src[i] == "_":
        return (left and (not right or _is_punct(before)), right and (not left or _is_punct(after)))
    return left, right


def _can_pair(opener: _Delim, closer: _Delim) -> bool:
    if opener.char != closer.char or not opener.can_open:
        return False
    if closer.char == "~":
        return opener.count == closer.count
    # CommonMark's "rule of 3" for runs that can both open and close.
    return not (
        (opener.can_close or closer.can_open)
        and (opener.orig + closer.orig) % 3 == 0
        and not (opener.orig % 3 == 0 and closer.orig % 3 == 0)
    )


def _match_emphasis(delims: list[_Delim], buf: _Buffer, lo: int) -> None:
    """Pair openers with closers (CommonMark's algorithm, simplified) and blank them."""
    stack: list[_Delim] = []  # potential openers, innermost last
    # Per kind of closer, the stack height below which no opener can match it.
    bottom: dict[tuple[str, bool, int], int] = {}
    for closer in delims:
        key = (closer.char, closer.can_open, closer.orig % 3)
        while closer.can_close and closer.count > 0:
            floor = min(bottom.get(key, 0), len(stack))
            k = len(stack) - 1
            while k >= floor and not _can_pair(stack[k], closer):
                k -= 1
            if k < floor:
                bottom[key] = len(stack)
                break
            opener = stack[k]
            if closer.char == "~":
                use = closer.count
            else:
                use = 2 if opener.count >= 2 and closer.count >= 2 else 1
            buf.blank(lo + opener.pos + opener.count - use, lo + opener.pos + opener.count)
            opener.count -= use
            buf.blank(lo + closer.pos, lo + closer.pos + use)
            closer.pos += use
            closer.count -= use
            del stack[k + 1 :]  # delimiters between the pair stay literal
            if opener.count == 0:
                stack.pop()
            for kind in bottom:
                bottom[kind] = min(bottom[kind], len(stack))
        if closer.count > 0 and closer.can_open:
            stack.append(closer)


# Where _inline has something to do: it jumps from one to the next with a C-level
# search instead of looking at every character. Any other character would only
# be stepped over, so skipping them changes nothing. A URL is only tried where
# text.match_url can match (its start pattern, lookbehind included). The
# leading lookahead is redundant but lets the regex engine reject most
# characters with one test, which makes the search several times faster.
_INLINE_STOP = re.compile(r"(?=[\\`<\[*_~!hHwW])(?:[\\`<\[*_~!]|(?i:" + URL_START + "))")
_DELIM_RUN = re.compile(r"\*+|_+|~+")


def _inline(buf: _Buffer, lo: int, hi: int, refs: frozenset[str], cuts: list[tuple[int, int]]) -> None:
    """Blank inline markup in ``buf[lo:hi]``; record block-level HTML tags in ``cuts``."""
    src = buf.text(lo, hi)
    n = len(src)
    spans = _Spans(src) if "`" in src or "[" in src else _NO_SPANS
    dead = bytearray(n)  # link destinations already blanked: skip while scanning
    delims: list[_Delim] = []
    search = _INLINE_STOP.search
    i = 0
    while True:
        m = search(src, i)
        if m is None:
            break
        i = m.start()
        if dead[i]:
            i = dead.find(0, i)  # resume after the blanked destination
            if i == -1:
                break
            continue
        char = src[i]
        if char == "\\":
            if i + 1 < n and (src[i + 1] in _ASCII_PUNCT or src[i + 1] == "\n"):
                buf.blank(lo + i, lo + i + 1)
                i += 2
            else:
                i += 1
            continue
        if char == "`":
            run = _backtick_run(src, i)
            close = spans.code_close(i + run, run)
            if close is not None:
                buf.blank(lo + i, lo + close + run)
                i = close + run
            else:
                i += run
            continue
        if char == "<":
            match = (
                _AUTOLINK.match(src, i)
                or _EMAIL_AUTOLINK.match(src, i)
                or _HTML_TAG.match(src, i)
                or _HTML_OTHER.match(src, i)
            )
            if match is not None:
                buf.blank(lo + match.start(), lo + match.end())
                if match.re is _HTML_TAG and match.group(2).lower() in _BLOCK_TAGS:
                    cuts.append((lo + match.start(), lo + match.end()))
                i = match.end()
            else:
                i += 1
            continue
        if char == "!":
            if i + 1 >= n or src[i + 1] != "[":
                i += 1
                continue
            link = _link_end(src, i + 1, refs, spans)
            if link is not None:
                buf.blank(lo + i, lo + link[1])
                i = link[1]
            else:
                i += 1
            continue
        if char == "[":
            footnote = _FOOTNOTE_REF.match(src, i)
            if footnote is not None:
                buf.blank(lo + i, lo + footnote.end())
                i = footnote.end()
                continue
            link = _link_end(src, i, refs, spans)
            if link is not None:
                close, end = link
                buf.blank(lo + i, lo + i + 1)
                buf.blank(lo + close, lo + end)
                dead[close:end] = b"\x01" * (end - close)
            i += 1
            continue
        if char in "*_~":
            run = _DELIM_RUN.match(src, i).end() - i  # type: ignore[union-attr]  # src[i] is in the run
            if char != "~" or run == 2:
                can_open, can_close = _delimiter(src, i, run)
                if can_open or can_close:
                    delims.append(_Delim(char, i, run, run, can_open, can_close))
            i += run
            continue
        # The start of a bare URL.
        end = match_url(src, i)
        if end is not None:
            buf.blank(lo + i, lo + end)
            i = end
            continue
        i += 1
    if delims:
        _match_emphasis(delims, buf, lo)


# --- block scanning -----------------------------------------------------------------


def _front_matter_end(text: str, lines: list[tuple[int, int]]) -> int:
    """Index of the first line after YAML (``---``) or TOML (``+++``) front matter, or 0."""
    start, end = lines[0]
    opener = text[start:end].rstrip()
    if opener not in ("---", "+++"):
        return 0
    closers = ("---", "...") if opener == "---" else ("+++",)
    for index in range(1, len(lines)):
        s, e = lines[index]
        if text[s:e].rstrip() in closers:
            return index + 1
    return 0


class _Scanner:
    """Walks the lines of one unit, blanking block markup and collecting blocks."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.buf = _Buffer(text)
        self.lines = split_lines(text)
        self.blocks: list[_Block] = []
        self.refs: set[str] = set()
        self.cur: _Block | None = None  # the open paragraph or list-item text
        self.stack: list[int] = []  # content columns of the open list items
        self.quote = 0  # block-quote depth of the open blocks

    # -- helpers

    def close(self) -> None:
        if self.cur is not None:
            self.blocks.append(self.cur)
            self.cur = None

    def classify(self, f: int, e: int) -> str:
        """What kind of line ``text[f:e]`` (from its first non-blank) starts."""
        text = self.text
        char = text[f] if f < e else ""
        if char.isalpha():
            return "text"  # the common case: no block marker starts with a letter
        if char in "`~":
            m = _FENCE_OPEN.match(text, f, e)
            if m is not None and not (char == "`" and "`" in m.group(2)):
                return "fence"
        if char == "#" and _ATX.match(text, f, e):
            return "heading"
        if char == "=" and _SETEXT_EQ.match(text, f, e):
            return "setext-eq"
        if char == "-" and _SETEXT_DASH.match(text, f, e):
            return "setext-dash"
        if char in "*-_" and _THEMATIC.match(text, f, e):
            return "thematic"
        if _BULLET.match(text, f, e) or _ORDERED.match(text, f, e):
            return "list"
        if char == "<":
            if text.startswith("<!--", f):
                return "html-comment"
            m = _HTML_OPEN.match(text, f, e)
            if m is not None:
                name = m.group(1).lower()
                if name in _RAW_TAGS and text[f + 1] != "/":
                    return "html-raw"
                return "html-block" if name in _BLOCK_TAGS else "html-inline"
        if char == "[":
            if _FOOTNOTE_DEF.match(text, f, e):
                return "footnote"
            if _REF_DEF.match(text, f, e):
                return "ref-def"
        return "text"

    def is_table_start(self, index: int, f: int, e: int, depth: int) -> bool:
        """Whether line ``index`` (content ``text[f:e]``) heads a GFM table."""
        if index + 1 >= len(self.lines) or not _unescaped_pipes(self.text, f, e):
            return False
        s2, e2 = self.lines[index + 1]
        depth2, p2, _ = _quote_prefix(self.text, s2, e2)
        if depth2 != depth or "|" not in self.text[p2:e2] or not _DELIM_ROW.match(self.text, p2, e2):
            return False
        return _cell_count(self.text, f, e) == _cell_count(self.text, p2, e2)

    def table_row(self, f: int, e: int) -> None:
        pipes = _unescaped_pipes(self.text, f, e)
        cells = []
        prev = f
        for pipe in pipes:
            self.buf.blank(pipe, pipe + 1)
            cells.append((prev, pipe))
            prev = pipe + 1
        cells.append((prev, e))
        self.blocks.append(_Block("table-row", f, e, cells))

    def heading(self, f: int, e: int) -> None:
        m = _ATX.match(self.text, f, e)
        assert m is not None
        self.buf.blank(f, m.end())
        for pattern in (_HEADING_ATTRS, _ATX_CLOSE):
            tail = pattern.search(self.text, m.end(), e)
            if tail is not None:
                self.buf.blank(tail.start(), tail.end())
                e = tail.start()
        self.blocks.append(_Block("heading", m.end(), e))

    # -- the line loop

    def run(self) -> list[_Block]:
        text = self.text
        lines = self.lines
        index = _front_matter_end(text, lines)
        mode = ""  # "", "fence", "code", "comment", "raw", "table"
        fence = ""  # the opening fence's run of characters
        mode_depth = 0  # quote depth the mode started at
        code_base = 0  # list content column an indented code block is relative to
        raw_close = ""
        while index < len(lines):
            s, e = lines[index]
            depth, p, marks = _quote_prefix(text, s, e)
            if mode == "fence":
                if depth >= mode_depth:
                    index += 1
                    line = text[p:e].strip(" \t")
                    if line.startswith(fence) and not line.strip(fence[0]):
                        mode = ""
                    continue
                mode = ""
            elif mode == "raw":
                index += 1
                if raw_close in text[s:e].lower():
                    mode = ""
                continue
            elif mode == "comment":
                index += 1
                if "-->" in text[s:e]:
                    mode = ""
                continue
            elif mode == "code":
                cols, f = _indent(text, p, e)
                if depth == mode_depth and (f == e or cols >= code_base + 4):
                    index += 1
                    continue
                mode = ""
            for mark in marks:
                self.buf.blank(mark, mark + 1)
            cols, f = _indent(text, p, e)
            blank = not text[f:e].strip()
            if mode == "table":
                if depth == mode_depth and not blank and "|" in text[f:e] and self.classify(f, e) == "text":
                    self.table_row(f, e)
                    index += 1
                    continue
                mode = ""
            index += 1
            para_open = self.cur is not None
            if depth != self.quote:
                lazy = (
                    para_open
                    and depth < self.quote
                    and not blank
                    and self.classify(f, e) == "text"
                    and not self.is_table_start(index - 1, f, e, depth)
                )
                if lazy:
                    assert self.cur is not None
                    self.cur.add(f, e)
                    continue
                self.close()
                self.stack = []
                self.quote = depth
                para_open = False
            if blank:
                self.close()
                continue
            inner = [c for c in self.stack if c <= cols]
            rel = cols - (inner[-1] if inner else 0)
            if rel >= 4:
                if para_open:
                    assert self.cur is not None
                    self.cur.add(f, e)
                else:
                    self.stack = inner
                    mode, mode_depth, code_base = "code", depth, inner[-1] if inner else 0
                continue
            kind = self.classify(f, e)
            cur = self.cur
            if kind == "setext-dash" and (cur is None or cur.kind != "paragraph"):
                if _THEMATIC.match(text, f, e):
                    kind = "thematic"
                else:
                    kind = "list" if _BULLET.match(text, f, e) else "text"
            if kind == "fence":
                self.close()
                self.stack = inner
                m = _FENCE_OPEN.match(text, f, e)
                assert m is not None
                mode, mode_depth, fence = "fence", depth, m.group(1)
            elif kind == "heading":
                self.close()
                self.stack = inner
                self.heading(f, e)
            elif kind in ("setext-eq", "setext-dash"):
                if cur is not None and cur.kind == "paragraph":
                    cur.kind = "heading"
                self.close()
                self.stack = inner
            elif kind == "thematic":
                self.close()
                self.stack = inner
            elif kind == "list":
                if not self.list_item(f, e, cols, inner):
                    assert cur is not None
                    cur.add(f, e)
            elif kind == "html-comment" and "-->" in text[f + 4 : e] and text[f:e].rstrip().endswith("-->"):
                self.close()
            elif kind == "html-comment" and "-->" not in text[f + 4 : e]:
                self.close()
                mode = "comment"
            elif kind == "html-raw":
                self.close()
                m = _HTML_OPEN.match(text, f, e)
                assert m is not None
                raw_close = f"</{m.group(1).lower()}>"
                if raw_close not in text[f:e].lower():
                    mode = "raw"
            elif kind == "ref-def":
                m = _REF_DEF.match(text, f, e)
                assert m is not None
                self.refs.add(_label(m.group(1)))
                self.close()
            elif kind == "footnote":
                self.close()
                self.stack = inner
                m = _FOOTNOTE_DEF.match(text, f, e)
                assert m is not None
                self.buf.blank(f, m.end())
                self.cur = _Block("paragraph")
                self.cur.add(m.end(), e)
            elif kind == "text" and self.is_table_start(index - 1, f, e, depth):
                self.close()
                self.stack = inner
                self.table_row(f, e)
                s2, e2 = lines[index]
                for mark in _quote_prefix(text, s2, e2)[2]:
                    self.buf.blank(mark, mark + 1)
                index += 1  # the delimiter row
                mode, mode_depth = "table", depth
            elif kind == "text" and not para_open and self.is_pipe_row(f, e):
                self.stack = inner
                self.table_row(f, e)
            elif para_open and kind != "html-block":
                assert cur is not None
                cur.add(f, e)
            else:
                self.close()
                self.stack = inner
                self.cur = _Block("list-item" if inner else "paragraph")
                self.cur.add(f, e)
        self.close()
        return self.blocks

    def is_pipe_row(self, f: int, e: int) -> bool:
        """A ``| a | b |`` line outside a recognised table is still read as a row."""
        line = self.text[f:e].rstrip(" \t")
        return len(line) >= 2 and line[0] == "|" and line[-1] == "|"

    def list_item(self, f: int, e: int, cols: int, inner: list[int]) -> bool:
        """Open a list item at ``f``; ``False`` if it may not interrupt the paragraph."""
        text = self.text
        ordered = _ORDERED.match(text, f, e)
        marker = ordered or _BULLET.match(text, f, e)
        assert marker is not None
        width = marker.end() - f
        after_cols, content = _indent(text, marker.end(), e, cols + width)
        spaces = after_cols - cols - width
        empty = content == e
        cur = self.cur
        if cur is not None and cur.kind == "paragraph" and (
            empty or (ordered is not None and int(ordered.group(1)) != 1)
        ):
            return False
        self.close()
        self.stack = [c for c in inner if c <= cols]
        self.stack.append(cols + width + (spaces if 1 <= spaces <= 4 else 1))
        self.buf.blank(f, marker.end())
        task = _TASK.match(text, content, e)
        if task is not None:
            self.buf.blank(task.start(), task.end())
            content = _indent(text, task.end(), e)[1]
        kind = self.classify(content, e) if content < e else "text"
        if kind == "list" and content < e:
            return self.list_item(content, e, self.stack[-1], self.stack)
        if kind == "heading":
            self.heading(content, e)
            return True
        self.cur = _Block("list-item")
        if content < e:
            self.cur.add(content, e)
        return True


def _pieces(start: int, end: int, cuts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Split ``[start, end)`` around the cut spans inside it."""
    pieces = []
    for cut_start, cut_end in cuts:
        if cut_end <= start or cut_start >= end:
            continue
        pieces.append((start, max(start, cut_start)))
        start = max(start, cut_end)
    pieces.append((start, end))
    return pieces


def segments(unit: Unit) -> list[Segment]:
    """Prose segments of a Markdown unit, in document order."""
    scanner = _Scanner(unit.text)
    blocks = scanner.run()
    refs = frozenset(scanner.refs)
    buf = scanner.buf
    result: list[Segment] = []
    for block in blocks:
        if block.start is None or block.end <= block.start:
            continue
        cuts: list[tuple[int, int]] = []
        for lo, hi in block.cells if block.cells is not None else [(block.start, block.end)]:
            _inline(buf, lo, hi, refs, cuts)
        cuts.sort()
        for lo, hi in _pieces(block.start, block.end, cuts) if cuts else ((block.start, block.end),):
            piece = buf.text(lo, hi)
            kept = piece.strip()  # str.strip() and str.isspace() agree on what is blank
            if kept:
                lead = len(piece) - len(piece.lstrip())
                result.append(Segment(unit=unit, start=lo + lead, text=kept, kind=block.kind))
    return result

"""Split a Markdown unit into prose segments with markup blanked out.

This module owns the Markdown reading of a unit. Block structure comes from
a CommonMark parser, markdown-it (its Rust implementation through
``markdown-it-pyrs``; the spec's block examples are tested in
``tests/test_markdown_commonmark.py``): paragraphs, ATX and setext headings,
list items, block quotes, GFM tables, footnote definitions and HTML blocks,
each with its source range. Front matter (``---``/``+++``), fenced and
indented code, HTML comments, ``<script>``/``<style>``/``<pre>``/
``<textarea>`` and other non-prose HTML blocks, link reference definitions
and thematic breaks hold no prose and are skipped. Within a block, this
module's own inline pass replaces markup by spaces: container prefixes
(``>`` markers and indentation on continuation lines), task boxes, table
pipes, emphasis and strikethrough delimiters, code spans, link brackets and
destinations, images, autolinks, bare URLs, HTML tags and comments, and
escaping backslashes. Every character of a segment is the unit character at
the same offset, or a space standing for markup or a ``\\r``, so segment
offset ``i`` is unit offset ``start + i``; newlines are kept.

A line whose leading container markers run longer than ``MAX_PREFIX``
characters is read with the rest of that run as text: the parser nests one
block per marker, and nesting that deep is no document anyone writes.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from humanize_lint.model import Segment, Unit
from humanize_lint.sources.text import URL_START, match_url
from ..lazyre import lazy

__all__ = ["segments"]

# --- block-level patterns (matched at a line's first non-blank character) ---------

_FENCE_OPEN = lazy(r"(`{3,}|~{3,})(.*)$")
_ATX = lazy(r"#{1,6}(?=[ \t]|$)")
_ATX_CLOSE = lazy(r"[ \t]+#+[ \t]*$")
_HEADING_ATTRS = lazy(r"[ \t]+\{[#.][^{}]*\}[ \t]*$")  # ``## Title {#id}``
_SETEXT_EQ = lazy(r"=+[ \t]*$")
_SETEXT_DASH = lazy(r"-+[ \t]*$")
_THEMATIC = lazy(r"(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
_BULLET = lazy(r"[-*+](?=[ \t]|$)")
_ORDERED = lazy(r"(\d{1,9})[.)](?=[ \t]|$)")
_TASK = lazy(r"\[[ xX]\](?=[ \t]|$)")
_REF_DEF = lazy(
    r"\[((?:[^\\\[\]]|\\.){1,999})\]:[ \t]*(?:<[^<>\n]*>|\S+)"
    r"(?:[ \t]+(?:\"[^\"]*\"|'[^']*'|\([^()]*\)))?[ \t]*$"
)
_FOOTNOTE_DEF = lazy(r"\[\^[^\]\s]+\]:")
_HTML_OPEN = lazy(r"</?([A-Za-z][A-Za-z0-9-]*)(?=[\s/>]|$)")
_DELIM_ROW = lazy(r"[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")

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

_AUTOLINK = lazy(r"<[A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\s<>]*>")
_EMAIL_AUTOLINK = lazy(r"<[\w.!#$%&'*+/=?^`{|}~\-]+@[\w\-]+(?:\.[\w\-]+)*>")
_HTML_TAG = lazy(
    r"<(/?)([A-Za-z][A-Za-z0-9-]*)"
    r"(?:\s+[A-Za-z_:][\w.:\-]*(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*"
    r"\s*/?>"
)
_HTML_OTHER = lazy(r"<!--.*?-->|<\?.*?\?>|<![A-Za-z][^>]*>|<!\[CDATA\[.*?\]\]>", re.DOTALL)
_FOOTNOTE_REF = lazy(r"\[\^[^\]\s]+\]")
_ASCII_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


@dataclass(slots=True)
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


_NOT_NEWLINE = lazy(r"[^\n]")


class _Buffer:
    """The unit text as it is being blanked: markup is replaced by spaces, newlines are kept.

    Instead of a list with one string per character (slow to build, to blank
    and to join back), it keeps the text (``\\r`` already turned into spaces)
    and a ``bytearray`` mask with a 1 at every blanked offset. Reading a
    stretch back (:meth:`text`) walks the runs of set mask bytes with
    ``bytearray.find``, so its cost grows with the number of blanked runs,
    not with the number of characters.
    """

    __slots__ = ("base", "mask", "changes")

    def __init__(self, text: str) -> None:
        self.base = text.replace("\r", " ")
        self.mask = bytearray(len(self.base))
        self.changes = 0  # blank() calls so far: a reader can tell that nothing changed

    def blank(self, start: int, end: int) -> None:
        """Replace ``[start, end)`` by spaces, keeping newlines."""
        if end > start:
            self.mask[start:end] = b"\x01" * (end - start)
            self.changes += 1

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


def _label(text: str) -> str:
    return " ".join(text.split()).casefold()


# --- inline scanning -----------------------------------------------------------------


_BACKTICKS = lazy(r"`+")
# Where the bracket pass of _Spans has something to do; it jumps between them.
_SPAN_STOP = lazy(r"[\\`\[\]]")


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


_SPACES = lazy(r"[ \t\n]*")
# In these patterns a backslash always escapes the next character, whatever it
# is, so ``\\[\s\S]`` is one token and the first unescaped stop character ends
# the match; there is exactly one way to split the text into tokens, so the
# regex never backtracks into another reading.
_POINTY_DEST = lazy(r"<(?:[^<>\n\\]|\\[\s\S])*>")
# Characters of a bare destination that need no attention: not a backslash,
# parenthesis, whitespace (``\s`` is exactly ``str.isspace``) or control character.
_DEST_PLAIN = lazy(r"[^\\()\s\x00-\x1f]*")
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
_INLINE_STOP = lazy(r"(?=[\\`<\[*_~!hHwW])(?:[\\`<\[*_~!]|(?i:" + URL_START + "))")
_DELIM_RUN = lazy(r"\*+|_+|~+")


def _inline(buf: _Buffer, lo: int, hi: int, refs: frozenset[str], cuts: list[tuple[int, int]]) -> str:
    """Blank inline markup in ``buf[lo:hi]``; record block-level HTML tags in ``cuts``.

    Returns the text of ``buf[lo:hi]`` as it was before (the caller reuses it
    when nothing was blanked)."""
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
            tag = None
            match = _AUTOLINK.match(src, i) or _EMAIL_AUTOLINK.match(src, i)
            if match is None:
                match = tag = _HTML_TAG.match(src, i)
                if match is None:
                    match = _HTML_OTHER.match(src, i)
            if match is not None:
                buf.blank(lo + match.start(), lo + match.end())
                if tag is not None and tag.group(2).lower() in _BLOCK_TAGS:
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
    return src


# --- block structure from the CommonMark parser ----------------------------------------

_HEADING_ATTRS = lazy(r"[ \t]+\{[#.][^{}]*\}[ \t]*$")  # ``## Title {#id}``
_TASK = lazy(r"\[[ xX]\](?=[ \t]|$)")
_NON_ASCII = lazy(r"[^\x00-\x7f]")
_DEF_LABEL = lazy(r"[ \t]*\[((?:[^\\\[\]]|\\.){1,999})\]:")
# HTML blocks that hold no prose: comments, processing instructions, declarations,
# CDATA, and the raw-text elements (CommonMark HTML block types 1-5).
_HTML_SKIP = lazy(r"[ \t]*<(?:!--|\?|![A-Za-z]|!\[CDATA\[|(?i:script|pre|style|textarea)(?=[\s>]|$))")
# Leading container markers and indentation: each nesting level takes at least one character.
MAX_PREFIX = 4000
_DEEP_PREFIX = lazy(r"^[ \t>*+\-0-9.)]{%d,}" % MAX_PREFIX, re.MULTILINE)

_CONTAINERS = frozenset(
    {"root", "blockquote", "bullet_list", "ordered_list", "list_item", "footnote_container", "footnote_def", "table", "thead", "tbody"}
)
_SKIPPED = frozenset({"fence", "code_block", "hr", "front_matter", "footnote_ref_anchor", "math_block"})
# Every node name that is not inline content (text, footnote references).
_NOT_INLINE = _CONTAINERS | _SKIPPED | frozenset({"paragraph", "heading", "lheading", "html_block", "definition", "trow", "table", "code_block", "fence"})
_BLOCK_RULES: list[Any] = ["blockquote", "code", "fence", "heading", "hr", "lheading", "list", "paragraph", "reference", "html_block", "table", "footnote"]


@functools.lru_cache(maxsize=1)
def _parser() -> Any:
    """markdown-it with the CommonMark block rules, GFM tables and footnotes, and no inline rules
    (inline markup is this module's job, so the tree stays small)."""
    from markdown_it_pyrs import MarkdownIt

    return MarkdownIt("zero").enable_many(_BLOCK_RULES)


def _front_matter_end(text: str) -> int:
    """Offset just after YAML (``---``) or TOML (``+++``) front matter that opens the text, or 0."""
    first = text.find("\n")
    opener = (text if first < 0 else text[:first]).rstrip()
    if opener not in ("---", "+++") or first < 0:
        return 0
    closers = ("---", "...") if opener == "---" else ("+++",)
    pos = first + 1
    while pos < len(text):
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        if text[pos:end].rstrip() in closers:
            return end
        pos = end + 1
    return 0


def _parser_text(text: str) -> str:
    """The text as the parser is given it: ASCII, the same length, the same block structure.
    Line breaks become ``\\n`` (``\\r\\n`` as `` \\n``), every other non-ASCII character
    an ASCII letter, front matter blank lines, and the part of a pathologically long
    marker run past ``MAX_PREFIX`` plain text."""
    src = text
    if "\r" in src:
        src = src.replace("\r\n", " \n").replace("\r", "\n")
    if not src.isascii():
        # Block structure is made of ASCII (markers, indentation, fences, pipes,
        # tag names); any other character is just "some text" to the parser. An
        # ASCII letter in its place makes the parser's byte offsets our character
        # offsets (and a lone surrogate harmless).
        src = _NON_ASCII.sub("a", src)
    fm = _front_matter_end(src) if src[:1] in "-+" else 0
    if fm:
        src = _NOT_NEWLINE.sub(" ", src[:fm]) + src[fm:]
    if _DEEP_PREFIX.search(src):
        src = _DEEP_PREFIX.sub(lambda m: m.group()[:MAX_PREFIX] + "x" * (len(m.group()) - MAX_PREFIX), src)
    return src


def _inline_range(node: Any) -> tuple[int, int] | None:
    """Range of a block's inline content: from its first child to its last."""
    maps = [c.srcmap for c in node.children if c.srcmap is not None]
    if not maps:
        return None
    return maps[0][0], maps[-1][1]


class _Reader:
    """Turns the parser's tree into blocks of prose, blanking container markup in the buffer."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.buf = _Buffer(text)
        self.blocks: list[_Block] = []
        self.refs: set[str] = set()
        self.src = _parser_text(text)

    def run(self) -> list[_Block]:
        root = _parser().tree(self.src)
        add = self.add
        # (node, block-quote depth, inside a list item, first block of its list item):
        # an explicit stack, no recursion, however deep the nesting.
        stack: list[tuple[Any, int, bool, bool]] = [(root, 0, False, False)]
        pop, push = stack.pop, stack.append
        while stack:
            node, depth, in_item, first = pop()
            name = node.name
            if name in _CONTAINERS:
                if name == "blockquote":
                    depth += 1
                is_item = name == "list_item"
                if is_item:
                    in_item = True
                # Block children go on the stack; a tight list item's text has no
                # paragraph node, so its runs of inline children are blocks here.
                pending: list[tuple[Any, int, bool, bool]] = []
                run_start = run_end = -1
                leading = True
                for child in node.children:
                    cname = child.name
                    if cname in _NOT_INLINE:
                        if run_start >= 0:
                            add("list-item", run_start, run_end, depth, task=leading)
                            run_start = -1
                            leading = False
                        pending.append((child, depth, in_item, is_item and leading))
                        leading = False
                    elif is_item:
                        m = child.srcmap
                        if m is not None:
                            if run_start < 0:
                                run_start = m[0]
                            run_end = m[1]
                if run_start >= 0:
                    add("list-item", run_start, run_end, depth, task=leading)
                pending.reverse()
                stack.extend(pending)
            elif name == "paragraph":
                m = node.srcmap
                if m is not None:
                    add("list-item" if in_item else "paragraph", m[0], m[1], depth, task=first)
            elif name == "heading" or name == "lheading":
                span = _inline_range(node)
                if span is not None:
                    add("heading", span[0], span[1], depth, heading=True)
            elif name == "trow":
                self.row(node)
            elif name == "html_block":
                m = node.srcmap
                if m is not None and not _HTML_SKIP.match(self.text, m[0], m[1]):
                    add("paragraph", m[0], m[1], depth)
            elif name == "definition":
                m = node.srcmap
                label = _DEF_LABEL.match(self.text, m[0], m[1]) if m is not None else None
                if label is not None:
                    self.refs.add(_label(label.group(1)))
            elif name in _SKIPPED:
                continue
            elif name in _NOT_INLINE:  # a block this module does not know: read what is in it
                for child in reversed(node.children):
                    push((child, depth, in_item, False))
        self.blocks.sort(key=lambda blk: blk.start if blk.start is not None else -1)
        return self.blocks

    def add(self, kind: str, b0: int, b1: int, depth: int, *, task: bool = False, heading: bool = False) -> None:
        """A block over ``[b0, b1)``; markers on its continuation lines are blanked."""
        text = self.text
        # The parser's text is ASCII: its byte offsets are ours. (Its source map can point past
        # the end for inline text after a tab in a list item, "*\n\t#*": kept within the text.)
        a, b = min(b0, len(text)), min(b1, len(text))
        while b > a and text[b - 1] in "\r\n":
            b -= 1
        if b <= a:
            return
        if task and text[a] == "[":
            m = _TASK.match(text, a, b)
            if m is not None:
                self.buf.blank(m.start(), m.end())
        if heading and text.find("{", a, b) >= 0:
            tail = _HEADING_ATTRS.search(text, a, b)
            if tail is not None:
                self.buf.blank(tail.start(), tail.end())
                b = tail.start()
        if self.src.find("\n", a, b) >= 0:
            self.blank_prefixes(a, b, depth)
        self.blocks.append(_Block(kind, a, b))

    def blank_prefixes(self, a: int, b: int, depth: int) -> None:
        """Blank the container prefix (``>`` markers, indentation) of each line after the first."""
        text = self.src
        nl = text.find("\n", a, b)
        while nl >= 0:
            start = pos = nl + 1
            nl = text.find("\n", start, b)
            if pos >= b or text[pos] not in " \t>":
                continue
            for _ in range(depth):
                while pos < b and text[pos] in " \t":
                    pos += 1
                if pos < b and text[pos] == ">":
                    pos += 1
                else:
                    break
            while pos < b and text[pos] in " \t":
                pos += 1
            self.buf.blank(start, pos)

    def row(self, node: Any) -> None:
        """A table row: its cells are read one by one; pipes and padding between them are blanked."""
        cells = []
        for cell in node.children:
            if cell.srcmap is None:
                continue
            a, b = cell.srcmap
            if b > a:
                cells.append((a, b))
        if not cells:
            return
        start, end = cells[0][0], cells[-1][1]
        prev = start
        for a, b in cells:
            self.buf.blank(prev, a)
            prev = b
        self.blocks.append(_Block("table-row", start, end, cells))


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
    reader = _Reader(unit.text)
    blocks = reader.run()
    refs = frozenset(reader.refs)
    buf = reader.buf
    result: list[Segment] = []
    for block in blocks:
        if block.start is None or block.end <= block.start:
            continue
        cuts: list[tuple[int, int]] = []
        before = buf.changes
        src = ""
        for lo, hi in block.cells if block.cells is not None else [(block.start, block.end)]:
            src = _inline(buf, lo, hi, refs, cuts)
        unchanged = block.cells is None and buf.changes == before  # no inline markup: the text is read already
        cuts.sort()
        for lo, hi in _pieces(block.start, block.end, cuts) if cuts else ((block.start, block.end),):
            piece = src if unchanged else buf.text(lo, hi)
            kept = piece.strip()  # str.strip() and str.isspace() agree on what is blank
            if kept:
                lead = len(piece) - len(piece.lstrip())
                result.append(Segment(unit=unit, start=lo + lead, text=kept, kind=block.kind))
    return result

"""Markdown block boundaries against the CommonMark spec's own examples (tests/data/commonmark).

For every example of the block sections, the expected HTML says which words
are code (in ``<pre>``: fenced and indented code blocks) and which are prose
(paragraphs, headings, list items, block quotes). The segments the Markdown
reader gives the linter must hold every prose word and no word that is only
code. Inline details (entities, link text, emphasis) are not compared: the
reader's inline pass blanks markup its own way and is tested elsewhere. HTML
blocks are raw HTML in the spec's output; their words are neither required
nor forbidden (the reader lints the text of non-code HTML blocks).
"""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from humanize_lint.model import Document, Unit
from humanize_lint.sources import markdown

SPEC = json.loads((Path(__file__).parent / "data" / "commonmark" / "spec-0.31.2.json").read_text(encoding="utf-8"))
BLOCK_SECTIONS = {
    "Tabs",
    "Precedence",
    "Thematic breaks",
    "ATX headings",
    "Setext headings",
    "Indented code blocks",
    "Fenced code blocks",
    "Link reference definitions",
    "Paragraphs",
    "Blank lines",
    "Block quotes",
    "List items",
    "Lists",
}
WORD = re.compile(r"[A-Za-z0-9]+")


class _Words(HTMLParser):
    """Words of the expected HTML by where they are: code blocks, prose, or elsewhere."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.code: set[str] = set()
        self.prose: set[str] = set()
        self.other: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("br", "hr", "img", "input"):
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        words = set(WORD.findall(data))
        if "pre" in self.stack:
            self.code |= words
        elif any(t in self.stack for t in ("code", "a")):
            self.other |= words  # inline code and link text: blanked or not, the reader's own business
        elif any(t in self.stack for t in ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "em", "strong")):
            self.prose |= words
        else:
            self.other |= words


def _expected(example: dict[str, object]) -> _Words:
    words = _Words()
    words.feed(str(example["html"]))
    words.close()
    return words


def _segment_words(md: str) -> set[str]:
    doc = Document(path="spec.md", text=md, format="markdown")
    segs = markdown.segments(Unit(document=doc, text=md, markup="markdown"))
    for s in segs:
        assert md[s.start : s.start + len(s.text)].replace("\r", " ") == s.text or len(s.text) == len(md[s.start : s.start + len(s.text)])
    return set(WORD.findall(html.unescape(" ".join(s.text for s in segs))))


# Where the reader deliberately differs from CommonMark, with the reason.
DEVIATIONS = {
    96: "a file that opens with a '---' line closed by another is YAML front matter (skipped), not a rule and a heading",
}
CASES = [ex for ex in SPEC if ex["section"] in BLOCK_SECTIONS and ex["example"] not in DEVIATIONS]


def test_the_vendored_spec_is_complete() -> None:
    assert len(SPEC) == 652
    assert len(CASES) > 250


@pytest.mark.parametrize("example", CASES, ids=[f"{ex['example']}-{ex['section']}" for ex in CASES])
def test_block_boundaries_follow_the_spec(example: dict[str, object]) -> None:
    md = str(example["markdown"])
    expected = _expected(example)
    got = _segment_words(md)
    only_code = expected.code - expected.prose - expected.other
    leaked = only_code & got
    missing = expected.prose - got
    assert not leaked, f"code linted as prose: {sorted(leaked)}\n{md}"
    assert not missing, f"prose not linted: {sorted(missing)}\n{md}"


def test_a_fence_opened_on_a_list_marker_line_is_code() -> None:
    md = "- ```\n  The renewal called.\n  ```\n\nThe renewal phoned.\n"
    assert _segment_words(md) == {"The", "renewal", "phoned"}


def test_a_quoted_fence_line_inside_a_top_level_fence_does_not_close_it() -> None:
    md = "```\n> ```\nThe renewal called.\n```\n\nThe renewal phoned.\n"
    assert _segment_words(md) == {"The", "renewal", "phoned"}


def test_every_segment_maps_back_to_the_unit_text() -> None:
    for example in SPEC:
        md = str(example["markdown"])
        doc = Document(path="spec.md", text=md, format="markdown")
        for s in markdown.segments(Unit(document=doc, text=md, markup="markdown")):
            orig = md[s.start : s.start + len(s.text)]
            assert len(orig) == len(s.text)
            for a, b in zip(orig, s.text):
                assert b == a or b == " " or (a == "\r" and b == " "), (example["example"], orig, s.text)

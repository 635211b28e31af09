"""Tests for the plain-text and Markdown segment sources.

The central property: every segment character is the unit character at the
same offset, or a space standing for markup (or for a ``\\r``), so findings
map back exactly.
"""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from humanize_lint.model import Document, Segment, Unit
from humanize_lint.sources import markdown, text


def unit_of(t: str, path: str = "x.md") -> Unit:
    return Unit(document=Document(path=path, text=t), text=t)


def check_invariant(t: str, segs: list[Segment]) -> None:
    last = -1
    for seg in segs:
        assert seg.text, "empty segment"
        assert not seg.text.isspace(), "blank segment"
        assert seg.start >= last, "segments out of order"
        source = t[seg.start : seg.start + len(seg.text)]
        assert len(source) == len(seg.text), "segment runs past the unit"
        for i, (got, want) in enumerate(zip(seg.text, source)):
            assert got == want or got == " ", (seg, i, got, want)
            if want == "\n":
                assert got == "\n", (seg, i)
        assert "\r" not in seg.text
        last = seg.start + len(seg.text)


def md(t: str) -> list[Segment]:
    segs = markdown.segments(unit_of(t))
    check_invariant(t, segs)
    return segs


def plain(t: str) -> list[Segment]:
    segs = text.segments(unit_of(t, "x.txt"))
    check_invariant(t, segs)
    return segs


def words(segs: list[Segment]) -> list[str]:
    return " ".join(s.text for s in segs).split()


def texts(segs: list[Segment]) -> list[str]:
    return [" ".join(s.text.split()) for s in segs]


# --- plain text ------------------------------------------------------------------------


def test_plain_paragraphs_split_at_blank_lines() -> None:
    t = "  First line\nsecond line.\n\n \t \nThird para.\n"
    segs = plain(t)
    assert texts(segs) == ["First line second line.", "Third para."]
    assert segs[0].start == 2
    assert segs[0].text == t[2 : 2 + len(segs[0].text)]
    assert all(s.kind == "paragraph" for s in segs)


@pytest.mark.parametrize("nl", ["\n", "\r\n", "\r"])
def test_plain_newline_styles(nl: str) -> None:
    t = nl.join(["One.", "Two.", "", "Three."]) + nl
    segs = plain(t)
    assert texts(segs) == ["One. Two.", "Three."]
    assert segs[1].start == t.index("Three")


def test_plain_blanks_urls() -> None:
    t = "See https://example.com/a_(b) and www.example.org, or http://x.y/z.\n"
    segs = plain(t)
    assert words(segs) == ["See", "and", ",", "or", "."]
    only_url = plain("https://example.com\n\nText.")
    assert texts(only_url) == ["Text."]


def test_plain_empty_and_blank() -> None:
    assert plain("") == []
    assert plain(" \n\t\r\n") == []


# --- Markdown: what survives -------------------------------------------------------------


def test_front_matter_skipped() -> None:
    t = "---\ntitle: Secret title\ntags: [a]\n---\nBody text.\n"
    assert texts(md(t)) == ["Body text."]
    t2 = "---\nauthor: Someone\n...\n\nBody.\n"
    assert texts(md(t2)) == ["Body."]


def test_thematic_break_at_top_is_not_front_matter_when_unclosed() -> None:
    assert texts(md("---\nJust text.\n")) == ["Just text."]


def test_fenced_code_skipped() -> None:
    t = (
        "Before.\n\n```python\nsecret_code = 1\n```\n\n"
        "~~~~\nmore secret\n~~~\nstill secret\n~~~~\n\nAfter.\n"
    )
    assert texts(md(t)) == ["Before.", "After."]


def test_unclosed_fence_runs_to_end() -> None:
    assert texts(md("Text.\n\n```\ncode\n\nmore code\n")) == ["Text."]


def test_fence_in_list_item_skipped() -> None:
    t = "1. Run this:\n\n   ```sh\n   make secret\n   ```\n\n2. Done.\n"
    assert texts(md(t)) == ["Run this:", "Done."]


def test_indented_code_skipped_but_list_continuation_kept() -> None:
    t = "Para.\n\n    code line\n    more code\n\nAfter.\n"
    assert texts(md(t)) == ["Para.", "After."]
    t2 = "- item\n\n    continued inside the item\n"
    segs = md(t2)
    assert texts(segs) == ["item", "continued inside the item"]
    assert [s.kind for s in segs] == ["list-item", "list-item"]
    t3 = "A paragraph\n    continues here.\n"
    assert texts(md(t3)) == ["A paragraph continues here."]


def test_headings() -> None:
    segs = md("# Title #\n\n### Sub *title* {#anchor}\n\nC# is fine\n")
    assert texts(segs) == ["Title", "Sub title", "C# is fine"]
    assert [s.kind for s in segs] == ["heading", "heading", "paragraph"]
    assert segs[0].start == 2


def test_setext_headings() -> None:
    segs = md("Big title\n=========\n\nSmall title\n---\n\nText.\n")
    assert texts(segs) == ["Big title", "Small title", "Text."]
    assert [s.kind for s in segs] == ["heading", "heading", "paragraph"]


def test_list_items() -> None:
    t = "- first item\n  continues\n* second\n+ third\n1. one\n2) two\n- [ ] todo\n- [x] done\n"
    segs = md(t)
    assert texts(segs) == ["first item continues", "second", "third", "one", "two", "todo", "done"]
    assert {s.kind for s in segs} == {"list-item"}
    assert segs[0].start == 2


def test_nested_lists_and_lazy_continuation() -> None:
    t = "- outer\n  - inner\nlazy line\n- next\n"
    assert texts(md(t)) == ["outer", "inner lazy line", "next"]


def test_ordered_number_does_not_interrupt_paragraph() -> None:
    t = "It happened in\n2019. Then more.\n"
    assert texts(md(t)) == ["It happened in 2019. Then more."]


def test_blockquotes() -> None:
    t = "> Quoted *text*\n> more\n>\n> second para\nlazy\n\n> > nested\n"
    assert texts(md(t)) == ["Quoted text more", "second para lazy", "nested"]
    assert ">" not in "".join(s.text for s in md(t))


def test_tables() -> None:
    t = "| Name | Notes |\n|------|:-----:|\n| a cell | **bold** cell |\n| x \\| y | z |\n\nAfter.\n"
    segs = md(t)
    assert texts(segs) == ["Name Notes", "a cell bold cell", "x | y z", "After."]
    assert [s.kind for s in segs] == ["table-row"] * 3 + ["paragraph"]
    assert all("-" not in s.text for s in segs)


def test_table_without_outer_pipes() -> None:
    t = "Name | Notes\n--- | ---\none | two\n"
    assert texts(md(t)) == ["Name Notes", "one two"]


def test_code_spans_blanked() -> None:
    segs = md("Use `secret()` or ``a ` b`` here, but ` alone stays.\n")
    assert texts(segs) == ["Use or here, but ` alone stays."]


def test_emphasis_and_strikethrough() -> None:
    segs = md("Some **bold**, *it*, __strong__, _em_ and ~~gone~~ text; snake_case and __init__ too.\n")
    assert texts(segs) == ["Some bold , it , strong , em and gone text; snake_case and init too."]


def test_unmatched_emphasis_stays() -> None:
    assert texts(md("5 * 3 = 15 and a_b\n")) == ["5 * 3 = 15 and a_b"]


def test_links_and_images() -> None:
    t = (
        'A [link text](https://example.com/x_y "Title") and ![alt text](img.png) '
        "and [ref link][r] and [shortcut] and [not a link] and <https://auto.link> "
        "and <me@example.com>.\n\n[r]: https://example.com\n[shortcut]: /x\n"
    )
    segs = md(t)
    assert texts(segs) == ["A link text and and ref link and shortcut and [not a link] and and ."]


def test_link_with_nested_image_and_parens() -> None:
    t = "[![badge](https://img.shields.io/x)](https://ci) and [wiki](https://en.wikipedia.org/wiki/A_(b)) end\n"
    assert texts(md(t)) == ["and wiki end"]


def test_bare_urls_blanked() -> None:
    t = "Go to https://example.com/a_b*c, or www.example.org. Done.\n"
    assert texts(md(t)) == ["Go to , or . Done."]


def test_link_reference_definitions_skipped() -> None:
    t = '[a]: https://example.com "Title"\n[b]: <https://x.y>\n\nText.\n'
    assert texts(md(t)) == ["Text."]


def test_footnotes() -> None:
    t = "Claim.[^1]\n\n[^1]: The footnote text.\n"
    assert texts(md(t)) == ["Claim.", "The footnote text."]


def test_html_comments_and_tags() -> None:
    t = (
        "Text <!-- inline secret --> more.\n\n<!--\nblock secret\n\nstill secret\n-->\n\n"
        '<div align="center">\n<img src="x.png" alt="secret">\n</div>\n\n'
        "<details>\n<summary>Click to expand</summary>\n\nInside details.\n</details>\n\n"
        "A <b>bold</b> word and a<br>break.\n"
    )
    segs = md(t)
    assert texts(segs) == ["Text more.", "Click to expand", "Inside details.", "A bold word and a", "break."]
    assert "secret" not in " ".join(texts(segs))


def test_raw_html_blocks_skipped() -> None:
    t = "<pre>\nsecret code\n\nmore\n</pre>\n\n<script>var secret;</script>\n\nText.\n"
    assert texts(md(t)) == ["Text."]


def test_backslash_escapes() -> None:
    (seg,) = md("Not \\*emphasis\\* and a \\[bracket\\].\n")
    assert seg.text == "Not  *emphasis * and a  [bracket ]."


def test_thematic_breaks() -> None:
    assert texts(md("One.\n\n***\n\n- - -\n\nTwo.\n")) == ["One.", "Two."]


def test_entities_stay() -> None:
    assert texts(md("Fish &amp; chips.\n")) == ["Fish &amp; chips."]


# --- Markdown: offsets ---------------------------------------------------------------------


def test_crlf_input() -> None:
    t = "# Head\r\n\r\nLine one\r\nline **two**\r\n\r\n- item\r\n"
    segs = md(t)
    assert texts(segs) == ["Head", "Line one line two", "item"]
    para = segs[1]
    assert para.start == t.index("Line one")
    assert para.text == "Line one \nline   two"
    assert para.text.index("two") + para.start == t.index("two")


def test_lone_cr_input() -> None:
    t = "Para one\rstill one\r\rPara two\r"
    assert texts(md(t)) == ["Para one still one", "Para two"]


def test_tabs_emoji_and_combining_marks_keep_positions() -> None:
    t = "#\tCafe\u0301 🙂 *fun*\n\n-\tTe\u0301st 🙂🙂 **bold** word\n\nPara.\n\n\tcode 🙂\n\nNai\u0308ve\t🙂 `x` end\n"
    segs = md(t)
    assert texts(segs) == ["Cafe\u0301 🙂 fun", "Te\u0301st 🙂🙂 bold word", "Para.", "Nai\u0308ve 🙂 end"]
    for seg in segs:
        for word in ("fun", "bold", "word", "end", "🙂"):
            i = seg.text.find(word)
            if i != -1:
                assert t[seg.start + i : seg.start + i + len(word)] == word


def test_offsets_point_into_unit() -> None:
    t = "Intro [link](http://x) and *emphasis*.\n"
    (seg,) = md(t)
    i = seg.text.index("emphasis")
    assert t[seg.start + i : seg.start + i + len("emphasis")] == "emphasis"
    j = seg.text.index("link")
    assert t[seg.start + j : seg.start + j + 4] == "link"


def test_unit_that_is_part_of_a_document() -> None:
    doc = Document(path="r.jsonl", text='{"body": "x"}')
    t = "Some *text*"
    segs = markdown.segments(Unit(document=doc, text=t, markup="markdown"))
    check_invariant(t, segs)
    assert texts(segs) == ["Some text"]


def test_pathological_inputs_are_fast() -> None:
    for t in ("[" * 3000, "`" * 3000, "<a " * 2000, "*a " * 3000, "![" * 2000, "> " * 2000, "- " * 2000):
        md(t)


# --- property tests ------------------------------------------------------------------------

_ALPHABET = st.sampled_from(list("#*_`>|[]()!-~:.=+<>/\\\n\r\t 1aAb🙂é\u0301") + ["http://", "www.", "<!--", "-->", "```", "    ", "<div>", "[x]: y"])


@settings(max_examples=400, deadline=None)
@given(st.lists(_ALPHABET, max_size=80).map("".join))
@example("*\n\t#*")  # the parser's source map pointed past the end of the text
def test_markdown_invariant_holds(t: str) -> None:
    md(t)


@settings(max_examples=200, deadline=None)
@given(st.lists(_ALPHABET, max_size=80).map("".join))
def test_plain_invariant_holds(t: str) -> None:
    segs = plain(t)
    for seg in segs:
        assert not seg.text[0].isspace() and not seg.text[-1].isspace()


_WORDS = st.lists(st.sampled_from(["Word", "other", "é🙂", "x\u0301"]), min_size=1, max_size=6)
_LINE = st.tuples(st.sampled_from(["", " ", "  "]), _WORDS, st.sampled_from([" ", "\t"])).map(
    lambda p: p[0] + p[2].join(p[1])
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_LINE, st.sampled_from(["\n", "\r\n", "\r", "\n\n", "\r\n \r\n"])), max_size=12))
def test_markdown_keeps_all_plain_words(lines: list[tuple[str, str]]) -> None:
    """Text without markup characters or deep indentation comes through word for word."""
    t = "".join(line + nl for line, nl in lines)
    segs = md(t)
    assert words(segs) == t.split()

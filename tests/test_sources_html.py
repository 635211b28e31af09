"""Tests for HTML bodies: same-length visible text, entities, blocks, and HTML record fields."""

from __future__ import annotations

import json
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from humanize_lint.model import Document, HumanizeLintError, Unit
from humanize_lint.sources import read_path
from humanize_lint.sources import text as text_source
from humanize_lint.sources.html import element_spans, looks_like_html, text_runs, visible_text
from humanize_lint.sources.records import read_json, read_jsonl

HELPDESK = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Ticket #4471</title>
<style type="text/css">p { margin: 0 } .sig > a { color: red }</style>
<script>var x = "<p>not text</p>"; if (a < b && c > d) {}</script></head>
<body>
<div class="zd-comment" dir="auto"><p>Hi&nbsp;team,</p>
<p>The renewal called again about the invoice&#8212;they&#39;re upset &amp; want a refund.<br>
Can someone call the customer back?</p>
<!-- internal: escalate? <p>hidden</p> -->
<ul><li>Order: 4471-22</li><li>Plan: Pro &gt; Team</li></ul>
<a href="https://example.com/t?a=1&amp;b=2" title="open > ticket">Open ticket</a>
<blockquote>Earlier note</blockquote>
<p>Thanks,<br>Eva&#x2019;s team</p></div>
</body></html>
"""


def _paragraphs(text: str) -> list[str]:
    document = Document(path="x.html", text=text)
    unit = Unit(document=document, text=text)
    return [" ".join(re.split(r"[ \t\r\n]+", seg.text.strip())) for seg in text_source.segments(unit)]


def test_same_length_and_positions() -> None:
    visible = visible_text(HELPDESK)
    assert len(visible) == len(HELPDESK)
    for word in ("renewal called again", "Can someone call", "Open ticket", "Earlier note"):
        index = visible.index(word)
        assert HELPDESK[index : index + len(word)] == word


def test_helpdesk_body_visible_text() -> None:
    visible = visible_text(HELPDESK)
    for hidden in ("<", "margin", "var x", "not text", "internal", "hidden", "Ticket #4471", "href", "example.com"):
        assert hidden not in visible
    assert _paragraphs(visible) == [
        "Hi\xa0 team,",
        "The renewal called again about the invoice— they' re upset & want a refund. Can someone call the customer back?",
        "Order: 4471-22",
        "Plan: Pro > Team",
        "Open ticket",
        "Earlier note",
        "Thanks, Eva’ s team",
    ]


def test_character_references() -> None:
    source = "a&amp;b &nbsp; &#39; &#x2019; &eacute; &#128512; &lt &copy2 &bogus; & x"
    visible = visible_text(source)
    assert len(visible) == len(source)
    assert [word for word in visible.split(" ") if word] == [
        "a&", "b", "\xa0", "'", "’", "é", "😀", "<", "©", "2", "&bogus;", "&", "x"
    ]
    # A legacy reference without ";" is the longest entity name that starts the letters
    # ("&copy2" is "&copy" and "2"); the letters after it stay at their own places.
    at = source.index("&copy2")
    assert visible[at : at + 6] == "©    2"
    # The decoded character sits where its reference started, then spaces.
    start = source.index("&#x2019;")
    assert visible[start : start + len("&#x2019;")] == "’" + " " * 7
    # Only references are decoded: a '<' that opens no tag is text.
    assert visible_text("if a < b and b > c") == "if a < b and b > c"


def test_block_tags_make_line_breaks() -> None:
    source = "<p>One</p><p>Two</p>Three<br>four<div>Five</div><h2>Six</h2><table><tr><td>a</td><td>b</td></tr></table>"
    visible = visible_text(source)
    assert len(visible) == len(source)
    assert visible.startswith("\n\n One\n\n  \n\n Two\n\n  Three\n   four\n\n   Five")
    assert _paragraphs(visible) == ["One", "Two", "Three four", "Five", "Six", "a b"]
    # Inline tags are spaces only.
    assert visible_text("a<b>c</b>d") == "a   c    d"


def test_hidden_and_unterminated_constructs() -> None:
    assert visible_text("x<script>alert('<b>')</script>y") == "x" + " " * 29 + "y"
    assert visible_text("x<style>p{}") == "x" + " " * 10
    assert visible_text("x<!-- never closed") == "x" + " " * 17
    assert visible_text('x<a title="1>2">y</a>') == "x" + " " * 15 + "y" + " " * 4
    assert visible_text("x<![CDATA[a<b]]>y<?xml x?>z") == "x" + " " * 15 + "y" + " " * 9 + "z"


def test_looks_like_html() -> None:
    for html in ("<p>Hi</p>", "Hi<br>there", "Hi<br/>", "<div class='x'>y", "a</span>", "x <!-- c -->"):
        assert looks_like_html(html), html
    for plain in ("a < b and c > d", "Use <email> as placeholder", "2 <3", "x <- y", "List<String>"):
        assert not looks_like_html(plain), plain


def test_element_spans_nested() -> None:
    source = "a<blockquote>b<blockquote>c</blockquote>d</BLOCKQUOTE>e<blockquote>f"
    spans = element_spans(source, "blockquote")
    assert [source[s:e] for s, e in spans] == [
        "<blockquote>b<blockquote>c</blockquote>d</BLOCKQUOTE>",
        "<blockquote>f",
    ]


_HTML_PIECES = st.sampled_from(
    ["<p>", "</p>", "<br>", "<b>", "</b>", "&amp;", "&nbsp;", "&#39;", "&#x2019;", "&", "<", ">",
     "<!--", "-->", "<script>", "</script>", '"', "'", "a", "é", "🙂", " ", "\n", "\r\n", "<a href='x>y'>"]
)


@settings(max_examples=300)
@given(st.lists(_HTML_PIECES, max_size=30).map("".join))
def test_visible_text_keeps_length_and_text_characters(html: str) -> None:
    visible = visible_text(html)
    assert len(visible) == len(html)
    for i, char in enumerate(visible):
        # Each character is the source character, a blank, or a decoded reference at an '&'.
        assert char == html[i] or char in " \n" or html[i] == "&", (i, char)


@settings(max_examples=300)
@given(st.lists(_HTML_PIECES, max_size=30).map("".join))
def test_compact_references_map_back_through_their_runs(html: str) -> None:
    """With ``references`` each reference is its text alone; the runs place every other
    character of the text at the html offset of the same-length text, and nothing else."""
    refs: list[tuple[int, int, int]] = []
    compact = visible_text(html, refs)
    padded = visible_text(html)
    assert len(compact) == len(html) - sum(raw - text for _, raw, text in refs)
    covered = 0
    for t0, h0, length in text_runs(len(compact), len(html), refs):
        assert compact[t0 : t0 + length] == padded[h0 : h0 + length]
        covered += length
    assert covered == len(compact) - sum(text for _, _, text in refs)


# --- HTML in record fields ----------------------------------------------------------


def _write(path: Path, content: str) -> Document:
    path.write_bytes(content.encode())
    return read_path(path)


def test_jsonl_html_field_auto_detected(tmp_path: Path) -> None:
    source = '<p>The renewal&nbsp;called.</p>\n<p class="x">Call <b>her</b> back.</p>'
    record = {"id": 1, "text": source}
    plain = {"id": 2, "text": "Plain **markdown** with a < b"}
    document = _write(tmp_path / "t.jsonl", json.dumps(record) + "\n" + json.dumps(plain) + "\n")
    errors: list[HumanizeLintError] = []
    units = list(read_jsonl(document, text_fields=("text",), id_field="id", name_field=None, errors=errors))
    assert errors == []
    html_unit, md_unit = units
    assert (html_unit.markup, md_unit.markup) == ("text", "markdown")
    assert html_unit.meta == {"html": True}
    # "&nbsp;" is one character, the no-break space; tags are spaces of their length.
    assert len(html_unit.text) == len(source) - len("&nbsp;") + 1
    assert _paragraphs(html_unit.text) == ["The renewal\xa0called.", "Call her back."]
    # Visible characters still map to the same characters in the file.
    for word in ("renewal", "Call", "her", "back."):
        index = html_unit.text.index(word)
        assert document.text[html_unit.to_doc(index) :].startswith(word)
    # JSON escapes (\n, \") inside the HTML still map to their backslash.
    newline = source.index("\n") - len("&nbsp;") + 1
    assert html_unit.text[newline] == "\n"
    assert document.text[html_unit.to_doc(newline)] == "\\"


def test_json_html_option(tmp_path: Path) -> None:
    document = _write(tmp_path / "t.json", json.dumps([{"text": "<p>Hi</p>"}, {"text": "<p></p>"}]))
    errors: list[HumanizeLintError] = []
    off = list(read_json(document, records_key=None, text_fields=("text",), id_field=None, name_field=None, errors=errors, html=False))
    assert [u.text for u in off] == ["<p>Hi</p>", "<p></p>"]
    on = list(read_json(document, records_key=None, text_fields=("text",), id_field=None, name_field=None, errors=errors, html=True))
    assert [u.text for u in on] == ["\n\n Hi\n\n  "]  # a field with no visible text is dropped
    assert errors == []


def test_a_reference_inside_a_phrase_or_an_identifier_keeps_it_whole(tmp_path: Path) -> None:
    """"the&nbsp;renewal" and "acct&#160;4471-22" are read as "the renewal" and "acct 4471-22"
    (the padding after the decoded space broke them), and each finding covers the whole
    reference in the file."""
    from conftest import run_cli

    rows = ['{"id": 1, "text": "<p>Later the&nbsp;renewal called twice and is upset.</p>"}', '{"id": 2, "text": "<p>Then acct&#160;4471-22 phoned and is upset.</p>"}']
    (tmp_path / "t.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    found = json.loads(run_cli("check", "t.jsonl", "--id-field", "id", "-f", "json", cwd=tmp_path).stdout)["findings"]
    shown = [rows[f["line"] - 1][f["column"] - 1 : f["end_column"] - 1] for f in found]
    assert shown == ["the&nbsp;renewal", "acct&#160;4471-22"]


# --- HTML documents (.html, .htm, .xhtml) ----------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html lang="en">
<head><title>The renewal called | Help</title>
<style>.QBR { color: red }</style>
<script>var SLA = "The renewal called";</script>
</head>
<body>
<h1>Escalations</h1>
<p>When the&nbsp;renewal called twice, we owe them a call back by EOD.</p>
<p>Run <code>the renewal called</code> or <kbd>TAM</kbd> in the console.</p>
<pre>
The refund called. QBR SLA
</pre>
<!-- humanize-lint disable-next-line HL301 -->
<p>The QBR is on Friday &amp; the RMA shipped.</p>
<p>The CSM &lt;Dana&gt; asked about the MRR.</p>
</body>
</html>
"""


def test_an_html_page_is_read_as_its_visible_text(tmp_path: Path) -> None:
    """A page's unit is its visible text: not the head, scripts, styles, tags or comments,
    and not code (``<code>``, ``<kbd>``, ``<pre>``); every visible character sits at its own
    place in the file, a reference's text at the reference."""
    from humanize_lint.sources import SourceOptions, units

    for name in ("page.html", "page.htm", "page.xhtml"):
        path = tmp_path / name
        path.write_text(PAGE, encoding="utf-8")
        document = read_path(path)
        assert document.format == "html"
        (unit,) = list(units(document, SourceOptions(), []))
        assert "the\xa0renewal called twice" in unit.text and "&" in unit.text and "<Dana>" in unit.text
        for hidden in ("Help", "color", "var", "TAM", "The refund called", "console.", "humanize-lint", "DOCTYPE"):
            assert (hidden in unit.text) == (hidden == "console."), hidden
        for i, char in enumerate(unit.text):
            if char.strip() and char not in "\xa0&<>":
                assert document.text[unit.to_doc(i)] == char, (i, char)
        at = unit.text.index("\xa0")
        assert document.text[unit.to_doc(at) :].startswith("&nbsp;")


def test_html_page_findings_suppressions_and_fixes(tmp_path: Path) -> None:
    """On the command line: findings at the file's own line and column, the comment directive
    obeyed, nothing from code, and a fix written as HTML."""
    from conftest import run_cli

    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    proc = run_cli("check", "--format", "json", "page.html", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    found = {(f["code"], f["text"], f["line"], f["column"]) for f in json.loads(proc.stdout)["findings"]}
    assert found == {("HL101", "the\xa0renewal", 9, 9), ("HL301", "EOD", 9, 67)}, found
    (tmp_path / "fix.html").write_text("<p>Ask the QBR team &amp; the &lt;ops&gt; desk.</p>\n", encoding="utf-8")
    proc = run_cli("check", "--fix", "--select", "HL301", "fix.html", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / "fix.html").read_text(encoding="utf-8") == "<p>Ask the quarterly business review (QBR) team &amp; the &lt;ops&gt; desk.</p>\n"


def test_html_replacements_are_escaped(tmp_path: Path) -> None:
    from humanize_lint.containers import escaped_replacement

    document = Document(path="p.html", text="<p>x</p>", format="html")
    unit = Unit(document=document, text="   x    ")
    assert escaped_replacement("Smith & Co <Ltd>", unit, 3, 4) == "Smith &amp; Co &lt;Ltd&gt;"


def test_findings_next_to_references_map_to_the_whole_reference(tmp_path: Path) -> None:
    """A span that starts or ends with a reference covers all of it in the file: at the
    start of the file, at its end, before another reference; and the letters after a
    legacy reference written without ";" ("&copyThe") are text at their own places."""
    from conftest import run_cli

    cases = {
        "end.html": ("Book the QB&#82;", "QB&#82;"),
        "two.html": ("Book the QB&#82;&nbsp;", "QB&#82;"),
        "start.html": ("&#81;BR is booked.", "&#81;BR"),
        "legacy.html": ("The &copyThe&#160;invoice complained again.", "The&#160;invoice"),
    }
    for name, (text, _) in cases.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    proc = run_cli("check", "--format", "json", "--select", "HL101,HL301", *cases, cwd=tmp_path)
    found = {f["path"]: f for f in json.loads(proc.stdout)["findings"]}
    for name, (text, span) in cases.items():
        f = found[name]
        assert (f["line"], f["end_line"]) == (1, 1), name
        assert text[f["column"] - 1 : f["end_column"] - 1] == span, (name, f)

"""Inline suppressions and per-file ignores, on real findings of the real engine.

Every finding here comes from the built-in rules and the installed spaCy
pipeline (the session ``linter`` fixture, or ``humanize_lint.lint_text``);
documents are read from real files in ``tmp_path`` where the file matters.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from humanize_lint import lint_text, rulepack, sources
from humanize_lint.engine import Linter
from humanize_lint.model import Document, Finding, InputError, Unit
from humanize_lint.suppress import drop_ignored, parse, per_file_ignored, rule_matches

REPO = Path(__file__).resolve().parent.parent
PACK = rulepack.load()


def known(key: str) -> bool:
    return bool(PACK.matching(key))


def lint_doc(linter: Linter, doc: Document) -> list[Finding]:
    markup = "markdown" if doc.format == "markdown" else "text"
    return linter.lint_unit(Unit(document=doc, text=doc.text, markup=markup))


def md(text: str, path: str = "note.md") -> Document:
    return Document(path=path, text=text, format="markdown")


def txt(text: str, path: str = "note.txt") -> Document:
    return Document(path=path, text=text, format="text")


def where(findings: list[Finding]) -> list[tuple[int, str, str]]:
    return [(f.start_pos.line, f.rule.code, f.text) for f in findings]


def suppressed(linter: Linter, doc: Document) -> tuple[list[Finding], list[Finding], object]:
    """(all findings, findings left after the document's suppressions, the Suppressions)."""
    found = lint_doc(linter, doc)
    sup = parse(doc)
    assert sup.validate(known) == []
    return found, sup.filter(found), sup


# --- Markdown / HTML comment form ------------------------------------------------------


def test_disable_line_only_that_line_and_only_that_rule(linter: Linter) -> None:
    doc = md(
        "The renewal called and is upset about the QBR. <!-- humanize-lint disable-line HL101 -->\n"
        "\n"
        "The renewal phoned twice.\n"
    )
    found, kept, sup = suppressed(linter, doc)
    assert (1, "HL101", "The renewal") in where(found)
    assert where(kept) == [(1, "HL301", "QBR"), (3, "HL101", "The renewal")]
    assert sup.unused() == []


def test_disable_next_line_covers_the_next_line_only(linter: Linter) -> None:
    doc = md(
        "<!-- humanize-lint disable-next-line thing-as-person -->\n"
        "The renewal called and is upset.\n"
        "The renewal phoned twice.\n"
    )
    found, kept, _ = suppressed(linter, doc)
    assert [(line, code) for line, code, _ in where(found)] == [(2, "HL101"), (3, "HL101")]
    assert where(kept) == [(3, "HL101", "The renewal")]


def test_region_by_code_until_enable(linter: Linter) -> None:
    doc = md(
        "<!-- humanize-lint disable HL101 -->\n"
        "\n"
        "The renewal called and is upset about the QBR.\n"
        "\n"
        "I apologized to the refund.\n"
        "\n"
        "<!-- humanize-lint enable HL101 -->\n"
        "\n"
        "The renewal phoned twice.\n"
    )
    found, kept, sup = suppressed(linter, doc)
    assert len([f for f in found if f.rule.code == "HL101"]) == 3
    assert where(kept) == [(3, "HL301", "QBR"), (9, "HL101", "The renewal")]
    assert [d.scope for d in sup.directives] == ["region", "enable"]


def test_region_without_ids_runs_to_end_of_file(linter: Linter) -> None:
    doc = md("The renewal called.\n\n<!-- humanize-lint disable -->\n\nAcct 4471-22 called back about the QBR.\n\nThe renewal phoned twice.\n")
    found, kept, sup = suppressed(linter, doc)
    assert {f.rule.code for f in found} == {"HL101", "HL201", "HL301"}
    assert where(kept) == [(1, "HL101", "The renewal")]
    assert sup.unused() == []


def test_enable_with_id_reenables_only_that_rule_inside_a_disable_all_region(linter: Linter) -> None:
    doc = md(
        "<!-- humanize-lint disable -->\n"
        "The renewal called about the QBR.\n"
        "<!-- humanize-lint enable thing-as-person -->\n"
        "The renewal phoned about the QBR again.\n"
        "<!-- humanize-lint enable -->\n"
        "Acct 4471-22 called back.\n"
    )
    _, kept, _ = suppressed(linter, doc)
    assert where(kept) == [(4, "HL101", "The renewal"), (6, "HL201", "Acct 4471-22")]


@pytest.mark.parametrize("key", ["HL201", "number-as-person", "HL2", "HL201, HL301", "HL301 HL201"])
def test_ids_by_code_name_prefix_and_lists(linter: Linter, key: str) -> None:
    doc = md(f"Acct 4471-22 called back. <!-- humanize-lint disable-line {key} -->\n\nThe renewal called.\n")
    found, kept, _ = suppressed(linter, doc)
    assert (1, "HL201", "Acct 4471-22") in where(found)
    assert where(kept) == [(3, "HL101", "The renewal")]


def test_ids_by_category(tmp_path: Path) -> None:
    """A custom rule whose category differs from its name and code."""
    pack_dir = tmp_path / "pack"
    shutil.copytree(REPO / "examples" / "custom-pack", pack_dir)
    rule_file = pack_dir / "internal-jargon.yaml"
    rule_file.write_text(rule_file.read_text(encoding="utf-8").replace("category: internal-jargon", "category: shorthand"), encoding="utf-8")
    pack = rulepack.load([pack_dir])
    from humanize_lint.nlp import LazyModel

    linter = Linter(list(pack.rules.values()), LazyModel(), segment=sources.segment)
    try:
        linter.model.check()
    except Exception:  # noqa: BLE001 - no pipeline: the session fixture skips the same way
        pytest.skip("no spaCy English pipeline installed")
    doc = md("I'll loop in billing tomorrow. <!-- humanize-lint disable-line shorthand -->\n\nI'll loop in billing again.\n")
    found = lint_doc(linter, doc)
    assert [(f.start_pos.line, f.rule.category) for f in found] == [(1, "shorthand"), (3, "shorthand")]
    sup = parse(doc)
    assert sup.validate(lambda k: bool(pack.matching(k))) == []
    assert [f.start_pos.line for f in sup.filter(found)] == [3]


def test_comment_spellings_and_reason(linter: Linter) -> None:
    doc = md(
        "The renewal called. <!-- humanize-lint: disable-line=HL101 -->\n"
        "The renewal called. <!-- humanize-lint-disable-line HL101 -->\n"
        "The renewal called. <!-- HUMANIZE-LINT DISABLE-LINE HL101 -- quoted from the CRM -->\n"
        "The renewal called.\n"
    )
    found, kept, _ = suppressed(linter, doc)
    assert len(found) == 4
    assert where(kept) == [(4, "HL101", "The renewal")]


def test_multiline_comment_next_line_is_after_the_comment(linter: Linter) -> None:
    doc = md("<!--\n  humanize-lint disable-next-line HL101\n  (the renewal desk is a team)\n-->\nThe renewal called.\nThe renewal phoned.\n")
    sup = parse(doc)
    # "(the renewal ...)" is text after the ids: a bad id, reported clearly.
    errors = sup.validate(known)
    assert [str(e) for e in errors] == ["note.md:3:3: invalid rule id '(the' in suppression (expected codes, names or categories separated by commas)"]
    doc = md("<!--\n  humanize-lint disable-next-line HL101 -- the renewal desk is a team\n-->\nThe renewal called.\nThe renewal phoned.\n")
    found, kept, sup = suppressed(linter, doc)
    assert (sup.directives[0].line, sup.directives[0].end_line) == (1, 3)
    assert where(kept) == [(5, "HL101", "The renewal")]


def test_disable_after_text_is_for_that_line_only(linter: Linter) -> None:
    doc = md("The renewal called. <!-- humanize-lint disable HL101 -->\nThe renewal phoned.\n")
    found, kept, sup = suppressed(linter, doc)
    assert sup.directives[0].scope == "line"
    assert where(kept) == [(2, "HL101", "The renewal")]


def test_inline_region_within_one_line(linter: Linter) -> None:
    doc = md("I apologized to the refund. <!-- humanize-lint disable -->The renewal called.<!-- humanize-lint enable --> Acct 4471-22 called back.\n")
    found, kept, _ = suppressed(linter, doc)
    assert [f.text for f in found] == ["the refund", "The renewal", "Acct 4471-22"]
    assert [f.text for f in kept] == ["the refund", "Acct 4471-22"]


def test_html_document_comment_form() -> None:
    doc = Document(path="note.html", text="<p>The renewal called.</p>\n<!-- humanize-lint disable HL101 -->\n<pre><!-- humanize-lint enable --></pre>\n", format="html")
    sup = parse(doc)
    assert [(d.action, d.line) for d in sup.directives] == [("disable", 2)]


# --- plain-text form -----------------------------------------------------------------


def test_plain_trailing_disable_is_line_only_and_its_own_text_is_not_reported(linter: Linter) -> None:
    doc = txt(
        "The renewal called and is upset about the QBR. humanize-lint: disable=HL101,HL301\n"
        "Acct 4471-22 called back. humanize-lint: disable=HL201 -- from the CRM export\n"
        "The renewal phoned twice.\n"
    )
    found, kept, sup = suppressed(linter, doc)
    # Rule codes in the directive ("HL101") are codes, not acronyms: HL301 leaves them alone,
    # and nothing in the directive's own text is reported.
    assert not {"HL101", "HL301", "HL201"} & {f.text for f in found}
    assert where(kept) == [(3, "HL101", "The renewal")]
    assert [(d.scope, [r.key for r in d.ids]) for d in sup.directives] == [("line", ["HL101", "HL301"]), ("line", ["HL201"])]
    assert sup.unused() == []


def test_plain_regions_and_next_line(linter: Linter) -> None:
    doc = txt(
        "humanize-lint: disable\n"
        "The renewal called about the QBR.\n"
        "humanize-lint: enable\n"
        "# humanize-lint: disable-next-line=number-as-person\n"
        "Acct 4471-22 called back.\n"
        "Acct 4471-22 called again.\n"
        "humanize-lint: disable=HL101\n"
        "The renewal phoned twice about the TAM.\n"
    )
    found, kept, sup = suppressed(linter, doc)
    assert [d.scope for d in sup.directives] == ["region", "enable", "next-line", "region"]
    assert where(kept) == [(6, "HL201", "Acct 4471-22"), (8, "HL301", "TAM")]


def test_plain_form_also_works_in_markdown(linter: Linter) -> None:
    doc = md("The renewal called. humanize-lint: disable-line=HL101\n\nThe renewal phoned.\n")
    _, kept, _ = suppressed(linter, doc)
    assert where(kept) == [(3, "HL101", "The renewal")]


def test_prose_mentioning_the_tool_is_not_a_directive() -> None:
    doc = txt("We ran humanize-lint on the notes. humanize-lint: a linter for support notes.\n")
    assert parse(doc).directives == []


# --- code is not a directive ------------------------------------------------------------


def test_directives_in_code_fences_and_code_spans_are_ignored(linter: Linter) -> None:
    doc = md(
        "To silence a line, write `<!-- humanize-lint disable-line HL101 -->` after it.\n"
        "\n"
        "```markdown\n"
        "<!-- humanize-lint disable -->\n"
        "humanize-lint: disable\n"
        "```\n"
        "\n"
        "~~~~\n"
        "<!-- humanize-lint disable-next-line -->\n"
        "~~~~\n"
        "The renewal called about the QBR. `humanize-lint: disable-line`\n"
    )
    found, kept, sup = suppressed(linter, doc)
    assert sup.directives == []
    assert where(kept) == where(found)
    assert (11, "HL101", "The renewal") in where(kept)


def test_directive_after_a_closed_fence_counts(linter: Linter) -> None:
    doc = md("```\ncode\n```\n<!-- humanize-lint disable-next-line -->\nThe renewal called.\n")
    _, kept, sup = suppressed(linter, doc)
    assert len(sup.directives) == 1 and kept == []


# --- errors ---------------------------------------------------------------------------


def test_unknown_rule_id_is_an_error_with_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_text("# Notes\n\nThe renewal called. <!-- humanize-lint disable-line HL101, HL999 -->\n\nhumanize-lint: disable=thing-as-persn\n", encoding="utf-8")
    doc = sources.read_path(path, shown="docs/note.md")
    errors = parse(doc).validate(known)
    assert all(isinstance(e, InputError) for e in errors)
    assert [str(e) for e in errors] == [
        "docs/note.md:3:60: unknown rule 'HL999' in suppression (see `humanize-lint rules`)",
        "docs/note.md:5:24: unknown rule 'thing-as-persn' in suppression (see `humanize-lint rules`)",
    ]
    assert all("\n" not in str(e) for e in errors)


def test_unknown_directive_verb_is_an_error() -> None:
    errors = parse(md("Text.\n\n<!-- humanize-lint disabel HL101 -->\n<!-- humanize-lint -->\n")).validate(known)
    assert [str(e) for e in errors] == [
        "note.md:3:20: unknown suppression directive 'disabel' after 'humanize-lint'; did you mean 'disable'?",
        "note.md:4:19: missing suppression directive after 'humanize-lint'; expected one of: disable, disable-line, disable-next-line, enable",
    ]
    errors = parse(md("<!-- humanize-lint switch-off HL101 -->\n")).validate(known)
    assert [str(e) for e in errors] == [
        "note.md:1:20: unknown suppression directive 'switch-off' after 'humanize-lint'; expected one of: disable, disable-line, disable-next-line, enable",
    ]


def test_a_misspelt_plain_directive_is_an_error_and_prose_is_not() -> None:
    """"humanize-lint: disable-nxt-line" in plain text was read as prose, and the finding it
    meant to silence stayed: a word close to a directive is reported, as in a comment.
    Prose after "humanize-lint:" is not: an English form of a directive ("enabled"),
    another word, or a misspelling inside code."""
    sup = parse(txt("humanize-lint: disable-nxt-line\nThe renewal called.\nsee humanize-lint: Disabel=HL101 here\n"))
    assert [str(e) for e in sup.errors] == [
        "note.txt:1:16: unknown suppression directive 'disable-nxt-line' after 'humanize-lint:'; did you mean 'disable-next-line'?",
        "note.txt:3:20: unknown suppression directive 'Disabel' after 'humanize-lint:'; did you mean 'disable'?",
    ]
    prose = "humanize-lint: enabled by default.\nhumanize-lint: disables nothing, humanize-lint: a linter, humanize-lint: deployment notes.\n"
    assert parse(txt(prose)).errors == [] and parse(md(prose + "\n`humanize-lint: disabel`\n")).errors == []


def test_an_empty_rule_list_is_an_error_not_every_rule() -> None:
    """A list begun and left empty ("disable=", "disable-line , ,") is likelier a slip than
    a wish to disable every rule, which the directive alone says."""
    sup = parse(md("The renewal called. <!-- humanize-lint disable-line , , -->\n\nhumanize-lint: disable=\n"))
    assert [str(e) for e in sup.errors] == [
        "note.md:1:53: empty rule list in suppression (name the rules, or write the directive alone to disable every rule)",
        "note.md:3:23: empty rule list in suppression (name the rules, or write the directive alone to disable every rule)",
    ]
    assert sup.directives == []


def test_valid_ids_still_apply_when_another_id_is_unknown(linter: Linter) -> None:
    doc = md("The renewal called. <!-- humanize-lint disable-line HL101 HL999 -->\n")
    sup = parse(doc)
    assert len(sup.validate(known)) == 1
    assert sup.filter(lint_doc(linter, doc)) == []


# --- unused suppressions ---------------------------------------------------------------


def test_unused_reported_per_id_with_position(linter: Linter) -> None:
    doc = md(
        "The renewal called. <!-- humanize-lint disable-line HL101, HL301 -->\n"
        "\n"
        "<!-- humanize-lint disable-next-line -->\n"
        "Nothing to see here.\n"
        "\n"
        "<!-- humanize-lint disable number-as-person -->\n"
        "Fine text.\n"
        "<!-- humanize-lint enable -->\n"
    )
    found, kept, sup = suppressed(linter, doc)
    assert kept == []
    unused = sup.unused()
    assert [str(u) for u in unused] == [
        "note.md:1:60: unused suppression for 'HL301'",
        "note.md:3:1: unused suppression 'disable-next-line' (all rules)",
        "note.md:6:28: unused suppression for 'number-as-person'",
    ]
    assert [u.key for u in unused] == ["HL301", None, "number-as-person"]


def test_unused_skips_ids_of_rules_that_did_not_run(linter: Linter) -> None:
    doc = md("Fine text. <!-- humanize-lint disable-line HL301, HL101 -->\n")
    sup = parse(doc)
    sup.filter(lint_doc(linter, doc))
    # As with --ignore HL301: only HL101 ran, so only HL101 can be unused.
    assert [u.key for u in sup.unused(enabled=lambda k: k != "HL301")] == ["HL101"]


def test_unused_counts_uses_across_calls_and_never_reports_enable(linter: Linter) -> None:
    doc = md("<!-- humanize-lint disable HL101 -->\nThe renewal called.\n<!-- humanize-lint enable HL101 -->\n")
    sup = parse(doc)
    found = lint_doc(linter, doc)
    assert [u.key for u in sup.unused()] == ["HL101"]  # nothing filtered yet
    assert sup.filter(found) == []
    assert sup.unused() == []


# --- formats and paths ------------------------------------------------------------------


def test_real_markdown_file_and_lint_text(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_text("The renewal called. <!-- humanize-lint disable-line HL101 -->\r\n\r\nThe renewal phoned.\r\n", encoding="utf-8-sig")
    doc = sources.read_path(path)
    assert doc.bom and doc.format == "markdown"
    found = lint_text(doc.text, path=doc.path, markdown=True)
    kept = parse(doc).filter(found)
    assert [(f.start_pos.line, f.text) for f in found] == [(1, "The renewal"), (3, "The renewal")]
    assert [(f.start_pos.line, f.text) for f in kept] == [(3, "The renewal")]


def test_findings_of_other_paths_pass_through(linter: Linter) -> None:
    other = lint_doc(linter, md("The renewal called.\n", path="other.md"))
    sup = parse(md("<!-- humanize-lint disable -->\n"))
    assert sup.filter(other) == other


def test_record_formats_have_no_directives(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text('{"id": "T-1", "text": "The renewal called. <!-- humanize-lint disable -->"}\n', encoding="utf-8")
    doc = sources.read_path(path)
    assert doc.format == "jsonl"
    sup = parse(doc)
    assert sup.directives == [] and sup.validate(known) == []


# --- per-file ignores --------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, expected",
    [
        ("CHANGELOG.md", {"HL301"}),
        ("docs/CHANGELOG.md", {"HL1", "HL301"}),
        ("docs/guide.md", {"HL1"}),
        ("docs/a/b/guide.md", {"HL1"}),
        ("docs/guide.txt", set()),
        ("notes/x.txt", {"number-as-person"}),
        ("notes/sub/x.txt", set()),
        ("sub/notes/x.txt", set()),
        ("drafts/x.md", {"HL101", "HL201"}),
        ("a/drafts/b/x.md", {"HL101", "HL201"}),
        ("legacy/old/x.md", {"HL301"}),
        ("legacy.md", set()),
        ("./docs/CHANGELOG.md", {"HL1", "HL301"}),
    ],
)
def test_per_file_ignored(path: str, expected: set[str]) -> None:
    mapping = {
        "CHANGELOG.md": ["HL301"],
        "docs/**/*.md": ["HL1"],
        "/notes/*.txt": "number-as-person",
        "drafts": "HL101, HL201",
        "legacy/": ["HL301"],
    }
    assert per_file_ignored(path, mapping) == expected


def test_per_file_ignored_negation_and_double_star() -> None:
    mapping = {"!docs/**": ["HL301"], "**/internal/*.md": ["HL201"], "*.tx?": ["HL101"]}
    assert per_file_ignored("README.md", mapping) == {"HL301"}
    assert per_file_ignored("docs/a.md", mapping) == set()
    assert per_file_ignored("docs/internal/a.md", mapping) == {"HL201"}
    assert per_file_ignored("internal/a.md", mapping) == {"HL201", "HL301"}
    assert per_file_ignored("docs/a.txt", mapping) == {"HL101"}


def test_drop_ignored_with_real_findings(linter: Linter) -> None:
    found = lint_doc(linter, md("The renewal called. Acct 4471-22 called back about the QBR.\n"))
    assert {f.rule.code for f in found} == {"HL101", "HL201", "HL301"}
    keys = per_file_ignored("docs/a.md", {"docs/*.md": ["thing-as-person", "HL3"]})
    assert [f.rule.code for f in drop_ignored(found, keys)] == ["HL201"]
    assert drop_ignored(found, []) == found
    assert all(rule_matches(f.rule.code, f.rule) and rule_matches(f.rule.name, f.rule) for f in found)


def test_plain_directives_in_html_text_and_in_capitals() -> None:
    """In an HTML page a plain directive ends at the next tag ("<p>humanize-lint:
    disable-next-line</p>"); the "humanize-lint:" prefix is read in any case, misspelt or not."""
    html = Document(path="p.html", text="<p>x</p>\n<p>humanize-lint: disable-next-line HL101</p>\n<p>The renewal called.</p>\n", format="html")
    sup = parse(html)
    assert sup.errors == [] and [(d.action, [r.key for r in d.ids]) for d in sup.directives] == [("disable-next-line", ["HL101"])]
    sup = parse(txt("HUMANIZE-LINT: disable-nxt-line\nThe renewal called.\nHumanize-Lint: disable-next-line\n"))
    assert [str(e) for e in sup.errors] == ["note.txt:1:16: unknown suppression directive 'disable-nxt-line' after 'humanize-lint:'; did you mean 'disable-next-line'?"]
    assert [d.action for d in sup.directives] == ["disable-next-line"]

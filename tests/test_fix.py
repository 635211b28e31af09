"""humanize_lint.fix: planning, applying, diffing, encoding and writing fixes.

Everything runs on real files in a temp directory with real findings from
the real spaCy pipeline (one Linter per module). Property tests interleave
sentences with fixable findings and filler (tabs, emoji, CJK, CRLF/LF,
optional BOM, UTF-8/16/32) and check that fixing a file: leaves none of the
fixed findings, is idempotent, and changes exactly the fixed bytes.
"""

from __future__ import annotations

import codecs
import dataclasses
import os
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from humanize_lint import fix, sources
from humanize_lint.engine import Linter
from humanize_lint.model import Document, Edit, Finding, InputError, Unit

CUSTOMER = "Maria Garcia"


@pytest.fixture(scope="module")
def fix_linter(linter: Linter) -> Linter:
    """The built-in rules with the installed pipeline (the session linter of conftest)."""
    return linter


def lint_doc(linter: Linter, doc: Document, customer: str | None = CUSTOMER) -> list[Finding]:
    markup = "markdown" if doc.format == "markdown" else "text"
    return linter.lint_unit(Unit(document=doc, text=doc.text, customer=customer, markup=markup))


def fix_file(linter: Linter, path: Path, customer: str | None = CUSTOMER, *, pass_bytes: bool = True) -> tuple[Document, list[Edit], str]:
    """What the CLI does for --fix on one file: read, lint, plan, apply, write."""
    data = path.read_bytes()
    doc = sources.decode(data, str(path), sources.detect_format(str(path)))
    edits, skipped = fix.plan(doc, lint_doc(linter, doc, customer))
    assert skipped == []
    new_text = fix.apply(doc.text, edits)
    fix.write_atomic(path, doc, new_text, data if pass_bytes else None)
    return doc, edits, new_text


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp") or p.name.startswith("."))


# -- files on disk ------------------------------------------------------------


def test_plain_utf8_file_is_fixed_exactly(fix_linter: Linter, tmp_path: Path) -> None:
    p = tmp_path / "note.txt"
    p.write_bytes(b"The renewal called again.\nWe emailed acct 4471-22 twice.\nThe SLA is due.\n")
    _, edits, _ = fix_file(fix_linter, p)
    assert edits == [Edit(0, 11, CUSTOMER), Edit(37, 49, CUSTOMER), Edit(61, 64, "service level agreement (SLA)")]
    assert p.read_bytes() == b"Maria Garcia called again.\nWe emailed Maria Garcia twice.\nThe service level agreement (SLA) is due.\n"
    assert leftovers(tmp_path) == []


def test_utf8_bom_is_kept(fix_linter: Linter, tmp_path: Path) -> None:
    p = tmp_path / "bom.txt"
    p.write_bytes(codecs.BOM_UTF8 + "Caf\u00e9 first. The renewal called again.\n".encode())
    doc, edits, _ = fix_file(fix_linter, p)
    assert doc.bom and edits == [Edit(12, 23, CUSTOMER)]
    assert p.read_bytes() == codecs.BOM_UTF8 + "Caf\u00e9 first. Maria Garcia called again.\n".encode()


@pytest.mark.parametrize("encoding,bom", [("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE), ("utf-32-le", codecs.BOM_UTF32_LE)])
def test_utf16_and_utf32_with_bom(fix_linter: Linter, tmp_path: Path, encoding: str, bom: bytes) -> None:
    p = tmp_path / "wide.txt"
    text = "\U0001F642 Hi.\r\nThe renewal called again.\r\n"
    p.write_bytes(bom + text.encode(encoding))
    doc, edits, _ = fix_file(fix_linter, p, customer="Jos\u00e9 N\u00fa\u00f1ez")
    assert (doc.encoding, doc.bom, doc.newline) == (encoding, True, "\r\n")
    assert edits == [Edit(7, 18, "Jos\u00e9 N\u00fa\u00f1ez")]
    assert p.read_bytes() == bom + "\U0001F642 Hi.\r\nJos\u00e9 N\u00fa\u00f1ez called again.\r\n".encode(encoding)


def test_crlf_tabs_and_emoji_offsets_map_to_bytes(fix_linter: Linter, tmp_path: Path) -> None:
    p = tmp_path / "crlf.md"
    raw = "# Log \U0001F4DE\r\n\r\nHi \U0001F642\tthen the renewal called again.\r\n\r\n\u5ba2\u6237\u8bf4\u8c22\u8c22\u3002 The SLA is due.\r\n"
    p.write_bytes(raw.encode())
    doc, edits, new_text = fix_file(fix_linter, p, pass_bytes=False)
    assert doc.newline == "\r\n" and doc.format == "markdown"
    assert [doc.text[e.start : e.end] for e in edits] == ["the renewal", "SLA"]
    want = raw.replace("the renewal", CUSTOMER).replace("The SLA", "The service level agreement (SLA)")
    assert new_text == want and p.read_bytes() == want.encode()
    assert p.read_bytes().count(b"\r\n") == raw.count("\r\n") and b"\n" not in p.read_bytes().replace(b"\r\n", b"")


def test_markdown_fixes_leave_markup_and_code_alone(fix_linter: Linter, tmp_path: Path) -> None:
    p = tmp_path / "doc.md"
    raw = (
        "---\ntitle: The renewal called\n---\n\n# The SLA\n\n**The renewal** called again.\n\n"
        "```\nthe renewal called again\n```\n\nSee [the renewal](x.md) who called. `acct 4471-22` called.\n"
    )
    p.write_bytes(raw.encode())
    fix_file(fix_linter, p)
    assert p.read_bytes().decode() == (
        "---\ntitle: The renewal called\n---\n\n# The service level agreement (SLA)\n\n**Maria Garcia** called again.\n\n"
        "```\nthe renewal called again\n```\n\nSee [Maria Garcia](x.md) who called. `acct 4471-22` called.\n"
    )


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o755, 0o664])
def test_file_mode_is_preserved(fix_linter: Linter, tmp_path: Path, mode: int) -> None:
    p = tmp_path / "mode.txt"
    p.write_bytes(b"The renewal called again.\n")
    os.chmod(p, mode)
    fix_file(fix_linter, p)
    assert stat.S_IMODE(p.stat().st_mode) == mode
    assert p.read_bytes() == b"Maria Garcia called again.\n"
    assert leftovers(tmp_path) == []


def test_read_only_file_is_refused_and_untouched(fix_linter: Linter, tmp_path: Path) -> None:
    p = tmp_path / "ro.txt"
    original = b"The renewal called again.\n"
    p.write_bytes(original)
    os.chmod(p, 0o444)
    before = p.stat()
    doc = sources.read_path(p)
    edits, _ = fix.plan(doc, lint_doc(fix_linter, doc))
    assert edits
    with pytest.raises(InputError) as err:
        fix.write_atomic(p, doc, fix.apply(doc.text, edits), original)
    assert str(err.value) == f"{p}: is read-only; not fixed"
    after = p.stat()
    assert p.read_bytes() == original
    assert (after.st_mtime_ns, after.st_ino, stat.S_IMODE(after.st_mode)) == (before.st_mtime_ns, before.st_ino, 0o444)
    assert leftovers(tmp_path) == []


def test_changed_on_disk_is_refused(fix_linter: Linter, tmp_path: Path) -> None:
    p = tmp_path / "race.txt"
    original = b"The renewal called again.\n"
    p.write_bytes(original)
    doc = sources.read_path(p)
    new_text = fix.apply(doc.text, fix.plan(doc, lint_doc(fix_linter, doc))[0])
    p.write_bytes(b"Someone else edited this. The renewal called again.\n")
    for original_arg in (original, fix.Snapshot.of(original), fix.Snapshot.of(original).sha256, None):
        with pytest.raises(InputError) as err:
            fix.write_atomic(p, doc, new_text, original_arg)
        assert str(err.value) == f"{p}: changed on disk since it was read; not fixed"
    assert p.read_bytes() == b"Someone else edited this. The renewal called again.\n"
    p.unlink()
    with pytest.raises(InputError, match="no longer exists; not fixed"):
        fix.write_atomic(p, doc, new_text, original)
    assert leftovers(tmp_path) == []


def test_original_that_does_not_match_the_document_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "x.txt"
    p.write_bytes(b"abc\n")
    doc = sources.read_path(p)
    with pytest.raises(InputError, match="does not re-encode to the bytes that were read"):
        fix.write_atomic(p, doc, "abd\n", b"something else\n")
    assert p.read_bytes() == b"abc\n"


def test_failed_replace_leaves_no_temp_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = tmp_path / "x.txt"
    p.write_bytes(b"abc\n")
    doc = sources.read_path(p)

    def refuse(src: str, dst: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(InputError) as err:
        fix.write_atomic(p, doc, "abd\n")
    assert str(err.value) == f"{p}: cannot write: permission denied; not fixed"
    assert p.read_bytes() == b"abc\n" and leftovers(tmp_path) == []


def test_interrupted_write_leaves_no_temp_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = tmp_path / "x.txt"
    p.write_bytes(b"abc\n")
    doc = sources.read_path(p)

    def interrupt(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupt)
    with pytest.raises(KeyboardInterrupt):
        fix.write_atomic(p, doc, "abd\n")
    assert p.read_bytes() == b"abc\n" and leftovers(tmp_path) == []


def test_symlink_is_followed_and_kept(fix_linter: Linter, tmp_path: Path) -> None:
    target = tmp_path / "real.txt"
    target.write_bytes(b"The renewal called again.\n")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    fix_file(fix_linter, link)
    assert link.is_symlink() and target.read_bytes() == b"Maria Garcia called again.\n"


def test_unchanged_text_writes_nothing(tmp_path: Path) -> None:
    p = tmp_path / "x.txt"
    p.write_bytes(b"Fine.\n")
    os.chmod(p, 0o444)  # not even the read-only check fires when there is nothing to write
    before = p.stat()
    doc = sources.read_path(p)
    fix.write_atomic(p, doc, doc.text)
    assert p.stat().st_mtime_ns == before.st_mtime_ns and p.stat().st_ino == before.st_ino


def test_exports_and_email_are_not_rewritten(fix_linter: Linter, tmp_path: Path) -> None:
    p = tmp_path / "t.jsonl"
    p.write_bytes(b'{"id": 1, "text": "The renewal called again.", "customer": "Maria Garcia"}\n')
    doc = sources.read_path(p)
    errors: list = []
    opts = sources.SourceOptions(id_field="id", name_field="customer")
    findings = [f for u in sources.units(doc, opts, errors) for f in fix_linter.lint_unit(u)]
    assert [f.fix for f in findings] == [Edit(19, 30, CUSTOMER)]  # the engine offers a fix...
    notes: list[str] = []
    edits, skipped = fix.plan(doc, findings, notes=notes)
    assert edits == [] and skipped == findings  # ...but exports are never rewritten
    assert notes == [f"{p}: JSON Lines exports are not rewritten by --fix; 1 fix not applied"]
    with pytest.raises(InputError, match="JSON Lines exports are not rewritten by --fix; not fixed"):
        fix.write_atomic(p, doc, doc.text.replace("The renewal", CUSTOMER))
    for fmt, word in (("csv", "CSV exports"), ("json", "JSON exports"), ("eml", "email files"), ("mbox", "mailboxes")):
        assert fix.unfixable_reason(Document(path="x", text="", format=fmt)) == f"{word} are not rewritten by --fix"
    assert fix.unfixable_reason(Document(path="x", text="", format="markdown")) is None
    if "first_line" in {f.name for f in dataclasses.fields(Document)}:  # streamed chunks of a file
        chunk = Document(path="x", text="", format="text", first_line=40)  # type: ignore[call-arg]
        assert fix.unfixable_reason(chunk) == "chunks of a file are not rewritten by --fix"
    # Nothing to say when there is no fix to skip.
    notes.clear()
    assert fix.plan(doc, [], notes=notes) == ([], []) and notes == []


# -- plan and apply -------------------------------------------------------------


def _findings(linter: Linter, text: str) -> tuple[Document, list[Finding]]:
    doc = Document(path="n.txt", text=text)
    return doc, lint_doc(linter, doc)


def test_plan_overlapping_edits_keep_the_earliest(fix_linter: Linter) -> None:
    doc, found = _findings(fix_linter, "The renewal called about the SLA today.")
    person, acronym = found
    assert person.fix == Edit(0, 11, CUSTOMER) and acronym.fix == Edit(29, 32, "service level agreement (SLA)")
    wide = dataclasses.replace(acronym, fix=Edit(4, 20, "x"))  # overlaps the first edit
    touching = dataclasses.replace(acronym, fix=Edit(11, 11, ","))  # touches it: fine
    result = fix.plan_fixes(doc, [acronym, wide, person, touching])
    assert result.edits == [Edit(0, 11, CUSTOMER), Edit(11, 11, ","), Edit(29, 32, "service level agreement (SLA)")]
    assert result.skipped == [(wide, "overlaps the fix at 1:1")]
    assert fix.plan(doc, [acronym, wide, person, touching])[1] == [wide]
    assert fix.apply(doc.text, result.edits) == "Maria Garcia, called about the service level agreement (SLA) today."


def test_plan_skips_noop_stale_foreign_and_merges_duplicates(fix_linter: Linter) -> None:
    doc, (person,) = _findings(fix_linter, "The renewal called again.")
    same = dataclasses.replace(person, rule=dataclasses.replace(person.rule, code="HL999"))
    noop = dataclasses.replace(person, fix=Edit(0, 11, "The renewal"))
    outside = dataclasses.replace(person, fix=Edit(20, 99, "x"))
    foreign = dataclasses.replace(person, path="other.txt")
    unfixable = dataclasses.replace(person, fix=None)
    stale_doc = Document(path="n.txt", text="A different renewal called.")
    result = fix.plan_fixes(doc, [person, same, noop, outside, foreign, unfixable])
    assert result.edits == [Edit(0, 11, CUSTOMER)]
    assert result.fixed == [person, same]  # one edit offered twice fixes both findings
    assert [why for _, why in result.skipped] == ["the fix would change nothing", "the fix lies outside the text"]
    assert fix.plan_fixes(stale_doc, [person]).skipped == [(person, "the text changed since it was linted")]


def test_plan_writes_crlf_for_newlines_in_replacements(fix_linter: Linter) -> None:
    doc = Document(path="n.txt", text="The renewal called again.\r\n", newline="\r\n")
    (person,) = lint_doc(fix_linter, doc)
    two_lines = dataclasses.replace(person, fix=Edit(0, 11, "Maria\nGarcia"))
    assert fix.plan(doc, [two_lines])[0] == [Edit(0, 11, "Maria\r\nGarcia")]


def test_apply() -> None:
    text = "ab\tc \U0001F642 d\u6f22e"
    assert fix.apply(text, []) == text
    assert fix.apply(text, [Edit(9, 10, "E"), Edit(0, 1, "A"), Edit(5, 5, "[")]) == "Ab\tc [\U0001F642 d\u6f22E"
    with pytest.raises(ValueError, match="overlap"):
        fix.apply(text, [Edit(0, 3, "x"), Edit(2, 4, "y")])
    with pytest.raises(ValueError, match="overlap"):
        fix.apply(text, [Edit(2, 2, "x"), Edit(2, 2, "y")])
    with pytest.raises(ValueError, match="outside"):
        fix.apply(text, [Edit(5, 99, "x")])


# -- diff and encode ------------------------------------------------------------


def test_unified_diff_git_style() -> None:
    doc = Document(path="./docs/note.txt", text="one\ntwo\nthree")
    diff = fix.unified_diff(doc, "one\n2\nthree")
    assert diff == (
        "--- a/docs/note.txt\n+++ b/docs/note.txt\n@@ -1,3 +1,3 @@\n one\n-two\n+2\n three\n\\ No newline at end of file\n"
    )
    assert fix.unified_diff(doc, doc.text) == ""
    # \u2028 and form feeds are not line breaks for git, and not for us.
    odd = Document(path="o.txt", text="a\u2028b\x0cc\nd\n")
    assert fix.unified_diff(odd, "a\u2028b\x0cc\nD\n").split("\n")[2:-1] == ["@@ -1,2 +1,2 @@", " a\u2028b\x0cc", "-d", "+D"]


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_unified_diff_applies_with_git(fix_linter: Linter, tmp_path: Path, newline: str) -> None:
    lines = ["# Notes", "", "Fine \U0001F642 line.", "\tThen the renewal called again.", "", "\u5ba2\u6237 The SLA is due.", "End"]
    raw = newline.join(lines)  # no newline at the end of the file
    p = tmp_path / "notes.md"
    p.write_bytes(raw.encode())
    doc = sources.decode(p.read_bytes(), "notes.md", "markdown")
    new_text = fix.apply(doc.text, fix.plan(doc, lint_doc(fix_linter, doc))[0])
    diff = fix.unified_diff(doc, new_text)
    assert diff.startswith("--- a/notes.md\n+++ b/notes.md\n@@ ")
    headers = [line for line in diff.split("\n") if line.startswith(("---", "+++", "@@"))]
    assert len(headers) == 3 and not any(line.endswith("\r") for line in headers)
    assert ("\r\n" in diff) == (newline == "\r\n")  # content lines keep the file's line endings
    (tmp_path / "patch.diff").write_bytes(diff.encode())
    subprocess.run(["git", "apply", "--unsafe-paths", "--whitespace=nowarn", "patch.diff"], cwd=tmp_path, check=True, capture_output=True)
    assert p.read_bytes() == new_text.encode()


def test_encode_restores_bom_and_encoding() -> None:
    text = "Caf\u00e9 \U0001F642\r\n"
    for enc, bom in [("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE), ("utf-32-le", codecs.BOM_UTF32_LE), ("utf-32-be", codecs.BOM_UTF32_BE)]:
        data = bom + text.encode(enc)
        doc = sources.decode(data, "x.txt")
        assert (doc.encoding, doc.bom) == (enc, bool(bom))
        assert fix.encode(doc, doc.text) == data
        assert fix.encode(doc, "\u738b\u82b3") == bom + "\u738b\u82b3".encode(enc)
    # Mail that is not all UTF-8: its other bytes are kept as lone surrogates and written back as they were.
    mail = sources.decode(b"Subject: caf\xe9\n\nhi \xc3\xa9\n", "m.eml")
    assert mail.encoding == "utf-8" and mail.text == "Subject: caf\udce9\n\nhi \u00e9\n"
    assert fix.encode(mail, mail.text) == b"Subject: caf\xe9\n\nhi \xc3\xa9\n"
    assert fix.encode(mail, mail.text.replace("hi", "\u738b")) == b"Subject: caf\xe9\n\n\xe7\x8e\x8b \xc3\xa9\n"
    with pytest.raises(InputError, match="m.eml:2:1: '\\\\ud800' cannot be written in utf-8; not fixed"):
        fix.encode(mail, "ok\n\ud800")


# -- properties -----------------------------------------------------------------

PLANTED = ("The renewal called again.", "We emailed acct 4471-22 twice.", "The SLA is due.")
FILLER = (
    "Fine line.",
    "Notes from the call \U0001F642.",
    "\u5ba2\u6237\u8bf4\u8c22\u8c22\u3002",
    "Tabs\there\tand\tthere.",
    "Caf\u00e9 cr\u00e8me \u2615 at 10:00.",
    "\u65e5\u672c\u8a9e\u306e\u30e1\u30e2\u3002",
    "Ticket closed \U0001F44D\U0001F3FD.",
    "\U0001F469\u200d\U0001F4BB wrote the summary.",
    "The invoice is attached.",
)
ENCODINGS = (
    ("utf-8", b""),
    ("utf-8", codecs.BOM_UTF8),
    ("utf-16-le", codecs.BOM_UTF16_LE),
    ("utf-16-be", codecs.BOM_UTF16_BE),
    ("utf-32-le", codecs.BOM_UTF32_LE),
)
NAMES = ("Maria Garcia", "Jos\u00e9 N\u00fa\u00f1ez", "\u738b\u82b3")
words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz\t\u00e9\u6f22\u5b57\U0001F642", min_size=1, max_size=8)
random_filler = st.lists(words, min_size=1, max_size=5).map(lambda ws: " ".join(ws).capitalize() + ".")


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, str, bytes, str]:
    """(file suffix, text, bytes on disk, customer) with planted fixable sentences among filler."""
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    planted = draw(st.lists(st.sampled_from(PLANTED), min_size=1, max_size=4))
    filler = draw(st.lists(st.one_of(st.sampled_from(FILLER), random_filler), max_size=4))
    pieces = draw(st.permutations(planted + filler))
    seps = st.sampled_from([" ", "  ", "\t", newline, newline * 2, " \t" + newline])
    text = draw(st.sampled_from(["", "\t", newline]))
    for i, piece in enumerate(pieces):
        text += (draw(seps) if i else "") + piece
    text += draw(st.sampled_from(["", newline, newline * 2]))
    encoding, bom = draw(st.sampled_from(ENCODINGS))
    suffix = draw(st.sampled_from([".txt", ".md"]))
    return suffix, text, bom + text.encode(encoding), draw(st.sampled_from(NAMES))


def _expected_bytes(original: bytes, doc: Document, edits: list[Edit]) -> bytes:
    """The original bytes with each edited span's bytes replaced, computed independently of fix.encode."""
    bom = len(original) - len(doc.text.encode(doc.encoding))
    out = original
    for e in sorted(edits, key=lambda e: e.start, reverse=True):
        b_start = bom + len(doc.text[: e.start].encode(doc.encoding))
        b_end = bom + len(doc.text[: e.end].encode(doc.encoding))
        assert original[b_start:b_end] == doc.text[e.start : e.end].encode(doc.encoding)
        out = out[:b_start] + e.replacement.encode(doc.encoding) + out[b_end:]
    return out


def _newlines(text: str) -> list[str]:
    return [m for m in ("".join(c if c in "\r\n" else " " for c in text)).split(" ") if m]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(documents())
def test_fixing_a_file_fixes_exactly_the_findings(fix_linter: Linter, case: tuple[str, str, bytes, str]) -> None:
    suffix, text, original, customer = case
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"note{suffix}"
        path.write_bytes(original)
        doc = sources.read_path(path)
        assert doc.text == text
        findings = lint_doc(fix_linter, doc, customer)
        edits, skipped = fix.plan(doc, findings)
        event(f"{len(edits)} edits")
        assert skipped == []
        assert edits == sorted({f.fix for f in findings if f.fix is not None}, key=lambda e: e.start)
        new_text = fix.apply(doc.text, edits)
        fix.write_atomic(path, doc, new_text, original)
        written = path.read_bytes()
        assert os.listdir(tmp) == [path.name]

        # (3) Exactly the fixed spans changed, byte for byte; BOM and newlines kept.
        assert written == _expected_bytes(original, doc, edits)
        bom = original[: len(original) - len(text.encode(doc.encoding))]
        assert written.startswith(bom) and (not bom or not written[len(bom):].startswith(bom))
        after = sources.read_path(path)
        assert (after.encoding, after.bom, after.newline) == (doc.encoding, doc.bom, doc.newline)
        assert after.text == new_text and _newlines(after.text) == _newlines(text)

        # (1) None of the fixed findings is reported again at its replacement.
        refound = lint_doc(fix_linter, after, customer)
        shift = 0
        for e in edits:
            fixed_rules = {f.rule.code for f in findings if f.fix == e}
            a, b = e.start + shift, e.start + shift + len(e.replacement)
            again = [f for f in refound if f.rule.code in fixed_rules and f.doc_start < b and a < f.doc_end]
            assert again == [], (new_text[a:b], again)
            shift += len(e.replacement) - (e.end - e.start)

        # (2) Fixing is idempotent: nothing left to fix.
        assert fix.plan(after, refound) == ([], [])
        assert fix.unified_diff(after, fix.apply(after.text, [])) == ""


def test_property_inputs_do_get_fixed(fix_linter: Linter, tmp_path: Path) -> None:
    """The planted sentences really carry fixes in the mixes the property test builds."""
    nl = "\r\n"
    text = nl.join([PLANTED[0], FILLER[2] + "\t" + PLANTED[1], FILLER[6] + " " + PLANTED[2], FILLER[7]]) + nl
    p = tmp_path / "mix.md"
    p.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    doc, edits, new_text = fix_file(fix_linter, p, customer=NAMES[2])
    assert [doc.text[e.start : e.end] for e in edits] == ["The renewal", "acct 4471-22", "SLA"]
    assert p.read_bytes() == codecs.BOM_UTF16_LE + new_text.encode("utf-16-le")

"""Issue 13's reproducers: bad input never stops, hangs or silently drops a run.

Each test is one reproducer from the fuzz campaign, run through the real
command line (``run_cli``) or the real readers. Nothing here is timed: a
hang shows as the subprocess timeout of ``run_cli``, not as a number.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from conftest import _cli_env, run_cli

from humanize_lint import rulepack, sources
from humanize_lint.model import InputError, RuleError
from humanize_lint.sources import records

BAD = "The renewal called again.\n"


def _one_line_errors(stderr: str) -> list[str]:
    """stderr lines; each is one error or note (none spans lines, no traceback)."""
    assert "Traceback" not in stderr, stderr
    return [line for line in stderr.splitlines() if line.strip()]


def _json(proc: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(proc.stdout)
    return data


# --- one input ends the run ----------------------------------------------------------


def test_c1_a_thousand_nested_list_markers_are_read_not_a_recursion_error(tmp_path: Path) -> None:
    (tmp_path / "deep.md").write_text("- " * 1000 + "the renewal called again.\n", encoding="utf-8")
    (tmp_path / "ok.md").write_text(BAD, encoding="utf-8")
    proc = run_cli("check", "deep.md", "ok.md", "--format", "json", cwd=tmp_path)
    assert "internal error" not in proc.stderr, proc.stderr
    report = _json(proc)
    assert proc.returncode == 1
    assert {f["path"] for f in report["findings"]} == {"deep.md", "ok.md"}
    deep = next(f for f in report["findings"] if f["path"] == "deep.md")
    assert (deep["line"], deep["column"], deep["text"]) == (1, 2001, "the renewal")


def test_c2_a_lone_surrogate_in_a_jsonl_record_loses_nothing(tmp_path: Path) -> None:
    lines = ['{"text": "The renewal called again."}', '{"text": "The renewal called again. \\udc80"}', '{"text": "Acct 4471-22 called back."}']
    (tmp_path / "t.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    proc = run_cli("check", "t.jsonl", "--format", "json", cwd=tmp_path)
    report = _json(proc)
    assert proc.returncode == 1, proc.stderr
    assert [f["record"] for f in report["findings"]] == ["1", "2", "3"]
    assert report["summary"]["records"] == 3


def test_a_5_mb_line_without_a_sentence_break_is_split_not_refused(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_text("x " * 2_500_000 + "The renewal called again.\n", encoding="utf-8")
    proc = run_cli("check", "big.txt", "--format", "concise", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert "E088" not in proc.stderr and "internal error" not in proc.stderr
    assert proc.stdout.startswith("big.txt:1:5000001: warning: HL101 [thing-as-person] 'The renewal'")


def test_long_paragraph_pieces_keep_exact_offsets() -> None:
    from humanize_lint.model import Document, Unit

    text = ("word " * 1500 + "An end. ") * 20 + "The renewal called."
    unit = Unit(document=Document(path="a.txt", text=text), text=text)
    segs = sources.segment(unit)
    assert len(segs) > 3 and max(len(s.text) for s in segs) <= sources.MAX_SEGMENT
    for s in segs:
        assert text[s.start : s.start + len(s.text)] == s.text
    assert "".join(s.text for s in segs).replace(" ", "") == text.replace(" ", "")


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_a_symlink_loop_in_a_walk_is_a_note_and_the_rest_is_linted(tmp_path: Path) -> None:
    d = tmp_path / "d"
    d.mkdir()
    os.symlink("x.md", d / "x.md")  # points at itself
    (d / "real.md").write_text(BAD, encoding="utf-8")
    proc = run_cli("check", "d", "--format", "json", cwd=tmp_path)
    report = _json(proc)
    assert proc.returncode == 1, proc.stderr
    assert report["summary"]["files"] == 1
    assert [f["path"] for f in report["findings"]] == [str(Path("d") / "real.md")]
    assert f"{Path('d') / 'x.md'}: note: symlink loop; skipped" in proc.stderr
    assert len(_one_line_errors(proc.stderr)) == 1


RULE_HEAD = "code: XX901\nname: bad-rule\ncategory: jargon\nseverity: warning\nsummary: S.\nmessage: m\n"


@pytest.mark.parametrize(
    ("body", "where", "words"),
    [
        ("kind: {x: 1}\nterms: [a]\n", "7:7", "unknown kind"),
        ("kind: terms\nterms: [a]\nwhy: !!timestamp nope\n", "9:6", "is not a valid !!timestamp"),
        ("kind: terms\nterms: [a]\nwhy: !!int abc\n", "9:6", "is not a valid !!int"),
        ("kind: terms\nterms: [a]\nwhy: !!float abc\n", "9:6", "is not a valid !!float"),
        ("kind: acronym\nexpansions: plain-string\n", "8:13", "'expansions' in rule must be a mapping or a $lexicon reference"),
    ],
    ids=["kind-mapping", "bad-timestamp", "bad-int", "bad-float", "expansions-string"],
)
def test_broken_rule_files_are_one_line_errors(tmp_path: Path, body: str, where: str, words: str) -> None:
    (tmp_path / "r.yaml").write_text(RULE_HEAD + body, encoding="utf-8")
    (tmp_path / ".humanize-lint.yaml").write_text("rules: [r.yaml]\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text(BAD, encoding="utf-8")
    proc = run_cli("check", "a.txt", cwd=tmp_path)
    lines = _one_line_errors(proc.stderr)
    assert proc.returncode == 2
    assert len(lines) == 1 and "internal error" not in lines[0], lines
    assert lines[0].startswith(f"humanize-lint: r.yaml:{where}: "), lines[0]
    assert words in lines[0]


# --- hangs ------------------------------------------------------------------------------

ID_RULE = """code: XX902
name: slow-id
category: number-as-person
severity: warning
kind: identifier
summary: Slow identifiers.
message: "'{text}' is an identifier"
identifiers:
  standalone:
    - 'INC\\d+'
    - '%s'
"""
PATTERN_RULE = """code: XX903
name: slow-pattern
category: jargon
severity: warning
kind: pattern
summary: Slow pattern.
message: "'{text}' matched"
patterns:
  - [{TEXT: {REGEX: '%s'}}]
"""


def _pack(tmp_path: Path, *rules: str) -> None:
    (tmp_path / "pack").mkdir()
    for i, rule in enumerate(rules):
        (tmp_path / "pack" / f"r{i}.yaml").write_text(rule, encoding="utf-8")
    (tmp_path / ".humanize-lint.yaml").write_text("rules: [pack]\n", encoding="utf-8")


def test_catastrophic_backtracking_from_the_issue_returns(tmp_path: Path) -> None:
    """``(a+)+b`` on 40 a's never returns under ``re``; rule regexes run under ``regex``."""
    shapes = ID_RULE.replace("standalone:\n    - 'INC\\d+'\n    - '%s'\n", "labels: [acct]\n  shapes: ['(a+)+b']\n")
    _pack(tmp_path, ID_RULE % "(a+)+b", shapes.replace("XX902", "XX904").replace("slow-id", "slow-shape"), PATTERN_RULE % "(a+)+b")
    (tmp_path / "a.txt").write_text("Acct " + "a" * 40 + " called about " + "a" * 40 + " today.\n", encoding="utf-8")
    proc = run_cli("check", "a.txt", "--format", "json", cwd=tmp_path)
    assert proc.returncode in (0, 1), proc.stderr
    _one_line_errors(proc.stderr)


def test_a_rule_regex_that_runs_out_of_time_is_one_error_at_its_line_and_the_run_goes_on(tmp_path: Path) -> None:
    _pack(tmp_path, ID_RULE % "(a|aa)+$", PATTERN_RULE % "(a|aa)+c")
    (tmp_path / "a.txt").write_text("INC123 is here. " + "a" * 60 + "! The renewal called.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text(BAD, encoding="utf-8")
    proc = run_cli("check", "a.txt", "b.txt", "--format", "json", cwd=tmp_path)
    report = _json(proc)
    assert proc.returncode == 2
    errors = _one_line_errors(proc.stderr)
    assert any(e.startswith("humanize-lint: pack/r0.yaml:11:7: regular expression '(a|aa)+$' took longer than") for e in errors), errors
    assert any(e.startswith("humanize-lint: pack/r1.yaml:9:") and "'(a|aa)+c'" in e for e in errors), errors
    # The other rules still ran on both files.
    assert {(f["path"], f["code"]) for f in report["findings"]} >= {("a.txt", "HL101"), ("b.txt", "HL101")}


def test_files_linted_with_a_regex_that_ran_out_of_time_are_not_cached(tmp_path: Path) -> None:
    """Small files are linted together (``runner._Jobs``); when a rule's regex runs out of
    time on one of them it is off for the rest, so none of those files' findings may be
    cached: a second run with the cache reports the same error and the same findings."""
    _pack(tmp_path, ID_RULE % "(a|aa)+$", PATTERN_RULE % "(a|aa)+c")
    (tmp_path / "a.txt").write_text(BAD, encoding="utf-8")
    (tmp_path / "b.txt").write_text("INC123 is here. " + "a" * 60 + "! The renewal called.\n", encoding="utf-8")
    runs = []
    for _ in range(2):
        proc = run_cli("check", "a.txt", "b.txt", "--format", "json", "--cache-dir", "cache", cwd=tmp_path)
        assert proc.returncode == 2, proc.stderr
        errors = _one_line_errors(proc.stderr)
        assert any(e.startswith("humanize-lint: pack/r0.yaml:11:7: regular expression '(a|aa)+$' took longer than") for e in errors), errors
        runs.append(sorted((f["path"], f["code"], f["line"], f["column"]) for f in _json(proc)["findings"]))
    assert runs[0] == runs[1]


def test_a_yaml_alias_bomb_in_a_rule_file_is_refused_at_once(tmp_path: Path) -> None:
    lines = ["a: &a [x,x,x,x,x,x,x,x,x]"]
    for i in range(1, 9):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    (tmp_path / "r.yaml").write_text(RULE_HEAD + "kind: terms\nterms: [a]\nexamples:\n  flag: []\nlexicon_bomb:\n" + "\n".join("  " + x for x in lines) + "\n", encoding="utf-8")
    with pytest.raises(RuleError, match=r"aliases here expand to more than 100,000 values") as info:
        rulepack.load([tmp_path / "r.yaml"], builtin=False)
    assert info.value.line is not None and "\n" not in str(info.value)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_a_fifo_in_a_walk_is_skipped_with_a_note(tmp_path: Path) -> None:
    d = tmp_path / "d"
    d.mkdir()
    os.mkfifo(d / "pipe.md")
    (d / "real.md").write_text(BAD, encoding="utf-8")
    proc = run_cli("check", "d", "--format", "json", cwd=tmp_path)  # would block forever if it opened the FIFO
    assert proc.returncode == 1, proc.stderr
    assert _json(proc)["summary"]["files"] == 1
    assert "pipe.md: note: a FIFO (named pipe); skipped" in proc.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_a_fifo_named_explicitly_is_read_once(tmp_path: Path) -> None:
    fifo = tmp_path / "note.txt"
    os.mkfifo(fifo)
    proc = subprocess.Popen(
        [sys.executable, "-m", "humanize_lint", "check", str(fifo), "--format", "concise"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_cli_env(),
    )
    with open(fifo, "w", encoding="utf-8") as w:  # blocks until the linter opens it
        w.write(BAD)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1, err
    assert out.startswith(f"{fifo}:1:1: warning: HL101")


def test_process_substitution_is_read(tmp_path: Path) -> None:
    r, w = os.pipe()
    os.write(w, BAD.encode())
    os.close(w)
    proc = subprocess.run(
        [sys.executable, "-m", "humanize_lint", "check", f"/dev/fd/{r}", "--format", "concise"],
        capture_output=True, text=True, env=_cli_env(), pass_fds=(r,), timeout=120,
    )
    os.close(r)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.startswith(f"/dev/fd/{r}:1:1: warning: HL101")


def test_a_mail_header_with_thousands_of_parameters_is_truncated_with_a_note(tmp_path: Path) -> None:
    header = "Content-Type: text/plain; " + "; ".join(f'p{i}="v{i}"' for i in range(20000))
    (tmp_path / "m.eml").write_text(f"From: a@gmail.com\nTo: support@x.example\nSubject: hi\n{header}\n\n{BAD}", encoding="utf-8")
    proc = run_cli("check", "m.eml", "--format", "json", cwd=tmp_path)
    report = _json(proc)
    assert proc.returncode == 1, proc.stderr
    assert [f["text"] for f in report["findings"]] == ["The renewal"]
    assert "m.eml:4:1: note: header 'Content-Type' is" in proc.stderr


# --- silent loss or wrong output ------------------------------------------------------


def test_an_eml_declared_base64_that_is_not_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "b.eml").write_text(
        "From: a@gmail.com\nTo: support@x.example\nSubject: hi\nContent-Type: text/plain; charset=utf-8\n"
        "Content-Transfer-Encoding: base64\n\nThe renewal called again, this is not base64!!\n",
        encoding="utf-8",
    )
    proc = run_cli("check", "b.eml", cwd=tmp_path)
    assert proc.returncode == 2
    assert "b.eml:1:1: the text/plain part's base64 body cannot be decoded (InvalidBase64CharactersDefect); message skipped" in proc.stderr


def test_fix_leaves_a_fence_opened_on_a_list_marker_line_alone(tmp_path: Path) -> None:
    text = "- ```\n  The renewal called.\n  ```\n\n```\n> ```\nThe renewal called.\n```\n\nThe renewal called.\n"
    (tmp_path / "n.md").write_text(text, encoding="utf-8")
    proc = run_cli("check", "n.md", "--customer", "Maria Garcia", "--fix", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / "n.md").read_text(encoding="utf-8") == text.replace("\nThe renewal called.\n", "\nMaria Garcia called.\n").replace(
        "```\nMaria Garcia called.\n```", "```\nThe renewal called.\n```"
    )
    assert (tmp_path / "n.md").read_text(encoding="utf-8").count("The renewal called.") == 2


def _sarif_replacements(proc: subprocess.CompletedProcess[str]) -> dict[tuple[str, int], list[str]]:
    data = json.loads(proc.stdout)
    out: dict[tuple[str, int], list[str]] = {}
    for r in data["runs"][0]["results"]:
        loc = r["locations"][0]["physicalLocation"]
        key = (loc["artifactLocation"]["uri"], loc["region"]["startLine"])
        out[key] = [rep["insertedContent"]["text"] for fx in r.get("fixes", []) for ch in fx["artifactChanges"] for rep in ch["replacements"]]
    return out


def test_sarif_fixes_are_escaped_for_json_strings_and_csv_cells(tmp_path: Path) -> None:
    (tmp_path / "t.jsonl").write_text('{"id": "T1", "customer": "Maria \\"Mia\\" Garcia", "body": "The renewal called again."}\n', encoding="utf-8")
    (tmp_path / "t.csv").write_text(
        'id,customer,body\n1,"Maria ""Mia"" Garcia","The renewal called again."\n2,"Maria ""Mia"" Garcia",The renewal called again.\n',
        encoding="utf-8",
    )
    proc = run_cli("check", "t.jsonl", "t.csv", "--text-field", "body", "--id-field", "id", "--name-field", "customer", "--format", "sarif", cwd=tmp_path)
    fixes = _sarif_replacements(proc)
    assert fixes[("t.jsonl", 1)] == ['Maria \\"Mia\\" Garcia']
    assert fixes[("t.csv", 2)] == ['Maria ""Mia"" Garcia']
    assert fixes[("t.csv", 3)] == []  # an unquoted cell cannot take a quote: no fix offered
    # Applying the JSON fix gives valid JSON with the name in it.
    line = (tmp_path / "t.jsonl").read_text(encoding="utf-8")
    fixed = line.replace("The renewal", fixes[("t.jsonl", 1)][0], 1)
    assert json.loads(fixed)["body"] == 'Maria "Mia" Garcia called again.'


def test_the_text_reporter_shows_a_window_of_a_long_line(tmp_path: Path) -> None:
    (tmp_path / "long.txt").write_text("x " * 1_000_000 + "The renewal called again. " + "y " * 1_000_000 + "\n", encoding="utf-8")
    proc = run_cli("check", "long.txt", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert len(proc.stdout) < 1000, len(proc.stdout)
    src, caret = proc.stdout.splitlines()[1:3]
    assert src.startswith("  1 | …x x") and src.endswith("y y…")
    assert src.index("The renewal") == caret.index("^") and caret.count("^") == len("The renewal")


def test_error_messages_are_one_line(tmp_path: Path) -> None:
    (tmp_path / "t.jsonl").write_text('{"sub\\nject": "x"}\n', encoding="utf-8")
    proc = run_cli("check", "t.jsonl", "--text-field", "body", cwd=tmp_path)
    lines = _one_line_errors(proc.stderr)
    assert proc.returncode == 2
    assert lines == ["humanize-lint: t.jsonl: no record has field 'body' (fields seen: sub\\nject)"]


def test_a_reader_error_in_a_rule_file_has_line_and_column(tmp_path: Path) -> None:
    (tmp_path / "r.yaml").write_text(RULE_HEAD + "kind: terms\nterms: [a\x00b]\n", encoding="utf-8")
    with pytest.raises(RuleError) as info:
        rulepack.load([tmp_path / "r.yaml"], builtin=False)
    assert (info.value.line, info.value.column) == (8, 10)
    assert "\n" not in str(info.value)


def test_a_rule_file_that_is_not_utf8_has_line_and_column(tmp_path: Path) -> None:
    (tmp_path / "r.yaml").write_bytes((RULE_HEAD + "kind: terms\nterms: [caf").encode() + b"\xe9]\n")
    with pytest.raises(RuleError, match="not UTF-8") as info:
        rulepack.load([tmp_path / "r.yaml"], builtin=False)
    assert (info.value.line, info.value.column) == (8, 12)


def test_an_invalid_regex_in_a_lexicon_is_reported_in_pack_yaml(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "pack.yaml").write_text("lexicons:\n  ticket-ids:\n    - 'INC\\d+'\n    - '(\\d+'\n", encoding="utf-8")
    (pack / "ids.yaml").write_text((ID_RULE % "x").replace("standalone:\n    - 'INC\\d+'\n    - 'x'\n", "standalone: $ticket-ids\n"), encoding="utf-8")
    with pytest.raises(RuleError) as info:
        rulepack.load([pack], builtin=False)
    assert str(info.value).startswith(f"{pack}/pack.yaml:4:7: invalid regular expression in identifiers.standalone"), str(info.value)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le"])
def test_undecodable_utf16_and_utf32_are_located_by_their_own_line_breaks(encoding: str) -> None:
    good = "line one\nline two\nbad "
    bom = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff", "utf-32-le": b"\xff\xfe\x00\x00"}[encoding]
    lone = {"utf-16-le": b"\x00\xdc", "utf-16-be": b"\xdc\x00", "utf-32-le": b"\x00\xdc\x00\x00"}[encoding]
    with pytest.raises(InputError) as info:
        sources.decode(bom + good.encode(encoding) + lone + "x".encode(encoding), "u.txt")
    assert (info.value.line, info.value.column) == (3, 5)


def test_a_streamed_csv_whose_first_block_is_blank_sniffs_the_real_delimiter() -> None:
    import io

    data = b"\n\n\n\n" + b"id;text\n1;The renewal called.\n2;Fine.\n"
    docs = sources.read_stream(io.BytesIO(data), "x.csv", "csv", block=4)
    errors: list[Any] = []
    units = list(sources.units(docs, sources.SourceOptions(id_field="id"), errors))
    assert errors == []
    assert [(u.record, u.text) for u in units] == [("1", "The renewal called."), ("2", "Fine.")]
    assert records.sniff_delimiter("\n\nid;text\n") == ";"


# --- interruption -------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_ends_the_run_with_a_valid_report_of_what_was_done(tmp_path: Path, sig: signal.Signals) -> None:
    (tmp_path / "a.txt").write_text(BAD, encoding="utf-8")
    fifo = tmp_path / "wait.txt"
    os.mkfifo(fifo)
    proc = subprocess.Popen(
        [sys.executable, "-m", "humanize_lint", "check", "a.txt", "wait.txt", "--format", "json", "--jobs", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_cli_env(), cwd=tmp_path,
    )
    # Opening the FIFO's write end without blocking succeeds once the linter has it open for reading,
    # i.e. once a.txt is done: no sleeping, no timing.
    fd = None
    deadline = time.monotonic() + 120
    while fd is None:
        try:
            fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:
            assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read() if proc.stderr else ""
            time.sleep(0.05)
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=120)
    os.close(fd)
    report = json.loads(out)
    assert proc.returncode == 2, err
    assert report["summary"]["interrupted"] is True
    assert [f["path"] for f in report["findings"]] == ["a.txt"]
    assert f"interrupted by {sig.name}" in err


def test_a_mail_header_nested_past_the_recursion_limit_is_that_message_s_error(tmp_path: Path) -> None:
    """Found by the long fuzz run: the email package recurses once per '(' of a header comment."""
    box = (
        "From a@b Mon Mar  3 10:00:00 2025\nFrom: a@gmail.com\nTo: x" + "(" * 3000 + "\nSubject: one\n\nhello\n\n"
        "From c@d Mon Mar  3 11:00:00 2025\nFrom: c@gmail.com\nTo: support@x.example\nSubject: two\n\n" + BAD
    )
    (tmp_path / "in.mbox").write_text(box, encoding="utf-8")
    proc = run_cli("check", "in.mbox", "--format", "json", cwd=tmp_path)
    report = _json(proc)
    assert proc.returncode == 2
    assert [f["text"] for f in report["findings"]] == ["The renewal"]
    lines = _one_line_errors(proc.stderr)
    assert any(line.startswith("humanize-lint: in.mbox:1:1: cannot parse message: maximum recursion depth") for line in lines), lines
    assert "internal error" not in proc.stderr


def test_cutting_a_paragraph_of_blanked_markup_is_linear() -> None:
    """Found by the long fuzz run: 5,000 ``<script>`` tags blanked to spaces made the cut search quadratic."""
    from humanize_lint.model import Document, Segment, Unit

    text = "a" + " " * 1_000_000 + "The renewal called."
    unit = Unit(document=Document(path="a.txt", text=text), text=text)
    pieces = sources.split_segment(Segment(unit=unit, start=0, text=text))
    assert [p.text for p in pieces] == ["a", "The renewal called."]
    assert pieces[1].start == text.index("The")


def test_a_long_header_line_inside_a_mime_part_is_cut_too(tmp_path: Path) -> None:
    """Found by the long fuzz run: a part's own header is parsed by the same quadratic code."""
    (tmp_path / "m.eml").write_text(
        'From: support@acme.example\nTo: raj@gmail.com\nSubject: hi\nContent-Type: multipart/alternative; boundary="XX"\n\n'
        "--XX\nContent-Type: text/plain\nContent-Transfer-Encoding: qu" + "[]" * 20000 + "\n\n" + BAD + "--XX--\n",
        encoding="utf-8",
    )
    proc = run_cli("check", "m.eml", "--format", "json", cwd=tmp_path)
    report = _json(proc)
    assert [f["text"] for f in report["findings"]] == ["The renewal"]
    assert "m.eml:8:1: note: header 'Content-Transfer-Encoding' is 40,029 characters long" in proc.stderr


def test_suggestion_templates_must_be_strings(tmp_path: Path) -> None:
    """Found by the long fuzz run: ``without-name: [1, 2]`` passed validation and failed while linting."""
    rule = (REPO_RULES / "number-as-person.yaml").read_text(encoding="utf-8").replace("without-name: [the customer]", "without-name: [1, 2]")
    assert "without-name: [1, 2]" in rule
    (tmp_path / "pack.yaml").write_text((REPO_RULES / "pack.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "number-as-person.yaml").write_text(rule, encoding="utf-8")
    with pytest.raises(RuleError, match=r"each entry of suggest.without-name must be a string, not an integer") as info:
        rulepack.load([tmp_path], builtin=False)
    assert info.value.line == rule.split("\n").index(next(x for x in rule.split("\n") if "without-name" in x)) + 1


REPO_RULES = Path(__file__).resolve().parent.parent / "rules" / "default"


def test_a_long_run_of_punctuation_is_broken_up_before_spacy(lint) -> None:  # type: ignore[no-untyped-def]
    """Found by the long fuzz run: spaCy's tokenizer is quadratic in a 10,000-character run of ')'."""
    from humanize_lint.model import Document, Unit

    text = "The renewal called about " + ")" * 10_000 + " again. The renewal phoned."
    segs = sources.segment(Unit(document=Document(path="a.txt", text=text), text=text))
    assert all(len(run) <= sources.RUN_BREAK for s in segs for run in s.text.split())
    assert [(f.text, f.start) for f in lint(text)] == [("The renewal", 0), ("The renewal", text.rindex("The renewal"))]


@pytest.mark.skipif(os.name != "posix", reason="select on pipes is POSIX")
def test_polling_reader_reads_a_pipe_to_its_end_and_lets_a_signal_in() -> None:
    from humanize_lint.sources import PollingReader

    r, w = os.pipe()
    os.write(w, b"first part\n")
    os.close(w)
    with os.fdopen(r, "rb") as fh:
        assert PollingReader(fh).read() == b"first part\n"
    # A writer that stays open and silent: the read waits, and a signal's handler still runs
    # (a plain read can sleep through a signal that lands just before it).
    r, w = os.pipe()

    class Alarm(Exception):
        pass

    def ring(signum: int, frame: object) -> None:
        raise Alarm

    old = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, 0.3)
    started = time.monotonic()
    try:
        with os.fdopen(r, "rb") as fh, pytest.raises(Alarm):
            PollingReader(fh).read()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
        os.close(w)
    assert time.monotonic() - started < 30


def test_one_fix_run_also_fixes_what_the_per_text_cap_held_back(tmp_path: Path) -> None:
    """The acronym rule reports three acronyms per text; fixing them brings the fourth into
    view, and --fix goes on until no fix applies, so a second run changes nothing."""
    (tmp_path / "a.txt").write_text("Ahead of the QBR we checked the SLA, the MRR and the NPS.\n", encoding="utf-8")
    first = run_cli("check", "a.txt", "--fix", cwd=tmp_path)
    fixed = (tmp_path / "a.txt").read_text(encoding="utf-8")
    assert first.returncode == 0, first.stdout + first.stderr
    for long_form in ("quarterly business review (QBR)", "service level agreement (SLA)", "monthly recurring revenue (MRR)", "net promoter score (NPS)"):
        assert long_form in fixed
    second = run_cli("check", "a.txt", "--fix", cwd=tmp_path)
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == fixed
    assert "Fixed" not in second.stdout + second.stderr


def test_the_lines_shown_after_fix_are_the_fixed_ones(tmp_path: Path) -> None:
    """A finding left after --fix is shown on the fixed line, its caret under its text."""
    (tmp_path / "a.txt").write_text("The MRR report is late. The order emailed us again.\n", encoding="utf-8")
    proc = run_cli("check", "a.txt", "--fix", cwd=tmp_path)
    lines = proc.stdout.splitlines()
    shown = next(i for i, line in enumerate(lines) if "The order emailed" in line and "|" in line)
    text, caret = lines[shown].split("|", 1)[1], lines[shown + 1].split("|", 1)[1]
    assert "monthly recurring revenue (MRR)" in text
    start = caret.index("^")
    assert text[start : start + len("The order")] == "The order"


def test_output_files_write_into_a_fifo_and_follow_symlinks(tmp_path: Path) -> None:
    """-o and --write-baseline write into a FIFO (or a device such as /dev/null) as a shell
    redirection would, instead of renaming a new file over it, and follow a symlink to
    the file it names instead of replacing the link."""
    import stat
    import threading

    (tmp_path / "a.md").write_text(BAD, encoding="utf-8")
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text(encoding="utf-8")), daemon=True)
    reader.start()
    proc = run_cli("check", "a.md", "-f", "json", "-o", "fifo", cwd=tmp_path)
    reader.join(timeout=60)
    if reader.is_alive():  # the run never opened the FIFO: release the reader
        with open(fifo, "w", encoding="utf-8"):
            pass
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert proc.returncode == 1, proc.stderr
    assert json.loads(got[0])["findings"]

    for option, name in (("--write-baseline", "base"), ("-o", "report")):
        (tmp_path / f"{name}-real.json").write_text("old\n", encoding="utf-8")
        os.symlink(f"{name}-real.json", tmp_path / f"{name}.json")
        run_cli("check", "a.md", "-f", "json", option, f"{name}.json", cwd=tmp_path)
        assert os.path.islink(tmp_path / f"{name}.json")
        assert json.loads((tmp_path / f"{name}-real.json").read_text(encoding="utf-8"))


def _fix_stdin(data: bytes, *args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "humanize_lint", "check", "-", "--fix", *args], input=data, capture_output=True, cwd=cwd, env=_cli_env(), timeout=120)


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("CHANGELOG.md", b"The renewal called.\n", 0),  # excluded by the config
        ("n.md", b"The renewal called.\0 more\n", 0),  # binary, skipped
        ("n.md", b"The renewal called \xff.\n", 2),  # not UTF-8
        ("n.csv", b"id,customer,text\n1,Maria Garcia,The renewal called.\n", 1),  # an export is never rewritten
    ],
)
def test_fix_on_stdin_prints_input_it_does_not_fix_unchanged(tmp_path: Path, name: str, data: bytes, code: int) -> None:
    """An editor's format-on-save takes the output as the new buffer: input that nothing
    was fixed in comes back byte for byte, never as an empty output."""
    (tmp_path / ".humanize-lint.yaml").write_text("exclude: [CHANGELOG.md]\n", encoding="utf-8")
    proc = _fix_stdin(data, "--stdin-filename", name, "--customer", "Maria Garcia", cwd=tmp_path)
    assert proc.returncode == code, proc.stderr
    assert proc.stdout == data
    fixed = _fix_stdin(b"The renewal called.\n", "--stdin-filename", "n.md", "--customer", "Maria Garcia", cwd=tmp_path)
    assert fixed.stdout == b"Maria Garcia called.\n"


def test_fix_says_once_per_export_that_exports_are_not_rewritten(tmp_path: Path) -> None:
    lines = "".join(json.dumps({"id": i, "customer": "Bob Smith", "text": "The renewal called about the QBR."}) + "\n" for i in range(3))
    (tmp_path / "e.jsonl").write_text(lines, encoding="utf-8")
    proc = run_cli("check", "e.jsonl", "--fix", "--name-field", "customer", cwd=tmp_path)
    assert (tmp_path / "e.jsonl").read_text(encoding="utf-8") == lines
    notes = [line for line in proc.stderr.splitlines() if "not rewritten" in line]
    assert notes == ["humanize-lint: e.jsonl: JSON Lines exports are not rewritten by --fix; 6 fixes not applied"], proc.stderr


def test_fix_leaves_baselined_findings_as_they_are(tmp_path: Path) -> None:
    """A baselined finding is hidden like a suppressed one, and like one it is not fixed."""
    (tmp_path / "a.md").write_text("The team met about the QBR.\n", encoding="utf-8")
    assert run_cli("check", "a.md", "--write-baseline", "bl.json", cwd=tmp_path).returncode in (0, 1)
    (tmp_path / "a.md").write_text("The team met about the QBR.\n\nThe NPS dropped.\n", encoding="utf-8")
    proc = run_cli("check", "a.md", "--baseline", "bl.json", "--fix", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / "a.md").read_text(encoding="utf-8") == "The team met about the QBR.\n\nThe net promoter score (NPS) dropped.\n"


def test_lone_surrogates_and_undecodable_file_names_in_every_output(tmp_path: Path) -> None:
    """A record id with a lone surrogate (a JSON escape) and a file name with a byte that is
    not UTF-8: SARIF (its fingerprint and URI), -o and --write-baseline write them as JSON
    escapes, as standard output does, instead of failing with an internal error."""
    (tmp_path / "s.jsonl").write_text('{"id": "r\\ud800", "text": "The renewal called twice and is upset."}\n', encoding="utf-8")
    sarif = run_cli("check", "s.jsonl", "--id-field", "id", "-f", "sarif", cwd=tmp_path)
    assert sarif.returncode == 1, sarif.stderr
    assert json.loads(sarif.stdout)["runs"][0]["results"]
    assert run_cli("check", "s.jsonl", "--id-field", "id", "-f", "json", "-o", "out.json", cwd=tmp_path).returncode == 1
    assert json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["findings"][0]["record"] == "r\ud800"
    run_cli("check", "s.jsonl", "--id-field", "id", "--write-baseline", "bl.json", cwd=tmp_path)
    again = run_cli("check", "s.jsonl", "--id-field", "id", "--baseline", "bl.json", cwd=tmp_path)
    assert again.returncode == 0, again.stdout + again.stderr

    bad = tmp_path / "names"
    bad.mkdir()
    (bad / os.fsdecode(b"\xffbad.txt")).write_text("The renewal called twice and is upset.\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "humanize_lint", "check", "-f", "sarif", "."], capture_output=True, cwd=bad, env=_cli_env(), timeout=120)
    assert proc.returncode == 1, proc.stderr
    (result,) = json.loads(proc.stdout)["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "%FFbad.txt"


def test_control_characters_from_the_input_never_reach_the_terminal(tmp_path: Path) -> None:
    """An escape sequence in a source line is shown as U+FFFD (the caret stays under its span),
    and in a record id or a customer name it is escaped, as in error lines: a record id with a
    line break cannot forge a second finding line in the concise output editors parse."""
    (tmp_path / "a.txt").write_text("Note \x1b[31mRED\x1b[0m \x1b]0;pwned\x07 x. The renewal called twice and is upset \x1b[2J.\n", encoding="utf-8")
    text = run_cli("check", "a.txt", cwd=tmp_path).stdout
    assert "\x1b" not in text and "\x07" not in text
    source, caret = [line for line in text.splitlines() if line.startswith("  1 |") or line.startswith("    |")][:2]
    start = caret.index("^")
    assert source[start : start + len("The renewal")] == "The renewal"
    record = json.dumps({"id": "R1\nfake.txt:9:9: error: HL999 injected\x1b[2J", "cust": "Ana \x1b]0;owned\x07 Ruiz", "text": "The renewal called twice and is upset."})
    (tmp_path / "r.jsonl").write_text(record + "\n", encoding="utf-8")
    concise = run_cli("check", "r.jsonl", "--id-field", "id", "--name-field", "cust", "-f", "concise", cwd=tmp_path).stdout
    assert len(concise.splitlines()) == 1 and "\x1b" not in concise and "\\n" in concise
    full = run_cli("check", "r.jsonl", "--id-field", "id", "--name-field", "cust", cwd=tmp_path).stdout
    assert "\x1b" not in full and "\x07" not in full and not any(line.startswith("fake.txt") for line in full.splitlines())


def test_explain_says_where_text_is_not_utf8() -> None:
    proc = subprocess.run([sys.executable, "-m", "humanize_lint", "explain", "-"], input=b"The renewal called \xff and is upset.\n", capture_output=True, env=_cli_env(), timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.decode().strip() == "humanize-lint: <text>:1:20: not valid UTF-8 (byte 0xff)"


def test_a_nul_byte_in_a_later_csv_row_spoils_only_that_row(tmp_path: Path) -> None:
    """As in a JSON Lines record: the row is an error at the byte, the others are linted."""
    (tmp_path / "n.csv").write_bytes(b"id,text\n1,The renewal called twice.\n2,The order \x00 emailed us.\n3,The escalation phoned again.\n")
    proc = run_cli("check", "n.csv", "-f", "json", cwd=tmp_path)
    assert proc.returncode == 2
    assert [f["record"] for f in json.loads(proc.stdout)["findings"]] == ["1", "3"]
    assert "n.csv:3:13: a NUL byte in the row; row skipped" in proc.stderr

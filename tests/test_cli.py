"""The real command line in a subprocess: exit codes, inputs, selection, reports, user errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from conftest import _cli_env, run_cli

BAD = "The renewal called about the QBR.\n"
FINDING_KEYS = {
    "path", "record", "field", "rule", "code", "category", "severity", "message", "text",
    "offset", "line", "column", "end_line", "end_column", "suggestions",
}
SUMMARY_KEYS = {"findings", "files", "records", "errors", "by_rule", "by_category", "by_severity"}


def _clean_stderr(proc: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "internal error" not in proc.stderr, proc.stderr


def _report(proc: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    _clean_stderr(proc)
    data: dict[str, Any] = json.loads(proc.stdout)
    return data


def _codes(report: dict[str, Any]) -> list[str]:
    return [f["code"] for f in report["findings"]]


@pytest.fixture
def work(tmp_path: Path) -> Path:
    (tmp_path / "clean.txt").write_text("All good here.\n", encoding="utf-8")
    (tmp_path / "bad.txt").write_text(BAD, encoding="utf-8")
    return tmp_path


# --- exit codes and file handling --------------------------------------------


def test_clean_empty_and_binary_files_exit_0(work: Path) -> None:
    (work / "empty.txt").write_bytes(b"")
    (work / "img.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    proc = run_cli("check", "clean.txt", "empty.txt", "img.txt", cwd=work)
    _clean_stderr(proc)
    assert proc.returncode == 0, proc.stderr
    assert "img.txt: binary file, skipped" in proc.stderr
    assert "All clear: no problems in 2 files." in proc.stdout
    assert "\x1b[" not in proc.stdout + proc.stderr


def test_a_stray_nul_in_an_export_is_that_records_error_not_a_binary_file(work: Path) -> None:
    # A NUL on a later line of a record export spoils that record only (exit 2, one-line error);
    # the other records are linted. An export whose first line holds one is binary and skipped.
    (work / "recs.jsonl").write_bytes(b'{"id": "a", "text": "acct 4471-22 is upset"}\n{"id": "b", "text": "x\x00y"}\n{"id": "c", "text": "The renewal called."}\n')
    (work / "dump.jsonl").write_bytes(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03")
    proc = run_cli("check", "recs.jsonl", "dump.jsonl", "--id-field", "id", "--format", "json", cwd=work)
    assert proc.returncode == 2, proc.stderr
    report = json.loads(proc.stdout)
    assert [f["record"] for f in report["findings"]] == ["a", "c"]
    assert report["errors"] == [{"path": "recs.jsonl", "line": 2, "column": 23, "message": "invalid JSON: Invalid control character"}]
    assert "dump.jsonl: binary file, skipped" in proc.stderr


def test_empty_file_alone_exits_0(work: Path) -> None:
    (work / "empty.md").write_bytes(b"")
    proc = run_cli("check", "empty.md", "--format", "json", cwd=work)
    assert proc.returncode == 0
    assert _report(proc)["findings"] == []


def test_findings_exit_1_with_text_report_without_ansi(work: Path) -> None:
    proc = run_cli("check", "bad.txt", cwd=work)
    _clean_stderr(proc)
    assert proc.returncode == 1
    out = proc.stdout
    assert "\x1b[" not in out
    assert "bad.txt:1:1: warning HL101 [thing-as-person] 'The renewal'" in out
    assert "  1 | The renewal called about the QBR." in out
    assert "    | ^^^^^^^^^^^\n" in out
    assert "  help: The customer" in out
    assert "bad.txt:1:30: suggestion HL301 [undefined-acronym] 'QBR'" in out
    assert "Found 2 problems (1 warning, 1 suggestion) in 1 file." in out


def _run_on_pty(args: list[str], cwd: Path) -> str:
    import pty

    master, slave = pty.openpty()
    env = _cli_env()
    env.pop("COLUMNS", None)
    proc = subprocess.Popen([sys.executable, "-m", "humanize_lint", *args], stdout=slave, stderr=slave, stdin=subprocess.DEVNULL, cwd=cwd, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO once the child closed the pty
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    proc.wait(timeout=120)
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")
def test_no_color_on_a_terminal_has_no_ansi_escapes(work: Path) -> None:
    out = _run_on_pty(["check", "bad.txt"], work)
    assert "HL101" in out
    assert "\x1b[" not in out, out[:200]


def test_missing_path_exits_2_and_other_paths_are_still_linted(work: Path) -> None:
    proc = run_cli("check", "nope.txt", "bad.txt", "--format", "json", cwd=work)
    report = _report(proc)
    assert proc.returncode == 2
    assert "nope.txt: no such file or directory" in proc.stderr
    assert _codes(report) == ["HL101", "HL301"]
    assert report["errors"] == [{"path": "nope.txt", "line": None, "column": None, "message": "no such file or directory"}]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--select", "NOPE"], "humanize-lint: unknown rule 'NOPE' in select (see `humanize-lint rules`)", id="unknown-select"),
        pytest.param(["--ignore", "HL999"], "humanize-lint: unknown rule 'HL999' in ignore (see `humanize-lint rules`)", id="unknown-ignore"),
        pytest.param(["--format", "xml"], "humanize-lint: unknown format 'xml'; choose one of: text, concise, json, github, sarif, summary, html", id="unknown-format"),
        pytest.param(["--fail-on", "bogus"], "humanize-lint: --fail-on must be error, warning or suggestion, not 'bogus'", id="bad-fail-on"),
        pytest.param(["--statistics", "--format", "html"], "humanize-lint: --statistics prints text or json, not html", id="statistics-format"),
        pytest.param(["--select", "hl101"], "humanize-lint: unknown rule 'hl101' in select; did you mean 'HL101'? (see `humanize-lint rules`)", id="select-case"),
        pytest.param(["--config", "nope.yaml"], "humanize-lint: nope.yaml: config file not found", id="missing-config"),
    ],
)
def test_usage_errors_exit_2_with_one_line(work: Path, args: list[str], message: str) -> None:
    proc = run_cli("check", "bad.txt", *args, cwd=work)
    _clean_stderr(proc)
    assert proc.returncode == 2
    assert proc.stderr.strip() == message
    assert proc.stdout == ""


def test_broken_config_exits_2_naming_file_line_col(work: Path) -> None:
    (work / ".humanize-lint.yaml").write_text("fail-on: warning\nselct: [HL101]\n", encoding="utf-8")
    proc = run_cli("check", "bad.txt", cwd=work)
    _clean_stderr(proc)
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"humanize-lint: {work / '.humanize-lint.yaml'}:2:1: unknown key 'selct'; did you mean 'select'?"


def test_missing_model_exits_2_with_one_line_naming_it(work: Path) -> None:
    proc = run_cli("check", "bad.txt", "--model", "no_such_model", cwd=work)
    _clean_stderr(proc)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "no_such_model" in lines[0] and "not installed" in lines[0]


# --- stdin ------------------------------------------------------------------


def test_stdin_with_filename_is_reported_as_given_and_read_as_markdown(work: Path) -> None:
    text = "# Notes\n\nThe renewal called.\n\n```\nthe renewal called\n```\n\nRun `the escalation is upset` now.\n"
    proc = run_cli("check", "-", "--stdin-filename", "notes.md", "--format", "concise", input=text, cwd=work)
    _clean_stderr(proc)
    assert proc.returncode == 1
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("notes.md:3:1: warning: HL101 [thing-as-person] 'The renewal'")


def test_stdin_without_filename_and_customer_name(work: Path) -> None:
    proc = run_cli("check", "-", "--customer", "Maria Garcia", "--format", "json", input="Fine.\nWe called the renewal back.\n", cwd=work)
    report = _report(proc)
    assert proc.returncode == 1
    (f,) = report["findings"]
    assert (f["path"], f["line"], f["column"], f["text"]) == ("<stdin>", 2, 11, "the renewal")
    assert f["suggestions"][0] == "Maria Garcia"
    assert f["message"].endswith("'Maria Garcia'")


# --- selection --------------------------------------------------------------

SELECT_TEXT = "acct 4471-22 called back. The renewal is upset about the QBR.\n"


@pytest.mark.parametrize(
    ("args", "codes", "code"),
    [
        pytest.param(["--select", "HL101"], ["HL101"], 1, id="select-code"),
        pytest.param(["--select", "number-as-person"], ["HL201"], 1, id="select-name"),
        pytest.param(["--select", "HL1,HL3"], ["HL101", "HL301"], 1, id="select-prefixes"),
        pytest.param(["--select", "undefined-acronym"], ["HL301"], 0, id="select-category-suggestion-only-exit-0"),
        pytest.param(["--ignore", "thing-as-person", "--ignore", "HL201"], ["HL301"], 0, id="ignore-name-and-code"),
    ],
)
def test_select_and_ignore(work: Path, args: list[str], codes: list[str], code: int) -> None:
    (work / "sel.txt").write_text(SELECT_TEXT, encoding="utf-8")
    proc = run_cli("check", "sel.txt", "--format", "json", *args, cwd=work)
    report = _report(proc)
    assert sorted(_codes(report)) == codes
    assert proc.returncode == code


def test_select_by_category_of_a_custom_rule(work: Path) -> None:
    (work / "jargon.yaml").write_text(
        textwrap.dedent(
            """\
            code: XX101
            name: loop-in
            category: jargon
            severity: error
            kind: terms
            summary: Jargon.
            message: "'{text}' is jargon"
            terms: [{term: circle back, suggest: [reply]}, ping]
            """
        ),
        encoding="utf-8",
    )
    (work / ".humanize-lint.yaml").write_text("rules: [jargon.yaml]\n", encoding="utf-8")
    (work / "j.txt").write_text("I'll circle back after the renewal called. I pinged them.\n", encoding="utf-8")
    proc = run_cli("check", "j.txt", "--format", "json", "--select", "jargon", cwd=work)
    report = _report(proc)
    assert proc.returncode == 1
    assert [(f["code"], f["category"], f["text"], f["severity"]) for f in report["findings"]] == [
        ("XX101", "jargon", "circle back", "error"),
        ("XX101", "jargon", "pinged", "error"),
    ]


# --- records ----------------------------------------------------------------


def test_jsonl_fields_and_one_invalid_line(work: Path) -> None:
    (work / "recs.jsonl").write_text(
        '{"id": "a", "customer": "Maria Garcia", "body": "The renewal called."}\n'
        '{"id": "b", "body": oops}\n'
        '{"id": 7, "customer": "Li Wei", "body": "We called acct 4471-22 twice."}\n'
        '{"id": "d", "body": "Nothing here."}\n',
        encoding="utf-8",
    )
    proc = run_cli("check", "recs.jsonl", "--text-field", "body", "--id-field", "id", "--name-field", "customer", "--format", "json", cwd=work)
    report = _report(proc)
    assert proc.returncode == 2
    assert "humanize-lint: recs.jsonl:2:21: invalid JSON: Expecting value" in proc.stderr
    got = [(f["record"], f["field"], f["code"], f["text"], f["suggestions"][0], f["line"]) for f in report["findings"]]
    assert got == [
        ("a", "body", "HL101", "The renewal", "Maria Garcia", 1),
        ("7", "body", "HL201", "acct 4471-22", "Li Wei", 3),
    ]
    assert report["errors"] == [{"path": "recs.jsonl", "line": 2, "column": 21, "message": "invalid JSON: Expecting value"}]
    assert report["summary"]["records"] == 3 and report["summary"]["errors"] == 1


def test_non_utf8_file_is_reported_with_byte_offset_and_others_still_linted(work: Path) -> None:
    (work / "latin1.txt").write_bytes(b"Fine.\nCaf\xe9 and the renewal called.\n")
    proc = run_cli("check", "latin1.txt", "bad.txt", "--format", "json", cwd=work)
    report = _report(proc)
    assert proc.returncode == 2
    err = [line for line in proc.stderr.splitlines() if "latin1.txt" in line]
    assert len(err) == 1 and "latin1.txt:2:4:" in err[0] and "UTF-8" in err[0] and "byte 9" in err[0], proc.stderr
    assert {f["path"] for f in report["findings"]} == {"bad.txt"}
    assert report["summary"]["files"] == 1


# --- JSON report contract -----------------------------------------------------


def test_json_report_shape(work: Path) -> None:
    proc = run_cli("check", "bad.txt", "clean.txt", "--format", "json", cwd=work)
    report = _report(proc)
    assert proc.returncode == 1
    assert set(report) == {"version", "findings", "errors", "summary"}
    assert report["version"] == 1
    assert report["errors"] == []
    assert SUMMARY_KEYS <= set(report["summary"])
    assert report["summary"]["findings"] == 2 and report["summary"]["files"] == 2
    assert report["summary"]["by_rule"] == {"thing-as-person": 1, "undefined-acronym": 1}
    assert report["summary"]["by_severity"] == {"suggestion": 1, "warning": 1}
    for f in report["findings"]:
        assert FINDING_KEYS <= set(f), set(f) ^ FINDING_KEYS
        assert set(f["offset"]) == {"start", "end"}
        assert f["path"] == "bad.txt" and f["record"] is None
        assert BAD[f["offset"]["start"] : f["offset"]["end"]] == f["text"]
        assert isinstance(f["suggestions"], list) and f["suggestions"]
        assert all(isinstance(f[k], int) for k in ("line", "column", "end_line", "end_column"))
    first = report["findings"][0]
    assert (first["rule"], first["code"], first["category"], first["severity"]) == ("thing-as-person", "HL101", "thing-as-person", "warning")
    assert (first["line"], first["column"], first["end_line"], first["end_column"]) == (1, 1, 1, 12)


# --- rules command ------------------------------------------------------------


def test_rules_list_and_explain(tmp_path: Path) -> None:
    listed = run_cli("rules", cwd=tmp_path)
    _clean_stderr(listed)
    assert listed.returncode == 0
    for code, name in (("HL101", "thing-as-person"), ("HL201", "number-as-person"), ("HL301", "undefined-acronym")):
        assert code in listed.stdout and name in listed.stdout
    as_json = json.loads(run_cli("rules", "--format", "json", cwd=tmp_path).stdout)
    assert [r["code"] for r in as_json] == ["HL101", "HL201", "HL301"]
    by_code = run_cli("rules", "HL101", cwd=tmp_path)
    by_name = run_cli("rules", "thing-as-person", cwd=tmp_path)
    assert by_code.returncode == by_name.returncode == 0
    assert by_code.stdout == by_name.stdout
    out = by_code.stdout
    assert out.startswith("# HL101 thing-as-person")
    assert "## Flagged" in out and "- The renewal called again and is upset." in out
    assert "## Not flagged" in out and "- The renewal is due on March 1." in out


def test_rules_unknown_exits_2(tmp_path: Path) -> None:
    proc = run_cli("rules", "NOPE", cwd=tmp_path)
    _clean_stderr(proc)
    assert proc.returncode == 2
    assert proc.stderr.strip() == "humanize-lint: unknown rule 'NOPE' (see `humanize-lint rules`)"


def test_config_command_shows_the_closest_config_and_active_rules(tmp_path: Path) -> None:
    sub = tmp_path / "docs" / "team"
    sub.mkdir(parents=True)
    (tmp_path / "docs" / ".humanize-lint.yaml").write_text("ignore: [HL301]\nseverity: {HL101: error}\n", encoding="utf-8")
    (sub / "note.md").write_text("hello\n", encoding="utf-8")
    proc = run_cli("config", "docs/team/note.md", "--format", "json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["config-file"] == str((tmp_path / "docs" / ".humanize-lint.yaml").resolve())
    assert data["ignore"] == ["HL301"]
    assert [(r["code"], r["severity"]) for r in data["rules"]] == [("HL101", "error"), ("HL201", "warning")]
    (tmp_path / "docs" / ".humanize-lint.yaml").write_text("selct: [HL101]\n", encoding="utf-8")
    broken = run_cli("config", "docs/team/note.md", cwd=tmp_path)
    assert broken.returncode == 2 and "unknown key 'selct'" in broken.stderr and "Traceback" not in broken.stderr


def test_a_closed_output_pipe_ends_the_run_quietly(tmp_path: Path) -> None:
    # `humanize-lint check . | head -1`: the reader goes away; no "internal error".
    import subprocess
    import sys

    (tmp_path / "notes.md").write_text("The renewal called again and is upset.\n\n" * 400, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "humanize_lint", "check", "notes.md"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "NO_COLOR": "1"})
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode("utf-8", "replace")
    proc.wait(timeout=120)
    assert b"HL101" in first
    assert "internal error" not in err and "Traceback" not in err, err


def test_extending_a_lexicon_that_does_not_exist_is_an_error_at_its_line(tmp_path: Path) -> None:
    (tmp_path / ".humanize-lint.yaml").write_text("lexicons:\n  transaction-nouns:\n    extend: [booking]\n", encoding="utf-8")
    (tmp_path / "a.md").write_text("The renewal called.\n", encoding="utf-8")
    proc = run_cli("check", "a.md", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.strip().endswith(".humanize-lint.yaml:2:3: lexicons: cannot extend unknown lexicon 'transaction-nouns'; did you mean 'person-nouns'?"), proc.stderr


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("lexicons:\n  strong-person-verbs: {extend: 5}\n", ".humanize-lint.yaml:2:24: lexicons: 'strong-person-verbs' must be a list (or {extend: ...} with a list), not a number"),
        ("lexicons:\n  strong-person-verbs: [call, 5]\n", ".humanize-lint.yaml:2:24: lexicons: 'strong-person-verbs' holds 5; a lexicon lists words (strings) and entries (mappings)"),
        ("include: [5]\n", ".humanize-lint.yaml:1:10: 'include' must be a list of strings, not holding 5"),
        ("per-file-ignores: {'*.md': 5}\n", ".humanize-lint.yaml:1:28: 'per-file-ignores' maps strings to a string or a list of strings; not '*.md': 5"),
        ("acronyms:\n  defined: {QBR: [a]}\n", ".humanize-lint.yaml:2:18: 'acronyms.defined' maps each acronym to its long form, a string; not 'QBR': ['a']"),
        ("records:\n  date-field: 'x:year'\n", ".humanize-lint.yaml:2:15: 'records.date-field' takes FIELD, FIELD:month or FIELD:week, not 'x:year'"),
        ("records:\n  text-field: [5]\n", ".humanize-lint.yaml:2:15: 'records.text-field' must be a list of strings, not holding 5"),
        ("select: [HL999]\n", ".humanize-lint.yaml:1:10: unknown rule 'HL999' in select (see `humanize-lint rules`)"),
        ("ignore: [HL1, HL999]\n", ".humanize-lint.yaml:1:15: unknown rule 'HL999' in ignore (see `humanize-lint rules`)"),
        ("rules: [nothere]\n", ".humanize-lint.yaml:1:9: rule path not found: nothere"),
    ],
)
def test_config_values_of_the_wrong_kind_are_errors_at_their_place(tmp_path: Path, config: str, message: str) -> None:
    """The user's config file and the value's line and column: not a built-in rule file,
    not an internal error, and never a silent run that lints nothing."""
    (tmp_path / ".humanize-lint.yaml").write_text(config, encoding="utf-8")
    (tmp_path / "a.md").write_text("The renewal called.\n", encoding="utf-8")
    proc = run_cli("check", "a.md", cwd=tmp_path)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stderr.strip().endswith(message), proc.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe\x00\x00", "pyproject.toml:1:1: not valid UTF-8 (byte 0: invalid start byte)"),
        (b"[tool]\nhumanize-lint = 5\n", "pyproject.toml: [tool.humanize-lint] must be a table"),
    ],
)
def test_a_broken_pyproject_is_a_config_error(tmp_path: Path, content: bytes, message: str) -> None:
    (tmp_path / "pyproject.toml").write_bytes(content)
    (tmp_path / "a.md").write_text("The renewal called.\n", encoding="utf-8")
    proc = run_cli("check", "a.md", cwd=tmp_path)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stderr.strip().endswith(message), proc.stderr


def test_other_toml_configs_directories_and_toml_errors(tmp_path: Path) -> None:
    """--config FILE.toml reads its top-level keys (as ruff.toml); a directory is named as
    one; a TOML syntax error has its line and column, also at the end of the file."""
    (tmp_path / "a.md").write_text("The renewal called about the QBR.\n", encoding="utf-8")
    (tmp_path / "lint.toml").write_text('select = ["HL101"]\n', encoding="utf-8")
    proc = run_cli("check", "a.md", "--config", "lint.toml", "-f", "json", cwd=tmp_path)
    assert [f["code"] for f in json.loads(proc.stdout)["findings"]] == ["HL101"]
    (tmp_path / "conf").mkdir()
    assert run_cli("check", "a.md", "--config", "conf", cwd=tmp_path).stderr.strip() == "humanize-lint: conf: config file is a directory"
    (tmp_path / "bad.toml").write_text("a = 1\nselect = [1,,]\n", encoding="utf-8")
    assert run_cli("check", "a.md", "--config", "bad.toml", cwd=tmp_path).stderr.strip() == "humanize-lint: bad.toml:2:13: invalid TOML: Invalid value"
    (tmp_path / "end.toml").write_text("select = [\n", encoding="utf-8")
    assert run_cli("check", "a.md", "--config", "end.toml", cwd=tmp_path).stderr.strip() == "humanize-lint: end.toml:2:1: invalid TOML: Invalid value"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "yaml"], "humanize-lint: unknown format 'yaml'; choose text, markdown or json"),
        ([""], "humanize-lint: give a rule code or name (see `humanize-lint rules`)"),
        (["Thing-As-Person"], "humanize-lint: unknown rule 'Thing-As-Person'; did you mean 'thing-as-person'? (see `humanize-lint rules`)"),
    ],
)
def test_rules_command_rejects_what_it_cannot_do(args: list[str], message: str) -> None:
    proc = run_cli("rules", *args)
    assert proc.returncode == 2 and proc.stderr.strip() == message


def test_a_project_glossary_defines_acronyms_for_every_file(tmp_path: Path) -> None:
    """``acronyms.glossary``: the acronyms a glossary page defines, in any form a text may
    define one (a list item, a table row), count as defined in every file; others are still
    flagged. A glossary path that names no file is a config error at its place."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "glossary.md").write_text(
        "# Glossary\n\n- **QBR**: quarterly business review\n\n| Term | Meaning |\n|---|---|\n| MRR | monthly recurring revenue |\n", encoding="utf-8"
    )
    (docs / "page.md").write_text("# Renewals\n\nBook the QBR and check the MRR and the SLA.\n", encoding="utf-8")

    def flagged() -> list[str]:
        proc = run_cli("check", "--format", "json", "--no-cache", "docs/page.md", cwd=tmp_path)
        assert proc.returncode in (0, 1), proc.stderr
        return [f["text"] for f in json.loads(proc.stdout)["findings"]]

    assert flagged() == ["QBR", "MRR", "SLA"]
    (tmp_path / ".humanize-lint.yaml").write_text("acronyms:\n  glossary: [docs/glossary.md]\n", encoding="utf-8")
    assert flagged() == ["SLA"]
    (tmp_path / ".humanize-lint.yaml").write_text("acronyms:\n  glossary: ['docs/*.md']\n", encoding="utf-8")
    assert flagged() == ["SLA"]
    (tmp_path / ".humanize-lint.yaml").write_text("acronyms:\n  glossary: [docs/glossary.md, docs/missing.md]\n", encoding="utf-8")
    proc = run_cli("check", "docs/page.md", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"humanize-lint: {tmp_path / '.humanize-lint.yaml'}:2:32: 'acronyms.glossary': no file 'docs/missing.md' (paths are relative to the config's directory)"


def test_glossary_globs_literal_names_and_unreadable_glossaries(tmp_path: Path) -> None:
    """A '**' glossary glob does not follow symlinked directories (two links up the tree made
    the search endless) and reads each file once; a name with glob characters is first read
    literally; a glossary whose records cannot be read is a config error, not silence."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "glossary.md").write_text("- **QBR**: quarterly business review\n", encoding="utf-8")
    (docs / "up").symlink_to("..")
    (docs / "up2").symlink_to("..")
    (tmp_path / "d.md").write_text("We reviewed the QBR numbers.\n", encoding="utf-8")
    (tmp_path / ".humanize-lint.yaml").write_text('acronyms:\n  glossary: ["**/glossary.md"]\n', encoding="utf-8")
    proc = run_cli("check", "--format", "concise", "d.md", cwd=tmp_path)
    assert (proc.returncode, proc.stdout) == (0, ""), proc.stderr
    (tmp_path / "glossary[v2].md").write_text("- **QBR**: quarterly business review\n", encoding="utf-8")
    (tmp_path / ".humanize-lint.yaml").write_text('acronyms:\n  glossary: ["glossary[v2].md"]\n', encoding="utf-8")
    proc = run_cli("check", "--format", "concise", "d.md", cwd=tmp_path)
    assert (proc.returncode, proc.stdout) == (0, ""), proc.stderr
    (tmp_path / "glossary.csv").write_text("term,meaning\nQBR,quarterly business review\n", encoding="utf-8")
    (tmp_path / ".humanize-lint.yaml").write_text("acronyms:\n  glossary: [glossary.csv]\n", encoding="utf-8")
    proc = run_cli("check", "d.md", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"humanize-lint: {tmp_path / 'glossary.csv'}: acronyms.glossary: no record has field 'text' (fields seen: meaning, term)"


def test_config_find_memo_gives_the_answers_of_plain_finds(tmp_path: Path) -> None:
    """``config.find`` with a memo (a run over many directories asks each directory once)
    answers as it does without one, whatever order the directories come in."""
    import random

    from humanize_lint import config as config_mod

    for d in ("a/b/c", "a/x", "p/q/r", "p/s"):
        (tmp_path / d).mkdir(parents=True)
    (tmp_path / "a" / ".humanize-lint.yaml").write_text("select: [HL]\n", encoding="utf-8")
    (tmp_path / "p" / "q" / "pyproject.toml").write_text("[tool.humanize-lint]\nselect = ['HL']\n", encoding="utf-8")
    (tmp_path / "p" / "pyproject.toml").write_text("[tool.other]\nx = 1\n", encoding="utf-8")
    dirs = [tmp_path / d for d in ("a/b/c", "a/b", "a", "a/x", "p/q/r", "p/q", "p", "p/s", ".")]
    want = {d: config_mod.find(d) for d in dirs}
    assert want[tmp_path / "a/b/c"] == tmp_path / "a" / ".humanize-lint.yaml" and want[tmp_path / "p/q/r"] == tmp_path / "p" / "q" / "pyproject.toml"
    for seed in range(5):
        memo: dict[Path, Path | None] = {}
        order = dirs[:]
        random.Random(seed).shuffle(order)
        assert {d: config_mod.find(d, memo) for d in order} == want

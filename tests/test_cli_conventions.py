"""The command line's ruff-style conventions, through the real CLI: standard input with
``--stdin-filename`` alone, ``--output-format``, ``--statistics``, the severity in
concise output, ``rule CODE``, ``--color``, ``-q``/``-v``, ``-o`` and summary tables
that stay whole when piped."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import _cli_env, run_cli

NOTE = "The renewal called.\n"


def test_stdin_filename_without_paths_reads_standard_input(tmp_path: Path) -> None:
    (tmp_path / "other.md").write_text("The escalation phoned again.\n", encoding="utf-8")  # not linted: stdin is
    proc = run_cli("check", "--stdin-filename", "n.md", input=NOTE, cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.startswith("n.md:1:1: warning HL101 [thing-as-person] 'The renewal'")
    assert "other.md" not in proc.stdout and "1 file" in proc.stdout


def test_output_format_is_the_name_and_format_an_alias(tmp_path: Path) -> None:
    a = run_cli("check", "--stdin-filename", "n.md", "--output-format", "json", input=NOTE, cwd=tmp_path)
    b = run_cli("check", "--stdin-filename", "n.md", "--format", "json", input=NOTE, cwd=tmp_path)
    assert a.returncode == b.returncode == 1
    assert json.loads(a.stdout)["findings"] == json.loads(b.stdout)["findings"] != []
    help_text = run_cli("check", "--help").stdout
    assert "--output-format" in help_text


def test_concise_shows_the_severity(tmp_path: Path) -> None:
    proc = run_cli("check", "--stdin-filename", "n.txt", "--output-format", "concise", input="The renewal called about the QBR.\n", cwd=tmp_path)
    assert proc.stdout.splitlines() == [
        "n.txt:1:1: warning: HL101 [thing-as-person] 'The renewal' treats a renewal as a person (it called); refer to the customer instead: 'The customer'",
        "n.txt:1:30: suggestion: HL301 [undefined-acronym] 'QBR' is not defined in this text; spell it out at first use: 'quarterly business review (QBR)'",
    ]


def test_statistics(tmp_path: Path) -> None:
    text = "The renewal called.\n\nThe escalation phoned twice.\n\nWe discussed the QBR.\n"
    proc = run_cli("check", "--stdin-filename", "n.md", "--statistics", "--customer", "Maria Garcia", input=text, cwd=tmp_path)
    assert proc.returncode == 1
    text_only = run_cli("check", "--stdin-filename", "n.md", "--statistics", input=NOTE, cwd=tmp_path)
    assert text_only.stdout == "1\tHL101\tthing-as-person\n"  # no rule has a fix: no [*] column
    assert proc.stdout.splitlines() == ["2\tHL101\t[*] thing-as-person", "1\tHL301\t[*] undefined-acronym"]
    as_json = run_cli("check", "--stdin-filename", "n.md", "--statistics", "-f", "json", input=text, cwd=tmp_path)
    # Without a customer name no HL101 fix is safe; spelling out an acronym is.
    assert json.loads(as_json.stdout) == [
        {"code": "HL101", "name": "thing-as-person", "count": 2, "fixable": 0},
        {"code": "HL301", "name": "undefined-acronym", "count": 1, "fixable": 1},
    ]


def test_rule_is_an_alias_of_rules() -> None:
    one = run_cli("rule", "HL101")
    assert one.returncode == 0 and one.stderr == ""
    assert one.stdout == run_cli("rules", "HL101").stdout
    assert one.stdout.startswith("# HL101 thing-as-person")


def test_color(tmp_path: Path) -> None:
    always = run_cli("check", "--stdin-filename", "n.md", "--color", "always", input=NOTE, cwd=tmp_path)  # NO_COLOR=1 is set: --color wins
    assert "\x1b[" in always.stdout
    never = run_cli("check", "--stdin-filename", "n.md", "--color", "never", input=NOTE, cwd=tmp_path)
    assert "\x1b[" not in never.stdout and "HL101" in never.stdout
    bad = run_cli("check", "--stdin-filename", "n.md", "--color", "sometimes", input=NOTE, cwd=tmp_path)
    assert bad.returncode == 2 and bad.stderr == "humanize-lint: --color must be auto, always or never, not 'sometimes'\n"


def test_quiet_and_verbose(tmp_path: Path) -> None:
    (tmp_path / ".humanize-lint.yaml").write_text("ignore: [HL301]\n", encoding="utf-8")
    quiet = run_cli("check", "--stdin-filename", "n.md", "-q", input=NOTE, cwd=tmp_path)
    assert "Found 1 problem" not in quiet.stdout and "HL101" in quiet.stdout
    verbose = run_cli("check", "--stdin-filename", "n.md", "-v", input=NOTE, cwd=tmp_path)
    assert verbose.returncode == 1
    assert f"humanize-lint: config: {tmp_path / '.humanize-lint.yaml'}; rules: HL101, HL201; pipeline: " in verbose.stderr
    assert "humanize-lint: linted 1 file in " in verbose.stderr
    both = run_cli("check", "--stdin-filename", "n.md", "-q", "-v", input=NOTE, cwd=tmp_path)
    assert both.returncode == 2 and "cannot be used together" in both.stderr


def test_output_file_is_written_atomically(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old report\n", encoding="utf-8")
    proc = run_cli("check", "--stdin-filename", "n.md", "-f", "json", "-o", target, input=NOTE, cwd=tmp_path)
    assert proc.returncode == 1 and proc.stdout == ""
    assert [f["code"] for f in json.loads(target.read_text(encoding="utf-8"))["findings"]] == ["HL101"]
    # A run that fails (a broken config) leaves the old report and no temporary file.
    (tmp_path / ".humanize-lint.yaml").write_text("select: [HL999]\n", encoding="utf-8")
    before = target.read_text(encoding="utf-8")
    bad = run_cli("check", "--stdin-filename", "n.md", "-f", "json", "-o", target, input=NOTE, cwd=tmp_path)
    assert bad.returncode == 2
    assert target.read_text(encoding="utf-8") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".humanize-lint.yaml", "report.json"]
    (tmp_path / ".humanize-lint.yaml").unlink()
    missing = run_cli("check", "--stdin-filename", "n.md", "-o", tmp_path / "no" / "such" / "dir.txt", input=NOTE, cwd=tmp_path)
    assert missing.returncode == 2 and missing.stderr.startswith(f"humanize-lint: {tmp_path / 'no' / 'such' / 'dir.txt'}: cannot write")


def test_summary_tables_piped_keep_group_names_whole(tmp_path: Path) -> None:
    rows = ["id,team,text"]
    teams = ["customer-success-emea-enterprise", "billing-and-collections-north-america"]
    for i in range(6):
        rows.append(f"{i},{teams[i % 2]},The renewal called again and is upset about invoice {i}.")
    (tmp_path / "t.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    env = dict(_cli_env(), COLUMNS="40")  # a narrow terminal's width, but the output is a pipe
    proc = subprocess.run(
        [sys.executable, "-m", "humanize_lint", "check", "t.csv", "--id-field", "id", "--group-by", "team", "-f", "summary"],
        capture_output=True, text=True, encoding="utf-8", cwd=tmp_path, env=env, timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.splitlines()
    for team in teams:
        assert any(team in line for line in lines), (team, proc.stdout)
    # Each table row is one line: the group's counts are on the line with its name.
    row = next(line for line in lines if teams[0] in line)
    assert row.split()[1:4] == ["3", "3", "100.0"], row
    assert os.linesep not in row

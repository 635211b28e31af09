"""Editor integration: ``check - --stdin-filename PATH`` must behave exactly like ``check PATH``.

Editors pipe the unsaved buffer in and name the file it came from. The report
must then be the one the file on disk would give: the same path, the same
findings, the same (closest) config, the same format picked by extension,
and nothing but the report on stdout. Everything runs the real CLI in a
subprocess from the project root (``cwd=`` a temporary directory).
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import run_cli

# One HL101 (error after the override below), one HL301 (ignored in sub/),
# and one HL101 inside a fenced code block (skipped as Markdown only).
NOTE = (
    "# Call notes\n"
    "\n"
    "The renewal called again and wants a refund before the QBR.\n"
    "\n"
    "```\n"
    "The escalation phoned twice.\n"
    "```\n"
)
CLEAN = "# Call notes\n\nThe renewal is due March 1.\n"
REL = "sub/dir/file.md"

# The line format editors parse: ``path:line:col: CODE [name] message``. The
# README's editor snippets (VS Code problemMatcher, efm, flycheck) use this regex.
CONCISE = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<severity>error|warning|suggestion): (?P<code>[A-Z]+[0-9]+) \[(?P<name>[^\]]+)\] (?P<message>.*)$")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project root whose own config would hide HL101, and a closer config in sub/."""
    (tmp_path / ".humanize-lint.yaml").write_text("ignore: [HL101]\n", encoding="utf-8")
    (tmp_path / "sub" / "dir").mkdir(parents=True)
    (tmp_path / "sub" / ".humanize-lint.yaml").write_text("ignore: [HL301]\nseverity: {HL101: error}\n", encoding="utf-8")
    (tmp_path / REL).write_text(NOTE, encoding="utf-8")
    return tmp_path


def _json(proc: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert "Traceback" not in proc.stderr, proc.stderr
    data: dict[str, Any] = json.loads(proc.stdout)  # stdout holds the report and nothing else
    return data


def _stdin(root: Path, name: str, text: str, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli("check", "-", "--stdin-filename", name, *args, input=text, cwd=root)


def test_stdin_json_is_identical_to_the_file_on_disk(project: Path) -> None:
    on_disk = run_cli("check", REL, "--format", "json", cwd=project)
    piped = _stdin(project, REL, NOTE, "--format", "json")
    assert on_disk.returncode == piped.returncode == 1
    assert on_disk.stderr == piped.stderr == ""
    assert on_disk.stdout == piped.stdout
    report = _json(piped)
    assert report == _json(on_disk)
    # The closest config (sub/) was honoured, not the project root's: HL301 is
    # ignored, HL101 is kept and raised to error.
    got = [(f["path"], f["code"], f["severity"], f["line"], f["column"], f["text"]) for f in report["findings"]]
    assert got == [(REL, "HL101", "error", 3, 1, "The renewal")]
    assert report["summary"]["files"] == 1 and report["errors"] == []


def test_stdin_clean_buffer_gives_empty_report_and_silent_stderr(project: Path) -> None:
    piped = _stdin(project, REL, CLEAN, "--format", "json")
    assert piped.returncode == 0
    assert piped.stderr == ""
    report = _json(piped)
    assert report["findings"] == [] and report["errors"] == []
    assert report["summary"]["files"] == 1
    on_disk_file = project / "sub" / "dir" / "clean.md"
    on_disk_file.write_text(CLEAN, encoding="utf-8")
    on_disk = run_cli("check", "sub/dir/clean.md", "--format", "json", cwd=project)
    assert on_disk.returncode == 0 and _json(on_disk)["findings"] == []


def test_stdin_concise_matches_the_file_and_the_editor_regex(project: Path) -> None:
    on_disk = run_cli("check", REL, "--format", "concise", cwd=project)
    piped = _stdin(project, REL, NOTE, "--format", "concise")
    assert piped.returncode == on_disk.returncode == 1
    assert piped.stderr == ""
    assert piped.stdout == on_disk.stdout
    lines = piped.stdout.splitlines()
    assert len(lines) == 1, lines
    m = CONCISE.match(lines[0])
    assert m, lines[0]
    assert m.group("file", "line", "col", "code", "name") == (REL, "3", "1", "HL101", "thing-as-person")
    assert m.group("message").startswith("'The renewal' treats a renewal as a person")


def test_stdin_absolute_filename_is_reported_as_given(project: Path) -> None:
    absolute = str(project / REL)
    piped = _stdin(project, absolute, NOTE, "--format", "json")
    report = _json(piped)
    assert [(f["path"], f["code"], f["severity"]) for f in report["findings"]] == [(absolute, "HL101", "error")]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param("sub/dir/note.md", [(3, "The renewal")], id="markdown-skips-fenced-code"),
        pytest.param("sub/dir/note.txt", [(3, "The renewal"), (6, "The escalation")], id="plain-text-reads-everything"),
    ],
)
def test_stdin_filename_extension_picks_the_format(project: Path, name: str, expected: list[tuple[int, str]]) -> None:
    piped = _stdin(project, name, NOTE, "--format", "json")
    report = _json(piped)
    assert piped.returncode == 1
    assert [(f["line"], f["text"]) for f in report["findings"]] == expected
    assert {f["path"] for f in report["findings"]} == {name}


def test_stdin_respects_exclude_like_the_named_file(project: Path) -> None:
    (project / "sub" / ".humanize-lint.yaml").write_text("exclude: ['dir/**']\n", encoding="utf-8")
    on_disk = run_cli("check", REL, "--format", "json", cwd=project)
    assert on_disk.returncode == 0 and _json(on_disk)["findings"] == []
    piped = _stdin(project, REL, NOTE, "--format", "json")
    assert piped.returncode == 0
    assert _json(piped)["findings"] == []


def test_stdin_filename_in_a_new_directory_uses_the_closest_existing_config(project: Path) -> None:
    piped = _stdin(project, "sub/new/unsaved.md", NOTE, "--format", "json")
    report = _json(piped)
    assert [(f["code"], f["severity"]) for f in report["findings"]] == [("HL101", "error")]

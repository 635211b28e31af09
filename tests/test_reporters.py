"""Reporters through the real CLI: SARIF 2.1.0, and golden files for ``github`` and ``concise``.

SARIF logs are validated against the vendored OASIS schema
(``tests/data/sarif-schema-2.1.0.json``, see ``tests/data/README.md``), and
their regions are checked against the text of the files they point at.

The golden tests run the CLI with ``cwd=tests/golden`` (so every path in the
output is relative) and compare stdout with ``tests/golden/<case>.expected``.
After an intended change of output, rewrite those files with
``HUMANIZE_LINT_UPDATE_GOLDEN=1 python -m pytest tests/test_reporters.py`` and
review the diff. ``tests/golden/.humanize-lint.yaml`` pins the configuration.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from jsonschema import Draft7Validator
from jsonschema.validators import validator_for

import humanize_lint
from conftest import REPO, run_cli

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden"
SCHEMA_PATH = HERE / "data" / "sarif-schema-2.1.0.json"
UPDATE_GOLDEN = os.environ.get("HUMANIZE_LINT_UPDATE_GOLDEN") == "1"
FINGERPRINT_KEY = "humanizeLintFindingHash/v1"

# A Markdown note with CRLF line endings; line 3 has an emoji (one code point,
# two UTF-16 code units) and a tab before the first finding.
NOTE_CRLF = (
    "# Call notes\r\n"
    "\r\n"
    "- \U0001F389 Update:\tThe renewal called twice and is upset about the QBR.\r\n"
    "\r\n"
    "We apologized to acct 4471-22 yesterday.\r\n"
)
NOTE_DIR = "notes dir"
NOTE_NAME = "call #1 \u00fc.md"  # a space, '#' and a non-ASCII letter: all percent-encoded in the URI
NOTE_URI = "notes%20dir/call%20%231%20%C3%BC.md"
CUSTOMER = "Mar\u00eda Garc\u00eda"

_BREAK = re.compile(r"\r\n|\r|\n")  # line breaks as humanize_lint.model counts them
_URI_REFERENCE = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#]|%[0-9A-Fa-f]{2})*")


# --- helpers -----------------------------------------------------------------


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft7Validator.check_schema(data)
    return data


def _clean_stderr(proc: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "internal error" not in proc.stderr, proc.stderr


def _sarif(proc: subprocess.CompletedProcess[str], schema: dict[str, Any]) -> dict[str, Any]:
    """Parse a ``--format sarif`` stdout, check its layout and validate it against the schema."""
    _clean_stderr(proc)
    log: dict[str, Any] = json.loads(proc.stdout)
    # Deterministic layout: indent=2, raw non-ASCII, one trailing newline.
    assert proc.stdout == json.dumps(log, indent=2, ensure_ascii=False) + "\n"
    for validator in (Draft7Validator(schema), validator_for(schema)(schema)):
        errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
        assert not errors, "\n".join(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors)
    for location in _artifact_locations(log):
        _check_uri(location)
    return log


def _artifact_locations(node: Any) -> list[dict[str, Any]]:
    """Every artifactLocation object anywhere in the log."""
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "artifactLocation":
                found.append(value)
            found += _artifact_locations(value)
    elif isinstance(node, list):
        for value in node:
            found += _artifact_locations(value)
    return found


def _check_uri(location: dict[str, Any]) -> None:
    """A valid RFC 3986 URI reference: relative (under %SRCROOT%) or absolute ``file:``."""
    uri = location["uri"]
    assert _URI_REFERENCE.fullmatch(uri), uri
    if "uriBaseId" in location:
        assert location["uriBaseId"] == "%SRCROOT%"
        assert not uri.startswith("/") and ":" not in uri.split("/")[0], uri
    else:
        assert urlsplit(uri).scheme == "file", uri


def _run(log: dict[str, Any]) -> dict[str, Any]:
    """The one run of a log."""
    run: dict[str, Any]
    (run,) = log["runs"]
    return run


def _region_text(path: Path, region: dict[str, Any]) -> str:
    """The text a region covers, counting columns in code points as the log says."""
    lines = _BREAK.split(path.read_bytes().decode("utf-8-sig"))
    first, last = region["startLine"], region["endLine"]
    if first == last:
        return lines[first - 1][region["startColumn"] - 1 : region["endColumn"] - 1]
    middle = lines[first : last - 1]
    return "\n".join([lines[first - 1][region["startColumn"] - 1 :], *middle, lines[last - 1][: region["endColumn"] - 1]])


def _check_regions(log: dict[str, Any], root: Path) -> None:
    """Each result's region, read from the file, is its snippet (the matched text)."""
    for result in _run(log)["results"]:
        physical = result["locations"][0]["physicalLocation"]
        path = root / unquote(physical["artifactLocation"]["uri"])
        region = physical["region"]
        assert _region_text(path, region) == region["snippet"]["text"], (path, region)


def _rows(log: dict[str, Any]) -> list[tuple[str, str, int, int, int, int, str]]:
    rows = []
    for r in _run(log)["results"]:
        reg = r["locations"][0]["physicalLocation"]["region"]
        rows.append((r["ruleId"], r["level"], reg["startLine"], reg["startColumn"], reg["endLine"], reg["endColumn"], reg["snippet"]["text"]))
    return rows


def _note(root: Path, text: str = NOTE_CRLF) -> Path:
    path = root / NOTE_DIR / NOTE_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path


def _check_note(root: Path) -> subprocess.CompletedProcess[str]:
    return run_cli("check", f"{NOTE_DIR}/{NOTE_NAME}", "--customer", CUSTOMER, "--format", "sarif", cwd=root)


@pytest.fixture(scope="module")
def note_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """The CRLF Markdown note linted once with ``--format sarif`` (shared by several tests)."""
    root = tmp_path_factory.mktemp("sarif")
    _note(root)
    return root, _check_note(root)


# --- SARIF --------------------------------------------------------------------


def test_sarif_for_markdown_with_crlf_emoji_and_tab_is_valid_and_points_at_the_spans(
    note_run: tuple[Path, subprocess.CompletedProcess[str]], schema: dict[str, Any]
) -> None:
    root, proc = note_run
    assert proc.returncode == 1, proc.stderr
    log = _sarif(proc, schema)
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    run = _run(log)
    assert run["columnKind"] == "unicodeCodePoints"
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("humanize-lint", humanize_lint.__version__)
    assert driver["informationUri"].startswith("https://")

    line3 = NOTE_CRLF.split("\r\n")[2]
    # Column 13 in code points ("- ", the emoji, " Update:", the tab); it would be 14 in UTF-16 code units.
    assert line3.index("The renewal") + 1 == 13
    assert len(line3[: line3.index("The renewal")].encode("utf-16-le")) // 2 + 1 == 14
    assert _rows(log) == [
        ("HL101", "warning", 3, 13, 3, 24, "The renewal"),
        ("HL301", "note", 3, 61, 3, 64, "QBR"),
        ("HL201", "warning", 5, 18, 5, 30, "acct 4471-22"),
    ]
    _check_regions(log, root)

    rules = driver["rules"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert location == {"uri": NOTE_URI, "uriBaseId": "%SRCROOT%"}
        assert set(result["properties"]) == {"suggestions", "why"}  # no record or field for a plain file
        assert result["properties"]["why"]["evidence"]  # why it was raised (check --explain)
    assert CUSTOMER in proc.stdout  # ensure_ascii=False

    renewal = run["results"][0]
    assert renewal["message"]["text"].endswith(f"'{CUSTOMER}'")
    assert renewal["properties"]["suggestions"][0] == CUSTOMER
    fingerprints = [r["partialFingerprints"][FINGERPRINT_KEY] for r in run["results"]]
    assert len(set(fingerprints)) == len(fingerprints)
    assert all(re.fullmatch(r"[0-9a-f]{32}:1", fp) for fp in fingerprints), fingerprints

    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is True
    assert "toolExecutionNotifications" not in invocation


def test_sarif_rules_describe_every_active_rule(note_run: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    _, proc = note_run
    rules = _run(json.loads(proc.stdout))["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["HL101", "HL201", "HL301"]
    assert [r["name"] for r in rules] == ["thing-as-person", "number-as-person", "undefined-acronym"]
    assert [r["defaultConfiguration"]["level"] for r in rules] == ["warning", "warning", "note"]
    for r in rules:
        assert r["shortDescription"]["text"] and r["fullDescription"]["text"]
        assert r["helpUri"].startswith("https://") and r["helpUri"].lower().endswith("#" + r["id"].lower() + "-" + r["name"])
        assert r["properties"] == {"category": r["name"], "tags": [r["name"]]}


def test_sarif_fixes_replace_the_span_with_the_suggestion(note_run: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    root, proc = note_run
    run = _run(json.loads(proc.stdout))
    lines = NOTE_CRLF.split("\r\n")
    fixed = {}
    for result in run["results"]:
        (fix,) = result["fixes"]
        (change,) = fix["artifactChanges"]
        assert change["artifactLocation"] == result["locations"][0]["physicalLocation"]["artifactLocation"]
        (replacement,) = change["replacements"]
        region = dict(result["locations"][0]["physicalLocation"]["region"])
        del region["snippet"]
        assert replacement["deletedRegion"] == region
        assert replacement["insertedContent"]["text"] == result["properties"]["suggestions"][0]
        line = lines[region["startLine"] - 1]
        fixed[result["ruleId"]] = line[: region["startColumn"] - 1] + replacement["insertedContent"]["text"] + line[region["endColumn"] - 1 :]
    assert fixed["HL101"] == f"- \U0001F389 Update:\t{CUSTOMER} called twice and is upset about the QBR."
    assert fixed["HL301"].endswith("upset about the quarterly business review (QBR).")
    assert fixed["HL201"] == f"We apologized to {CUSTOMER} yesterday."


def test_sarif_fingerprints_survive_lines_added_above(
    note_run: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path, schema: dict[str, Any]
) -> None:
    _, before = note_run
    _note(tmp_path, "Intro.\r\n\r\n" + NOTE_CRLF)
    after = _sarif(_check_note(tmp_path), schema)
    old = {r["partialFingerprints"][FINGERPRINT_KEY]: r for r in _run(json.loads(before.stdout))["results"]}
    new = {r["partialFingerprints"][FINGERPRINT_KEY]: r for r in _run(after)["results"]}
    assert old.keys() == new.keys()
    for key, r in new.items():
        assert r["locations"][0]["physicalLocation"]["region"]["startLine"] == old[key]["locations"][0]["physicalLocation"]["region"]["startLine"] + 2


def test_sarif_for_a_clean_file_is_valid_with_zero_results(tmp_path: Path, schema: dict[str, Any]) -> None:
    (tmp_path / "clean.md").write_text("# Notes\n\nAll good here.\n", encoding="utf-8")
    proc = run_cli("check", "clean.md", "--format", "sarif", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    run = _run(_sarif(proc, schema))
    assert run["results"] == []
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == ["HL101", "HL201", "HL301"]
    assert run["invocations"][0]["executionSuccessful"] is True


def test_sarif_input_errors_are_failed_execution_notifications(tmp_path: Path, schema: dict[str, Any]) -> None:
    (tmp_path / "bad.jsonl").write_text('not json\n{"id": 1, "text": 5}\n{"id": 2, "text": "All good."}\n', encoding="utf-8")
    (tmp_path / "img.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    missing = tmp_path / "missing.md"  # absolute: a file:// URI
    proc = run_cli("check", "bad.jsonl", "img.txt", str(missing), "--format", "sarif", cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    run = _run(_sarif(proc, schema))
    assert run["results"] == []
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is False
    notes = invocation["toolExecutionNotifications"]
    # Input errors sorted by path, line and column, then the notices.
    assert [(n["level"], n["message"]["text"].split(":")[0]) for n in notes] == [
        ("error", "no such file or directory"),
        ("error", "invalid JSON"),
        ("error", "text field 'text' is not a string (got number)"),
        ("note", "img.txt"),
    ]
    artifact = notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert set(artifact) == {"uri"} and artifact["uri"] == missing.as_uri()
    assert "region" not in notes[0]["locations"][0]["physicalLocation"]
    assert notes[1]["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "bad.jsonl", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 1, "startColumn": 1},
    }
    assert notes[2]["locations"][0]["physicalLocation"]["region"]["startLine"] == 2
    assert notes[3] == {"level": "note", "message": {"text": "img.txt: binary file, skipped"}}


def test_sarif_for_records_carries_record_and_field(schema: dict[str, Any]) -> None:
    proc = run_cli("check", "tickets.jsonl", "--text-field", "body", "--id-field", "id", "--name-field", "customer", "--format", "sarif", cwd=GOLDEN)
    assert proc.returncode == 1, proc.stderr
    log = _sarif(proc, schema)
    assert str(GOLDEN) not in proc.stdout
    _check_regions(log, GOLDEN)  # positions in the export file itself, after JSON escapes
    results = _run(log)["results"]
    assert [(r["ruleId"], r["properties"]["record"], r["properties"]["field"]) for r in results] == [
        ("HL101", "T-1001", "body"),
        ("HL301", "T-1001", "body"),
        ("HL201", "1003", "body"),
    ]
    assert results[2]["properties"]["suggestions"] == ["Jo \u00c5berg"]


# --- golden files: github and concise -------------------------------------------

TICKET_ARGS = ["tickets.jsonl", "--text-field", "body", "--id-field", "id", "--name-field", "customer"]
# A path with ',', ':' and '%' (given with --stdin-filename, so no such file
# is needed), a '%' in the message, and a match that spans a CRLF.
ESCAPES_NAME = "odd, name: 100%.md"
ESCAPES_INPUT = "Update: acct\r\n4471-22 called back about 100% of the QBR.\r\n"
ESCAPES_ARGS = ["-", "--stdin-filename", ESCAPES_NAME, "--customer", "Ann 50% Lee"]

GOLDEN_CASES = {
    # name: (check arguments, stdin, exit code)
    "files.concise": (["."] + ["--customer", "Maria Garcia", "--format", "concise"], None, 1),
    "files.github": (["."] + ["--customer", "Maria Garcia", "--format", "github"], None, 1),
    "tickets.concise": (TICKET_ARGS + ["--format", "concise"], None, 1),
    "tickets.github": (TICKET_ARGS + ["--format", "github"], None, 1),
    "escapes.github": (ESCAPES_ARGS + ["--format", "github"], ESCAPES_INPUT, 1),
}


def _golden(name: str, output: str) -> None:
    expected = GOLDEN / f"{name}.expected"
    if UPDATE_GOLDEN:
        expected.write_text(output, encoding="utf-8", newline="\n")
    assert expected.exists(), f"{expected} is missing: run with HUMANIZE_LINT_UPDATE_GOLDEN=1"
    assert output == expected.read_text(encoding="utf-8"), f"{name}: output differs from {expected.name} (HUMANIZE_LINT_UPDATE_GOLDEN=1 rewrites it)"


@pytest.mark.parametrize("name", list(GOLDEN_CASES))
def test_golden(name: str) -> None:
    args, stdin, code = GOLDEN_CASES[name]
    if stdin is not None and "\r" in stdin and sys.platform == "win32":
        pytest.skip("text-mode stdin turns LF into CRLF on Windows")
    proc = run_cli("check", *args, input=stdin, cwd=GOLDEN)
    _clean_stderr(proc)
    assert proc.returncode == code, proc.stderr
    assert proc.stdout, "no output"
    # Paths are as given, relative to the golden directory: nothing machine-specific.
    assert str(GOLDEN) not in proc.stdout and str(REPO) not in proc.stdout
    _golden(name, proc.stdout)


def test_golden_files_have_no_stale_cases() -> None:
    assert sorted(p.name[: -len(".expected")] for p in GOLDEN.glob("*.expected")) == sorted(GOLDEN_CASES)


@pytest.mark.skipif(sys.platform == "win32", reason="text-mode stdin turns LF into CRLF on Windows")
def test_github_escapes_properties_and_data() -> None:
    proc = run_cli("check", *ESCAPES_ARGS, "--format", "github", input=ESCAPES_INPUT, cwd=GOLDEN)
    _clean_stderr(proc)
    lines = proc.stdout.splitlines()
    assert len(lines) == 2, lines  # one workflow command per finding, even for a match across lines
    for line in lines:
        head, message = line.split("::", 2)[1:]
        level, props = head.split(" ", 1)
        assert level in ("warning", "notice")
        pairs = dict(p.split("=", 1) for p in props.split(","))  # ',' inside values is escaped
        assert pairs["file"] == "odd%2C name%3A 100%25.md"
        assert pairs["title"] in ("HL201 number-as-person", "HL301 undefined-acronym")
        assert "\r" not in message
    message = lines[0].split("::", 2)[2]
    assert message.startswith("'acct%0D%0A4471-22' treats an identifier as a person")
    assert message.endswith(": 'Ann 50%25 Lee'")  # ':' is not escaped in the message, '%' is
    assert "line=1,endLine=2," in lines[0]


CONCISE_LINE = re.compile(r"^.+:\d+:\d+: (?:error|warning|suggestion): HL\d{3} \[[a-z-]+\] .+$")


@pytest.mark.skipif(sys.platform == "win32", reason="text-mode stdin turns LF into CRLF on Windows")
def test_concise_is_one_line_per_finding_when_a_match_spans_lines() -> None:
    proc = run_cli("check", *ESCAPES_ARGS, "--format", "concise", input=ESCAPES_INPUT, cwd=GOLDEN)
    _clean_stderr(proc)
    lines = proc.stdout.splitlines()
    assert all(CONCISE_LINE.match(line) for line in lines), lines
    assert len(lines) == 2, lines


def test_the_fast_indented_json_writer_writes_what_json_dumps_does() -> None:
    """``dumps_indented`` replaces ``json.dumps(..., indent=2)`` for findings: the same
    text for every JSON value a report can hold, nested, escaped, empty or odd."""
    import json
    import random

    from humanize_lint.reporters import dumps_indented

    rng = random.Random(5)

    def value(depth: int = 0) -> object:
        r = rng.random()
        if depth < 3 and r < 0.2:
            return {rng.choice(["a", "bé", 'c"', "d\n"]) + str(i): value(depth + 1) for i in range(rng.randint(0, 4))}
        if depth < 3 and r < 0.35:
            return [value(depth + 1) for _ in range(rng.randint(0, 4))]
        if r < 0.5:
            return rng.choice([None, True, False, 0, -7, 10**20])
        if r < 0.6:
            return rng.choice([1.5, -0.0, 1e300, float("inf"), (1, "x")])
        return "".join(rng.choice('ab "\\\n\t\u2028é😀\x00') for _ in range(rng.randint(0, 8)))

    for _ in range(3000):
        v = value()
        for prefix in ("", "    "):
            assert dumps_indented(v, prefix) == json.dumps(v, ensure_ascii=False, indent=2).replace("\n", "\n" + prefix)
    assert dumps_indented({1: "x"}) == json.dumps({1: "x"}, ensure_ascii=False, indent=2)  # non-string keys: json's own

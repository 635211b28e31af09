"""``humanize-lint explain`` and ``check --explain``: why a text is flagged, or why not.

Everything runs through the real CLI with the installed spaCy pipeline.
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_cli

TEXTS = [
    "The renewal called again and is upset.",
    "The renewal is due March 1.",
    "I apologized to the refund.",
    "Acct 4471-22 called back. Book the QBR.",
    "Talk to the SEs before go-live.",
    "Please call the front desk.",
]


def _explain(*texts: str) -> list[dict]:
    proc = run_cli("explain", "--format", "json", *texts)
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)


def test_a_flagged_phrase_names_its_evidence_and_the_function_to_read() -> None:
    [item] = _explain("The renewal called again and is upset.")
    person = [s for s in item["steps"] if s["stage"] == "person" and s["verdict"].startswith("flagged")]
    assert [s["text"] for s in person] == ["renewal"]
    assert person[0]["details"]["evidence"] == "subject-of"
    assert person[0]["details"]["function"].endswith("person_evidence.py:subject_of")
    gate = [s for s in item["steps"] if s["stage"] == "gate"]
    assert gate and gate[0]["verdict"].startswith("parsed: cue 'called'")


def test_a_sentence_without_a_cue_is_skipped_before_the_parse_and_says_so() -> None:
    [item] = _explain("The renewal is due March 1.")
    assert [s["verdict"].split(":")[0] for s in item["steps"] if s["stage"] == "gate"] == ["skipped"]
    assert not [s for s in item["steps"] if s["stage"] in ("person", "finding")]
    assert item["findings"] == 0


def test_a_sentence_whose_subject_is_plainly_staff_is_skipped_before_the_parse() -> None:
    [item] = _explain("The front desk called about the wire transfer.")
    [gate] = [s for s in item["steps"] if s["stage"] == "gate"]
    assert gate["verdict"].startswith("skipped: no cue"), gate


def test_a_candidate_without_evidence_and_a_non_candidate_say_why() -> None:
    [item] = _explain("The renewal called the front desk about the wire transfer.")
    verdicts = {s["text"]: s["verdict"] for s in item["steps"] if s["stage"] == "person"}
    assert verdicts["desk"].startswith("not a candidate: a place where staff work")
    assert "no evidence" in verdicts["transfer"]


def test_explain_and_check_agree_on_what_is_flagged(tmp_path: Path) -> None:
    explained = _explain(*TEXTS)
    for text, item in zip(TEXTS, explained):
        (tmp_path / "note.txt").write_text(text + "\n", encoding="utf-8")
        proc = run_cli("check", "note.txt", "--format", "json", cwd=tmp_path)
        checked = [(f["column"], f["text"]) for f in json.loads(proc.stdout)["findings"]]
        shown = [(s["column"], s["text"]) for s in item["steps"] if s["stage"] == "finding"]
        assert shown == checked, text


def test_check_explain_adds_a_why_line_and_json_always_carries_it(tmp_path: Path) -> None:
    (tmp_path / "note.txt").write_text("The renewal called again.\nBook the QBR.\n", encoding="utf-8")
    text = run_cli("check", "note.txt", "--explain", cwd=tmp_path).stdout
    assert "  why: strong evidence subject-of (it called)" in text
    assert "  why: no definition before this use" in text
    assert "why:" not in run_cli("check", "note.txt", cwd=tmp_path).stdout
    findings = json.loads(run_cli("check", "note.txt", "--format", "json", cwd=tmp_path).stdout)["findings"]
    assert findings[0]["why"]["evidence"] == "subject-of" and findings[0]["why"]["wordnet"] == "abstract"
    assert findings[1]["why"]["evidence"] == "undefined"


def test_explain_reads_a_markdown_file_and_standard_input(tmp_path: Path) -> None:
    md = tmp_path / "doc.md"
    md.write_text("# Notes\n\n```\nthe renewal called\n```\n\nThe renewal called twice.\n", encoding="utf-8")
    proc = run_cli("explain", "--file", md)
    assert proc.returncode == 1, proc.stderr
    assert "7:1 finding [thing-as-person]: 'The renewal'" in proc.stdout
    proc = run_cli("explain", "-", input="The refund is late.\n")
    assert proc.returncode == 0 and "skipped" in proc.stdout


def test_explain_without_a_text_is_a_usage_error() -> None:
    proc = run_cli("explain")
    assert proc.returncode == 2 and "give a text to explain" in proc.stderr

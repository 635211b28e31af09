"""The examples in examples/, linted by the real CLI with the commands the README shows.

Each export holds a few findings on purpose and is otherwise clean, natural
text. The tests pin the exact findings, so a new false alarm (or a lost
finding) in any of them fails here. They run from the repository root, so
examples/.humanize-lint.yaml applies to every file under examples/ (closest
config per file): first-name suggestions, HL301 as a warning, and the
internal-jargon custom pack.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import REPO, run_cli

from humanize_lint.sources import DEFAULT_INCLUDE

CSV_ARGS = (
    "examples/exports/zendesk-tickets.csv",
    "--text-field", "subject", "--text-field", "description",
    "--id-field", "id", "--name-field", "requester_name",
    "--group-by", "team", "--summary",
)
JSON_ARGS = (
    "examples/exports/freshdesk-tickets.json",
    "--records-key", "tickets",
    "--text-field", "subject", "--text-field", "description_html",
    "--id-field", "id", "--name-field", "requester.name",
    "--group-by", "group", "--summary",
)
JSONL_ARGS = ("examples/tickets.jsonl", "--text-field", "body", "--id-field", "id", "--name-field", "customer")
EML_ARGS = ("examples/mail/escalation.eml",)
MBOX_ARGS = ("examples/mail/support-inbox.mbox",)

Row = tuple[str | None, str, str]


def _check(*args: str) -> tuple[int, dict[str, Any]]:
    proc = run_cli("check", *args, "--format", "json", cwd=REPO)
    assert proc.returncode in (0, 1), proc.stderr
    report = json.loads(proc.stdout)
    assert report["errors"] == [], report["errors"]
    return proc.returncode, report


def _rows(report: dict[str, Any]) -> list[Row]:
    return [(f["record"], f["rule"], f["text"]) for f in report["findings"]]


def _named(report: dict[str, Any]) -> dict[Row, str]:
    """First suggestion of each person finding (the customer's name, or "the customer")."""
    return {
        (f["record"], f["rule"], f["text"]): f["suggestions"][0]
        for f in report["findings"]
        if f["category"] in ("thing-as-person", "number-as-person")
    }


def test_zendesk_csv() -> None:
    code, report = _check(*CSV_ARGS)
    assert code == 1
    assert sorted(_rows(report)) == sorted(
        [
            ("48213", "thing-as-person", "The renewal"),
            ("48216", "number-as-person", "Acct 5530-19"),
            ("48216", "undefined-acronym", "ETF"),
            ("48219", "number-as-person", "#88213"),
            ("48222", "thing-as-person", "The Leeds install"),
            ("48222", "undefined-acronym", "L2"),
            ("48222", "undefined-acronym", "ONT"),
        ]
    )
    assert _named(report) == {
        ("48213", "thing-as-person", "The renewal"): "Maria",
        ("48216", "number-as-person", "Acct 5530-19"): "Ben",
        ("48219", "number-as-person", "#88213"): "Jorge",  # no requester_name: from "Caller: Jorge Alvarez"
        ("48222", "thing-as-person", "The Leeds install"): "Chloe",
    }
    summary = report["summary"]
    assert (summary["records"], summary["findings"]) == (12, 7)
    assert summary["by_category"] == {"thing-as-person": 2, "number-as-person": 2, "undefined-acronym": 3}
    assert {name: (g["records"], g["findings"], g["by_category"]) for name, g in summary["groups"].items()} == {
        "Billing": (5, 1, {"thing-as-person": 1}),
        "Retention": (3, 2, {"number-as-person": 1, "undefined-acronym": 1}),
        "Tech Support": (4, 4, {"number-as-person": 1, "thing-as-person": 1, "undefined-acronym": 2}),
    }


def test_zendesk_csv_text_summary() -> None:
    proc = run_cli("check", *CSV_ARGS, cwd=REPO)
    assert proc.returncode == 1, proc.stderr
    assert "By group" in proc.stdout
    assert "Found 7 problems (7 warnings) in 1 file, 12 records." in proc.stdout


def test_freshdesk_json() -> None:
    code, report = _check(*JSON_ARGS)
    assert code == 1
    assert sorted(_rows(report)) == sorted(
        [
            ("10231", "undefined-acronym", "IP"),  # subject: not in the never-flagged floor, and rarer in English than common-zipf
            ("10231", "undefined-acronym", "IP"),  # description: each field is its own text
            ("10231", "undefined-acronym", "P2"),
            ("10232", "thing-as-person", "The Harbor Dental renewal"),
            ("10234", "number-as-person", "CS-00912"),
            ("10235", "thing-as-person", "The new install"),
            ("10235", "undefined-acronym", "SLA"),
        ]
    )
    assert _named(report) == {
        ("10232", "thing-as-person", "The Harbor Dental renewal"): "Ruth",
        ("10234", "number-as-person", "CS-00912"): "Olivia",
        ("10235", "thing-as-person", "The new install"): "Amira",  # requester.name null: "Contact name:" label
    }
    # Findings point into the export: the HTML field's text is the file's text.
    source = (REPO / "examples/exports/freshdesk-tickets.json").read_text(encoding="utf-8").splitlines()
    for finding in report["findings"]:
        line = source[finding["line"] - 1]
        assert line[finding["column"] - 1 : finding["end_column"] - 1] == finding["text"]
    summary = report["summary"]
    assert (summary["records"], summary["findings"]) == (8, 7)
    assert {name: (g["records"], g["findings"]) for name, g in summary["groups"].items()} == {
        "Accounts": (4, 2),
        "Business Support": (4, 5),
    }


def test_tickets_jsonl() -> None:
    code, report = _check(*JSONL_ARGS)
    assert code == 1
    assert sorted(_rows(report)) == sorted(
        [
            ("T-1001", "thing-as-person", "The renewal"),
            ("T-1003", "number-as-person", "Customer 100293"),
            ("T-1007", "thing-as-person", "the cancellation"),
            ("T-1008", "number-as-person", "INC0051177"),
            ("T-1008", "undefined-acronym", "L2"),
            ("T-1010", "thing-as-person", "The 2pm"),
        ]
    )
    assert _named(report)[("T-1001", "thing-as-person", "The renewal")] == "Maria"
    assert _named(report)[("T-1010", "thing-as-person", "The 2pm")] == "The customer"  # customer: null


def test_escalation_eml() -> None:
    code, report = _check(*EML_ARGS)
    assert code == 1
    record = "<CAKb7Rq1x9fT@mail.kestrelbroadband.example>"
    # The quoted message from the customer and the HTML alternative are not linted.
    assert _rows(report) == [
        (record, "undefined-acronym", "L2"),
        (record, "internal-jargon", "circle back"),
        (record, "thing-as-person", "the renewal"),
    ]
    # An agent's reply to a gmail.com address: "Hi Maria," plus the To name.
    assert _named(report) == {(record, "thing-as-person", "the renewal"): "Maria"}
    assert [(f["line"], f["column"]) for f in report["findings"]] == [(23, 25), (29, 17), (32, 7)]
    proc = run_cli("check", *EML_ARGS, "--name-style", "full", "--format", "concise", cwd=REPO)
    assert "refer to the customer instead: 'Maria Garcia'" in proc.stdout


def test_support_inbox_mbox() -> None:
    code, report = _check(*MBOX_ARGS)
    assert code == 1
    record = "<4f1c2a90-7e3b@kestrelbroadband.example>"
    # Only the internal message between agents has findings; it names no customer.
    assert _rows(report) == [
        (record, "number-as-person", "Acct 6120-44"),
        (record, "undefined-acronym", "NOC"),
    ]
    assert _named(report) == {(record, "number-as-person", "Acct 6120-44"): "The customer"}
    assert report["summary"]["records"] == 4


def test_examples_directory_lints_only_docs_and_the_configured_exports() -> None:
    assert DEFAULT_INCLUDE == ("*.md", "*.markdown", "*.txt")
    code, report = _check("examples/")
    assert code == 1
    # examples/.humanize-lint.yaml adds *.jsonl to the include globs; the CSV,
    # JSON and mail exports need their own flags and are linted only when named.
    assert {f["path"] for f in report["findings"]} == {
        "examples/support-notes.md",
        "examples/ticket-note.txt",
        "examples/tickets.jsonl",
    }
    assert report["summary"]["files"] == 3


def test_default_include_globs_skip_exports(tmp_path: Any) -> None:
    """Without the examples config, a directory walk takes only Markdown and text files."""
    empty = tmp_path / "empty.yaml"
    empty.write_text("{}\n", encoding="utf-8")
    code, report = _check("examples/", "--config", str(empty))
    assert code == 1
    assert {f["path"] for f in report["findings"]} == {"examples/support-notes.md", "examples/ticket-note.txt"}
    assert (report["summary"]["files"], report["summary"]["records"]) == (2, 0)


@pytest.mark.parametrize("args", [CSV_ARGS, JSON_ARGS, EML_ARGS, MBOX_ARGS], ids=["csv", "json", "eml", "mbox"])
def test_exports_are_valid_without_the_examples_config(args: tuple[str, ...], tmp_path: Any) -> None:
    """With no config at all (defaults), every export still reads without errors and has findings."""
    empty = tmp_path / "empty.yaml"
    empty.write_text("{}\n", encoding="utf-8")
    code, report = _check(*args, "--config", str(empty))
    assert code == 1
    assert report["findings"]


def test_group_by_a_field_no_record_has_is_an_error() -> None:
    proc = run_cli("check", "examples/tickets.jsonl", "--text-field", "body", "--group-by", "nope", "--format", "json", cwd=REPO)
    assert proc.returncode == 2
    assert "no record has field 'nope' for --group-by" in proc.stderr

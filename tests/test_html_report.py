"""``--format html``: the coaching report as written (no browser; tests/test_html_browser.py opens it).

Runs the real CLI on real exports and reads the page back: self-contained
(no external reference, a Content-Security-Policy that forbids fetching),
the figures match the JSON summary, ``--redact`` removes names, e-mail
addresses and phone numbers, the table is capped with a note, ``-o`` writes
atomically, and a missing ``report`` extra is a one-line error.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO, _cli_env, run_cli
from humanize_lint.sources.records import period_of

pytest.importorskip("vl_convert", reason="the 'report' extra (vl-convert-python) is not installed")

ZENDESK = ("exports/zendesk-tickets.csv", "--text-field", "subject,description", "--id-field", "id", "--name-field", "requester_name", "--group-by", "team", "--date-field", "created_at")


class _Refs(HTMLParser):
    """Every attribute that could make a browser fetch something, and the elements seen."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "xlink:href", "action", "poster", "srcset", "data") and value and not value.startswith("#"):
                self.refs.append((tag, name, value))


def _html(tmp_path: Path, *args: str, name: str = "report.html") -> tuple[str, subprocess.CompletedProcess[str]]:
    out = tmp_path / name
    proc = run_cli("check", *args, "--format", "html", "-o", out, cwd=REPO / "examples")
    assert proc.returncode in (0, 1), proc.stderr
    return out.read_text(encoding="utf-8"), proc


@pytest.fixture(scope="module")
def zendesk(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, Any]]:
    page, _ = _html(tmp_path_factory.mktemp("html"), *ZENDESK)
    data = json.loads(run_cli("check", *ZENDESK, "--format", "json", cwd=REPO / "examples").stdout)
    return page, data


def test_page_is_self_contained(zendesk: tuple[str, dict[str, Any]]) -> None:
    page, _ = zendesk
    parser = _Refs()
    parser.feed(page)
    assert parser.refs == []
    assert not {"link", "img", "iframe", "object", "embed"} & set(parser.tags)
    assert "default-src 'none'" in page
    assert not re.search(r"<script[^>]*\bsrc=", page) and "@import" not in page and "url(" not in page
    assert page.count("<svg") == 4  # groups, trend by category, trend by group, top phrases


def test_figures_match_the_json_summary(zendesk: tuple[str, dict[str, Any]]) -> None:
    page, data = zendesk
    s = data["summary"]
    assert s["periods"] == {"2025-03": {"records": 12, "findings": 7, "per_100_records": 58.3, "by_category": s["by_category"]}}
    assert s["with_findings"]["total"] == len({f["record"] for f in data["findings"]})
    cards = re.findall(r'<div class="num">([^<]*)</div>', page)
    assert cards == ["12", "7", "58.3", f"{100 * s['with_findings']['total'] / 12:.1f}%"]
    # Groups in the table, highest rate first, with their counts.
    rows = re.findall(r'<tr><th scope="row">([^<]*)</th><td class="n">(\d+)</td><td class="n">(\d+)</td><td class="n">([\d.]+)</td>', page.split('id="t-groups"')[1].split("</table>")[0])
    assert [(g, int(r), int(n)) for g, r, n, _ in rows] == sorted(((g, v["records"], v["findings"]) for g, v in s["groups"].items()), key=lambda t: -t[2] / t[1])
    # Every top phrase has its examples, each with the rewrite and its record.
    for top in s["top_phrases"]:
        assert f"“{html.escape(top['text'])}” <span class=\"count\">×{top['count']}</span>" in page
    assert '<mark>The renewal</mark> called this morning' in page and "<ins>Maria</ins> called this morning" in page
    assert 'data-record="48213"' in page
    # The table: one embedded row per finding.
    rows_json = page.split('<script type="application/json" id="rows"', 1)[1].split(">", 1)[1].split("</script>", 1)[0]
    assert len(json.loads(rows_json)) == len(data["findings"])


def test_redact_removes_names_emails_and_phones(tmp_path: Path) -> None:
    export = tmp_path / "notes.jsonl"
    notes = [
        {"id": 1, "customer": "Maria Garcia", "team": "a", "body": "Acct 5530-19 is upset and wants a reply at maria.garcia@example.com or on 07700 900123 (Maria Garcia)."},
        {"id": 2, "customer": "Tom Okafor", "team": "b", "body": "The renewal called again. Acct 4471-22 is upset: Tom says call him on +44 20 7946 0958."},
    ]
    export.write_text("".join(json.dumps(n) + "\n" for n in notes), encoding="utf-8")
    args = (str(export), "--text-field", "body", "--id-field", "id", "--name-field", "customer", "--group-by", "team")
    plain, _ = _html(tmp_path, *args, name="plain.html")
    assert "maria.garcia@example.com" in plain and "07700 900123" in plain and "Maria" in plain
    page, _ = _html(tmp_path, *args, "--redact", name="redacted.html")
    for secret in ("Maria", "Garcia", "maria.garcia", "example.com", "07700", "900123", "7946", "Tom", "Okafor"):
        assert secret not in page, secret
    assert "[customer]" in page and "[e-mail]" in page and "[phone]" in page
    assert "4471-22" in page and "5530-19" in page  # an account number is what the finding is about, not a phone number


def test_table_is_capped_with_a_note(tmp_path: Path) -> None:
    script = (
        "import sys, humanize_lint.htmlreport as h; h.MAX_ROWS = 3; h.ROWS_PER_PAGE = 2\n"
        "from humanize_lint.cli import run\n"
        f"sys.argv = ['humanize-lint', 'check', *{list(ZENDESK)!r}, '--format', 'html', '-o', {str(tmp_path / 'r.html')!r}]\n"
        "run()\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO / "examples", env=_cli_env(), timeout=120)
    assert proc.returncode == 1, proc.stderr
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "The table holds the first 3 of 7 findings" in page
    rows_json = page.split('id="rows"', 1)[1].split(">", 1)[1].split("</script>", 1)[0]
    assert len(json.loads(rows_json)) == 3
    assert page.split('id="t-findings"', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0].count("<tr>") == 2
    # Examples are kept for every top phrase even past the cap.
    assert page.count('<li><p class="said">') == 7


def test_output_file_is_replaced_only_by_a_finished_report(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    target.write_text("old", encoding="utf-8")
    proc = run_cli("check", *ZENDESK, "--format", "html", "-o", target, "--select", "NOPE", cwd=REPO / "examples")
    assert proc.returncode == 2
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]  # no temporary file left behind
    proc = run_cli("check", *ZENDESK, "--format", "html", "-o", target, cwd=REPO / "examples")
    assert proc.returncode == 1 and proc.stdout == ""
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_missing_extra_is_a_one_line_error() -> None:
    script = "import sys\nsys.modules['vl_convert'] = None\nfrom humanize_lint.cli import run\nsys.argv = ['humanize-lint', 'check', 'ticket-note.txt', '--format', 'html']\nrun()\n"
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO / "examples", env=_cli_env(), timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.strip() == "humanize-lint: --format html needs the 'report' extra: pip install 'humanize-lint[report]' (vl-convert-python)"
    assert proc.stdout == ""


def test_date_field_errors() -> None:
    proc = run_cli("check", *ZENDESK[:-1], "team", "--format", "json", cwd=REPO / "examples")
    assert proc.returncode == 2
    assert "no record has an ISO date (YYYY-MM-DD...) in field 'team' for --date-field; the report has no trend" in proc.stderr
    proc = run_cli("check", *ZENDESK[:-1], "created_at:quarter", cwd=REPO / "examples")
    assert proc.returncode == 2
    assert proc.stderr.strip() == "humanize-lint: --date-field takes FIELD, FIELD:month or FIELD:week, not 'created_at:quarter'"


@pytest.mark.parametrize(
    ("value", "spec", "period"),
    [
        ("2025-03-03T09:12:40Z", "created", "2025-03"),
        ("2025-03-03", "created:month", "2025-03"),
        ("2025-03", "created", "2025-03"),
        ("2025-03-03T09:12:40Z", "created:week", "2025-W10"),
        ("2024-12-30", "created:week", "2025-W01"),  # ISO week-numbering year
        ("2025-02-30", "created:week", None),
        ("2025-02-30", "created", None),  # no such day
        ("2025-13-45", "created:month", None),
        ("2025-13", "created", None),  # no such month
        ("03/03/2025", "created", None),
        (None, "created", None),
    ],
)
def test_period_of(value: str | None, spec: str, period: str | None) -> None:
    assert period_of(value, spec) == period


def test_hostile_values_in_the_report(tmp_path: Path) -> None:
    """A group value with a character XML cannot hold (the chart renderer aborted the process),
    a customer name with "<!--" (the table's data stopped parsing) and a lone surrogate from a
    JSON escape (the report was not written) make a whole, working report."""
    lines = [
        json.dumps({"team": "A\u001bB", "cust": "Ana <!-- Ruiz", "text": "The renewal called twice and is upset."}),
        '{"team": "B\\ud800", "cust": "Bo </script> Li", "text": "The escalation phoned again and is upset."}',
    ]
    (tmp_path / "t.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "r.html"
    proc = run_cli("check", "t.jsonl", "--group-by", "team", "--name-field", "cust", "--format", "html", "-o", out, cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    page = out.read_text(encoding="utf-8")
    rows = re.search(r'<script type="application/json" id="rows"[^>]*>(.*?)</script>', page, re.S)
    assert rows is not None
    data = json.loads(rows.group(1))
    assert "Ana <!-- Ruiz" in json.dumps(data, ensure_ascii=False) and "</script>" not in rows.group(1)

"""humanize_lint.spark on a real local Spark session (local[2]): the findings equal
the CLI's on the same records, row for row.

Runs with ``python -m pytest -m spark`` (.ci/run does); needs the ``[spark]``
extra and Java 17, and skips with the reason when either is missing. The
records: examples/tickets.jsonl always, and ../shared's dev sets when present.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.spark

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def _java() -> str | None:
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        return str(Path(home) / "bin" / "java")
    return shutil.which("java")


@pytest.fixture(scope="module")
def spark():
    pytest.importorskip("pyspark", reason="pyspark is not installed (pip install -e '.[spark]')")
    pytest.importorskip("pyarrow", reason="pyarrow is not installed (pip install -e '.[spark]')")
    if _java() is None:
        pytest.skip("no Java runtime (Debian: apt-get install openjdk-17-jre-headless)")
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (
        SparkSession.builder.master("local[2]")
        .appName("humanize-lint-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    yield session
    session.stop()


def _records(tmp: Path) -> Path:
    """A JSON Lines export: id, body, customer, team (from the examples and the dev sets)."""
    rows = []
    for line in (REPO / "examples" / "tickets.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        rows.append({"id": f"ex-{rec['id']}", "body": rec["body"], "customer": rec.get("customer"), "team": "examples"})
    for path in (SHARED / "eval" / "dev.jsonl", SHARED / "eval" / "dev-industries.jsonl"):
        if path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                rec = json.loads(line)
                rows.append({"id": rec["id"], "body": rec["text"], "customer": rec.get("customer"), "team": rec.get("kind")})
    # Records the CLI reads with no finding or no text, and a labelled customer.
    rows.append({"id": "empty", "body": "", "customer": None, "team": "x"})
    rows.append({"id": "clean", "body": "Reset the password and sent a new link.", "customer": "Ana", "team": "x"})
    rows.append({"id": "label", "body": "Customer: Maria Garcia\nThe renewal called twice and is upset.", "customer": None, "team": "x"})
    out = tmp / "records.jsonl"
    out.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return out


def _cli_findings(path: Path) -> list[tuple]:
    res = subprocess.run(
        [sys.executable, "-m", "humanize_lint", "check", str(path), "--format", "json", "--exit-zero", "--no-progress", "--jobs", "1",
         "--text-field", "body", "--id-field", "id", "--name-field", "customer"],
        capture_output=True, text=True, encoding="utf-8", timeout=600, cwd=path.parent,
    )
    assert res.returncode == 0, res.stderr
    return sorted(
        (f["record"], f["field"], f["code"], f["rule"], f["category"], f["severity"], f["offset"]["start"], f["offset"]["end"], f["text"], f["message"], (f["suggestions"] or [None])[0])
        for f in json.loads(res.stdout)["findings"]
    )


def _spark_rows(rows) -> list[tuple]:
    return sorted((r["record"], r["field"], r["code"], r["rule"], r["category"], r["severity"], r["start"], r["end"], r["text"], r["message"], r["suggestion"]) for r in rows)


def test_lint_dataframe_equals_the_cli_row_for_row(spark, tmp_path: Path) -> None:
    from humanize_lint.spark import lint_dataframe

    path = _records(tmp_path)
    want = _cli_findings(path)
    assert len(want) >= 5  # the examples alone give 8; the dev sets many more
    df = spark.read.json(str(path)).repartition(3)
    found = lint_dataframe(df, "body", id_col="id", name_col="customer", group_cols=["team"])
    rows = found.collect()
    assert _spark_rows(rows) == want
    # Offsets, line and column are inside the text; the group column rides along.
    texts = {r["id"]: r["body"] for r in df.collect()}
    teams = {r["id"]: r["team"] for r in df.collect()}
    for r in rows:
        body = texts[r["record"]]
        assert body[r["start"] : r["end"]] == r["text"]
        assert r["line"] == body.count("\n", 0, r["start"]) + 1
        assert r["column"] == r["start"] - (body.rfind("\n", 0, r["start"]) + 1) + 1
        assert r["team"] == teams[r["record"]]
    assert any(r["record"] == "label" and "Maria" in (r["suggestion"] or "") for r in rows)


def test_the_command_writes_findings_and_a_summary_by_group(spark, tmp_path: Path) -> None:
    """``python -m humanize_lint.spark`` (as spark-submit runs it) on a CSV export."""
    import csv

    src = _records(tmp_path)
    recs = [json.loads(line) for line in src.read_text(encoding="utf-8").splitlines()]
    csv_path = tmp_path / "export.csv"
    with csv_path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "team", "customer", "body"])
        for r in recs:
            w.writerow([r["id"], r["team"], r["customer"] or "", r["body"]])
    out = tmp_path / "out"
    res = subprocess.run(
        [sys.executable, "-m", "humanize_lint.spark", str(csv_path), str(out), "--text-field", "body", "--id-field", "id",
         "--name-field", "customer", "--group-by", "team", "--master", "local[2]", "--format", "jsonl"],
        capture_output=True, text=True, encoding="utf-8", timeout=900, env={**os.environ, "PYSPARK_PYTHON": sys.executable},
    )
    assert res.returncode == 0, res.stderr[-3000:]
    findings = [json.loads(line) for p in sorted((out / "findings").glob("part-*")) for line in p.read_text(encoding="utf-8").splitlines() if line]
    want = _cli_findings(csv_path)
    assert _spark_rows({**f, "suggestion": f.get("suggestion")} for f in findings) == want
    summary = [json.loads(line) for p in sorted((out / "summary").glob("part-*")) for line in p.read_text(encoding="utf-8").splitlines() if line]
    by_team = {s["team"]: s for s in summary}
    assert sum(s["records"] for s in summary) == len(recs)
    assert sum(s["findings"] for s in summary) == len(findings)
    assert by_team["examples"]["findings"] == sum(1 for f in findings if f["team"] == "examples")
    assert by_team["x"]["records"] == 3

"""The results cache (``.humanize-lint-cache``), through the real CLI: a second run over
unchanged files reads its findings from the cache and reports exactly the same; any
change to a file, the config or the options is a miss; entries are JSON written
atomically, so concurrent runs and damaged entries are harmless."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import _cli_env, run_cli

NOTES = {
    "a.md": "# Call\n\nThe renewal called again about the QBR.\n",
    "b.txt": "The escalation is upset. acct 4471-22 phoned twice.\n",
    "clean.md": "Maria called about her invoice.\n",
}


def _tree(root: Path) -> None:
    for name, text in NOTES.items():
        (root / name).write_text(text, encoding="utf-8")


def _run(root: Path, *args: str) -> tuple[dict, str]:  # type: ignore[type-arg]
    proc = run_cli("check", ".", "-f", "json", "-v", *args, cwd=root)
    assert proc.returncode in (0, 1), proc.stderr
    report = json.loads(proc.stdout)
    report["summary"].pop("seconds", None)
    return report, proc.stderr


def _cache_line(stderr: str) -> str:
    return next(line for line in stderr.splitlines() if line.startswith("humanize-lint: cache: "))


def test_second_run_hits_and_reports_the_same(tmp_path: Path) -> None:
    _tree(tmp_path)
    first, err1 = _run(tmp_path)
    assert _cache_line(err1).endswith("0 hits, 3 misses")
    second, err2 = _run(tmp_path)
    assert _cache_line(err2).endswith("3 hits, 0 misses")
    assert second == first and len(first["findings"]) >= 3
    assert "(not loaded: no text needed a parse)" in err2 and "(loaded)" in err1  # nothing to parse: spaCy never loaded
    root = tmp_path / ".humanize-lint-cache"
    assert (root / ".gitignore").read_text(encoding="utf-8").endswith("*\n")
    assert (root / "CACHEDIR.TAG").read_text(encoding="utf-8").startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert not list(root.rglob(".tmp-*"))


def test_changes_to_a_file_the_config_or_the_options_miss(tmp_path: Path) -> None:
    _tree(tmp_path)
    _run(tmp_path)
    (tmp_path / "a.md").write_text("# Call\n\nThe renewal phoned again about the QBR.\n", encoding="utf-8")
    report, err = _run(tmp_path)
    assert _cache_line(err).endswith("2 hits, 1 miss")
    assert any("it phoned" in f["message"] for f in report["findings"])
    (tmp_path / ".humanize-lint.yaml").write_text("ignore: [HL301]\n", encoding="utf-8")
    report, err = _run(tmp_path)
    assert _cache_line(err).endswith("0 hits, 3 misses")
    assert "HL301" not in {f["code"] for f in report["findings"]}
    report, err = _run(tmp_path, "--customer", "Maria Garcia")
    assert _cache_line(err).endswith("0 hits, 3 misses")
    assert {f["suggestions"][0] for f in report["findings"] if f["code"] == "HL101"} == {"Maria Garcia"}


def test_suppressions_apply_to_cached_findings(tmp_path: Path) -> None:
    _tree(tmp_path)
    _run(tmp_path)
    (tmp_path / ".humanize-lint.yaml").write_text("per-file-ignores:\n  b.txt: [HL101, HL201]\n", encoding="utf-8")
    report, _ = _run(tmp_path)
    assert [f["path"] for f in report["findings"]] == ["a.md", "a.md"]


def test_no_cache_cache_dir_and_damaged_entries(tmp_path: Path) -> None:
    _tree(tmp_path)
    _, err = _run(tmp_path, "--no-cache")
    assert not (tmp_path / ".humanize-lint-cache").exists()
    assert "cache:" not in err
    elsewhere = tmp_path / "elsewhere"
    clean, _ = _run(tmp_path, "--cache-dir", str(elsewhere))
    entries = sorted(elsewhere.rglob("*.json"))
    assert len(entries) == 3
    for e in entries:
        e.write_text("{not json", encoding="utf-8")
    again, err = _run(tmp_path, "--cache-dir", str(elsewhere))
    assert _cache_line(err).endswith("0 hits, 3 misses") and again == clean


def test_concurrent_runs_share_a_cache(tmp_path: Path) -> None:
    _tree(tmp_path)
    for i in range(20):
        (tmp_path / f"n{i}.md").write_text(f"Note {i}. The renewal called again.\n", encoding="utf-8")
    cmd = [sys.executable, "-m", "humanize_lint", "check", ".", "-f", "json"]
    procs = [subprocess.Popen(cmd, cwd=tmp_path, env=_cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
    outs = [p.communicate(timeout=300) for p in procs]
    reports = [json.loads(o) for o, _ in outs]
    assert all(r["findings"] == reports[0]["findings"] for r in reports) and len(reports[0]["findings"]) == 24
    assert not list((tmp_path / ".humanize-lint-cache").rglob(".tmp-*"))
    final, err = _run(tmp_path)
    assert _cache_line(err).endswith("23 hits, 0 misses") and final["findings"] == reports[0]["findings"]

"""Compressed input: ``.gz``, ``.bz2`` and ``.xz`` files are read through the standard
library's decompressors, in the format of the name under the suffix."""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
import subprocess
import sys
from pathlib import Path

from conftest import _cli_env, run_cli

from humanize_lint import sources

RECORD = '{{"id": {i}, "body": "{body}", "customer": "Maria Garcia"}}\n'


def _export(n: int) -> bytes:
    bodies = ("The renewal called again about the QBR.", "Refund issued; the invoice is fine.", "Acct 4471-22 is upset about the fee.")
    return "".join(RECORD.format(i=i, body=bodies[i % 3]) for i in range(n)).encode()


def _findings(cwd: Path, name: str, *args: str) -> tuple[list[tuple[object, ...]], str, int]:
    proc = run_cli("check", name, "--text-field", "body", "--id-field", "id", "--name-field", "customer", "--format", "json", *args, cwd=cwd)
    found = [(f["code"], f["record"], f["line"], f["column"], f["text"], f["suggestions"]) for f in json.loads(proc.stdout)["findings"]]
    return found, proc.stderr, proc.returncode


def test_format_is_the_name_under_the_compression_suffix() -> None:
    assert [sources.detect_format(n) for n in ("t.jsonl.gz", "t.CSV.bz2", "notes.md.xz", "mail.eml.gz", "x.gz", "x.txt")] == ["jsonl", "csv", "markdown", "eml", "text", "text"]
    assert [sources.compression_of(n) for n in ("t.jsonl.gz", "t.jsonl.BZ2", "t.xz", "t.jsonl")] == ["gzip", "bzip2", "xz", None]


def test_compressed_exports_give_the_plain_file_s_findings(tmp_path: Path) -> None:
    """gzip, bzip2 and xz: the same findings at the same lines and columns as the plain
    file, for an export larger than one streaming block (read in chunks)."""
    data = _export(30_000)
    assert len(data) > sources.CHUNK_BYTES
    (tmp_path / "t.jsonl").write_bytes(data)
    (tmp_path / "t.jsonl.gz").write_bytes(gzip.compress(data))
    (tmp_path / "t.jsonl.bz2").write_bytes(bz2.compress(data))
    (tmp_path / "t.jsonl.xz").write_bytes(lzma.compress(data))
    plain, err, code = _findings(tmp_path, "t.jsonl")
    assert code == 1 and len(plain) == 30_000 and err == ""
    for name in ("t.jsonl.gz", "t.jsonl.bz2", "t.jsonl.xz"):
        assert _findings(tmp_path, name) == (plain, "", 1), name


def test_a_truncated_or_mislabelled_file_keeps_what_it_can(tmp_path: Path) -> None:
    """A download cut short: the records before the break are linted, then one error (exit 2).
    A file that is not gzip at all is skipped with an error; the other files are linted."""
    data = gzip.compress(_export(3_000), compresslevel=1)
    (tmp_path / "cut.jsonl.gz").write_bytes(data[: len(data) // 2])
    found, err, code = _findings(tmp_path, "cut.jsonl.gz")
    assert code == 2 and 100 < len(found) < 2_000
    assert "cut.jsonl.gz: not a valid gzip file (it ends before its compressed data does); the rest of the file is skipped" in err
    (tmp_path / "plain.csv.gz").write_bytes(b"id,body,customer\n1,The renewal called.,Ana\n")
    (tmp_path / "ok.jsonl").write_bytes(_export(3))
    proc = run_cli("check", "plain.csv.gz", "ok.jsonl", "--text-field", "body", "--format", "concise", cwd=tmp_path)
    assert proc.returncode == 2 and "ok.jsonl:1:" in proc.stdout
    assert proc.stderr.splitlines() == ["humanize-lint: plain.csv.gz: not a valid gzip file (no gzip header); skipped"]


def test_a_truncated_compressed_page_is_linted_up_to_the_break(tmp_path: Path) -> None:
    data = gzip.compress(b"# Notes\n\n" + b"The renewal called again.\n\n" * 2000)
    (tmp_path / "cut.md.gz").write_bytes(data[: len(data) - 40])
    proc = run_cli("check", "--format", "concise", "cut.md.gz", cwd=tmp_path)
    assert proc.returncode == 2 and proc.stdout.count("HL101") > 1_000
    assert proc.stderr.splitlines()[-1] == "humanize-lint: cut.md.gz: not a valid gzip file (it ends before its compressed data does); the rest of the file is skipped"


def test_compressed_markdown_is_linted_and_never_rewritten(tmp_path: Path) -> None:
    original = gzip.compress(b"# Notes\n\nThe renewal called again about the QBR.\n")
    (tmp_path / "notes.md.gz").write_bytes(original)
    proc = run_cli("check", "--fix", "--format", "concise", "notes.md.gz", cwd=tmp_path)
    assert "notes.md.gz:3:1: warning: HL101" in proc.stdout and "notes.md.gz:3:36: suggestion: HL301" in proc.stdout
    assert "notes.md.gz: compressed files are not rewritten by --fix; 1 fix not applied" in proc.stderr
    assert (tmp_path / "notes.md.gz").read_bytes() == original


def test_compressed_standard_input_named_by_stdin_filename(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "humanize_lint", "check", "-", "--stdin-filename", "t.jsonl.gz", "--text-field", "body", "--format", "concise"],
        input=gzip.compress(_export(3)), capture_output=True, cwd=tmp_path, env=_cli_env(), timeout=300,
    )
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.decode().splitlines()[0].startswith("t.jsonl.gz:1:20: warning: HL101")


def test_what_decompresses_before_a_break_is_kept(tmp_path: Path) -> None:
    """As ``gzip -d`` does: junk after the last member, or a bad checksum, keeps every record
    before it (one error, exit 2); zero padding after it is no error; members written one
    after another are read in turn; an empty file is an error."""
    data = _export(20)
    good = gzip.compress(data)
    (tmp_path / "junk.jsonl.gz").write_bytes(good + b"junk")
    (tmp_path / "padded.jsonl.gz").write_bytes(good + b"\0" * 512)
    (tmp_path / "two.jsonl.gz").write_bytes(gzip.compress(data[:500]) + gzip.compress(data[500:]))
    crc = bytearray(good)
    crc[-8] ^= 0xFF  # the CRC-32 in the trailer
    (tmp_path / "badcrc.jsonl.gz").write_bytes(bytes(crc))
    (tmp_path / "empty.jsonl.gz").write_bytes(b"")
    plain, _, _ = _findings(tmp_path, "two.jsonl.gz")
    assert len(plain) == 20
    assert _findings(tmp_path, "padded.jsonl.gz") == (plain, "", 1)
    found, err, code = _findings(tmp_path, "junk.jsonl.gz")
    assert (found, code) == (plain, 2) and err == "humanize-lint: junk.jsonl.gz: not a valid gzip file (junk after the compressed data); the rest of the file is skipped\n"
    found, err, code = _findings(tmp_path, "badcrc.jsonl.gz")
    assert (found, code) == (plain, 2) and "badcrc.jsonl.gz: not a valid gzip file (" in err and "incorrect data check" in err
    found, err, code = _findings(tmp_path, "empty.jsonl.gz")
    assert (found, code) == ([], 2) and err == "humanize-lint: empty.jsonl.gz: not a valid gzip file (the file is empty); skipped\n"


def test_a_compressed_tsv_is_tab_separated(tmp_path: Path) -> None:
    data = b"id\tbody\tnote,x\n1\tThe renewal called yesterday.\ta,b\n"
    for name in ("t.tsv.gz", "t.tab.gz"):
        (tmp_path / name).write_bytes(gzip.compress(data))
        proc = run_cli("check", name, "--text-field", "body", "--format", "concise", cwd=tmp_path)
        assert proc.returncode == 1 and proc.stdout.startswith(f"{name}:2:3: warning: HL101"), proc.stdout + proc.stderr


def test_fix_on_compressed_standard_input_gives_its_bytes_back(tmp_path: Path) -> None:
    original = gzip.compress(b"# T\n\nThe QBR is on Friday.\n")
    proc = subprocess.run(
        [sys.executable, "-m", "humanize_lint", "check", "--fix", "-", "--stdin-filename", "q.md.gz"],
        input=original, capture_output=True, cwd=tmp_path, env=_cli_env(), timeout=300,
    )
    assert proc.stdout == original and b"compressed files are not rewritten by --fix" in proc.stderr

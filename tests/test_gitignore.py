"""Directory walks skip what git ignores (``respect-gitignore``), as ruff does."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import run_cli

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

LINE = "The renewal called.\n"


def _git_init(path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(path)], check=True, capture_output=True)


def _linted(cwd: Path, *args: str) -> list[str]:
    proc = run_cli("check", "--format", "concise", *args, cwd=cwd)
    assert proc.returncode in (0, 1), proc.stderr
    return sorted(line.split(":", 1)[0] for line in proc.stdout.splitlines() if ":" in line)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository whose .gitignore hides a build directory and drafts, with a nested
    repository (an untracked clone) that ignores a file of its own."""
    root = tmp_path / "repo"
    for rel in ("README.md", "docs/a.md", "docs/b.draft.md", "_build/_sources/a.txt", "sub/ok.md", "sub/secret.md"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(LINE, encoding="utf-8")
    _git_init(root)
    (root / ".gitignore").write_text("_build/\n*.draft.md\n", encoding="utf-8")
    _git_init(root / "sub")
    (root / "sub" / ".gitignore").write_text("secret.md\n", encoding="utf-8")
    return root


def test_a_walk_skips_what_git_ignores(repo: Path) -> None:
    assert _linted(repo) == ["README.md", "docs/a.md", "sub/ok.md"]
    assert _linted(repo / "docs", "..") == ["../README.md", "../docs/a.md", "../sub/ok.md"]
    # A directory above the repositories: each one's own rules.
    assert _linted(repo.parent) == ["repo/README.md", "repo/docs/a.md", "repo/sub/ok.md"]


def test_named_files_and_ignored_directories_named_on_purpose_are_read(repo: Path) -> None:
    assert _linted(repo, "docs/b.draft.md", "_build") == ["_build/_sources/a.txt", "docs/b.draft.md"]


def test_respect_gitignore_can_be_turned_off(repo: Path) -> None:
    every = ["README.md", "_build/_sources/a.txt", "docs/a.md", "docs/b.draft.md", "sub/ok.md", "sub/secret.md"]
    assert _linted(repo, "--no-respect-gitignore") == every
    (repo / ".humanize-lint.yaml").write_text("respect-gitignore: false\n", encoding="utf-8")
    assert _linted(repo) == every
    assert _linted(repo, "--respect-gitignore") == ["README.md", "docs/a.md", "sub/ok.md"]


def test_outside_a_repository_nothing_is_filtered(tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.md").write_text(LINE, encoding="utf-8")
    (tmp_path / ".gitignore").write_text("notes/\n", encoding="utf-8")  # (not a repository: no meaning)
    assert _linted(tmp_path) == ["notes/a.md"]

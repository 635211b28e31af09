"""Directory walks skip what git ignores (``respect-gitignore``), as ruff does."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import _cli_env, run_cli

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


def test_a_directory_whose_files_git_all_ignores_lints_nothing(tmp_path: Path) -> None:
    """An empty listing is not "outside git": a repository holding only ignored files, a
    directory whose files are all ignored, and a nested repository that ignores everything
    lint nothing, with a note naming the reason. Only a directory git ignores itself is
    walked whole when named."""
    a = tmp_path / "a"
    a.mkdir()
    _git_init(a)
    (a / "draft.md").write_text(LINE, encoding="utf-8")
    (a / ".git" / "info" / "exclude").write_text("draft.md\n", encoding="utf-8")
    proc = run_cli("check", "--format", "concise", "a", cwd=tmp_path)
    assert proc.stdout == "" and "no files to lint in a: git ignores every file there that include: matches (1); --no-respect-gitignore reads them" in proc.stderr
    b = tmp_path / "b"
    (b / "notes").mkdir(parents=True)
    _git_init(b)
    (b / "notes" / "n.md").write_text(LINE, encoding="utf-8")
    (b / ".gitignore").write_text("notes/*.md\n", encoding="utf-8")
    assert _linted(tmp_path, "b/notes") == []
    c = tmp_path / "c"
    (c / "n").mkdir(parents=True)
    _git_init(c)
    (c / "top.md").write_text(LINE, encoding="utf-8")
    _git_init(c / "n")
    (c / "n" / "secret.md").write_text(LINE, encoding="utf-8")
    (c / "n" / ".git" / "info" / "exclude").write_text("*.md\n", encoding="utf-8")
    assert _linted(tmp_path, "c") == ["c/top.md"]


def test_git_variables_of_a_hook_do_not_leak_into_other_repositories(repo: Path) -> None:
    """In a hook git exports GIT_INDEX_FILE for the outer repository: a nested repository is
    still asked about itself (its tracked file that its .gitignore names is linted, as git
    says; read against the outer index it was skipped)."""
    sub = repo / "sub"
    (sub / "forced.md").write_text(LINE, encoding="utf-8")
    (sub / ".gitignore").write_text("secret.md\nforced.md\n", encoding="utf-8")
    subprocess.run(["git", "-C", str(sub), "add", "-f", "forced.md"], check=True, capture_output=True)
    subprocess.run(["git", "-C", str(repo), "add", "README.md"], check=True, capture_output=True)
    proc = subprocess.run(
        [sys.executable, "-m", "humanize_lint", "check", "--format", "concise", "sub"],
        cwd=repo, capture_output=True, text=True, timeout=300,
        env={**_cli_env(), "GIT_INDEX_FILE": str(repo / ".git" / "index")},
    )
    assert sorted(line.split(":", 1)[0] for line in proc.stdout.splitlines()) == ["sub/forced.md", "sub/ok.md"], proc.stderr


def test_git_refusing_a_repository_is_a_note_not_silence(repo: Path) -> None:
    """A repository git refuses (here: its index is garbage) is not filtered, and says so."""
    (repo / ".git" / "index").write_bytes(b"garbage")
    proc = run_cli("check", "--format", "concise", ".", cwd=repo)
    assert "docs/b.draft.md" in proc.stdout
    assert "note: cannot ask git what it ignores (" in proc.stderr and "nothing there is skipped for .gitignore" in proc.stderr


def test_walk_paths_relative_to_the_root_as_resolving_each_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A walk resolves each directory once (``_WalkPaths``) and gets, for every entry,
    what resolving the entry on its own gives: through symlinked files and directories,
    a symlink loop, '..', and roots the entries are outside of."""
    import os

    from humanize_lint.sources import _relative, _WalkPaths

    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "f.md").write_text("x", encoding="utf-8")
    (tmp_path / "c").mkdir()
    os.symlink(tmp_path / "a" / "b" / "f.md", tmp_path / "c" / "link.md")
    os.symlink(tmp_path / "a", tmp_path / "c" / "dirlink")
    os.symlink(tmp_path / "c" / "loop", tmp_path / "c" / "loop")
    monkeypatch.chdir(tmp_path / "a")
    entries = [("b", "f.md"), (str(tmp_path / "c"), "link.md"), (str(tmp_path / "c" / "dirlink" / "b"), "f.md"), (str(tmp_path / "c"), "loop"),
               (".", "b"), ("..", "c"), (str(tmp_path / "c"), "dirlink"), ("b/../b", "f.md")]
    for root in (tmp_path, tmp_path / "a", Path("."), Path(".."), tmp_path / "c" / "dirlink", Path("/nonexistent")):
        walk = _WalkPaths(root)
        for dirpath, name in entries:
            assert walk(dirpath, name) == _relative(Path(dirpath) / name, root), (root, dirpath, name)
    assert _WalkPaths(tmp_path)(str(tmp_path / "c"), "link.md") == os.path.join("a", "b", "f.md")

"""The pre-commit hook, for real: ``.pre-commit-hooks.yaml`` driven by pre-commit itself.

The checkout these tests run from (tracked and untracked files, without the
virtualenv, ``.git``, build output and caches) is copied into a temporary
git repository and committed. A second repository, the "docs repo", points
its ``.pre-commit-config.yaml`` at that copy and commit, and
``python -m pre_commit run --all-files`` runs in it. pre-commit builds the hook
environment the way a user's machine does: a fresh virtualenv in which it
pip-installs this package, spaCy and the pipeline from the package index.

That takes a minute or two, once: ``PRE_COMMIT_HOME`` is a session-wide
temporary directory and every case reuses the same hook repository and
commit, so the environment is built by the first case and reused by the
others. The tests are marked ``slow`` but run by default and in CI.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed (pre-commit needs it)"),
]

# Never copied into the hook repository: VCS data, virtualenvs, build output, caches.
SKIP_DIRS = {
    ".git", ".hg", ".svn", ".venv", "venv", ".env", "env", "build", "dist", "__pycache__",
    ".pytest_cache", ".hypothesis", ".mypy_cache", ".ruff_cache", ".tox", ".nox", ".eggs",
}
SKIP_SUFFIXES = (".pyc", ".pyo", ".egg-info")

GIT_IDENTITY = [
    "-c", "user.name=humanize-lint tests",
    "-c", "user.email=tests@humanize-lint.invalid",
    "-c", "commit.gpgsign=false",
    "-c", "tag.gpgsign=false",
    "-c", "init.defaultBranch=main",
    "-c", "core.autocrlf=false",
]

BAD_SENTENCE = "The renewal called again and wants a refund."
CLEAN_SENTENCE = "The renewal is due March 1."


def _env(pre_commit_home: Path | None = None) -> dict[str, str]:
    """The environment for git and pre-commit: no inherited git or pre-commit state, no colour."""
    drop = ("GIT_", "PRE_COMMIT", "FORCE_COLOR", "CLICOLOR_FORCE", "HUMANIZE_LINT_", "PYTHONPATH", "PYTHONHOME")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    env["NO_COLOR"] = "1"
    env["PYTHONIOENCODING"] = "utf-8"
    # git commits below never prompt or open an editor.
    env["GIT_TERMINAL_PROMPT"] = "0"
    env["GIT_EDITOR"] = "true"
    if pre_commit_home is not None:
        env["PRE_COMMIT_HOME"] = str(pre_commit_home)
    return env


def _git(cwd: Path, *args: str) -> str:
    proc = subprocess.run(
        ["git", *GIT_IDENTITY, *args], cwd=cwd, env=_env(), capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, f"git {' '.join(args)} failed in {cwd}:\n{proc.stdout}{proc.stderr}"
    return proc.stdout


def _skipped(rel: Path) -> bool:
    return any(part in SKIP_DIRS or part.endswith(SKIP_SUFFIXES) for part in rel.parts)


def _working_tree_files(root: Path) -> list[Path]:
    """Tracked and untracked (not ignored) files of the checkout, relative to it."""
    if (root / ".git").exists():
        proc = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=root, env=_env(), capture_output=True, text=True, timeout=120,
        )
        if proc.returncode == 0:
            rels = {Path(p) for p in proc.stdout.split("\0") if p}
            return sorted(r for r in rels if not _skipped(r) and (root / r).is_file())
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS and not d.endswith(SKIP_SUFFIXES)]
        for name in filenames:
            rel = (Path(dirpath) / name).relative_to(root)
            if not _skipped(rel):
                found.append(rel)
    return sorted(found)


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """pre-commit's cache (cloned hook repos and their environments), shared by the whole session.

    The environment is about 340 MB in 9,000 files. It is left to pytest's own
    clean-up of old temporary directories (the last 3 sessions are kept):
    deleting it here would add 10 to 30 seconds to every run.
    """
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A git repository holding a copy of the current working tree, committed: (path, sha)."""
    repo = tmp_path_factory.mktemp("hook-repo")
    files = _working_tree_files(CHECKOUT)
    assert Path(".pre-commit-hooks.yaml") in files and Path("pyproject.toml") in files, files
    for rel in files:
        dest = repo / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(CHECKOUT / rel, dest)
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "--no-verify", "-m", "humanize-lint working tree under test")
    sha = _git(repo, "rev-parse", "HEAD").strip()
    return repo, sha


def _docs_repo(root: Path, hook_repo: tuple[Path, str], files: dict[str, str], args: list[str] | None = None) -> Path:
    """A git repository with a .pre-commit-config.yaml using our hook, and ``files`` staged."""
    repo_path, sha = hook_repo
    root.mkdir(parents=True, exist_ok=True)
    _git(root, "init", "-q")
    hook = ["      - id: humanize-lint"]
    if args is not None:
        hook.append(f"        args: {json.dumps(args)}")
    config = "\n".join(
        [
            "repos:",
            f"  - repo: {json.dumps(str(repo_path))}",
            f"    rev: {sha}",
            "    hooks:",
            *hook,
            "",
        ]
    )
    (root / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    _git(root, "add", "-A")
    return root


def _pre_commit(docs: Path, home: Path) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never"],
        cwd=docs, env=_env(home), capture_output=True, text=True, encoding="utf-8", errors="replace",
        stdin=subprocess.DEVNULL, timeout=1500,
    )
    if proc.returncode not in (0, 1):  # 3 is pre-commit's own failure (e.g. the env could not be built)
        log = home / "pre-commit.log"
        detail = log.read_text(encoding="utf-8", errors="replace") if log.exists() else "(no pre-commit.log)"
        pytest.fail(f"pre-commit itself failed (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}\n{detail}")
    return proc


def _hook_output(stdout: str) -> list[str]:
    """The lines our hook printed: pre-commit shows them after its ``- exit code: N`` header."""
    lines = stdout.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("- exit code:"):
            return [x for x in lines[i + 1 :] if x.strip()]
    return []


def test_findings_fail_the_hook_and_are_printed(tmp_path: Path, hook_repo: tuple[Path, str], pre_commit_home: Path) -> None:
    docs = _docs_repo(
        tmp_path / "docs",
        hook_repo,
        {
            "notes/call.md": f"# Call\n\n{BAD_SENTENCE}\n",
            "notes/call.txt": f"{BAD_SENTENCE}\n",
            # Not a Markdown or plain-text file: the hook is not given it.
            "tools/script.py": f"NOTE = {BAD_SENTENCE!r}\n",
        },
    )
    proc = _pre_commit(docs, pre_commit_home)
    out = proc.stdout
    assert proc.returncode == 1, out + proc.stderr
    assert "humanize-lint" in out and "Failed" in out, out
    assert "- exit code: 1" in out, out
    assert "notes/call.md:3:1: warning HL101 [thing-as-person] 'The renewal' treats a renewal as a person" in out, out
    assert "notes/call.txt:1:1: warning HL101 [thing-as-person] 'The renewal'" in out, out
    assert f"  3 | {BAD_SENTENCE}" in out, out
    assert "script.py" not in out, out
    assert "Found 2 problems (2 warnings) in 2 files." in out, out
    assert "Traceback" not in out + proc.stderr


def test_clean_files_pass(tmp_path: Path, hook_repo: tuple[Path, str], pre_commit_home: Path) -> None:
    docs = _docs_repo(tmp_path / "docs", hook_repo, {"README.md": f"# Renewals\n\n{CLEAN_SENTENCE}\n", "notes.txt": f"{CLEAN_SENTENCE}\n"})
    proc = _pre_commit(docs, pre_commit_home)
    out = proc.stdout
    assert proc.returncode == 0, out + proc.stderr
    hook_line = next(line for line in out.splitlines() if line.startswith("humanize-lint"))
    assert hook_line.endswith("Passed"), out  # not "(no files to check)Skipped"


def test_broken_config_fails_with_one_line_naming_it(tmp_path: Path, hook_repo: tuple[Path, str], pre_commit_home: Path) -> None:
    docs = _docs_repo(
        tmp_path / "docs",
        hook_repo,
        {".humanize-lint.yaml": "fail-on: warning\nselct: [HL101]\n", "notes.md": f"{CLEAN_SENTENCE}\n"},
    )
    proc = _pre_commit(docs, pre_commit_home)
    out = proc.stdout
    assert proc.returncode != 0, out
    assert "- exit code: 2" in out, out
    assert "Traceback" not in out + proc.stderr, out
    hook_lines = _hook_output(out)
    assert len(hook_lines) == 1, out
    assert hook_lines[0].startswith("humanize-lint: "), out
    assert ".humanize-lint.yaml:2:1: unknown key 'selct'; did you mean 'select'?" in hook_lines[0], out


def test_hook_args_are_passed_to_the_cli(tmp_path: Path, hook_repo: tuple[Path, str], pre_commit_home: Path) -> None:
    # Only a suggestion (an undefined acronym): passes by default, fails with --fail-on suggestion.
    files = {"notes.md": "Ask about the QBR.\n"}
    default = _pre_commit(_docs_repo(tmp_path / "default", hook_repo, files), pre_commit_home)
    assert default.returncode == 0, default.stdout + default.stderr
    strict = _pre_commit(_docs_repo(tmp_path / "strict", hook_repo, files, args=["--fail-on", "suggestion", "--format", "concise"]), pre_commit_home)
    assert strict.returncode == 1, strict.stdout + strict.stderr
    hook_lines = _hook_output(strict.stdout)
    assert len(hook_lines) == 1, strict.stdout
    assert hook_lines[0].startswith("notes.md:1:15: suggestion: HL301 [undefined-acronym] 'QBR' is not defined"), strict.stdout

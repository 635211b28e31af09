"""Speed without changing a finding: the sentence cache, batching across units,
and the matrix kernel (issue 15).

Each test compares against the plain path on the same texts: the
repository's own (rule cases, rule examples, examples/) always, and
../shared's dev sets and a spread of the bench corpus when present.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from humanize_lint import nlp as hl_nlp
from humanize_lint import rulepack, sources
from humanize_lint.engine import Linter, LintOptions
from humanize_lint.model import Document, Unit

from test_two_stage import _texts

REPO = Path(__file__).resolve().parents[1]


def _key(f):
    """Everything a reporter shows of a finding."""
    fix = (f.fix.start, f.fix.end, f.fix.replacement) if f.fix else None
    return (f.rule.code, f.start, f.end, f.doc_start, f.doc_end, f.text, f.message, f.suggestions, f.severity, fix, json.dumps(f.explanation, sort_keys=True))


def _units():
    out = []
    for name, text, customer, markup in _texts():
        doc = Document(path=name, text=text, format=markup)
        out.append(Unit(document=doc, text=text, customer=customer, markup=markup))
    return out


@pytest.fixture(scope="module")
def units() -> list[Unit]:
    return _units()


@pytest.fixture(scope="module")
def rules():
    return list(rulepack.load().rules.values())


def _lint_each(linter: Linter, units: list[Unit]) -> list[list]:
    return [[_key(f) for f in linter.lint_unit(u)] for u in units]


def _lint_batched(linter: Linter, units: list[Unit], size: int) -> list[list]:
    out = []
    for i in range(0, len(units), size):
        out.extend([_key(f) for f in found] for found in linter.lint_units(units[i : i + size]))
    return out


def test_sentence_cache_gives_identical_findings(linter: Linter, units: list[Unit], rules) -> None:
    """With the cache (batched across units, then again: every sentence a hit) equals without it, unit by unit."""
    plain = Linter(rules, linter.model, LintOptions(sentence_cache=0), segment=sources.segment)
    cached = Linter(rules, linter.model, segment=sources.segment)
    want = _lint_each(plain, units)
    first = _lint_batched(cached, units, 64)
    misses = cached.cache_misses
    second = _lint_batched(cached, list(reversed(units)), 200)[::-1]
    assert plain.cache_hits == 0
    assert cached.cache_misses == misses, "the second pass parsed again"
    assert cached.cache_hits > 0
    for u, w, a, b in zip(units, want, first, second):
        assert a == w, u.document.path
        assert b == w, u.document.path


def test_a_small_cache_stays_bounded_and_correct(linter: Linter, units: list[Unit], rules) -> None:
    plain = Linter(rules, linter.model, LintOptions(sentence_cache=0), segment=sources.segment)
    tiny = Linter(rules, linter.model, LintOptions(sentence_cache=7), segment=sources.segment)
    some = units[:150]
    assert _lint_batched(tiny, some, 10) == _lint_each(plain, some)
    assert len(tiny._judged) <= 7


def _unit(text: str, customer: str | None = None, path: str = "t.txt") -> Unit:
    return Unit(document=Document(path=path, text=text), text=text, customer=customer)


def test_what_depends_on_the_unit_is_not_cached(linter: Linter, rules) -> None:
    """The same sentence in different units: the customer's name, the next sentence
    (pronoun support) and a second mention elsewhere in the unit still decide."""
    cached = Linter(rules, linter.model, segment=sources.segment)
    plain = Linter(rules, linter.model, LintOptions(sentence_cache=0), segment=sources.segment)
    batch = [
        _unit("The renewal called twice.", "Maria Garcia"),
        _unit("The renewal called twice.", "Tom Wei"),
        _unit("The renewal called twice."),
        _unit("The renewal wants a callback. She is annoyed."),
        _unit("The renewal wants a callback. It is due Monday."),
        _unit("The downgrade wants a callback. The downgrade called twice."),
        _unit("The downgrade wants a callback."),
        _unit("Thanks,\nAna\n\nThe renewal called twice.", "Priya N"),
    ]
    for _ in range(2):
        got = [[_key(f) for f in found] for found in cached.lint_units(batch)]
        assert got == [[_key(f) for f in plain.lint_unit(u)] for u in batch]
    texts = [[f.suggestions[:1] for f in found] for found in cached.lint_units(batch[:3])]
    assert texts[0] != texts[1]
    flagged = [[f.text for f in found] for found in cached.lint_units(batch[3:7])]
    assert flagged == [["The renewal"], [], ["The downgrade", "The downgrade"], []]


def test_identical_sentences_in_a_batch_are_parsed_once(linter: Linter, rules) -> None:
    cached = Linter(rules, linter.model, segment=sources.segment)
    note = "Thanks for calling. The renewal called about the invoice and is upset."
    cached.lint_units([_unit(note, f"Customer {i}") for i in range(50)])
    assert cached.cache_misses == 1  # the one sentence the gate lets through, parsed once
    assert cached.cache_hits == 49


def test_a_sentence_is_parsed_once_before_next_sentences_without_a_pronoun(linter: Linter, rules) -> None:
    """The next sentence matters only through a person pronoun (support_context): a
    macro before different next sentences is one parse, before "She ..." another."""
    cached = Linter(rules, linter.model, segment=sources.segment)
    plain = Linter(rules, linter.model, LintOptions(sentence_cache=0), segment=sources.segment)
    batch = [_unit(f"The renewal wants a callback. It is due on day {i}.") for i in range(20)]
    batch += [_unit("The renewal wants a callback. She is annoyed."), _unit("The renewal wants a callback. Her plan ends soon.")]
    got = [[_key(f) for f in found] for found in cached.lint_units(batch)]
    assert got == [[_key(f) for f in plain.lint_unit(u)] for u in batch]
    assert [len(found) for found in got] == [0] * 20 + [1, 1]
    assert cached.cache_misses == 3  # no pronoun after it; "She is annoyed."; "Her plan ends soon."


# -- the matrix kernel --------------------------------------------------------


def test_numpy_kernel_gives_identical_findings(units: list[Unit], rules) -> None:
    """thinc on numpy's BLAS (what runs where BLIS has only its generic kernel) equals thinc on BLIS."""
    on_blis = Linter(rules, hl_nlp.LazyModel(gemm="blis"), segment=sources.segment)
    on_numpy = Linter(rules, hl_nlp.LazyModel(gemm="numpy"), segment=sources.segment)
    assert _lint_batched(on_numpy, units, 128) == _lint_batched(on_blis, units, 128)
    from thinc.api import NumpyOps

    nlp = on_numpy.model.get()
    ops = {type(node.ops).__name__ + str(getattr(node.ops, "use_blis", None)) for _, p in nlp.pipeline if hasattr(getattr(p, "model", None), "walk") for node in p.model.walk()}
    assert ops == {"NumpyOpsFalse"}
    assert isinstance(nlp.get_pipe("tok2vec").model.ops, NumpyOps)


def test_the_kernel_is_numpy_where_blis_is_generic_or_numpy_has_an_optimised_blas(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hl_nlp, "_kernel", None)
    monkeypatch.delenv(hl_nlp.GEMM_ENV, raising=False)
    monkeypatch.setattr(hl_nlp, "blis_arch", lambda: "generic")
    assert hl_nlp.kernel()[0] == "numpy"
    monkeypatch.setattr(hl_nlp, "_kernel", None)
    monkeypatch.setattr(hl_nlp, "numpy_blas", lambda: "scipy-openblas")
    monkeypatch.setattr(hl_nlp, "blis_arch", lambda: "haswell")
    assert hl_nlp.kernel()[0] == "numpy"
    monkeypatch.setattr(hl_nlp, "_kernel", None)
    monkeypatch.setattr(hl_nlp, "numpy_blas", lambda: "blas")  # the reference BLAS
    assert hl_nlp.kernel()[0] == "blis"
    monkeypatch.setattr(hl_nlp, "_kernel", None)
    monkeypatch.setattr(hl_nlp, "blis_arch", lambda: "generic")
    assert hl_nlp.kernel()[0] == "numpy"
    monkeypatch.setattr(hl_nlp, "_kernel", None)
    monkeypatch.setenv(hl_nlp.GEMM_ENV, "numpy")
    assert hl_nlp.kernel()[0] == "numpy"
    monkeypatch.setattr(hl_nlp, "_kernel", None)


def test_blis_reports_its_kernel() -> None:
    arch = hl_nlp.blis_arch()
    assert arch is None or (arch.isascii() and arch.isalnum())


_THREADS = r"""
import json, os, sys
{pre}
from humanize_lint.nlp import LazyModel
model = LazyModel(gemm={gemm!r})
model.get()
from threadpoolctl import threadpool_info
def blas():
    return sorted({{i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"}})
out = {{"parent": blas()}}
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    model.get()("The renewal called.")
    os.write(w, json.dumps(blas()).encode())
    os._exit(0)
os.waitpid(pid, 0)
out["worker"] = json.loads(os.read(r, 1000))
print(json.dumps(out))
"""


@pytest.mark.parametrize(("pre", "gemm"), [("", "numpy"), ("", "blis"), ("import numpy", "numpy")], ids=["env-before-numpy", "blis", "numpy-imported-first"])
def test_blas_runs_one_thread_per_process(pre: str, gemm: str) -> None:
    """--jobs N must not run N x cores BLAS threads: numpy's BLAS is held to one thread,
    whether numpy was imported before the model (threadpoolctl) or not (environment)."""
    pytest.importorskip("threadpoolctl")
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS") and k != hl_nlp.GEMM_ENV}
    res = subprocess.run([sys.executable, "-c", _THREADS.format(pre=pre, gemm=gemm)], capture_output=True, text=True, env=env, timeout=300, cwd=REPO)
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out == {"parent": [1], "worker": [1]}


def test_version_verbose_names_the_kernel(cli) -> None:
    res = cli("--version", "-v")
    assert res.returncode == 0, res.stderr
    assert "matrix kernel (gemm): " in res.stdout
    assert "pipeline" in res.stdout
    plain = cli("--version")
    assert plain.stdout.strip().startswith("humanize-lint ") and "kernel" not in plain.stdout


_COUNT_LINT_CALLS = """
import atexit, sys
import humanize_lint.engine as engine
calls = []
real = engine.Linter.lint_units
def counted(self, units, segments=None):
    calls.append(len(units))
    return real(self, units, segments)
engine.Linter.lint_units = counted
atexit.register(lambda: print("CALLS", calls, file=sys.stderr))
from humanize_lint.cli import run
sys.argv = ["humanize-lint", *sys.argv[1:]]
run()
"""


def test_small_files_are_linted_together_and_reported_in_order(tmp_path: Path) -> None:
    """Many small files go through the engine (and spaCy) together, a job of up to
    TASK_UNITS units (``runner._Jobs``), and are still reported file by file, in order,
    each with its own findings and positions."""
    from conftest import _cli_env

    names = []
    for i in range(40):
        name = f"note{i:02d}.md"
        names.append(name)
        body = f"# Note {i}\n\nThe renewal called again about acct {1000 + i}.\n" if i % 2 == 0 else f"# Note {i}\n\nNothing to see in note {i}.\n"
        (tmp_path / name).write_text(body, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-c", _COUNT_LINT_CALLS, "check", ".", "-f", "json", "--no-cache", "--jobs", "1", "--exit-zero"],
        capture_output=True, text=True, cwd=tmp_path, env=_cli_env(), timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    calls = [line for line in proc.stderr.splitlines() if line.startswith("CALLS")]
    assert calls == ["CALLS [40]"], proc.stderr  # one engine call for all forty files
    found = json.loads(proc.stdout)["findings"]
    paths = [f["path"] for f in found]
    assert paths == sorted(paths) and set(paths) == {n for i, n in enumerate(names) if i % 2 == 0}
    assert all(f["line"] == 3 and f["column"] == 1 for f in found if f["text"] == "The renewal")

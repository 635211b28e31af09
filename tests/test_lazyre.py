"""Module-level patterns compiled on first use (``humanize_lint.lazyre``)."""

from __future__ import annotations

import pickle
import re
import subprocess
import sys

from humanize_lint.lazyre import LazyPattern, lazy


def test_a_lazy_pattern_answers_as_the_compiled_one() -> None:
    p = lazy(r"(?P<word>[a-z]+)-(\d+)", re.IGNORECASE)
    real = re.compile(r"(?P<word>[a-z]+)-(\d+)", re.IGNORECASE)
    assert "compiled" not in p.__dict__  # nothing compiled yet
    text = "acct-4471 and TABLE-12, x-"
    assert [m.span() for m in p.finditer(text)] == [m.span() for m in real.finditer(text)]
    assert p.search(text, 5).group("word") == real.search(text, 5).group("word") == "TABLE"
    assert p.match(text).span() == real.match(text).span()
    assert p.fullmatch("a-1") and not p.fullmatch("a-1 ")
    assert p.findall(text) == real.findall(text)
    assert p.sub("#", text) == real.sub("#", text) and p.subn("#", text) == real.subn("#", text)
    assert p.split(text) == real.split(text)
    assert (p.pattern, p.flags, p.groups, dict(p.groupindex)) == (real.pattern, real.flags, real.groups, dict(real.groupindex))
    assert p.compiled is p.search(text).re  # a match's pattern is the compiled one


def test_compiled_once_then_read_from_the_instance() -> None:
    p = lazy(r"x+")
    assert p.compiled.pattern == "x+"  # "compiled" itself compiles it
    first = p.__dict__["search"]
    p.search("xx")
    assert p.__dict__["search"] is first


def test_a_lazy_pattern_survives_pickling_and_says_what_it_is() -> None:
    p = lazy(r"a|b", re.MULTILINE)
    p.search("b")
    q = pickle.loads(pickle.dumps(p))
    assert q.search("b").group() == "b" and q.flags == p.flags
    assert repr(lazy("z")) == "lazy('z', 0)"


def test_importing_the_cli_compiles_few_of_the_packages_patterns() -> None:
    """The point of it: a start-up compiles only the patterns it uses. A fresh process
    imports the CLI; none of the lazy patterns is compiled by the import itself."""
    code = (
        "import gc, humanize_lint.cli\n"
        "from humanize_lint.lazyre import LazyPattern\n"
        "objs = [o for o in gc.get_objects() if isinstance(o, LazyPattern)]\n"
        "print(len(objs), sum('compiled' in o.__dict__ for o in objs))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    total, compiled = int(out[0]), int(out[1])
    assert total > 100 and compiled <= total // 10, out

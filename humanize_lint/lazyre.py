"""Module-level regular expressions, compiled on first use.

Python compiles every ``re.compile`` at module level each time a module is
imported: for this package's 160 or so patterns, about 40 ms of a start-up that
takes about 0.2 s on a clean file, and most of those patterns belong to stages a
clean file never reaches (definitions, suggestions, identifiers, HTML, exports).
``lazy(pattern, flags)`` stands in for ``re.compile(pattern, flags)`` there: the
pattern is compiled the first time one of its attributes is read, and from then
on its methods sit on the object itself, so a call costs what a call on the
compiled pattern costs.

A lazy pattern is not an ``re.Pattern``: pass it where a pattern's *methods* are
used (``P.search(text)``), not to ``re.search(P, text)``, ``isinstance`` checks
or ``match.re is P`` (a match's ``re`` is the compiled pattern, ``P.compiled``).
"""

from __future__ import annotations

import re
from typing import Any

# What code reads from a pattern; put on the instance when it is compiled.
_ATTRS = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split", "scanner", "pattern", "flags", "groups", "groupindex")


class LazyPattern:
    """``re.compile(pattern, flags)``, done on first use."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._args = (pattern, flags)

    def __getattr__(self, name: str) -> Any:
        # Reached only while the attribute is missing, i.e. before the first compile.
        if name.startswith("__") or name == "_args":
            raise AttributeError(name)
        compiled = re.compile(*self._args)
        for attr in _ATTRS:
            self.__dict__[attr] = getattr(compiled, attr)
        self.__dict__["compiled"] = compiled
        return self.__dict__[name] if name in self.__dict__ else getattr(compiled, name)

    def __reduce__(self) -> tuple[Any, tuple[str, int]]:
        return (LazyPattern, self._args)

    def __repr__(self) -> str:
        return f"lazy({self._args[0]!r}, {self._args[1]!r})"


def lazy(pattern: str, flags: int = 0) -> "re.Pattern[str]":
    """A pattern compiled on first use (typed as the pattern it stands for)."""
    return LazyPattern(pattern, flags)  # type: ignore[return-value]

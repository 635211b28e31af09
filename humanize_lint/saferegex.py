"""Regular expressions from rule files, run with a time bound.

This module owns every regex that comes from YAML (identifier ``shapes`` and
``standalone``, lexicons they name, and ``REGEX`` in spaCy token patterns):
they are compiled with the ``regex`` module, which keeps Python's syntax and
lookarounds and takes a ``timeout=`` on each match, instead of ``re``, whose
catastrophic backtracking (``(a|aa)+$`` on a run of a's) can never be
stopped. A match that runs out of time raises :class:`RegexTimeout`, one
line naming the rule file, line and column the pattern was written at; the
runner reports it for that file or record and lints the unit again, and the
pattern stays off for the rest of the run so that one bad pattern costs one
timeout, not one per record. It must not hold the engine's own patterns
(those are fixed and reviewed; ``re`` is faster for them).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Sequence

import regex  # type: ignore[import-untyped]

from .model import InputError

# Seconds a rule regex may take on one text, plus this much per million characters.
TIMEOUT = 1.0
TIMEOUT_PER_MCHAR = 1.0


def timeout_for(text: str) -> float:
    """The time bound of one match over ``text``: grows with its length, so long texts are not refused."""
    return TIMEOUT + TIMEOUT_PER_MCHAR * len(text) / 1_000_000


@dataclass(frozen=True)
class Origin:
    """Where a pattern was written: file, 1-based line and column."""

    path: str | None
    line: int | None
    column: int | None


class RegexTimeout(InputError):
    """A rule's regular expression ran out of time on some text (the pattern is then turned off)."""


def origins_of(items: Any) -> list[Origin]:
    """The origin of each item of a list read from YAML (a resolved ``MarkedSeq``); unknown ones are empty."""
    marks = getattr(items, "item_marks", None) or []
    sources = getattr(items, "item_sources", None) or []
    default = getattr(items, "source", None)
    out = []
    for i, _ in enumerate(items or ()):
        line, col = marks[i] if i < len(marks) else (None, None)
        out.append(Origin(sources[i] if i < len(sources) else default, line, col))
    return out


def check(pattern: str) -> str | None:
    """None if ``pattern`` compiles as it will run, else the compiler's message (one line).

    Python's ``re`` is asked first: its messages point at the construct's start,
    and rule authors write ``re`` syntax; then ``regex``, which runs it.
    """
    import re

    try:
        re.compile(pattern)
    except (re.error, ValueError, TypeError, OverflowError, RecursionError, MemoryError) as exc:
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    try:
        regex.compile(pattern, regex.V0)
    except (regex.error, ValueError, TypeError, OverflowError, RecursionError, MemoryError) as exc:
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return None


class SafePattern:
    """A compiled rule regex whose matching is bounded in time.

    ``parts``: the user patterns that make up this one (with their origins),
    so that a timeout names the pattern that caused it.
    """

    def __init__(self, pattern: str, flags: int = 0, parts: Sequence[tuple[str, Origin]] = ()) -> None:
        self.pattern = pattern
        self.flags = flags
        self.parts = list(parts)
        self._rx = regex.compile(pattern, flags | regex.V0)
        self.groupindex = self._rx.groupindex
        self.off = False  # timed out once: matches nothing from then on

    def __repr__(self) -> str:
        return f"SafePattern({self.pattern!r})"

    def _timeout(self, text: str) -> RegexTimeout:
        self.off = True
        culprit = self.parts[0] if self.parts else (self.pattern, Origin(None, None, None))
        if len(self.parts) > 1:
            for part, where in self.parts:
                try:
                    regex.compile(part, self.flags | regex.V0).search(text, timeout=timeout_for(text))
                except TimeoutError:
                    culprit = (part, where)
                    break
                except regex.error:
                    continue
        part, where = culprit
        shown = part if len(part) <= 60 else part[:57] + "..."
        return RegexTimeout(
            f"regular expression {shown!r} took longer than {timeout_for(text):.1f} s on a text of {len(text):,} characters; it is off for the rest of this run",
            where.path,
            where.line,
            where.column,
        )

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> Iterator[Any]:
        """Like ``re.Pattern.finditer``; raises :class:`RegexTimeout`."""
        if self.off:
            return
        it = self._rx.finditer(text, pos, len(text) if endpos is None else endpos, timeout=timeout_for(text))
        while True:
            try:
                m = next(it)
            except StopIteration:
                return
            except TimeoutError:
                raise self._timeout(text) from None
            yield m

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> Any:
        """Like ``re.Pattern.search``; raises :class:`RegexTimeout`."""
        if self.off:
            return None
        try:
            return self._rx.search(text, pos, len(text) if endpos is None else endpos, timeout=timeout_for(text))
        except TimeoutError:
            raise self._timeout(text) from None

    def match(self, text: str, pos: int = 0, endpos: int | None = None) -> Any:
        """Like ``re.Pattern.match``; raises :class:`RegexTimeout`."""
        if self.off:
            return None
        try:
            return self._rx.match(text, pos, len(text) if endpos is None else endpos, timeout=timeout_for(text))
        except TimeoutError:
            raise self._timeout(text) from None

    def fullmatch(self, text: str, pos: int = 0, endpos: int | None = None) -> Any:
        """Like ``re.Pattern.fullmatch``; raises :class:`RegexTimeout`."""
        if self.off:
            return None
        try:
            return self._rx.fullmatch(text, pos, len(text) if endpos is None else endpos, timeout=timeout_for(text))
        except TimeoutError:
            raise self._timeout(text) from None


def compile(pattern: str, flags: int = 0, *, parts: Any = ()) -> Any:  # noqa: A001 - mirrors re.compile
    """Compile a pattern built from rule-file regexes. ``parts``: the list of those
    regexes as read from YAML (their origins come along), or ``(pattern, Origin)`` pairs.

    Returns a :class:`SafePattern`, typed ``Any`` because the engine holds it
    where it held an ``re.Pattern`` (same methods: finditer, search, match, pattern)."""
    items = list(parts or ())
    if items and not isinstance(items[0], tuple):
        items = list(zip((str(p) for p in items), origins_of(parts)))
    return SafePattern(pattern, flags, items)


# --- REGEX in spaCy token patterns ------------------------------------------------

# Token attributes a pattern may test with REGEX, and how to read them off a token.
_ATTRS = {
    "ORTH": "text",
    "TEXT": "text",
    "LOWER": "lower_",
    "NORM": "norm_",
    "LEMMA": "lemma_",
    "POS": "pos_",
    "TAG": "tag_",
    "DEP": "dep_",
    "SHAPE": "shape_",
    "ENT_TYPE": "ent_type_",
    "PREFIX": "prefix_",
    "SUFFIX": "suffix_",
}


def _extension(attr: str, pattern: str, where: Origin) -> str:
    """A ``Token._`` attribute that is True when ``pattern`` finds a match in the token's ``attr``
    (registered once per attribute and pattern)."""
    from spacy.tokens import Token

    name = "hl_rx_" + hashlib.sha1(f"{attr}\0{pattern}".encode("utf-8", "surrogatepass")).hexdigest()[:16]
    if not Token.has_extension(name):
        safe = SafePattern(pattern, 0, [(pattern, where)])
        field = _ATTRS[attr]

        def getter(token: Any) -> bool:
            return safe.search(str(getattr(token, field))) is not None

        Token.set_extension(name, getter=getter)
    return name


def spacy_patterns(patterns: Iterable[Any], origin: tuple[str, int] | None = None) -> list[Any]:
    """Token patterns with each ``{ATTR: {"REGEX": p}}`` replaced by a time-bounded extension test.

    spaCy's Matcher would run ``p`` with ``re``; here it runs through
    :class:`SafePattern`. Everything else is passed through unchanged.
    """
    out: list[Any] = []
    for pattern in patterns:
        if not isinstance(pattern, list):
            out.append(pattern)
            continue
        tokens = []
        for i, spec in enumerate(pattern):
            if not isinstance(spec, dict):
                tokens.append(spec)
                continue
            marks = getattr(spec, "value_marks", {}) or {}
            new: dict[Any, Any] = {}
            ext: dict[str, bool] = {}
            for key, value in spec.items():
                attr = str(key).upper()
                if isinstance(value, dict) and "REGEX" in value and attr in _ATTRS and isinstance(value["REGEX"], str):
                    inner = getattr(value, "value_marks", {}) or {}
                    line, col = inner.get("REGEX") or marks.get(key) or (origin[1] if origin else None, None)
                    where = Origin(getattr(spec, "source", None) or (origin[0] if origin else None), line, col)
                    ext[_extension(attr, value["REGEX"], where)] = True
                    rest = {k: v for k, v in value.items() if k != "REGEX"}
                    if rest:
                        new[key] = rest
                else:
                    new[key] = value
            if ext:
                underscore = dict(new.get("_", {})) if isinstance(new.get("_"), dict) else {}
                underscore.update(ext)
                new["_"] = underscore
            tokens.append(new)
        out.append(tokens)
    return out

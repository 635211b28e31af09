"""Inline suppressions and per-file ignores.

This module owns the comments that turn rules off inside a file, and the
config's ``per-file-ignores`` globs. It reads a :class:`~humanize_lint.model.Document`'s
text, never runs NLP and imports nothing heavy.

Directives (both forms are read in Markdown, plain text and HTML documents;
record and mail formats have none)::

    <!-- humanize-lint disable [IDS] -->            region (or this line, see below)
    <!-- humanize-lint disable-line [IDS] -->       this line only
    <!-- humanize-lint disable-next-line [IDS] -->  the next line only
    <!-- humanize-lint enable [IDS] -->             end the region(s)
    humanize-lint: disable[=IDS]                    the same, in plain text
    humanize-lint: disable-line[=IDS]
    humanize-lint: disable-next-line[=IDS]
    humanize-lint: enable[=IDS]

``IDS`` are rule codes (``HL101``), code prefixes (``HL1``), names
(``thing-as-person``) or categories, separated by commas and/or spaces; none
means every rule. Text after `` -- `` is a free-form reason and is ignored.
The comment form also accepts ``humanize-lint:`` and ``humanize-lint-`` as
prefixes and ``=`` before the ids.

``disable`` on a line of its own (nothing but blanks or punctuation such as
``#``, ``>`` or ``-`` before it) starts a region that lasts until a matching
``enable`` or the end of the file; ``disable`` after other text on its line
applies to that line only (pylint's rule), unless an ``enable`` follows on
the same line, which makes it an inline region. ``enable`` without ids ends every
region; with ids it re-enables just the rules those ids match, even inside a
``disable``-everything region. Line directives cover a finding when any line
of the finding is the directive's line (``disable-line``) or the line right
after the directive (``disable-next-line``). Regions are measured in document
offsets, so ``text <!-- humanize-lint disable -->text<!-- humanize-lint enable --> text``
works inside one line.

In Markdown, directives inside fenced code blocks and inline code spans are
ignored (they are examples, not directives); in HTML, those inside code
elements (``<pre>``, ``<code>``, ``<kbd>``, ``<samp>``, ``<script>``, ``<style>``,
``<textarea>`` ...: ``sources.html.CODE_ELEMENTS``). The text of a
directive itself is never reported (plain-text directives are prose to the
rules, and ``HL101`` looks like an acronym). A plain-text word after
``humanize-lint:`` that is close to a directive but none ("disable-nxt-line")
is an error naming the likely one; an English form of one ("enabled") and any
other word are prose.
"""

from __future__ import annotations

import bisect
import fnmatch
import re
from dataclasses import dataclass, field, replace
from typing import Callable, Iterable, Mapping, Sequence

from .lazyre import lazy
from .model import Document, Finding, HumanizeLintError, InputError, Rule
from .sources.html import CODE_ELEMENTS, element_spans
from .sources.text import split_lines

__all__ = [
    "Directive",
    "RuleRef",
    "Suppressions",
    "Unused",
    "drop_ignored",
    "parse",
    "per_file_ignored",
    "rule_matches",
]

ACTIONS = ("disable", "disable-line", "disable-next-line", "enable")
DIRECTIVE_FORMATS = ("markdown", "text", "html")

_COMMENT = lazy(r"<!--(\s*)humanize-lint(?=[\s:-])(.*?)-->", re.DOTALL | re.IGNORECASE)
_COMMENT_VERB = lazy(r"\s*(?::\s*|-|\s)\s*([A-Za-z][A-Za-z-]*)?", re.IGNORECASE)
_PLAIN = lazy(r"(?<![\w-])humanize-lint:[ \t]*(disable-next-line|disable-line|disable|enable)(?![\w-])", re.IGNORECASE)
# A word after "humanize-lint:" in plain text: a directive when it is one of ACTIONS, a
# misspelt one when it is close to one (reported), prose otherwise ("humanize-lint: a
# linter", "humanize-lint: enabled by default": an English form of a directive is prose).
_PLAIN_WORD = lazy(r"(?<![\w-])humanize-lint:[ \t]*([de][a-z-]*)(?![\w-])", re.IGNORECASE)
_INFLECTED_ACTION = lazy(r"(?:dis)?enabl(?:es|ed|ing|ement)|disabl(?:es|ed|ing|ement)|disablement", re.IGNORECASE)
_REASON = lazy(r"(?:^|\s)--(?:\s|$)")
_PLAIN_CLOSERS = lazy(r"\s*(?:\*/|-->|#\}|%\}|\}\})")
_TOKEN = lazy(r"[^\s,]+")
_ID = lazy(r"[A-Za-z0-9][A-Za-z0-9_.-]*$")
_BACKTICKS = lazy(r"`+")
_FENCE = lazy(r"[ \t]*(`{3,}|~{3,})(.*)$")
_HTML_CODE_TAGS = CODE_ELEMENTS  # (an HTML document blanks the same ones)


def _closest_action(word: str) -> str | None:
    """The directive ``word`` is most likely a misspelling of ("disable-nxt-line"), or None."""
    import difflib

    close = difflib.get_close_matches(word.lower(), ACTIONS, n=1, cutoff=0.8)
    return close[0] if close else None


def _expected(word: str) -> str:
    """The end of an unknown-directive error: the likely directive, or the choices."""
    close = _closest_action(word) if word else None
    return f"did you mean '{close}'?" if close else f"expected one of: {', '.join(ACTIONS)}"


def rule_matches(key: str, rule: Rule) -> bool:
    """Whether a suppression or ignore key selects ``rule`` (same as ``--select``).

    A key matches the rule's code, name or category exactly, or is an
    upper-case prefix of its code (``HL1``).
    """
    return key in (rule.code, rule.name, rule.category) or (key.isupper() and rule.code.startswith(key))


@dataclass(frozen=True)
class RuleRef:
    """One id written in a directive, with where it is (1-based, code points)."""

    key: str
    line: int
    column: int


@dataclass(frozen=True)
class Directive:
    """One suppression comment.

    ``scope`` is ``region``, ``line``, ``next-line`` or ``enable``: what the
    directive does after the own-line rule is applied (``action`` is what was
    written). ``start``/``end`` are document offsets of the whole directive
    text; ``line``/``column`` where it starts; ``end_line`` the line it ends
    on (an HTML comment may span lines). ``ids`` is empty for "every rule".
    """

    path: str
    action: str
    scope: str
    form: str  # "comment" or "plain"
    start: int
    end: int
    line: int
    column: int
    end_line: int
    ids: tuple[RuleRef, ...]

    def covers_line(self, first: int, last: int) -> bool:
        """Whether this line directive covers a finding on lines ``first``..``last``."""
        if self.scope == "line":
            return first <= self.end_line and last >= self.line
        if self.scope == "next-line":
            return first <= self.end_line + 1 <= last
        return False


@dataclass(frozen=True)
class Unused:
    """A directive id (or an id-less directive) that suppressed nothing."""

    path: str
    line: int
    column: int
    key: str | None  # None: the directive named no rule (every rule)
    directive: Directive

    @property
    def message(self) -> str:
        """``unused suppression for 'HL101'``, or ``unused suppression 'disable' (all rules)``."""
        if self.key is None:
            return f"unused suppression '{self.directive.action}' (all rules)"
        return f"unused suppression for '{self.key}'"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


@dataclass
class Suppressions:
    """The directives of one document, and which of them were used.

    Call :meth:`filter` with the document's findings (once, or once per unit),
    then :meth:`unused` for ``--report-unused-suppressions``.
    """

    path: str
    directives: list[Directive] = field(default_factory=list)
    errors: list[HumanizeLintError] = field(default_factory=list)  # syntax errors found while parsing
    _used: set[tuple[int, str | None]] = field(default_factory=set, init=False, repr=False)

    def validate(self, known: Callable[[str], bool]) -> list[HumanizeLintError]:
        """Errors for malformed directives and ids ``known`` rejects, in file order.

        ``known(key)`` says whether a key names at least one rule, e.g.
        ``lambda k: bool(pack.matching(k))``. Each error is an
        :class:`InputError` with the path, line and column of the bad id.
        """
        errors = list(self.errors)
        for d in self.directives:
            for ref in d.ids:
                if not known(ref.key):
                    errors.append(InputError(f"unknown rule '{ref.key}' in suppression (see `humanize-lint rules`)", self.path, ref.line, ref.column))
        errors.sort(key=lambda e: (e.line or 0, e.column or 0))
        return errors

    def _covering(self, f: Finding, match: Callable[[str, Rule], bool]) -> list[tuple[int, str | None]]:
        """The (directive index, id) pairs that suppress finding ``f``."""
        hits: list[tuple[int, str | None]] = []
        first, last = f.start_pos.line, max(f.start_pos.line, f.end_pos.line)
        active: list[tuple[int, str | None]] = []
        for i, d in enumerate(self.directives):
            if d.scope in ("line", "next-line"):
                if d.covers_line(first, last):
                    keys = [r.key for r in d.ids if match(r.key, f.rule)] if d.ids else [None]
                    hits.extend((i, k) for k in keys)
                continue
            if d.start > f.doc_start:
                continue  # directives are in offset order, but line ones may interleave
            if d.scope == "region":
                if not d.ids:
                    active.append((i, None))
                else:
                    active.extend((i, r.key) for r in d.ids if match(r.key, f.rule))
            elif d.scope == "enable":
                if not d.ids or any(match(r.key, f.rule) for r in d.ids):
                    active = []
        return hits + active

    def filter(self, findings: Iterable[Finding], match: Callable[[str, Rule], bool] = rule_matches) -> list[Finding]:
        """The findings no directive suppresses, in their order; records which ids were used.

        Findings of other paths pass through untouched. A finding inside a
        directive's own text is dropped without counting as a use.
        ``match(key, rule)`` decides whether an id selects a rule (default:
        :func:`rule_matches`).
        """
        kept: list[Finding] = []
        spans = [(d.start, d.end) for d in self.directives]
        for f in findings:
            if f.path != self.path or not self.directives:
                kept.append(f)
                continue
            if any(a <= f.doc_start < b for a, b in spans):
                continue
            hits = self._covering(f, match)
            if hits:
                self._used.update(hits)
            else:
                kept.append(f)
        return kept

    def unused(self, enabled: Callable[[str], bool] | None = None) -> list[Unused]:
        """Directive ids that suppressed nothing, one per id, in file order.

        ``enable`` directives are never reported. With ``enabled``, ids that
        select no rule that ran for this file (``enabled(key)`` false: the
        rule is deselected, ignored or unknown) are not reported either,
        since they could not have suppressed anything.
        """
        out: list[Unused] = []
        for i, d in enumerate(self.directives):
            if d.scope == "enable":
                continue
            if not d.ids:
                if (i, None) not in self._used:
                    out.append(Unused(self.path, d.line, d.column, None, d))
                continue
            for ref in d.ids:
                if (i, ref.key) in self._used:
                    continue
                if enabled is not None and not enabled(ref.key):
                    continue
                out.append(Unused(self.path, ref.line, ref.column, ref.key, d))
        return out


# --- parsing -------------------------------------------------------------------------


def _markdown_code_spans(text: str) -> list[tuple[int, int]]:
    """Fenced code blocks and (single-line) inline code spans of a Markdown text."""
    spans: list[tuple[int, int]] = []
    fence = ""
    fence_start = 0
    for s, e in split_lines(text):
        line = text[s:e]
        # Block-quote markers do not change what a fence is.
        body = re.sub(r"^(?:[ \t]*>)+", "", line)
        m = _FENCE.match(body)
        if fence:
            if m is not None and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not m.group(2).strip():
                spans.append((fence_start, e))
                fence = ""
            continue
        if m is not None and not (m.group(1)[0] == "`" and "`" in m.group(2)):
            fence, fence_start = m.group(1), s
            continue
        # Inline code: a backtick run closed by the next run of the same length on this line.
        runs = [(r.start(), r.end()) for r in _BACKTICKS.finditer(line)]
        k = 0
        while k < len(runs):
            a, b = runs[k]
            close = next((j for j in range(k + 1, len(runs)) if runs[j][1] - runs[j][0] == b - a), None)
            if close is None:
                k += 1
                continue
            spans.append((s + a, s + runs[close][1]))
            k = close + 1
    if fence:
        spans.append((fence_start, len(text)))
    return spans


def _html_code_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for name in _HTML_CODE_TAGS:
        spans.extend(element_spans(text, name))
    return spans


def _inside(offset: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(a <= offset < b for a, b in spans)


class _Parser:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.text = doc.text
        self.result = Suppressions(doc.path)

    def pos(self, offset: int) -> tuple[int, int]:
        p = self.doc.position(offset)
        return p.line, p.column

    def error(self, message: str, offset: int) -> None:
        line, col = self.pos(offset)
        self.result.errors.append(InputError(message, self.doc.path, line, col))

    def ids(self, args: str, offset: int) -> tuple[RuleRef, ...] | None:
        """Parse ``args`` (starting at document ``offset``) into ids; None after an error."""
        reason = _REASON.search(args)
        if reason is not None:
            args = args[: reason.start()]
        stripped = args.lstrip()
        lead = len(args) - len(stripped)
        if stripped.startswith("="):
            lead += 1
        refs: list[RuleRef] = []
        for m in _TOKEN.finditer(args, lead):
            token = m.group()
            if not _ID.match(token):
                self.error(f"invalid rule id '{token}' in suppression (expected codes, names or categories separated by commas)", offset + m.start())
                return None
            line, col = self.pos(offset + m.start())
            refs.append(RuleRef(token, line, col))
        if not refs and (stripped.startswith("=") or "," in args):
            # "disable=" or "disable-line , ,": a list was begun; an empty one is no "every rule"
            self.error("empty rule list in suppression (name the rules, or write the directive alone to disable every rule)", offset + len(args) - len(stripped))
            return None
        return tuple(refs)

    def own_line(self, start: int) -> bool:
        """Whether nothing but blanks and punctuation precede ``start`` on its line."""
        ls = self.doc.line_starts
        line_start = ls[bisect.bisect_right(ls, start) - 1]
        return re.search(r"\w", self.text[line_start:start]) is None

    def add(self, action: str, form: str, start: int, end: int, ids: tuple[RuleRef, ...]) -> None:
        if action == "disable":
            scope = "region" if self.own_line(start) else "line"
        elif action == "disable-line":
            scope = "line"
        elif action == "disable-next-line":
            scope = "next-line"
        else:
            scope = "enable"
        line, col = self.pos(start)
        end_line = self.doc.position(max(start, end - 1)).line
        self.result.directives.append(Directive(self.doc.path, action, scope, form, start, end, line, col, end_line, ids))

    def run(self) -> Suppressions:
        text = self.text
        if "humanize-lint" not in text.lower():
            return self.result
        fmt = self.doc.format
        skip = _markdown_code_spans(text) if fmt == "markdown" else _html_code_spans(text) if fmt == "html" else []
        taken: list[tuple[int, int]] = []
        for m in _COMMENT.finditer(text):
            if _inside(m.start(), skip):
                continue
            taken.append((m.start(), m.end()))
            body_start = m.start(2)
            v = _COMMENT_VERB.match(text, body_start, m.end(2))
            verb = (v.group(1) or "") if v else ""
            if verb.lower() not in ACTIONS:
                where = v.start(1) if v and v.group(1) else body_start
                what = f"unknown suppression directive '{verb}'" if verb else "missing suppression directive"
                self.error(f"{what} after 'humanize-lint'; {_expected(verb)}", where)
                continue
            assert v is not None
            ids = self.ids(text[v.end() : m.end(2)], v.end())
            if ids is not None:
                self.add(verb.lower(), "comment", m.start(), m.end(), ids)
        for m in _PLAIN_WORD.finditer(text):
            word = m.group(1).lower()
            if word not in ACTIONS and not _INFLECTED_ACTION.fullmatch(word) and _closest_action(word) and not _inside(m.start(), skip) and not _inside(m.start(), taken):
                self.error(f"unknown suppression directive '{m.group(1)}' after 'humanize-lint:'; {_expected(word)}", m.start(1))
        for m in _PLAIN.finditer(text):
            if _inside(m.start(), skip) or _inside(m.start(), taken):
                continue
            ls = self.doc.line_starts
            li = bisect.bisect_right(ls, m.start())
            line_end = ls[li] if li < len(ls) else len(text)
            rest = text[m.end() : line_end].rstrip("\r\n")
            closer = _PLAIN_CLOSERS.search(rest)
            if closer is not None:
                rest = rest[: closer.start()]
            if fmt == "html" and "<" in rest:
                rest = rest[: rest.index("<")]  # "<p>humanize-lint: disable-next-line</p>": the tag is not an id
            ids = self.ids(rest, m.end())
            if ids is not None:
                end = m.end() + len(rest.rstrip())
                self.add(m.group(1).lower(), "plain", m.start(), end, ids)
        directives = sorted(self.result.directives, key=lambda d: d.start)
        # A trailing ``disable`` closed by an ``enable`` later on its line is an inline region.
        for i, d in enumerate(directives):
            if d.action == "disable" and d.scope == "line" and any(e.scope == "enable" and e.line == d.end_line for e in directives[i + 1 :]):
                directives[i] = replace(d, scope="region")
        self.result.directives = directives
        return self.result


def parse(doc: Document) -> Suppressions:
    """The suppression directives of a document (none for record and mail formats).

    Malformed directives (an unknown verb, an id that is not a word) are
    collected in ``Suppressions.errors`` and reported by :meth:`Suppressions.validate`.
    """
    if doc.format not in DIRECTIVE_FORMATS:
        return Suppressions(doc.path)
    return _Parser(doc).run()


# --- per-file ignores ----------------------------------------------------------------


def _glob_regex(pattern: str) -> str:
    """Regex for a path glob: ``*`` and ``?`` stay in one component, ``**`` spans any."""
    out: list[str] = []
    i = 0
    n = len(pattern)
    while i < n:
        c = pattern[i]
        if c == "*":
            if pattern.startswith("**", i):
                j = i + 2
                at_start = i == 0 or pattern[i - 1] == "/"
                if at_start and j < n and pattern[j] == "/":
                    out.append("(?:.*/)?")  # ``**/``: zero or more directories
                    i = j + 1
                    continue
                out.append(".*")
                i = j
                continue
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            j = pattern.find("]", i + 2 if pattern[i + 1 : i + 2] in ("!", "]") else i + 1)
            if j == -1:
                out.append(re.escape(c))
            else:
                body = pattern[i + 1 : j]
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append("[" + body.replace("\\", "\\\\") + "]")
                i = j
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)


def _path_matches(rel: str, pattern: str) -> bool:
    """gitignore-ish: no '/' matches any component; otherwise anchored at the root.

    A pattern also matches every file below a directory it matches
    (``legacy/``, ``docs/old``).
    """
    rel = rel.replace("\\", "/").lstrip("/")
    while rel.startswith("./"):
        rel = rel[2:]
    pat = pattern.strip()
    if pat.endswith("/"):
        pat = pat.rstrip("/")
    anchored = pat.startswith("/") or "/" in pat
    pat = pat.lstrip("/")
    while pat.startswith("./"):
        pat = pat[2:]
    if not pat:
        return False
    parts = rel.split("/")
    if not anchored:
        return any(fnmatch.fnmatchcase(part, pat) for part in parts)
    regex = re.compile(_glob_regex(pat) + r"(?:/.*)?\Z", re.DOTALL)
    return regex.match(rel) is not None


def per_file_ignored(path_rel_posix: str, mapping: Mapping[str, Sequence[str] | str]) -> set[str]:
    """The rule keys that ``per-file-ignores`` turns off for one file.

    ``path_rel_posix`` is the file's path relative to the config file's
    directory, with ``/`` separators. Each mapping key is a glob: without a
    ``/`` it matches a file or directory name anywhere (``CHANGELOG.md``,
    ``drafts``); with one it is anchored at the config's directory
    (``docs/**/*.md``, ``/notes/*.txt``); ``**`` spans directories and a
    pattern that matches a directory covers everything below it. A key
    starting with ``!`` applies to files that do *not* match the rest. Values
    are lists of rule keys (codes, prefixes, names, categories), or one string
    with comma-separated keys; the union over all matching globs is returned.
    """
    out: set[str] = set()
    for pattern, keys in mapping.items():
        negate = pattern.startswith("!")
        hit = _path_matches(path_rel_posix, pattern[1:] if negate else pattern)
        if hit != negate:
            if isinstance(keys, str):
                out.update(k.strip() for k in keys.split(",") if k.strip())
            else:
                out.update(str(k) for k in keys)
    return out


def drop_ignored(findings: Iterable[Finding], keys: Iterable[str], match: Callable[[str, Rule], bool] = rule_matches) -> list[Finding]:
    """The findings whose rule no key in ``keys`` selects (for per-file ignores)."""
    keys = list(keys)
    if not keys:
        return list(findings)
    return [f for f in findings if not any(match(k, f.rule) for k in keys)]

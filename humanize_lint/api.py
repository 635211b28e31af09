"""The library API: a linter that stays warm.

``Linter`` loads configuration, rules and the spaCy pipeline once and lints
any number of texts with them; ``humanize_lint.lint_text`` is a one-call
wrapper over a shared default instance. The language server
(``humanize_lint.lsp``) holds one per distinct set of editor settings::

    from humanize_lint import Linter

    linter = Linter(customer="Maria Garcia")
    for finding in linter.lint("The renewal called again.", path="notes.md"):
        print(finding.start_pos.line, finding.rule.code, finding.message)

Each text is linted as the file ``path`` names would be by ``humanize-lint
check``: its format by extension, the closest ``.humanize-lint.yaml`` or
``pyproject.toml`` above it (``discover=False`` uses the built-in pack and
no config file), ``exclude`` and ``per-file-ignores``, and the inline
suppression comments in the text. Results of parsed sentences are kept
(``cache=True``), so linting a text again after a small edit parses only the
sentences that changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Optional, Sequence

from . import containers, sources
from .engine import SentenceCache
from .model import Document, Finding, HumanizeLintError, InputNote, Report
from .nlp import LazyModel
from .runner import Context, Contexts, Flags, existing_parent, lint_isolated, per_file_filtered, suppressed

__all__ = ["Linter", "Result"]

# Characters parsed per spaCy memory zone when linting the same texts again and again.
ZONE_CHARS = 50_000
# Characters parsed outside any memory zone first (see parse.WARM_CHARS): none. An
# editor parses a sentence or two per edit, from the sentence cache's misses, so the
# tokenizer's cache would save little, and every edit may bring a word nobody types again.
WARM_CHARS = 0


@dataclass
class Result:
    """The outcome of linting one text: findings in document order, and the input
    errors met (a malformed suppression comment, a bad record); ``excluded`` when
    the config's ``exclude`` covers the path (nothing was linted)."""

    document: Document
    findings: list[Finding] = field(default_factory=list)
    errors: list[HumanizeLintError] = field(default_factory=list)
    excluded: bool = False


class Linter:
    """Configuration, rules and pipeline loaded once; ``lint(text, path=..., customer=...)``.

    ``config``: one config file for every text (as ``--config``); by default
    each text's closest one. ``select``/``ignore``: rule codes, prefixes,
    names or categories, as on the command line. ``customer``: the name used
    in suggestions (and the fixes it makes safe) unless a call gives one.
    Not thread-safe: lint from one thread at a time.
    """

    def __init__(
        self,
        *,
        config: Optional[Path] = None,
        select: Sequence[str] = (),
        ignore: Sequence[str] = (),
        customer: Optional[str] = None,
        model: Optional[str] = None,
        discover: bool = True,
        cache: bool = True,
        models: Optional[dict[Optional[str], LazyModel]] = None,
    ) -> None:
        self.flags = Flags(config_file=Path(config) if config else None, select=list(select), ignore=list(ignore), customer=customer, model=model)
        self.discover = discover
        self.cache = cache
        self._models: dict[Optional[str], LazyModel] = {} if models is None else models
        self._contexts = Contexts(self.flags, Report(), self._models)
        self._cached: set[int] = set()

    # -- configuration ----------------------------------------------------------

    def context(self, path: str | Path | None = None) -> Context:
        """The rules, options and pipeline that govern ``path`` (raises HumanizeLintError
        for a broken config or rule file)."""
        if not self.discover or path is None:
            ctx = self._contexts.by_key(self.flags.config_file)
        else:
            p = Path(path)
            ctx = self._contexts.for_dir(p if p.is_dir() else existing_parent(p))
        if self.cache and id(ctx.linter) not in self._cached:
            ctx.linter.sentence_cache = SentenceCache()
            # Few new characters per lint: close spaCy's memory zone sooner than a batch
            # run does, so that words typed and deleted do not pile up in the vocabulary.
            ctx.linter.parser.zone_chars = ZONE_CHARS
            ctx.linter.parser.warm_chars = WARM_CHARS
            self._cached.add(id(ctx.linter))
        return ctx

    def config_files(self) -> list[Path]:
        """The config files read so far."""
        return [c.key for c in self._contexts.all() if c.key is not None]

    def glossary_files(self) -> list[Path]:
        """The glossary pages (``acronyms.glossary``) of the config files read so far."""
        return [p for c in self._contexts.all() for p in c.cfg.glossary]

    def reload(self) -> None:
        """Read configuration and rule files again (they changed); loaded pipelines are kept."""
        self._contexts = Contexts(self.flags, Report(), self._models)
        self._cached = set()

    def notices(self) -> list[str]:
        """Warnings met while loading (a rule skipped for want of a pipeline)."""
        return list(self._contexts.report.notices)

    # -- linting ----------------------------------------------------------------

    def lint(self, text: str, *, path: str | Path = "<text>", customer: Optional[str] = None, format: Optional[str] = None, directives: bool = True) -> list[Finding]:
        """The findings in ``text``, linted as the file ``path``."""
        return self.check(text, path=path, customer=customer, format=format, directives=directives).findings

    def check(self, text: str, *, path: str | Path = "<text>", customer: Optional[str] = None, format: Optional[str] = None, directives: bool = True) -> Result:
        """Lint ``text`` as the file ``path``: findings and input errors. ``directives=False``
        leaves the text's suppression comments unapplied (``suppress.parse(doc).filter`` later)."""
        shown = str(path)
        real = None if shown.startswith("<") else Path(shown)
        ctx = self.context(real)
        newline = "\r\n" if "\r\n" in text[:65536] else "\n"
        if text.startswith("\ufeff"):
            # A byte order mark an editor kept in the buffer: a space of the same length, so
            # the first word is read as a word and every offset stays where it was.
            text = " " + text[1:]
        doc = Document(path=shown, text=text, newline=newline, format=format or sources.detect_format(shown))
        result = Result(doc)
        if real is not None and self.discover and sources.is_excluded(real, ctx.opts):
            result.excluded = True
            return result
        opts = ctx.opts if customer is None else replace(ctx.opts, customer=customer)
        errors: list[HumanizeLintError] = []
        units = list(sources.units(doc, opts, errors))
        found, failed = lint_isolated(ctx.linter, units)
        if containers.needs_escaping(doc.format):  # (as the runner does: "Smith &amp; Co" in HTML)
            found = [[containers.escape_fix(f, unit) for f in one] for unit, one in zip(units, found)]
        errors.extend(failed)
        findings = sorted((f for one in found for f in one), key=lambda f: f.sort_key)
        findings = per_file_filtered(doc, ctx, findings)
        if directives and doc.format not in sources.RECORD_FORMATS:
            _, findings, bad = suppressed(doc, ctx, findings)
            errors.extend(bad)
        result.findings = findings
        result.errors = [e for e in errors if isinstance(e, HumanizeLintError) and not _is_note(e)]
        return result


def _is_note(error: HumanizeLintError) -> bool:
    return isinstance(error, InputNote)

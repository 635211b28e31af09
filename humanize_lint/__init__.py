"""humanize-lint: find dehumanizing references to customers and suggest naming them.

Library API: ``lint_text(text, customer=None)`` returns the findings for one
text with the default pack. The CLI lives in ``humanize_lint.cli``.
"""

from __future__ import annotations

__version__ = "0.1.0"


def lint_text(text: str, *, customer: str | None = None, path: str = "<text>", markdown: bool = False, model: str | None = None) -> list:  # type: ignore[type-arg]
    """Lint one text with the built-in rules; returns a list of ``Finding``."""
    from . import rulepack, sources
    from .engine import Linter
    from .model import Document, Unit
    from .nlp import LazyModel

    pack = rulepack.load()
    linter = Linter(list(pack.rules.values()), LazyModel(model), segment=sources.segment)
    doc = Document(path=path, text=text, format="markdown" if markdown else "text")
    return linter.lint_unit(Unit(document=doc, text=text, customer=customer, markup="markdown" if markdown else "text"))

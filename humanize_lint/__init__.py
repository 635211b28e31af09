"""humanize-lint: find dehumanizing references to customers and suggest naming them.

Library API: ``Linter`` (``humanize_lint.api``) loads config, rules and the
spaCy pipeline once and lints many texts; ``lint_text(text, customer=None)``
lints one text with the built-in rules through a shared ``Linter``. The CLI
lives in ``humanize_lint.cli``, the language server in ``humanize_lint.lsp``.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

_SHARED: dict[Any, Any] = {}


def lint_text(text: str, *, customer: str | None = None, path: str = "<text>", markdown: bool = False, model: str | None = None) -> list:  # type: ignore[type-arg]
    """Lint one text with the built-in rules (no config file, suppression comments not
    applied); returns a list of ``Finding``.

    The rules and pipeline are loaded on the first call and kept for the next ones.
    """
    linter = _SHARED.get(model)
    if linter is None:
        from .api import Linter

        linter = _SHARED[model] = Linter(model=model, discover=False)
    return list(linter.lint(text, path=path, customer=customer, format="markdown" if markdown else "text", directives=False))


def __getattr__(name: str) -> Any:
    if name in ("Linter", "Result"):
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'humanize_lint' has no attribute {name!r}")

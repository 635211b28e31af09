"""Rule kinds: the Python each rule file runs on, one module per kind.

A rule file names its ``kind``; the kind's module owns what that means:
its option schema (``OPTIONS``, checked by ``rulepack`` before anything is
compiled), any further validation (``validate``), the compile step and the
checks that produce ``Hit``s. A module's docstring is the kind's user
documentation. Kinds import no spaCy at import time: a run whose rules need
no parse never loads it.

This package must not read files or format output: it gets segments and
parsed docs from the engine and gives back ``Hit``s in unit offsets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from ..model import Rule


@dataclass
class Hit:
    """A rule match in unit offsets, with the values its message may use."""

    rule: Rule
    start: int
    end: int
    values: dict[str, str] = field(default_factory=dict)
    suggestions: tuple[str, ...] = ()
    fixable: bool = False  # suggestions[0] may replace the span without a human choosing
    explanation: Mapping[str, Any] | None = None  # why it fired, for --explain and the JSON report


LIST_OR_REF = (list, str)

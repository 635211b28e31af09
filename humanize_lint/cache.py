"""The results cache: what the engine found in a document, keyed by everything it depends on.

Like ruff's cache: a second ``check`` over an unchanged tree reads each
file, finds its results here and never loads spaCy. A key is the SHA-256 of
the document's text and format, the effective configuration, the selected
rules (every field, so an edited rule file is a new key), the options that
shape suggestions, the pipeline's name, and humanize-lint's version and
code. Only the engine's findings are kept: suppression comments, per-file
ignores, the baseline and fixes are applied on every run, so they always
reflect the file as it is.

Entries are JSON files (never pickles: a cache in a checked-out repository
must not run code), one per document, written to a temporary file and
renamed into place, so concurrent runs (pre-commit in two terminals, CI
jobs sharing a directory) never read half an entry. An unreadable or
mismatched entry is a miss. The directory gets a ``.gitignore`` of ``*`` and
a ``CACHEDIR.TAG`` so that version control and backups skip it.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, fields, is_dataclass
from pathlib import Path
from typing import Any, Mapping, Optional, Sequence

from . import __version__
from .model import Edit, Finding, Position, Rule, Severity

DEFAULT_DIR = ".humanize-lint-cache"
FORMAT = 1
_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# This directory is a cache made by humanize-lint; see https://bford.info/cachedir/\n"


def _code_stamp() -> str:
    """humanize-lint's own code: its version, and the size and mtime of each module
    (an editable install changes without a new version)."""
    here = Path(__file__).resolve().parent
    parts = [__version__]
    for p in sorted(here.rglob("*.py")):
        try:
            st = p.stat()
        except OSError:
            continue
        parts.append(f"{p.relative_to(here)}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _plain(value: Any) -> Any:
    """A stable, JSON-able form of config and rule values."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_plain(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items
    if isinstance(value, Severity):
        return value.label
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return repr(value)


class ResultCache:
    """Findings per document under ``root``; ``fingerprint(...)`` once per config context."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._stamp = _code_stamp()
        self._ready = False
        self.hits = 0
        self.misses = 0

    def fingerprint(self, *parts: Any) -> str:
        """What every key of one context shares: the config, rules and options (``parts``)."""
        blob = json.dumps([FORMAT, self._stamp, [_plain(p) for p in parts]], sort_keys=True, ensure_ascii=False, default=repr)
        return hashlib.sha256(blob.encode("utf-8", "surrogatepass")).hexdigest()

    def key(self, fingerprint: str, text: str, fmt: str, first_line: int, customer: Optional[str]) -> str:
        h = hashlib.sha256()
        for part in (fingerprint, fmt, str(first_line), customer or "", text):
            h.update(part.encode("utf-8", "surrogatepass"))
            h.update(b"\0")
        return h.hexdigest()

    def _path(self, key: str) -> Path:
        return self.root / f"v{FORMAT}" / key[:2] / f"{key}.json"

    def get(self, key: str, rules: Mapping[str, Rule], path: str, units: int) -> Optional[list[list[Finding]]]:
        """The findings per unit stored under ``key`` (rules looked up by code), or None."""
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
            if data.get("units") != units:
                raise ValueError("unit count")
            out = [[_finding(d, rules, path) for d in one] for one in data["findings"]]
        except (OSError, ValueError, KeyError, TypeError):
            self.misses += 1
            return None
        self.hits += 1
        return out

    def put(self, key: str, results: Sequence[Sequence[Finding]]) -> None:
        """Store findings per unit (best effort: a cache that cannot be written is no error)."""
        target = self._path(key)
        try:
            self._prepare()
            target.parent.mkdir(parents=True, exist_ok=True)
            body = json.dumps({"units": len(results), "findings": [[_dict(f) for f in one] for one in results]}, ensure_ascii=False)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=str(target.parent))
            try:
                with os.fdopen(fd, "w", encoding="utf-8", errors="surrogatepass") as fh:
                    fh.write(body)
                os.replace(tmp, target)
            except BaseException:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
                raise
        except (OSError, UnicodeError, TypeError, ValueError):
            pass

    def _prepare(self) -> None:
        if self._ready:
            return
        self.root.mkdir(parents=True, exist_ok=True)
        for name, text in ((".gitignore", "# Made by humanize-lint: the results cache.\n*\n"), ("CACHEDIR.TAG", _TAG)):
            p = self.root / name
            if not p.exists():
                try:
                    p.write_text(text, encoding="utf-8")
                except OSError:
                    pass
        self._ready = True


def _dict(f: Finding) -> dict[str, Any]:
    return {
        "code": f.rule.code,
        "record": f.record,
        "field": f.field,
        "start": f.start,
        "end": f.end,
        "doc": [f.doc_start, f.doc_end],
        "pos": [f.start_pos.line, f.start_pos.column, f.end_pos.line, f.end_pos.column],
        "text": f.text,
        "message": f.message,
        "suggestions": list(f.suggestions),
        "severity": f.severity.label,
        "fix": asdict(f.fix) if f.fix is not None else None,
        "explanation": f.explanation,
    }


def _finding(d: Mapping[str, Any], rules: Mapping[str, Rule], path: str) -> Finding:
    fix = d["fix"]
    line, col, end_line, end_col = d["pos"]
    return Finding(
        rule=rules[d["code"]],
        path=path,
        record=d["record"],
        field=d["field"],
        start=d["start"],
        end=d["end"],
        doc_start=d["doc"][0],
        doc_end=d["doc"][1],
        start_pos=Position(line, col),
        end_pos=Position(end_line, end_col),
        text=d["text"],
        message=d["message"],
        suggestions=tuple(d["suggestions"]),
        severity=Severity.parse(d["severity"]),
        fix=Edit(**fix) if fix is not None else None,
        explanation=d["explanation"],
    )

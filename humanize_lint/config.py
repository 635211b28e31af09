"""Configuration: find, read and validate ``.humanize-lint.yaml`` or ``[tool.humanize-lint]``.

The closest config file walking up from the start directory wins (ruff
style). Unknown keys and wrong types are errors naming the file, line and
column (YAML) or the key path (TOML). CLI flags are merged on top by the
CLI. This module does not load rules or read inputs.
"""

from __future__ import annotations

import difflib
import glob
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from ._yaml import MarkedMap, MarkedSeq, load_file
from .model import ConfigError, Severity

CONFIG_NAMES = (".humanize-lint.yaml", ".humanize-lint.yml")

_SCHEMA: dict[str, type | tuple[type, ...]] = {
    "rules": list,
    "builtin": bool,
    "select": list,
    "ignore": list,
    "severity": dict,
    "fail-on": str,
    "acronyms": dict,
    "allow": list,
    "lexicons": dict,
    "model": str,
    "include": list,
    "exclude": list,
    "respect-gitignore": bool,
    "records": dict,
    "name-style": str,
    "per-file-ignores": dict,
}
_ACRONYM_SCHEMA: dict[str, type | tuple[type, ...]] = {"known": list, "defined": dict, "glossary": list}
_RECORD_SCHEMA: dict[str, type | tuple[type, ...]] = {
    "text-field": (list, str),
    "id-field": str,
    "name-field": str,
    "first-name-field": str,
    "last-name-field": str,
    "records-key": str,
    "group-by": str,
    "date-field": str,
}


@dataclass(frozen=True)
class Config:
    """The effective configuration (before CLI overrides)."""

    path: Path | None = None
    rule_paths: tuple[Path, ...] = ()
    builtin: bool = True
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    fail_on: Severity = Severity.WARNING
    known_acronyms: tuple[str, ...] = ()
    defined_acronyms: Mapping[str, str] = field(default_factory=dict)
    glossary: tuple[Path, ...] = ()  # files whose acronym definitions count in every text
    allow: tuple[str, ...] = ()
    lexicons: Mapping[str, Any] = field(default_factory=dict)
    model: str | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    respect_gitignore: bool = True
    records: Mapping[str, Any] = field(default_factory=dict)
    # Where each item of select, ignore and rules was written: (key, item) -> (line, column).
    marks: Mapping[tuple[str, str], tuple[int | None, int | None]] = field(default_factory=dict, compare=False)
    name_style: str = "full"
    per_file_ignores: Mapping[str, Any] = field(default_factory=dict)

    @property
    def root(self) -> Path:
        """Directory that relative paths in the config are relative to."""
        return self.path.parent if self.path else Path.cwd()


def find(start: Path, memo: dict[Path, Path | None] | None = None) -> Path | None:
    """The closest config file at or above ``start``. ``memo`` (resolved directory -> its
    answer) is filled with the answer of every directory looked at, and answers for any
    directory already in it: a run over many directories of one tree asks each once."""
    start = start.resolve()
    if start.is_file():
        start = start.parent
    seen: list[Path] = []
    found: Path | None = None
    for directory in (start, *start.parents):
        if memo is not None and directory in memo:
            found = memo[directory]
            break
        seen.append(directory)
        found = _config_in(directory)
        if found is not None:
            break
    if memo is not None:
        memo.update((d, found) for d in seen)
    return found


def _config_in(directory: Path) -> Path | None:
    """The config file in ``directory`` itself, if any."""
    for name in CONFIG_NAMES:
        candidate = directory / name
        if candidate.is_file():
            return candidate
    pyproject = directory / "pyproject.toml"
    if pyproject.is_file() and _pyproject_section(pyproject) is not None:
        return pyproject
    return None


def _pyproject_section(path: Path) -> dict[str, Any] | None:
    data = _toml(path)
    tool = data.get("tool")
    section = tool.get("humanize-lint") if isinstance(tool, dict) else None
    if section is not None and not isinstance(section, dict):
        raise ConfigError("[tool.humanize-lint] must be a table", str(path))
    return section


def _toml(path: Path) -> dict[str, Any]:
    """A TOML file's data; ConfigError at the place of a syntax error or undecodable byte."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        col = getattr(exc, "colno", None)
        at = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        if line is None and at is not None:  # (Python before 3.14 says where only in the message)
            line, col = int(at.group(1)), int(at.group(2))
        elif line is None and "(at end of document)" in str(exc):
            text = path.read_text(encoding="utf-8")
            line, col = text.count("\n") + 1, len(text.rsplit("\n", 1)[-1]) + 1
        raise ConfigError(f"invalid TOML: {str(exc).split(' (at')[0]}", str(path), line, col) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"not valid UTF-8 (byte {exc.start}: {exc.reason})", str(path), *_line_col(path.read_bytes(), exc.start)) from None
    return data


def _line_col(data: bytes, offset: int) -> tuple[int, int]:
    """The 1-based line and column of a byte offset (columns in characters of the valid text before it)."""
    before = data[:offset]
    line_start = before.rfind(b"\n") + 1
    return before.count(b"\n") + 1, len(before[line_start:].decode("utf-8", "replace")) + 1


def _where(raw: Any, key: str | None = None, value: bool = False) -> tuple[int | None, int | None]:
    if isinstance(raw, MarkedMap):
        line, col = raw.where(key, value=value)
        return line, col
    return None, None


def _check(raw: Mapping[str, Any], schema: Mapping[str, Any], path: str, prefix: str) -> None:
    for key, value in raw.items():
        if key not in schema:
            close = difflib.get_close_matches(str(key), list(schema), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f"; expected one of: {', '.join(sorted(schema))}"
            line, col = _where(raw, key)
            raise ConfigError(f"unknown key '{prefix}{key}'{hint}", path, line, col)
        if not isinstance(value, schema[key]) or isinstance(value, bool) and schema[key] is not bool:
            line, col = _where(raw, key, value=True)
            want = schema[key]
            names = " or ".join(t.__name__ for t in (want if isinstance(want, tuple) else (want,)))
            names = names.replace("list", "a list").replace("dict", "a mapping").replace("str", "a string").replace("bool", "true or false")
            raise ConfigError(f"'{prefix}{key}' must be {names}", path, line, col)


def _strings(raw: Any, key: str, path: str, prefix: str, *, nested: bool = False) -> None:
    """A list value (or each value of a mapping, ``nested``) must hold strings only:
    ``include: [5]`` would otherwise match no file and lint nothing without a word."""
    value = raw.get(key) if isinstance(raw, Mapping) else None
    if value is None:
        return
    if nested:
        for k, v in value.items():
            items = [v] if isinstance(v, str) else v
            if not isinstance(k, str) or not isinstance(items, list) or not all(isinstance(x, str) for x in items):
                line, col = _where(value, k, value=isinstance(k, str))
                raise ConfigError(f"'{prefix}{key}' maps strings to a string or a list of strings; not {k!r}: {v!r}", path, line, col)
        return
    if isinstance(value, list) and not all(isinstance(x, str) for x in value):
        bad = next(x for x in value if not isinstance(x, str))
        line, col = _where(raw, key, value=True)
        raise ConfigError(f"'{prefix}{key}' must be a list of strings, not holding {bad!r}", path, line, col)


def _glossary_files(items: Any, base: Path, shown: str, prefix: str) -> tuple[Path, ...]:
    """The files ``acronyms.glossary`` names, relative to the config's directory: a file
    (its name read literally first), or a glob (``docs/glossary/*.md``, ``**/glossary.md``)
    naming each file it matches, without following symlinked directories or entering the
    directories a walk always skips. One that names nothing is an error."""
    from .sources import ALWAYS_EXCLUDED_DIRS

    files: dict[Path, Path] = {}  # resolved -> as named
    for i, item in enumerate(items):
        full = Path(base, item)  # (an absolute item stays itself)
        if full.is_file():
            matched = [full]
        elif glob.has_magic(item):
            anchor = Path(full.anchor)
            matched = sorted(
                p for p in anchor.glob(str(full.relative_to(anchor))) if p.is_file() and ALWAYS_EXCLUDED_DIRS.isdisjoint(p.relative_to(anchor).parts[:-1])
            )
        else:
            matched = []
        if not matched:
            line, col = items.where(i) if isinstance(items, MarkedSeq) else (None, None)
            raise ConfigError(f"'{prefix}acronyms.glossary': no file '{item}' (paths are relative to the config's directory)", shown, line, col)
        for p in matched:
            files.setdefault(p.resolve(), p)
    return tuple(files.values())


def load(path: Path) -> Config:
    """Read and validate one config file."""
    shown = str(path)
    if path.name == "pyproject.toml":
        raw: Any = _pyproject_section(path) or {}
        prefix = "[tool.humanize-lint] "
    elif path.suffix == ".toml":
        raw = _toml(path)  # another TOML file (--config): its top-level keys, as ruff.toml
        prefix = ""
    else:
        raw = load_file(path, ConfigError, shown)
        prefix = ""
        if raw is None:
            raw = {}
    if not isinstance(raw, dict):
        raise ConfigError("a config file must be a mapping", shown, 1, 1)
    _check(raw, _SCHEMA, shown, prefix)
    acr = raw.get("acronyms", {})
    _check(acr, _ACRONYM_SCHEMA, shown, prefix + "acronyms.")
    rec = raw.get("records", {})
    _check(rec, _RECORD_SCHEMA, shown, prefix + "records.")
    for key in ("rules", "select", "ignore", "allow", "include", "exclude"):
        _strings(raw, key, shown, prefix)
    _strings(acr, "known", shown, prefix + "acronyms.")
    _strings(acr, "glossary", shown, prefix + "acronyms.")
    glossary = _glossary_files(acr.get("glossary", []), path.parent, shown, prefix)
    _strings(rec, "text-field", shown, prefix + "records.")
    _strings(raw, "per-file-ignores", shown, prefix, nested=True)
    defined = acr.get("defined", {})
    for k, v in defined.items():
        if not isinstance(k, str) or not isinstance(v, str):
            line, col = _where(defined, k, value=isinstance(k, str))
            raise ConfigError(f"'{prefix}acronyms.defined' maps each acronym to its long form, a string; not {k!r}: {v!r}", shown, line, col)
    date_field = rec.get("date-field")
    if date_field is not None and date_field.partition(":")[2] not in ("", "month", "week"):
        line, col = _where(rec, "date-field", value=True)
        raise ConfigError(f"'{prefix}records.date-field' takes FIELD, FIELD:month or FIELD:week, not '{date_field}'", shown, line, col)
    severity: dict[str, Severity] = {}
    for key, value in raw.get("severity", {}).items():
        try:
            severity[str(key)] = Severity.parse(str(value))
        except KeyError:
            sev = raw["severity"]
            line, col = _where(sev, key, value=True)
            raise ConfigError(f"{prefix}severity of '{key}' must be error, warning or suggestion", shown, line, col) from None
    try:
        fail_on = Severity.parse(raw.get("fail-on", "warning"))
    except KeyError:
        line, col = _where(raw, "fail-on", value=True)
        raise ConfigError(f"{prefix}'fail-on' must be error, warning or suggestion", shown, line, col) from None
    style = raw.get("name-style", "full")
    if style not in ("full", "first", "title-last"):
        line, col = _where(raw, "name-style", value=True)
        raise ConfigError(f"{prefix}'name-style' must be full, first or title-last", shown, line, col)
    base = path.parent
    return Config(
        path=path,
        rule_paths=tuple((base / str(p)) for p in raw.get("rules", [])),
        builtin=raw.get("builtin", True),
        select=tuple(str(x) for x in raw.get("select", [])),
        ignore=tuple(str(x) for x in raw.get("ignore", [])),
        severity=severity,
        fail_on=fail_on,
        known_acronyms=tuple(str(x) for x in acr.get("known", [])),
        defined_acronyms={str(k): str(v) for k, v in acr.get("defined", {}).items()},
        glossary=glossary,
        allow=tuple(str(x) for x in raw.get("allow", [])),
        lexicons=raw.get("lexicons") or {},  # (keeps its marks for error positions)
        model=raw.get("model"),
        include=tuple(str(x) for x in raw.get("include", [])),
        exclude=tuple(str(x) for x in raw.get("exclude", [])),
        respect_gitignore=raw.get("respect-gitignore", True),
        records=dict(rec),
        name_style=style,
        per_file_ignores={str(k): v for k, v in raw.get("per-file-ignores", {}).items()},
        marks={(key, str(item)): _item_where(raw.get(key), i) for key in ("select", "ignore", "rules") for i, item in enumerate(raw.get(key, []))},
    )


def _item_where(values: Any, index: int) -> tuple[int | None, int | None]:
    return values.where(index) if isinstance(values, MarkedSeq) else (None, None)


def origin(cfg: Config, key: str, item: str) -> tuple[str | None, int | None, int | None]:
    """(file, line, column) of an item of the config's select, ignore or rules, for errors."""
    line, col = cfg.marks.get((key, item), (None, None))
    return (str(cfg.path) if cfg.path else None), line, col


def discover(start: Path, explicit: Path | None = None) -> Config:
    """The config for a run: the explicit file, else the closest one, else defaults."""
    if explicit is not None:
        if explicit.is_dir():
            raise ConfigError("config file is a directory", str(explicit))
        if not explicit.is_file():
            raise ConfigError("config file not found", str(explicit))
        return load(explicit)
    found = find(start)
    return load(found) if found else Config()

"""YAML loading with positions (PyYAML itself is imported only by ``_yaml_loader``,
on first need, and by ``humanize-lint config --format yaml``).

Rule files and config files are loaded with a SafeLoader subclass that
records the (line, column) of every mapping, mapping key and sequence item,
so validation errors can point at the exact place in the user's file.
It never constructs Python objects named by the YAML (SafeLoader only).

The built-in rule files are also shipped parsed (``builtin-rules.json``, made by
``python -m humanize_lint._yaml``; tests/test_rulepack.py checks it is current). A
file whose bytes are one of them is built from that snapshot, with the marks the
parse would give, so a run that reads no YAML of the user's never imports PyYAML
(``_yaml_loader``): about 20 ms of every start.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from .model import HumanizeLintError


class MarkedMap(dict):  # type: ignore[type-arg]
    """A dict that remembers where it and each of its keys were written."""

    mark: tuple[int, int] = (1, 1)
    source: str | None = None  # the file it was read from
    key_marks: dict[Any, tuple[int, int]]
    value_marks: dict[Any, tuple[int, int]]

    def where(self, key: Any = None, value: bool = False) -> tuple[int, int]:
        """(line, column) of a key, of its value, or of the mapping itself."""
        if key is None:
            return self.mark
        marks = self.value_marks if value else self.key_marks
        return marks.get(key, self.mark)


class MarkedSeq(list):  # type: ignore[type-arg]
    """A list that remembers where it and each item were written."""

    mark: tuple[int, int] = (1, 1)
    source: str | None = None  # the file it was read from
    item_marks: list[tuple[int, int]]
    item_sources: list[str | None]  # the file of each item (lexicon items keep theirs when a list is resolved)

    def where(self, index: int | None = None) -> tuple[int, int]:
        """(line, column) of an item, or of the sequence itself."""
        if index is None or index >= len(self.item_marks):
            return self.mark
        return self.item_marks[index]


def _line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column (code points) of a character offset."""
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def load_text(text: str, path: str, error: type[HumanizeLintError]) -> Any:
    """Parse one YAML document; syntax errors become ``error`` with line and column."""
    import yaml

    from ._yaml_loader import _Loader

    try:
        loader = _Loader(text)  # a SafeLoader
        loader.source_path = path
        loader.may_alias = "&" in text
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        if mark is None:
            raise error(f"invalid YAML: {problem}", path) from None
        raise error(f"invalid YAML: {problem}", path, mark.line + 1, mark.column + 1) from None
    except yaml.reader.ReaderError as exc:
        # A character YAML does not allow (a NUL, a control character): PyYAML's
        # message is two lines with a character offset; give line and column instead.
        line, col = _line_col(text, exc.position)
        what = f"#x{exc.character:04x}" if isinstance(exc.character, int) else repr(exc.character)
        raise error(f"invalid YAML: character {what} is not allowed ({exc.reason})", path, line, col) from None
    except yaml.YAMLError as exc:
        raise error(f"invalid YAML: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}", path) from None
    except RecursionError:
        raise error("invalid YAML: nested too deeply", path) from None


def load_file(path: Path, error: type[HumanizeLintError], shown: str | None = None) -> Any:
    """Read and parse a YAML file; I/O, decoding and syntax errors become ``error``."""
    name = shown or str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise error("file not found", name) from None
    except OSError as exc:
        raise error(f"cannot read: {exc.strerror}", name) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # Where the bad byte is, as line and column of the text before it.
        skip = 3 if data.startswith(b"\xef\xbb\xbf") else 0
        before = data[skip : exc.start + skip].decode("utf-8", "replace")
        line, col = _line_col(before, len(before))
        raise error(f"not UTF-8 (byte {exc.start + skip}: {exc.reason})", name, line, col) from None
    tree = _snapshot().get(hashlib.sha256(data).hexdigest())
    if tree is not None:
        return _rebuild(tree, name)
    return load_text(text, name, error)


# -- the built-in rule files, parsed ------------------------------------------

SNAPSHOT = Path(__file__).with_name("builtin-rules.json")
_SNAPSHOT: dict[str, Any] | None = None


def _snapshot() -> dict[str, Any]:
    """sha256 of a file's bytes -> its tree, encoded (``_encode``); empty when not shipped."""
    global _SNAPSHOT
    if _SNAPSHOT is None:
        try:
            _SNAPSHOT = json.loads(SNAPSHOT.read_text(encoding="utf-8"))["files"]
        except (OSError, ValueError, KeyError, TypeError):
            _SNAPSHOT = {}
    return _SNAPSHOT


def _encode(value: Any) -> Any:
    """A loaded tree as JSON: {"m": mark, "k": [[key, value, key mark, value mark] ...]} for a
    mapping (keys keep their type), {"m": mark, "s": [[item, mark] ...]} for a sequence,
    {"v": scalar} for a scalar."""
    if isinstance(value, MarkedMap):
        return {"m": list(value.mark), "k": [[{"v": k}, _encode(v), list(value.key_marks[k]), list(value.value_marks[k])] for k, v in value.items()]}
    if isinstance(value, MarkedSeq):
        return {"m": list(value.mark), "s": [[_encode(v), list(m)] for v, m in zip(value, value.item_marks)]}
    if value is None or isinstance(value, (str, int, float, bool)):
        return {"v": value}
    raise TypeError(f"a built-in rule file holds a {type(value).__name__}, which the snapshot cannot keep")


def _rebuild(node: Any, source: str) -> Any:
    """The tree ``_encode`` encoded, as ``load_text`` would have built it from ``source``."""
    if "v" in node:
        return node["v"]
    if "k" in node:
        out = MarkedMap()
        out.mark, out.source = tuple(node["m"]), source
        out.key_marks, out.value_marks = {}, {}
        for k, v, km, vm in node["k"]:
            key = k["v"]
            out[key] = _rebuild(v, source)
            out.key_marks[key], out.value_marks[key] = tuple(km), tuple(vm)
        return out
    seq = MarkedSeq(_rebuild(v, source) for v, _ in node["s"])
    seq.mark, seq.source = tuple(node["m"]), source
    seq.item_marks = [tuple(m) for _, m in node["s"]]
    seq.item_sources = [source] * len(seq.item_marks)
    return seq


def build_snapshot(rules_dir: Path) -> dict[str, Any]:
    """The snapshot of every ``*.yaml`` under ``rules_dir`` (the repository's ``rules/``), parsed."""
    files: dict[str, Any] = {}
    for path in sorted(rules_dir.rglob("*.yaml")):
        data = path.read_bytes()
        files[hashlib.sha256(data).hexdigest()] = {"path": path.relative_to(rules_dir).as_posix(), **_encode(load_text(data.decode("utf-8-sig"), path.name, HumanizeLintError))}
    return {"about": "The built-in rule files, parsed with their marks (humanize_lint._yaml). Made by: python -m humanize_lint._yaml", "files": files}


def snapshot_text(rules_dir: Path) -> str:
    """The snapshot file's text for ``rules_dir``."""
    return json.dumps(build_snapshot(rules_dir), ensure_ascii=False, separators=(",", ":")) + "\n"


if __name__ == "__main__":  # python -m humanize_lint._yaml [RULES_DIR]: rewrite the snapshot
    from humanize_lint import _yaml as _self  # (this file runs as __main__; the loader builds the package's classes)

    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "rules"
    _self.SNAPSHOT.write_text(_self.snapshot_text(root), encoding="utf-8")
    print(f"wrote {_self.SNAPSHOT}")

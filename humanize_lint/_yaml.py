"""YAML loading with positions: the only module that imports ``yaml``.

Rule files and config files are loaded with a SafeLoader subclass that
records the (line, column) of every mapping, mapping key and sequence item,
so validation errors can point at the exact place in the user's file.
It never constructs Python objects named by the YAML (SafeLoader only).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from .model import HumanizeLintError


class MarkedMap(dict):  # type: ignore[type-arg]
    """A dict that remembers where it and each of its keys were written."""

    mark: tuple[int, int] = (1, 1)
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
    item_marks: list[tuple[int, int]]

    def where(self, index: int | None = None) -> tuple[int, int]:
        """(line, column) of an item, or of the sequence itself."""
        if index is None or index >= len(self.item_marks):
            return self.mark
        return self.item_marks[index]


def _pos(node: yaml.Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


# libyaml's parser (when PyYAML has it) is several times faster and gives the same marks.
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[valid-type,misc]
    def construct_marked_map(self, node: yaml.MappingNode) -> MarkedMap:
        self.flatten_mapping(node)
        result = MarkedMap()
        result.mark = _pos(node)
        result.key_marks = {}
        result.value_marks = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, (list, dict)):
                raise yaml.constructor.ConstructorError(
                    None, None, "a mapping key must be a plain value", key_node.start_mark
                )
            if key in result:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            result[key] = self.construct_object(value_node, deep=True)
            result.key_marks[key] = _pos(key_node)
            result.value_marks[key] = _pos(value_node)
        return result

    def construct_marked_seq(self, node: yaml.SequenceNode) -> MarkedSeq:
        result = MarkedSeq(self.construct_object(child, deep=True) for child in node.value)
        result.mark = _pos(node)
        result.item_marks = [_pos(child) for child in node.value]
        return result


# YAML 1.2 booleans: only true/false. Under YAML 1.1 rules `on:`, `off:`,
# `yes` and `no` become booleans, and rule files use `on` as a preposition.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
for _first in "tTfF":
    _Loader.yaml_implicit_resolvers.setdefault(_first, []).insert(
        0, ("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"))
    )

_Loader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _Loader.construct_marked_map
)
_Loader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _Loader.construct_marked_seq
)


def load_text(text: str, path: str, error: type[HumanizeLintError]) -> Any:
    """Parse one YAML document; syntax errors become ``error`` with line and column."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        if mark is None:
            raise error(f"invalid YAML: {problem}", path) from None
        raise error(f"invalid YAML: {problem}", path, mark.line + 1, mark.column + 1) from None
    except yaml.YAMLError as exc:
        raise error(f"invalid YAML: {exc}", path) from None


def load_file(path: Path, error: type[HumanizeLintError], shown: str | None = None) -> Any:
    """Read and parse a YAML file; I/O, decoding and syntax errors become ``error``."""
    name = shown or str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise error("file not found", name) from None
    except UnicodeDecodeError as exc:
        raise error(f"not UTF-8 (byte {exc.start})", name) from None
    except OSError as exc:
        raise error(f"cannot read: {exc.strerror}", name) from None
    return load_text(text, name, error)

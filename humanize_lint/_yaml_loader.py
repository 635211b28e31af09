"""The PyYAML loader behind ``humanize_lint._yaml``: marks on every mapping, key and
item, YAML 1.2 booleans, an alias budget and positions on bad tagged values. Imported
only when a YAML text is parsed (the built-in rule files come from their snapshot)."""

from __future__ import annotations

import re
from typing import Any

import yaml

from ._yaml import MarkedMap, MarkedSeq


def _pos(node: yaml.Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


# libyaml's parser (when PyYAML has it) is several times faster and gives the same marks.
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# Aliases let a small file stand for a huge tree ("billion laughs"): a rule file
# whose aliases expand to more values than this is refused before it is built.
MAX_NODES = 100_000


def _expanded_size(root: yaml.Node, budget: int) -> tuple[int, yaml.Node | None]:
    """How many nodes ``root`` stands for once aliases are expanded (counted up to ``budget``),
    and the smallest node whose expansion alone goes over the budget (None if none does).

    The composed graph shares a node for each alias, so sizes are memoized
    per node: linear in the file, whatever the expansion.
    """
    size: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    culprit: yaml.Node | None = None
    while stack:
        node, done = stack.pop()
        if id(node) in size:
            continue
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [x for pair in node.value for x in pair]
        if not done:
            stack.append((node, True))
            stack.extend((c, False) for c in children if id(c) not in size)
            continue
        total = 1 + sum(size.get(id(c), 0) for c in children)
        if total > budget and culprit is None:
            culprit = node
        size[id(node)] = min(total, budget + 1)
    return size.get(id(root), 0), culprit


class _Loader(_Base):  # type: ignore[valid-type,misc]
    # Whether the text can hold an alias at all (an alias needs an anchor, written '&name').
    may_alias = True

    def construct_document(self, node: yaml.Node) -> Any:
        total, culprit = _expanded_size(node, MAX_NODES) if self.may_alias else (0, None)
        if culprit is not None:
            raise yaml.constructor.ConstructorError(
                None, None, f"aliases here expand to more than {MAX_NODES:,} values; refusing to build them", culprit.start_mark
            )
        return super().construct_document(node)

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        # PyYAML's scalar constructors raise plain Python errors for bad tagged
        # values (``!!int abc``, ``!!timestamp nope``): give them the node's position.
        try:
            return super().construct_object(node, deep=deep)
        except yaml.YAMLError:
            raise
        except RecursionError:
            raise yaml.constructor.ConstructorError(None, None, "nested too deeply", node.start_mark) from None
        except (ValueError, TypeError, AttributeError, OverflowError, IndexError, KeyError) as exc:
            tag = node.tag.rsplit(":", 1)[-1] if node.tag else "value"
            if isinstance(node, yaml.ScalarNode):
                problem = f"{str(node.value)[:40]!r} is not a valid !!{tag}"
            else:
                problem = f"cannot build this !!{tag} ({type(exc).__name__})"
            raise yaml.constructor.ConstructorError(None, None, problem, node.start_mark) from None

    def construct_marked_map(self, node: yaml.MappingNode) -> MarkedMap:
        self.flatten_mapping(node)
        result = MarkedMap()
        result.mark = _pos(node)
        result.source = getattr(self, "source_path", None)
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
        result.source = getattr(self, "source_path", None)
        result.item_marks = [_pos(child) for child in node.value]
        result.item_sources = [result.source] * len(result.item_marks)
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

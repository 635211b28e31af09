"""Rule packs: find, load and validate YAML rule files into ``Rule`` objects.

A pack is a directory with an optional ``pack.yaml`` (name and lexicons:
shared word lists such as person verbs) and one YAML file per rule. This
module checks every key against the schema of the rule's kind and reports
mistakes as ``file:line:col: message``. It resolves ``$lexicon`` references
and applies select/ignore and severity overrides. It imports no spaCy: the
engine compiles the validated options.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Mapping

from .lazyre import lazy
from . import saferegex
from ._yaml import MarkedMap, MarkedSeq, load_file
from .kinds import acronym as acronym_kind
from .kinds import identifier as identifier_kind
from .kinds import pattern as pattern_kind
from .kinds import person as person_kind
from .kinds import terms as terms_kind
from .model import Rule, RuleError, Severity

CATEGORIES_HINT = ("thing-as-person", "number-as-person", "undefined-acronym")

# Keys every rule may have, with (type, required).
_COMMON: dict[str, tuple[type | tuple[type, ...], bool]] = {
    "code": (str, True),
    "name": (str, True),
    "category": (str, True),
    "severity": (str, True),
    "kind": (str, True),
    "summary": (str, True),
    "why": (str, False),
    "link": (str, False),
    "message": (str, True),
    "suggest": (dict, False),
    "examples": (dict, False),
    "supersedes": (list, False),
    "enabled": (bool, False),
}

_LIST_OR_REF = (list, str)

# Options of each kind: key -> accepted types. Each kind's module owns its schema.
KIND_MODULES = {m.NAME: m for m in (person_kind, acronym_kind, identifier_kind, terms_kind, pattern_kind)}
KIND_OPTIONS: dict[str, dict[str, Any]] = {name: m.OPTIONS for name, m in KIND_MODULES.items()}

_IDENTIFIER_KEYS = identifier_kind.IDENTIFIER_KEYS
_SUGGEST_KEYS = {"with-name": list, "without-name": list, "plural": list}
_EXAMPLE_KEYS = {"flag": list, "pass": list}

CODE_RE = lazy(r"^[A-Z]{2,4}[0-9]{3}$")
NAME_RE = lazy(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
# Rule regexes run on short strings; cap their size so a rule file cannot
# smuggle in a pathological pattern.
MAX_REGEX = 300


@dataclass
class Pack:
    """Rules and lexicons loaded from one or more pack directories."""

    rules: dict[str, Rule] = field(default_factory=dict)  # by code
    lexicons: dict[str, Any] = field(default_factory=dict)

    def find(self, key: str) -> Rule | None:
        """A rule by code or name."""
        if key in self.rules:
            return self.rules[key]
        for rule in self.rules.values():
            if rule.name == key:
                return rule
        return None

    def matching(self, key: str) -> list[Rule]:
        """Rules selected by a code, a code prefix, a name or a category."""
        return [
            r
            for r in self.rules.values()
            if key in (r.code, r.name, r.category) or (key.isupper() and r.code.startswith(key))
        ]

    def hint(self, key: str) -> str:
        """"; did you mean 'HL101'?" for a key that matches only in another case, else ""."""
        for r in self.rules.values():
            for name in (r.code, r.name, r.category):
                if name.lower() == key.lower() or (key.upper() != key and r.code.startswith(key.upper())):
                    return f"; did you mean '{name if name.lower() == key.lower() else key.upper()}'?"
        return ""


def builtin_dir() -> Path:
    """The directory holding the built-in packs (installed wheel or source checkout)."""
    packaged = Path(str(resources.files("humanize_lint"))) / "rules"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "rules"


def _err(path: str, where: tuple[int, int], message: str) -> RuleError:
    return RuleError(message, path, where[0], where[1])


def _type_name(t: type | tuple[type, ...]) -> str:
    names = {list: "a list", dict: "a mapping", str: "a string", bool: "true or false", int: "an integer", MarkedSeq: "a list", MarkedMap: "a mapping", float: "a number", type(None): "empty"}
    if isinstance(t, tuple):
        return " or ".join(names.get(x, x.__name__) for x in t)
    return names.get(t, t.__name__)


def _check_keys(
    mapping: Mapping[str, Any],
    schema: Mapping[str, Any],
    path: str,
    context: str,
) -> None:
    """Unknown keys and wrong types are errors at the key's position."""
    where = mapping.where if isinstance(mapping, MarkedMap) else (lambda *a, **k: (1, 1))
    for key, value in mapping.items():
        if key not in schema:
            close = difflib.get_close_matches(str(key), list(schema), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f"; expected one of: {', '.join(sorted(schema))}"
            raise _err(path, where(key), f"unknown key '{key}' in {context}{hint}")
        expected = schema[key]
        if not isinstance(value, expected) or (isinstance(value, bool) and expected in (int, (int,))):
            raise _err(path, where(key, value=True), f"'{key}' in {context} must be {_type_name(expected)}, not {_type_name(type(value))}")


def _resolve(value: Any, lexicons: Mapping[str, Any], path: str, where: tuple[int, int]) -> Any:
    """Replace a ``$name`` string by the lexicon of that name."""
    if isinstance(value, str) and value.startswith("$"):
        name = value[1:]
        if name not in lexicons:
            close = difflib.get_close_matches(name, list(lexicons), n=1)
            hint = f"; did you mean '${close[0]}'?" if close else ""
            raise _err(path, where, f"unknown lexicon '{value}'{hint}")
        return lexicons[name]
    return value


def _resolve_tree(value: Any, lexicons: Mapping[str, Any], path: str, where: tuple[int, int]) -> Any:
    """Resolve lexicon references anywhere in a nested option value; lists of refs are concatenated."""
    if isinstance(value, str):
        return _resolve(value, lexicons, path, where)
    if isinstance(value, list):
        # A MarkedSeq again, so that each item still knows its file, line and
        # column, also when it came from a lexicon in another file.
        out = MarkedSeq()
        out.mark = value.mark if isinstance(value, MarkedSeq) else where
        out.source = getattr(value, "source", None) or path
        out.item_marks = []
        out.item_sources = []
        for i, item in enumerate(value):
            pos = value.where(i) if isinstance(value, MarkedSeq) else where
            src = _item_source(value, i, path)
            resolved = _resolve_tree(item, lexicons, path, pos)
            if isinstance(item, str) and item.startswith("$") and isinstance(resolved, list):
                out.extend(resolved)
                for k in range(len(resolved)):
                    out.item_marks.append(resolved.where(k) if isinstance(resolved, MarkedSeq) else pos)
                    out.item_sources.append(_item_source(resolved, k, src))
            else:
                out.append(resolved)
                out.item_marks.append(pos)
                out.item_sources.append(src)
        return out
    if isinstance(value, dict):
        res = MarkedMap()  # keeps its marks: a regex in a token pattern is reported where it is written
        res.mark = value.mark if isinstance(value, MarkedMap) else where
        res.source = getattr(value, "source", None) or path
        res.key_marks = dict(getattr(value, "key_marks", {}))
        res.value_marks = dict(getattr(value, "value_marks", {}))
        for k, v in value.items():
            pos = value.where(k, value=True) if isinstance(value, MarkedMap) else where
            res[k] = _resolve_tree(v, lexicons, path, pos)
        return res
    return value


def _item_source(values: Any, index: int, default: str) -> str:
    """The file item ``index`` of a list was written in (a lexicon's items keep their pack.yaml)."""
    sources = getattr(values, "item_sources", None)
    if sources and index < len(sources) and sources[index]:
        return str(sources[index])
    return str(getattr(values, "source", None) or default)


def _check_regexes(values: Iterable[Any], path: str, where: tuple[int, int], what: str) -> None:
    if isinstance(values, str):
        if values.startswith("$"):
            return  # a lexicon reference: checked once resolved
        raise _err(path, where, f"{what} must be a list of regular expressions")
    if not isinstance(values, list):
        raise _err(path, where, f"{what} must be a list of regular expressions")
    for i, v in enumerate(values):
        at, src = where, path
        if isinstance(values, MarkedSeq):
            at, src = values.where(i), _item_source(values, i, path)
        if not isinstance(v, str):
            raise _err(src, at, f"{what} must be strings")
        if len(v) > MAX_REGEX:
            raise _err(src, at, f"{what} pattern longer than {MAX_REGEX} characters")
        problem = saferegex.check(v)
        if problem is not None:
            raise _err(src, at, f"invalid regular expression in {what}: {problem}")
        if re.fullmatch(v, "") is not None:
            raise _err(src, at, f"{what} pattern {v!r} matches empty text (every finding must cover some text)")


def _check_resolved_types(options: Mapping[str, Any], schema: Mapping[str, Any], path: str, marks: Any, context: str) -> None:
    """After lexicon expansion every option has its real type: where a string was only
    allowed as a ``$lexicon`` reference, a plain string is an error (not a list of letters)."""
    for key, value in options.items():
        expected = schema.get(key)
        if expected is None:
            continue
        types = expected if isinstance(expected, tuple) else (expected,)
        real = tuple(t for t in types if t is not str) if len(types) > 1 and str in types else types
        where = marks.where(key, value=True) if isinstance(marks, MarkedMap) and key in marks else (marks.where() if isinstance(marks, MarkedMap) else (1, 1))
        if isinstance(value, str) and real != types:
            raise _err(path, where, f"'{key}' in {context} must be {_type_name(real)} or a $lexicon reference, not a plain string")
        if not isinstance(value, real) or (isinstance(value, bool) and int in real):
            raise _err(path, where, f"'{key}' in {context} must be {_type_name(real)}, not {_type_name(type(value))} (after lexicon expansion)")


def _check_strings(mapping: Mapping[str, Any], path: str, context: str) -> None:
    """Each list in ``mapping`` holds strings only (suggestion templates, example sentences)."""
    for key, items in mapping.items():
        for i, item in enumerate(items if isinstance(items, list) else ()):
            if not isinstance(item, str):
                where = items.where(i) if isinstance(items, MarkedSeq) else (mapping.where(key, value=True) if isinstance(mapping, MarkedMap) else (1, 1))
                raise _err(path, where, f"each entry of {context}.{key} must be a string, not {_type_name(type(item))}")


def _validate_kind(raw: MarkedMap, options: dict[str, Any], path: str) -> None:
    kind = raw["kind"]
    if kind == "person-reference":
        person_kind.validate(raw, options, path, _check_keys)
    elif kind == "identifier":
        identifier_kind.validate(raw, options, path)
        _check_identifiers(options["identifiers"], path, raw.where("identifiers", value=True))
    elif kind == "terms":
        terms_kind.validate(raw, options, path, _check_keys)
    elif kind == "pattern":
        pattern_kind.validate(raw, options, path)
    elif kind == "acronym":
        acronym_kind.validate(raw, options, path)


def _check_identifiers(ids: Any, path: str, where: tuple[int, int]) -> None:
    if not isinstance(ids, dict):
        raise _err(path, where, "'identifiers' must be a mapping")
    _check_keys(ids, _IDENTIFIER_KEYS, path, "identifiers")
    for key in ("shapes", "standalone"):
        if key in ids:
            pos = ids.where(key, value=True) if isinstance(ids, MarkedMap) else where
            _check_regexes(ids[key], path, pos, f"identifiers.{key}")


def load_rule(path: Path, lexicons: Mapping[str, Any], shown: str | None = None) -> Rule:
    """Load and validate one rule file."""
    name = shown or str(path)
    raw = load_file(path, RuleError, name)
    if not isinstance(raw, MarkedMap):
        raise RuleError("a rule file must be a YAML mapping", name, 1, 1)
    kind = raw.get("kind")
    if not isinstance(kind, str) or kind not in KIND_OPTIONS:
        where = raw.where("kind", value=True) if "kind" in raw else raw.where()
        known = ", ".join(sorted(KIND_OPTIONS))
        raise _err(name, where, f"unknown kind {kind!r}; expected one of: {known}")
    if kind == "person-reference":
        for old, new in person_kind.RENAMED.items():
            if old in raw:
                raise _err(name, raw.where(old), f"'{old}' is gone: {new}")
    schema: dict[str, Any] = {k: t for k, (t, _) in _COMMON.items()}
    schema.update(KIND_OPTIONS[kind])
    _check_keys(raw, schema, name, "rule")
    for key, (_, required) in _COMMON.items():
        if required and key not in raw:
            raise _err(name, raw.where(), f"missing required key '{key}'")
    if not CODE_RE.match(raw["code"]):
        raise _err(name, raw.where("code", value=True), f"code {raw['code']!r} must look like HL101 (2-4 capitals, 3 digits)")
    if not NAME_RE.match(raw["name"]):
        raise _err(name, raw.where("name", value=True), f"name {raw['name']!r} must be kebab-case")
    try:
        severity = Severity.parse(raw["severity"])
    except KeyError:
        raise _err(name, raw.where("severity", value=True), f"severity {raw['severity']!r} must be one of: error, warning, suggestion") from None
    options = {k: _resolve_tree(raw[k], lexicons, name, raw.where(k, value=True)) for k in KIND_OPTIONS[kind] if k in raw}
    # Keep the marks of the raw options for validation messages.
    marked_options = {k: raw[k] for k in KIND_OPTIONS[kind] if k in raw}
    _validate_kind(raw, {**marked_options, **{k: v for k, v in options.items() if k not in marked_options}}, name)
    _check_resolved_types(options, KIND_OPTIONS[kind], name, raw, "rule")
    if kind == "person-reference":
        for key, schema in (("candidates", person_kind.CANDIDATE_KEYS), ("cues", person_kind.CUE_KEYS)):
            if isinstance(options.get(key), dict):
                _check_resolved_types(options[key], schema, name, raw[key] if isinstance(raw.get(key), MarkedMap) else raw, key)
    elif kind == "identifier" and isinstance(options.get("identifiers"), dict):
        _check_resolved_types(options["identifiers"], _IDENTIFIER_KEYS, name, raw, "identifiers")
    for k in ("cues", "candidates", "identifiers", "terms"):
        if k in options:
            _validate_resolved(options[k], name, raw.where(k, value=True), k)
    suggest = raw.get("suggest", {})
    if suggest:
        _check_keys(suggest, _SUGGEST_KEYS, name, "suggest")
        _check_strings(suggest, name, "suggest")
    examples = raw.get("examples", {})
    if examples:
        _check_keys(examples, _EXAMPLE_KEYS, name, "examples")
        # (each entry, a text or a {text, evidence} mapping, is checked by _example_cases)
    problem = template_problem(raw["message"])
    if problem:
        raise _err(name, raw.where("message", value=True), f"bad message template: {problem}")
    cases = _example_cases(examples, name)
    line = raw.where()[0]
    return Rule(
        code=raw["code"],
        name=raw["name"],
        category=raw["category"],
        severity=severity,
        kind=kind,
        summary=raw["summary"].strip(),
        why=raw.get("why", "").strip(),
        message=raw["message"],
        link=raw.get("link"),
        options=options,
        suggest=dict(suggest),
        examples={kind: tuple(text for k, text, _, _ in cases if k == kind) for kind in ("flag", "pass") if kind in examples},
        example_cases=cases,
        origin=(name, line),
        supersedes=tuple(str(x) for x in raw.get("supersedes", [])),
        enabled=raw.get("enabled", True),
    )


def _validate_resolved(value: Any, path: str, where: tuple[int, int], what: str) -> None:
    """After lexicon expansion, verb lists, regexes and word lists must still be well formed."""
    if what == "identifiers" and isinstance(value, dict):
        for key in ("shapes", "standalone"):
            if key in value:
                if not isinstance(value[key], list):
                    raise _err(path, where, f"identifiers.{key} must be a list of regular expressions")
                _check_regexes(value[key], path, where, f"identifiers.{key}")
        for key in ("labels", "label-nouns"):
            if key in value and not all(isinstance(x, str) for x in value[key]):
                raise _err(path, where, f"identifiers.{key} must be a list of words")
    if what == "candidates" and isinstance(value, dict):
        for key in ("add-nouns", "skip-nouns"):
            if key in value and not (isinstance(value[key], list) and all(isinstance(x, str) for x in value[key])):
                raise _err(path, where, f"candidates.{key} must be a list of words")
    if what == "terms" and not isinstance(value, list):
        raise _err(path, where, "'terms' must be a list")
    if what == "cues" and isinstance(value, dict):
        for key in person_kind.VERB_LIST_KEYS:
            if key in value:
                _check_verb_specs(value[key], path, where, key)
        for key, types in person_kind.CUE_KEYS.items():
            if key in value and key not in person_kind.VERB_LIST_KEYS and types == _LIST_OR_REF and not (isinstance(value[key], list) and all(isinstance(x, str) for x in value[key])):
                raise _err(path, where, f"cues.{key} must be a list of words")
        prep = value.get("object-of-prep")
        if prep is not None and not isinstance(prep, dict):
            raise _err(path, where, "'object-of-prep' must map prepositions to word lists")


def _check_verb_specs(items: Any, path: str, where: tuple[int, int], what: str) -> None:
    if not isinstance(items, list):
        raise _err(path, where, f"'{what}' must be a list of verbs")
    for i, item in enumerate(items):
        pos = items.where(i) if isinstance(items, MarkedSeq) else where
        if isinstance(item, str):
            continue
        if not isinstance(item, dict) or "lemma" not in item:
            raise _err(path, pos, f"each entry of '{what}' must be a word or a mapping with 'lemma'")
        _check_keys(item, person_kind.VERB_SPEC_KEYS, path, f"'{what}' entry")


_SPAN_RE = lazy(r"\[([^\]]+)\]")


def _example_cases(examples: Mapping[str, Any], path: str) -> tuple[tuple[str, str, tuple[str, ...], str | None], ...]:
    """Rule examples as test cases. An example is a text, where ``[brackets]`` mark each
    expected span, or a mapping ``{text: ..., evidence: ...}`` that also names the
    evidence that must fire."""
    out = []
    for kind in ("flag", "pass"):
        items = examples.get(kind, []) or []
        for i, item in enumerate(items):
            pos = items.where(i) if isinstance(items, MarkedSeq) else (1, 1)
            if isinstance(item, dict):
                _check_keys(item, {"text": str, "evidence": str}, path, f"examples.{kind} entry")
                if "text" not in item:
                    raise _err(path, pos, f"an examples.{kind} entry needs 'text'")
                raw, evidence = str(item["text"]), item.get("evidence")
            elif isinstance(item, str):
                raw, evidence = item, None
            else:
                raise _err(path, pos, f"each examples.{kind} entry must be a text or a mapping with 'text'")
            spans = tuple(_SPAN_RE.findall(raw))
            out.append((kind, _SPAN_RE.sub(r"\1", raw), spans, evidence))
    return tuple(out)


def template_problem(template: str) -> str:
    """What is wrong with a message template, or "": one line of text with only the known
    fields, by plain name (no attribute or index: "{text.upper}") and with no format spec
    ("{text:{suggestion}}" would fail on the first finding, "{text:>999999999}" fill memory)."""
    import string

    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as exc:
        return str(exc)
    for _, field, spec, conversion in parts:
        if field is None:
            continue
        if conversion not in (None, "r", "s", "a"):
            return f"{{{field}!{conversion}}}: unknown conversion (r, s or a)"
        if field not in TEMPLATE_FIELDS:
            if field and field.split(".")[0].split("[")[0] in TEMPLATE_FIELDS:
                return f"{{{field}}}: a field is used by its plain name only"
            return f"unknown field {{{field}}}; available: {', '.join('{' + f + '}' for f in TEMPLATE_FIELDS)}"
        if spec:
            return f"{{{field}:{spec}}}: a field takes no format spec"
    if not template.strip():
        return "it is empty"
    if any(ch < " " or ch == "\x7f" for ch in template):
        return "it must be one line without control characters"
    return ""


TEMPLATE_FIELDS = ("text", "suggestion", "trigger", "a_trigger", "cue", "customer", "expansion", "uses", "term", "more")


def load_pack_manifest(directory: Path, shown: str) -> dict[str, Any]:
    """Lexicons declared in ``pack.yaml``, if the directory has one."""
    manifest = directory / "pack.yaml"
    if not manifest.exists():
        return {}
    raw = load_file(manifest, RuleError, f"{shown}/pack.yaml")
    if not isinstance(raw, MarkedMap):
        raise RuleError("pack.yaml must be a mapping", f"{shown}/pack.yaml", 1, 1)
    _check_keys(raw, {"name": str, "version": (int, str), "description": str, "lexicons": dict}, f"{shown}/pack.yaml", "pack.yaml")
    lex = raw.get("lexicons", {})
    return dict(lex)


def _override_problem(old: Any, new: Any) -> str:
    """What is wrong with the config's value for a lexicon, or "": it replaces or extends
    ({extend: ...}) the lexicon with one of its kind, a list of words or entries or a
    mapping; a list holds words and entries (mappings), nothing else."""
    kind = "a list" if isinstance(old, list) else "a mapping" if isinstance(old, dict) else None
    value = new["extend"] if isinstance(new, dict) and set(new) == {"extend"} else new
    if kind == "a list" and not isinstance(value, list) or kind == "a mapping" and not isinstance(value, dict):
        return f"must be {kind} (or {{extend: ...}} with {kind}), not {_kind_of(new if value is new else value)}"
    if isinstance(value, list):
        bad = next((x for x in value if not isinstance(x, (str, dict))), _NOTHING)
        if bad is not _NOTHING:
            return f"holds {bad!r}; a lexicon lists words (strings) and entries (mappings)"
    return ""


_NOTHING = object()


def _kind_of(value: Any) -> str:
    for types, name in ((bool, "true or false"), (list, "a list"), (dict, "a mapping"), (str, "a string"), ((int, float), "a number"), (type(None), "null")):
        if isinstance(value, types):
            return name
    return type(value).__name__


def _merge_lexicon(old: Any, new: Any) -> Any:
    """``{extend: [...]}`` adds to a list lexicon, ``{extend: {...}}`` to a mapping one; anything else replaces.

    An extended list keeps each item's file and position (for error messages).
    """
    if isinstance(new, dict) and set(new) == {"extend"}:
        ext = new["extend"]
        if isinstance(old, dict) and isinstance(ext, dict):
            return {**old, **ext}
        if isinstance(ext, list):
            base = old if isinstance(old, list) else []
            out = MarkedSeq([*base, *ext])
            out.mark = getattr(ext, "mark", (1, 1))
            out.source = getattr(ext, "source", None)
            out.item_marks = [_mark_of(base, i) for i in range(len(base))] + [_mark_of(ext, i) for i in range(len(ext))]
            out.item_sources = [_item_source(base, i, "") or None for i in range(len(base))] + [_item_source(ext, i, "") or None for i in range(len(ext))]
            return out
    return new


def _mark_of(values: Any, index: int) -> tuple[int, int]:
    return values.where(index) if isinstance(values, MarkedSeq) else (1, 1)


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def load(
    extra_paths: Iterable[Path] = (),
    *,
    builtin: bool = True,
    lexicon_overrides: Mapping[str, Any] | None = None,
    overrides_origin: str | None = None,
) -> Pack:
    """Load the built-in pack and any extra rule files or pack directories.

    ``lexicon_overrides``: the config's ``lexicons`` (``overrides_origin``: its file, for errors)."""
    pack = Pack()
    sources: list[tuple[Path, str]] = []
    if builtin:
        for d in sorted(p for p in builtin_dir().iterdir() if p.is_dir()):
            sources.append((d, f"<builtin>/{d.name}"))
    for p in extra_paths:
        if not p.exists():
            raise RuleError("rule path not found", str(p))
        sources.append((p, _display(p)))
    # Lexicons first, so any rule can use any pack's lexicon.
    for path, shown in sources:
        if path.is_dir():
            for key, value in load_pack_manifest(path, shown).items():
                pack.lexicons[key] = _merge_lexicon(pack.lexicons.get(key), value)
    for key, value in (lexicon_overrides or {}).items():
        if isinstance(value, dict) and set(value) == {"extend"} and key not in pack.lexicons:
            close = difflib.get_close_matches(key, list(pack.lexicons), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f"; the lexicons are: {', '.join(sorted(pack.lexicons))}"
            where = lexicon_overrides.where(key) if isinstance(lexicon_overrides, MarkedMap) and key in lexicon_overrides else (None, None)
            raise RuleError(f"lexicons: cannot extend unknown lexicon '{key}'{hint}", overrides_origin, *where)
        problem = _override_problem(pack.lexicons.get(key), value)
        if problem:
            where = lexicon_overrides.where(key, value=True) if isinstance(lexicon_overrides, MarkedMap) and key in lexicon_overrides else (None, None)
            raise RuleError(f"lexicons: '{key}' {problem}", overrides_origin, *where)
        pack.lexicons[key] = _merge_lexicon(pack.lexicons.get(key), value)
    for path, shown in sources:
        files = sorted(f for f in path.glob("*.y*ml") if f.name != "pack.yaml") if path.is_dir() else [path]
        for f in files:
            rule = load_rule(f, pack.lexicons, f"{shown}/{f.name}" if path.is_dir() else shown)
            if rule.code in pack.rules:
                other = pack.rules[rule.code]
                raise RuleError(f"rule code {rule.code} already used by {other.origin[0]}", rule.origin[0], rule.origin[1], 1)
            if any(r.name == rule.name for r in pack.rules.values()):
                raise RuleError(f"rule name {rule.name!r} already used", rule.origin[0], rule.origin[1], 1)
            pack.rules[rule.code] = rule
    return pack

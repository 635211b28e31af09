"""Rule files: mistakes are reported as ``path:line:col: message``; a valid custom rule works end to end."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from humanize_lint import rulepack
from humanize_lint.model import RuleError

from conftest import run_cli

BASE = textwrap.dedent(
    """\
    code: XX101
    name: base
    category: custom
    severity: warning
    kind: terms
    summary: A test rule.
    message: "'{text}' is jargon; try '{suggestion}'"
    terms:
      - {term: loop in, suggest: [include]}
    """
)

PERSON = textwrap.dedent(
    """\
    code: XX201
    name: person
    category: custom
    severity: warning
    kind: person-reference
    summary: A test rule.
    message: m
    candidates:
      add-nouns: [renewal]
    cues:
      subject-of: [call]
    """
)

IDENT = textwrap.dedent(
    """\
    code: XX301
    name: ident
    category: custom
    severity: warning
    kind: identifier
    summary: A test rule.
    message: m
    identifiers:
      labels: [acct]
      shapes:
        - '\\d{3,}'
        - '(\\d+'
    """
)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _error(path: Path | list[Path], builtin: bool = False) -> str:
    paths = path if isinstance(path, list) else [path]
    with pytest.raises(RuleError) as info:
        rulepack.load(paths, builtin=builtin)
    return str(info.value)


def test_valid_rule_loads(tmp_path: Path) -> None:
    pack = rulepack.load([_write(tmp_path, "base.yaml", BASE)], builtin=False)
    rule = pack.rules["XX101"]
    assert (rule.name, rule.kind, rule.severity.label, rule.origin[1]) == ("base", "terms", "warning", 1)
    assert pack.find("base") is rule


# (case id, file name, file text, expected "line:col: message")
BROKEN = [
    (
        "unknown-key-did-you-mean",
        BASE.replace("summary:", "sumary:"),
        "6:1: unknown key 'sumary' in rule; did you mean 'summary'?",
    ),
    (
        "unknown-key-no-close-match",
        BASE + "frobnicate: 1\n",
        "10:1: unknown key 'frobnicate' in rule; expected one of: ",
    ),
    (
        "unknown-nested-key",
        PERSON.replace("  subject-of:", "  subjet-of:"),
        "11:3: unknown key 'subjet-of' in cues; did you mean 'subject-of'?",
    ),
    (
        "bad-type-bool",
        BASE + "enabled: maybe\n",
        "10:10: 'enabled' in rule must be true or false, not a string",
    ),
    (
        "unknown-kind",
        BASE.replace("kind: terms", "kind: termz"),
        "5:7: unknown kind 'termz'; expected one of: acronym, identifier, pattern, person-reference, terms",
    ),
    (
        "bad-severity",
        BASE.replace("severity: warning", "severity: fatal"),
        "4:11: severity 'fatal' must be one of: error, warning, suggestion",
    ),
    (
        "yaml-syntax",
        BASE.replace("category: custom", "category: custom: bad"),
        "3:17: invalid YAML: mapping values are not allowed",  # libyaml adds "in this context", PyYAML "here"
    ),
    (
        "yaml-duplicate-key",
        BASE + "code: XX102\n",
        "10:1: invalid YAML: duplicate key 'code'",
    ),
    (
        "yaml-unclosed-flow-list",
        BASE + "examples:\n  flag: [a, b\n",
        "12:1: invalid YAML: ",  # wording differs between libyaml and PyYAML's parser
    ),
    (
        "invalid-regex-flow-list",
        IDENT.replace("  shapes:\n    - '\\d{3,}'\n    - '(\\d+'\n", "  shapes: ['[0-9']\n"),
        "10:12: invalid regular expression in identifiers.shapes: unterminated character set at position 0",
    ),
    (
        "unknown-lexicon-value",
        PERSON.replace("subject-of: [call]", "subject-of: $nope"),
        "11:15: unknown lexicon '$nope'",
    ),
    (
        "unknown-lexicon-list-item",
        PERSON.replace("add-nouns: [renewal]", "add-nouns: [renewal, $nope]"),
        "9:24: unknown lexicon '$nope'",
    ),
    (
        "bad-code",
        BASE.replace("code: XX101", "code: X1"),
        "1:7: code 'X1' must look like HL101 (2-4 capitals, 3 digits)",
    ),
    (
        "bad-message-template",
        BASE.replace("is jargon;", "is {jargon};"),
        "7:10: bad message template: unknown field {jargon}; available: ",
    ),
    (
        "template-field-in-a-format-spec",  # passed a probe with empty values, failed on the first finding
        BASE.replace("is jargon;", "is {text:{suggestion}};"),
        "7:10: bad message template: {text:{suggestion}}: a field takes no format spec",
    ),
    (
        "identifier-pattern-matching-empty-text",
        BASE.replace("kind: terms", "kind: identifier").replace("terms:\n  - {term: loop in, suggest: [include]}\n", "identifiers: {standalone: ['x*']}\n"),
        "8:28: identifiers.standalone pattern 'x*' matches empty text (every finding must cover some text)",
    ),
    (
        "template-unknown-conversion",
        BASE.replace("is jargon;", "is {text!x};"),
        "7:10: bad message template: {text!x}: unknown conversion (r, s or a)",
    ),
    (
        "template-control-character",
        BASE.replace("is jargon;", "is \\x1b[31mjargon;"),
        "7:10: bad message template: it must be one line without control characters",
    ),
    (
        "template-attribute",
        BASE.replace("is jargon;", "is {text.__class__};"),
        "7:10: bad message template: {text.__class__}: a field is used by its plain name only",
    ),
]


@pytest.mark.parametrize(("text", "expected"), [pytest.param(t, e, id=i) for i, t, e in BROKEN])
def test_broken_rule_file_error_is_path_line_col_message(tmp_path: Path, text: str, expected: str) -> None:
    path = _write(tmp_path, "rule.yaml", text)
    message = _error(path)
    assert message.startswith(f"{path}:{expected}"), message
    if not expected.endswith(": ") and "invalid YAML" not in expected:  # YAML parser wording varies (libyaml or pure Python)
        assert message == f"{path}:{expected}"


def test_bad_type_names_the_yaml_type_not_a_python_class(tmp_path: Path) -> None:
    path = _write(tmp_path, "rule.yaml", BASE.replace("severity: warning", "severity: [warning]"))
    message = _error(path)
    assert message.startswith(f"{path}:4:11: 'severity' in rule must be a string, not "), message


def test_bad_type_message_is_user_facing(tmp_path: Path) -> None:
    path = _write(tmp_path, "rule.yaml", BASE.replace("severity: warning", "severity: [warning]"))
    message = _error(path)
    assert "Marked" not in message, message


def test_invalid_regex_in_block_list_is_reported(tmp_path: Path) -> None:
    path = _write(tmp_path, "rule.yaml", IDENT)
    message = _error(path)
    assert message.startswith(f"{path}:"), message
    assert message.endswith("invalid regular expression in identifiers.shapes: missing ), unterminated subpattern at position 0")


def test_invalid_regex_points_at_the_bad_item(tmp_path: Path) -> None:
    path = _write(tmp_path, "rule.yaml", IDENT)
    assert _error(path).startswith(f"{path}:12:7: invalid regular expression")


def test_unknown_lexicon_suggests_a_close_builtin_lexicon(tmp_path: Path) -> None:
    path = _write(tmp_path, "rule.yaml", PERSON.replace("subject-of: [call]", "subject-of: [call, $person-verb]"))
    assert _error(path, builtin=True) == f"{path}:11:22: unknown lexicon '$person-verb'; did you mean '$person-verbs'?"


def test_a_version_1_person_rule_gets_a_migration_hint(tmp_path: Path) -> None:
    old = PERSON.replace("candidates:\n  add-nouns: [renewal]\n", "trigger:\n  terms: [renewal]\n")
    path = _write(tmp_path, "rule.yaml", old)
    assert _error(path) == (
        f"{path}:8:1: 'trigger' is gone: person-reference rules take any noun WordNet does not make a person; "
        "list extra nouns under 'candidates: {add-nouns: [...]}' (see rules/README.md)"
    )


def test_a_version_1_cue_key_gets_a_migration_hint(tmp_path: Path) -> None:
    path = _write(tmp_path, "rule.yaml", PERSON + "  object-of: [call]\n")
    assert _error(path) == (
        f"{path}:12:3: cue 'object-of' is gone: verbs whose object is a person are 'addressee-of' (call, tell, thank) "
        "and 'telling-verbs' (see rules/README.md)"
    )


def test_a_word_list_cue_takes_words_not_verb_mappings(tmp_path: Path) -> None:
    path = _write(tmp_path, "rule.yaml", PERSON + "  addressee-of:\n    - {lemma: call, particle: [back]}\n")
    assert _error(path) == (
        f"{path}:13:7: each entry of 'addressee-of' must be a word (only subject-of, strong-subject-of, passive-subject-of take mappings with 'lemma')"
    )


def test_a_person_rule_with_its_own_category_flags(tmp_path: Path) -> None:
    from humanize_lint.engine import Linter
    from humanize_lint import sources
    from humanize_lint.model import Document, Unit
    from humanize_lint.nlp import LazyModel

    model = LazyModel()
    try:
        model.check()
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"no spaCy pipeline: {exc}")
    path = _write(tmp_path, "rule.yaml", PERSON.replace("subject-of: [call]", "strong-subject-of: [call]"))
    pack = rulepack.load([path], builtin=False)
    text = "The renewal called twice."
    found = Linter(list(pack.rules.values()), model, segment=sources.segment).lint_unit(Unit(document=Document(path="t", text=text), text=text))
    assert [(f.rule.category, f.text) for f in found] == [("custom", "The renewal")]


def test_duplicate_rule_code_points_at_the_second_rule(tmp_path: Path) -> None:
    first = _write(tmp_path, "first.yaml", BASE)
    second = _write(tmp_path, "second.yaml", "# a comment\n\n" + BASE.replace("name: base", "name: other"))
    assert _error([first, second]) == f"{second}:3:1: rule code XX101 already used by {first}"


def test_duplicate_builtin_code(tmp_path: Path) -> None:
    path = _write(tmp_path, "mine.yaml", BASE.replace("XX101", "HL101").replace("name: base", "name: mine"))
    assert _error(path, builtin=True) == f"{path}:1:1: rule code HL101 already used by <builtin>/default/thing-as-person.yaml"


def test_duplicate_rule_name(tmp_path: Path) -> None:
    first = _write(tmp_path, "first.yaml", BASE)
    second = _write(tmp_path, "second.yaml", BASE.replace("XX101", "XX102"))
    assert _error([first, second]) == f"{second}:1:1: rule name 'base' already used"


def test_missing_rule_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    assert _error(missing) == f"{missing}: rule path not found"


def _custom_project(tmp_path: Path) -> Path:
    _write(tmp_path, "custom.yaml", BASE)
    _write(tmp_path, ".humanize-lint.yaml", "rules: [custom.yaml]\n")
    _write(tmp_path, "note.txt", "I'll loop in billing today.\nThe renewal called.\n")
    return tmp_path


def test_custom_terms_rule_fires_through_the_cli(tmp_path: Path) -> None:
    project = _custom_project(tmp_path)
    proc = run_cli("check", project / "note.txt", "--config", project / ".humanize-lint.yaml", "--format", "json", cwd=tmp_path.parent)
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 1, proc.stderr
    found = {(f["code"], f["text"], f["line"], f["column"]) for f in json.loads(proc.stdout)["findings"]}
    assert ("XX101", "loop in", 1, 6) in found
    assert ("HL101", "The renewal", 2, 1) in found  # the built-in pack is still loaded
    custom = next(f for f in json.loads(proc.stdout)["findings"] if f["code"] == "XX101")
    assert custom["suggestions"] == ["include"]
    assert custom["message"] == "'loop in' is jargon; try 'include'"
    assert custom["rule"] == "base" and custom["category"] == "custom"

    listed = run_cli("rules", "--config", project / ".humanize-lint.yaml")
    assert listed.returncode == 0 and "XX101" in listed.stdout and "HL101" in listed.stdout


def test_custom_terms_rule_keeps_stderr_clean(tmp_path: Path) -> None:
    project = _custom_project(tmp_path)
    proc = run_cli("check", "note.txt", "--format", "json", cwd=project)
    assert proc.returncode == 1
    assert proc.stderr == "", proc.stderr


# -- the built-in rule files' snapshot (humanize_lint/builtin-rules.json) ------------

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"


def _same_tree(a: object, b: object) -> bool:
    from humanize_lint._yaml import MarkedMap, MarkedSeq

    if type(a) is not type(b):
        return False
    if isinstance(a, MarkedMap):
        assert isinstance(b, MarkedMap)
        return (a.mark, a.source, a.key_marks, a.value_marks, list(a)) == (b.mark, b.source, b.key_marks, b.value_marks, list(b)) and all(_same_tree(a[k], b[k]) for k in a)
    if isinstance(a, MarkedSeq):
        assert isinstance(b, MarkedSeq)
        return (a.mark, a.source, a.item_marks, a.item_sources, len(a)) == (b.mark, b.source, b.item_marks, b.item_sources, len(b)) and all(_same_tree(x, y) for x, y in zip(a, b))
    return a == b


def test_builtin_rules_snapshot_is_current() -> None:
    """The shipped snapshot is what ``python -m humanize_lint._yaml`` makes from rules/ today:
    after editing a built-in rule file, run it (a stale snapshot only costs speed: a file
    whose bytes changed is parsed as YAML)."""
    from humanize_lint import _yaml

    assert _yaml.SNAPSHOT.read_text(encoding="utf-8") == _yaml.snapshot_text(RULES_DIR), "run: python -m humanize_lint._yaml"


@pytest.mark.parametrize("path", sorted(RULES_DIR.rglob("*.yaml")), ids=lambda p: p.name)
def test_builtin_rule_file_from_the_snapshot_is_its_parse(path: Path) -> None:
    """A built-in file is built from the snapshot with the values, types, marks and source
    the YAML parse gives; the same bytes under another name get that name as source."""
    from humanize_lint import _yaml

    assert _yaml._snapshot(), "the snapshot did not load"
    shown = f"elsewhere/{path.name}"
    fast = _yaml.load_file(path, RuleError, shown)
    parsed = _yaml.load_text(path.read_text(encoding="utf-8"), shown, RuleError)
    assert _same_tree(fast, parsed)
    assert fast is not _yaml.load_file(path, RuleError, shown)  # a new tree each time: callers may change it


def test_an_edited_builtin_rule_file_is_parsed_as_yaml(tmp_path: Path) -> None:
    """A copy of a built-in file with one byte changed is not taken from the snapshot:
    its own marks and its own error places count."""
    from humanize_lint import _yaml

    text = (RULES_DIR / "default" / "thing-as-person.yaml").read_text(encoding="utf-8")
    edited = tmp_path / "thing-as-person.yaml"
    edited.write_text("\n" + text, encoding="utf-8")
    tree = _yaml.load_file(edited, RuleError)
    original = _yaml.load_file(RULES_DIR / "default" / "thing-as-person.yaml", RuleError)
    assert tree.mark[0] == original.mark[0] + 1
    edited.write_text(text + "\n  bad: [indent\n", encoding="utf-8")
    with pytest.raises(RuleError) as err:
        _yaml.load_file(edited, RuleError)
    assert err.value.line is not None and err.value.line > text.count("\n")


def test_linting_with_the_builtin_rules_never_imports_pyyaml(tmp_path: Path) -> None:
    """A run that reads no YAML of the user's (no config file, built-in rules) does not
    import PyYAML; one with a YAML config does."""
    import subprocess
    import sys

    (tmp_path / "a.md").write_text("Maria called about the invoice.\n", encoding="utf-8")
    code = (
        "import sys\n"
        "from humanize_lint.cli import run\n"
        "sys.argv = ['humanize-lint', 'check', '--no-progress', '--no-cache', 'a.md']\n"
        "try:\n    run()\nexcept SystemExit:\n    pass\n"
        "print('yaml' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "False", out.stdout + out.stderr
    (tmp_path / ".humanize-lint.yaml").write_text("select: [HL]\n", encoding="utf-8")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "True", out.stdout + out.stderr

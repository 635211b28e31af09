"""Run a lint: inputs -> documents -> units -> engine -> findings -> reporter, as a stream.

The runner owns the orchestration the CLI asks for: which config governs
each file (the closest one, ruff style), reading files and large exports in
chunks, handing units to the engine in this process or in worker processes
(``--jobs``), keeping output in input order, per-file post-processing
(suppressions, baseline, fixes), the summary counts, and the progress bar.
It formats nothing: findings go to a reporter as soon as a file (or a chunk
of an export) is done, so memory stays flat on a 1 GB export.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import sys
from collections import deque
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Optional, Sequence

from . import config as config_mod, containers, rulepack, sources
from .engine import Linter, LintOptions, locate
from .model import ConfigError, Document, Finding, HumanizeLintError, InputError, InputNote, ModelError, Report, Rule, RuleError, Severity, Unit, internal_error
from .nlp import LazyModel
from .reporters import LongLine, Reporter

# Below this much input, worker processes cost more (a model load each) than they save.
POOL_MIN_BYTES = 1 << 20
# Units per task sent to a worker (and per spaCy batch), and tasks in flight per worker.
# A task is as large as a batch in this process: smaller ones cost a worker more per
# record (each lint call's fixed work, smaller spaCy batches; --jobs 2 on a 20,000-record
# export: 128 units a task took 11% more CPU than 512).
TASK_UNITS = 512
TASK_CHARS = 200_000
WINDOW_PER_JOB = 4


def select_rules(
    pack: rulepack.Pack, select: list[str], ignore: list[str], where: Callable[[str, str], tuple[Optional[str], Optional[int], Optional[int]]] = lambda flag, key: (None, None, None)
) -> list[Rule]:
    """Rules chosen by select/ignore keys (codes, prefixes, names, categories). ``where``:
    the file, line and column a key was written at (a config's), for the error."""
    for key, flag in [(k, "select") for k in select] + [(k, "ignore") for k in ignore]:
        if not pack.matching(key):
            raise HumanizeLintError(f"unknown rule '{key}' in {flag}{pack.hint(key)} (see `humanize-lint rules`)", *where(flag, key))
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
    group_by: Optional[str] = None
    date_field: Optional[str] = None
    model: Optional[str] = None
    fail_on: Optional[Severity] = None
    name_style: Optional[str] = None
    html: Optional[bool] = None
    include_quoted: bool = False
    include_signature: bool = False
    respect_gitignore: Optional[bool] = None  # None: the config's (default true)


@dataclass
class Context:
    """Everything needed to lint the files governed by one config file."""

    key: Optional[Path]
    cfg: config_mod.Config
    linter: Linter
    opts: sources.SourceOptions
    fail_on: Severity
    rules: dict[str, Rule]
    pack: rulepack.Pack


class Contexts:
    """Contexts by config file, built once each; one model per pipeline name."""

    def __init__(self, flags: Flags, report: Report, models: Optional[dict[Optional[str], LazyModel]] = None) -> None:
        self.flags = flags
        self.report = report
        self._by_config: dict[Optional[Path], Context] = {}
        self._by_given_dir: dict[Path, Context] = {}  # (as given: resolving a path reads every part of it)
        self._configs: dict[Path, Optional[Path]] = {}  # config_mod.find's answers by resolved directory
        # Pipelines by name; pass a dict to share loaded pipelines between Contexts
        # (the language server rebuilds its contexts when a config file changes).
        self._models: dict[Optional[str], LazyModel] = {} if models is None else models
        self._degraded = False

    def for_dir(self, directory: Path) -> Context:
        """The context for files in ``directory``: closest config, then CLI flags."""
        given = directory if directory.is_absolute() else Path(os.path.abspath(directory))  # (a library caller may change directory)
        got = self._by_given_dir.get(given)
        if got is not None:
            return got
        path = self.flags.config_file or config_mod.find(directory.resolve(), self._configs)
        ctx = self._by_given_dir[given] = self.by_key(path)
        return ctx

    def all(self) -> list[Context]:
        """Every context built so far."""
        return list(self._by_config.values())

    def by_key(self, path: Optional[Path]) -> Context:
        """The context of one config file (None: no config)."""
        ctx = self._by_config.get(path)
        if ctx is None:
            ctx = self._build(path)
            self._by_config[path] = ctx
        return ctx

    def _build(self, path: Optional[Path]) -> Context:
        f = self.flags
        cfg = config_mod.discover(Path.cwd(), path) if path else config_mod.Config()
        for (key, item), _ in cfg.marks.items():
            if key == "rules" and cfg.path is not None and not (cfg.path.parent / item).exists():
                raise RuleError(f"rule path not found: {item}", *config_mod.origin(cfg, key, item))
        pack = rulepack.load(cfg.rule_paths, builtin=cfg.builtin, lexicon_overrides=cfg.lexicons, overrides_origin=str(cfg.path) if cfg.path else None)
        def written_at(flag: str, key: str) -> tuple[Optional[str], Optional[int], Optional[int]]:
            from_cli = bool(f.select) if flag == "select" else key in f.ignore
            return (None, None, None) if from_cli or (flag, key) not in cfg.marks else config_mod.origin(cfg, flag, key)

        rules = select_rules(pack, f.select or list(cfg.select), f.ignore + list(cfg.ignore), written_at)
        severity = severity_overrides(pack, cfg)
        for glob, keys in cfg.per_file_ignores.items():
            for key in [keys] if isinstance(keys, str) else keys:
                for k in str(key).split(","):
                    if k.strip() and not pack.matching(k.strip()):
                        raise HumanizeLintError(f"unknown rule '{k.strip()}' in per-file-ignores for '{glob}'", str(cfg.path) if cfg.path else None)
        rec = cfg.records
        fields = rec.get("text-field", ["text"])
        opts = sources.SourceOptions(
            text_fields=f.text_fields or tuple([fields] if isinstance(fields, str) else fields),
            id_field=f.id_field or rec.get("id-field"),
            name_field=f.name_field or rec.get("name-field"),
            first_name_field=f.first_name_field or rec.get("first-name-field"),
            last_name_field=f.last_name_field or rec.get("last-name-field"),
            records_key=f.records_key or rec.get("records-key"),
            group_field=f.group_by or rec.get("group-by"),
            date_field=f.date_field or rec.get("date-field"),
            customer=f.customer,
            include=cfg.include or sources.DEFAULT_INCLUDE,
            exclude=cfg.exclude,
            respect_gitignore=cfg.respect_gitignore if f.respect_gitignore is None else f.respect_gitignore,
            root=cfg.root,
            html=f.html,
            include_quoted=f.include_quoted,
            include_signature=f.include_signature,
        )
        model_name = f.model or cfg.model
        lazy = self._models.setdefault(model_name, LazyModel(model_name))
        options = LintOptions(
            known_acronyms=cfg.known_acronyms,
            defined_acronyms=cfg.defined_acronyms,
            allow=cfg.allow,
            name_style=f.name_style or cfg.name_style,
            severity_overrides=severity,
            sentence_cache=_env_int("HUMANIZE_LINT_SENTENCE_CACHE", LintOptions.sentence_cache),
        )
        linter = build_linter(rules, lazy, options)
        if cfg.glossary and linter.acronym:
            terms = glossary_terms(linter, cfg.glossary, opts)
            if terms:
                options = replace(options, defined_acronyms={**terms, **options.defined_acronyms})
                linter = build_linter(rules, lazy, options)
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
        return Context(path, cfg, linter, opts, f.fail_on or cfg.fail_on, {r.code: r for r in rules}, pack)


def glossary_terms(linter: Linter, files: Sequence[Path], opts: sources.SourceOptions) -> dict[str, str]:
    """The acronyms the project's glossary files define (``acronyms.glossary``), in any of
    the forms a text may define one, each with the file that defines it: they count as
    defined in every text. A glossary that cannot be read is a config error."""
    from .kinds.acronym import analyse

    terms: dict[str, str] = {}
    for path in files:
        errors: list[HumanizeLintError] = []
        try:
            units = list(sources.units(sources.read_path(path), opts, errors))
        except InputError as exc:
            errors.append(exc)
        bad = next((e for e in errors if isinstance(e, InputError) and not isinstance(e, InputNote)), None)
        if bad is not None:
            raise ConfigError(f"acronyms.glossary: {bad.message}", bad.path or str(path), bad.line, bad.column)
        for unit in units:
            segments = sources.segment(unit)
            for acr in linter.acronym:
                for use in analyse(acr, unit, segments, {}):
                    if use.reason == "defined":
                        terms.setdefault(use.base, f"defined in {path}")
    return terms


def _env_int(name: str, default: int) -> int:
    """A whole number from the environment (benchmarks switch the sentence cache off with 0)."""
    try:
        return max(0, int(os.environ.get(name, default)))
    except ValueError:
        return default


def build_linter(rules: list[Rule], model: Any, options: LintOptions) -> Linter:
    """The linter for these rules; a rule the engine cannot compile is that rule file's one-line error.

    Validation in ``rulepack`` should catch every bad rule; this is the net
    under it, so that a rule file never ends a run with a traceback.
    """
    try:
        return Linter(rules, model, options, segment=sources.segment)
    except HumanizeLintError:
        raise
    except Exception as exc:  # noqa: BLE001 - find the rule, report it where it is written
        for rule in rules:
            try:
                Linter([rule], model, options, segment=sources.segment)
            except Exception as one:  # noqa: BLE001
                detail = str(one).splitlines()[0] if str(one) else ""
                raise RuleError(f"rule {rule.code} cannot be compiled: {type(one).__name__}{': ' + detail if detail else ''}", rule.origin[0], rule.origin[1], 1) from None
        raise RuleError(f"the rules cannot be compiled together: {type(exc).__name__}: {exc}") from None


# -- executing units: here, or in worker processes ---------------------------------


@dataclass
class Batch:
    """The units of one document (a file, or one chunk of an export) and their findings."""

    doc: Document
    ctx: Context
    path: Optional[Path] = None  # the file read (None for stdin)
    units: list[Unit] = field(default_factory=list)
    results: list[Optional[list[Finding]]] = field(default_factory=list)
    pending: int = 0
    errors: list[InputError] = field(default_factory=list)  # units that could not be linted (isolated, see lint_isolated)
    cache_key: Optional[str] = None  # where the results cache keeps its findings (None: not cached)
    # Linted in a job that had an error (a rule's regex that ran out of time is off for the
    # rest of the job): its findings may lack some, so they are not cached.
    incomplete: bool = False


# An input error as it travels back from a worker process: (message, path, line, column).
ErrorTuple = tuple[str, Optional[str], Optional[int], Optional[int]]


def _unit_error(unit: Unit, exc: BaseException) -> InputError:
    """The one-line error for a unit the engine failed on: where the unit starts, which record."""
    doc = unit.document
    line: Optional[int] = None
    column: Optional[int] = None
    try:
        pos = doc.position(unit.to_doc(0))
        line, column = pos.line, pos.column
    except Exception:  # noqa: BLE001 - a broken unit still gets its error
        pass
    what = "while linting" + (f" record {unit.record}" if unit.record is not None else "") + (f", field {unit.field}" if unit.field else "")
    return internal_error(exc, doc.path, line, column, what=what)


def lint_isolated(linter: Linter, units: list[Unit]) -> tuple[list[list[Finding]], list[InputError]]:
    """Findings per unit, and the errors of units that could not be linted.

    One bad unit never costs the others: when the batch fails, each unit is
    linted on its own. An ``InputError`` raised while linting (a rule's regex
    that ran out of time, see ``humanize_lint.saferegex``) is reported and the
    unit is linted once more (the regex is off by then), so the other rules'
    findings are kept. Other user errors (a bad spaCy pattern, a missing
    pipeline) still end the run; anything unexpected becomes an internal
    error for that unit.
    """
    errors: list[InputError] = []
    try:
        return linter.lint_units(units), []
    except HumanizeLintError as exc:
        if not isinstance(exc, InputError):
            raise
        errors.append(exc)  # a rule regex that timed out: it is off now, the units are linted again
    except Exception:  # noqa: BLE001 - isolate below, unit by unit
        pass
    results: list[list[Finding]] = []
    for unit in units:
        found: list[Finding] = []
        for _attempt in range(2):
            try:
                found = linter.lint_units([unit])[0]
                break
            except InputError as exc:
                errors.append(exc)
            except HumanizeLintError:
                raise
            except Exception as exc:  # noqa: BLE001 - the contract: one error, the run goes on
                errors.append(_unit_error(unit, exc))
                break
        results.append(found)
    return results, errors


# A piece of a batch in a job: (batch, first unit, end).
Piece = tuple[Batch, int, int]


class _Jobs:
    """Cuts batches into jobs of at most TASK_UNITS units and about TASK_CHARS characters,
    and puts the pieces of several small batches (files) of one context in one job: a
    job is linted in one call, its sentences parsed in one spaCy batch (a handbook of 890
    small files parsed file by file took 4.3-4.7 s, in batches of 256 sentences 3.3 s).
    Batches leave in the order they came, each when all its units are done."""

    def __init__(self) -> None:
        self.batches: deque[Batch] = deque()
        self.job: list[Piece] = []
        self.units = 0
        self.chars = 0

    def add(self, batch: Batch) -> Iterator[list[Piece]]:
        """Take a batch; yield the jobs it fills."""
        batch.results = [None] * len(batch.units)
        self.batches.append(batch)
        n = len(batch.units)
        i = 0
        while i < n:
            if self.job and self.job[0][0].ctx is not batch.ctx:
                yield self.take()  # one job, one linter
            j = i
            while j < n and self.units < TASK_UNITS and self.chars < TASK_CHARS:
                self.chars += len(batch.units[j].text)
                self.units += 1
                j += 1
            self.job.append((batch, i, j))
            batch.pending += 1
            i = j
            if self.units >= TASK_UNITS or self.chars >= TASK_CHARS:
                yield self.take()

    def take(self) -> list[Piece]:
        """The job so far (maybe empty), and start a new one."""
        job, self.job, self.units, self.chars = self.job, [], 0, 0
        return job

    def ready(self) -> Iterator[Batch]:
        while self.batches and self.batches[0].pending == 0:
            yield self.batches.popleft()


def _units_of(job: list[Piece]) -> list[Unit]:
    return [u for batch, i, j in job for u in batch.units[i:j]]


def _deliver(job: list[Piece], found: list[Any], errors: Iterable[InputError], convert: Callable[[Batch, Unit, Any], list[Finding]]) -> None:
    """Put a job's results in its batches; an error goes to the batch of the file it names
    (else the job's first: a rule's own error)."""
    k = 0
    for batch, i, j in job:
        for idx in range(i, j):
            if k < len(found):
                batch.results[idx] = convert(batch, batch.units[idx], found[k])
            k += 1
        batch.pending -= 1
    for e in errors:
        owner = next((b for b, _, _ in job if b.doc.path == e.path), job[0][0])
        owner.errors.append(e)
        for b, _, _ in job:
            b.incomplete = True


class Serial:
    """Lint units in this process."""

    def __init__(self) -> None:
        self.jobs = _Jobs()

    def submit(self, batch: Batch) -> Iterator[Batch]:
        for job in self.jobs.add(batch):
            self._run(job)
        yield from self.jobs.ready()

    def _run(self, job: list[Piece]) -> None:
        if job:
            found, errors = lint_isolated(job[0][0].ctx.linter, _units_of(job))
            _deliver(job, found, errors, lambda batch, unit, one: one)

    def drain(self) -> Iterator[Batch]:
        self._run(self.jobs.take())
        yield from self.jobs.ready()

    def close(self) -> None:
        pass

    def terminate(self) -> None:
        pass


_RECORDISH = sources.RECORD_FORMATS + sources.MAIL_FORMATS
_NO_RECORD = object()  # no record read yet
_WORKER: Optional[Contexts] = None


def _worker_init(flags: Flags) -> None:
    global _WORKER
    import signal

    # The parent owns interruption: it stops the pool (SIGTERM) when it is interrupted.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if _WORKER is None:  # spawned: build the contexts (and load the model) here
        _WORKER = Contexts(flags, Report())


# What a worker sends for a finding: the fields the main process cannot compute again. The
# rule travels as its code, the severity as its number, the fix as its replacement; the
# path, offsets in the file, line and column are placed again in the unit's own document.
FindingState = tuple[str, Optional[str], Optional[str], int, int, str, str, tuple[str, ...], int, Optional[str], Any]
_SEVERITIES = {s.value: s for s in Severity}


def _finding_state(f: Finding) -> FindingState:
    """A finding as it travels from a worker (``_finding_from`` builds it again)."""
    return (f.rule.code, f.record, f.field, f.start, f.end, f.text, f.message, f.suggestions, f.severity.value,
            f.fix.replacement if f.fix is not None else None, f.explanation)


def _finding_from(state: FindingState, rules: Mapping[str, Rule], unit: Unit) -> Finding:
    """The finding a worker sent (``_finding_state``) about ``unit.for_worker()``, with its
    rule object again and placed in the unit's own document (offsets, positions, fix)."""
    code, record, field_name, start, end, text, message, suggestions, severity, replacement, explanation = state
    d_start, d_end, start_pos, end_pos, fix = locate(unit, start, end, replacement)
    f = object.__new__(Finding)
    f.__dict__.update(
        rule=rules[code], path=unit.document.path, record=record, field=field_name, start=start, end=end, doc_start=d_start, doc_end=d_end,
        start_pos=start_pos, end_pos=end_pos, text=text, message=message, suggestions=suggestions, severity=_SEVERITIES[severity], fix=fix,
        explanation=explanation,
    )
    return f


def _worker_lint(task: tuple[Optional[Path], list[tuple[Any, ...]]]) -> tuple[list[list[FindingState]], list[ErrorTuple]]:
    """Lint units (``Unit.worker_state``) in a worker; findings travel back as
    ``_finding_state`` tuples, errors as tuples."""
    key, states = task
    units = [Unit.from_worker_state(s) for s in states]
    assert _WORKER is not None
    linter = _WORKER.by_key(key).linter
    found, errors = lint_isolated(linter, units)
    return (
        [[_finding_state(f) for f in one] for one in found],
        [(e.message, e.path, e.line, e.column) for e in errors],
    )


class Pool:
    """Lint units in worker processes, keeping input order and a bounded number of tasks in flight."""

    def __init__(self, jobs: int, flags: Flags, contexts: Optional[Contexts] = None) -> None:
        import multiprocessing as mp

        global _WORKER
        method = "fork" if sys.platform.startswith("linux") else "spawn"
        if method == "fork" and contexts is not None:
            # Load each pipeline once, here, then fork: the workers inherit the
            # contexts with their models, so the model pages (and spaCy's code) are
            # shared copy-on-write instead of loaded again in every worker.
            # gc.freeze() keeps the collector from writing to (and so copying)
            # every inherited object.
            import gc

            for ctx in contexts.all():
                ctx.linter.warm()
                if ctx.linter.needs_model() and not ctx.linter.skipped_parse_rules:
                    try:
                        ctx.linter.model.get()
                    except ModelError:
                        pass  # reported when a unit needs it
                # The acronym kind's NER is not loaded here: it is needed only around an
                # acronym after a capitalised word, which most exports never have (neither
                # export of bench/export.py does), and it would cost every run about 0.15 s
                # before the workers start and 40 MB; a worker that needs it loads it.
            _WORKER = contexts
            gc.freeze()
        self.pool = mp.get_context(method).Pool(jobs, initializer=_worker_init, initargs=(flags,))
        if method == "fork":
            _WORKER = None
        self.window = jobs * WINDOW_PER_JOB
        self.inflight: deque[tuple[list[Piece], Any]] = deque()
        self.jobs = _Jobs()

    def submit(self, batch: Batch) -> Iterator[Batch]:
        for job in self.jobs.add(batch):
            yield from self._send(job)
        yield from self.jobs.ready()

    def _send(self, job: list[Piece]) -> Iterator[Batch]:
        if not job:
            return
        task = (job[0][0].ctx.key, [u.worker_state() for u in _units_of(job)])
        self.inflight.append((job, self.pool.apply_async(_worker_lint, (task,))))
        while len(self.inflight) > self.window:
            self._collect_one()
            yield from self.jobs.ready()

    def _collect_one(self) -> None:
        job, result = self.inflight.popleft()
        try:
            found, errors = result.get()
            lost: list[InputError] = []
        except HumanizeLintError:
            raise
        except Exception as exc:  # noqa: BLE001 - a task lost in the pool: its units are errors, the rest goes on
            found, errors = [], []
            lost = [_unit_error(job[0][0].units[job[0][1]], exc)]
        _deliver(job, found, [*lost, *(InputError(*e) for e in errors)], lambda batch, unit, one: [_finding_from(state, batch.ctx.rules, unit) for state in one])

    def drain(self) -> Iterator[Batch]:
        yield from self._send(self.jobs.take())
        while self.inflight:
            self._collect_one()
            yield from self.jobs.ready()
        yield from self.jobs.ready()

    def close(self) -> None:
        self.pool.close()
        self.pool.join()

    def terminate(self) -> None:
        """Stop the workers now (the run was interrupted)."""
        self.pool.terminate()
        self.pool.join()


# -- the run ---------------------------------------------------------------------------

_SKIP_REASONS = (
    ("row has ", "CSV row with the wrong number of fields"),
    ("a NUL byte in the row", "CSV row with a NUL byte"),
    ("record lacks text field", "record without the text field"),
    ("invalid JSON", "invalid JSON"),
    ("record is not a JSON object", "record is not a JSON object"),
    ("text field ", "text field is not a string"),
    ("unterminated quoted field", "rest of CSV after an unterminated quote"),
    ("binary file", "binary file"),
    ("not valid ", "undecodable file"),
    ("message", "broken email message"),
    ("internal error", "internal error"),
    ("regular expression ", "rule regex timed out"),
)


def skip_reason(error: HumanizeLintError) -> str:
    """A short reason for the summary's "skipped" counts."""
    if error.message.startswith("not valid ") and error.message.endswith(("record skipped", "row skipped")):
        return "undecodable record"
    for prefix, reason in _SKIP_REASONS:
        if error.message.startswith(prefix):
            return reason
    return "other input error"


# A hook that post-processes the findings of one whole document before they
# are reported (suppressions, baseline, fixes): gets the document and its
# findings in order, returns the findings to report.
DocumentHook = Callable[[Document, Context, list[Finding]], list[Finding]]


class Runner:
    """Lints paths, each with the closest config (ruff style), streaming findings to a reporter."""

    def __init__(
        self,
        flags: Flags,
        report: Report,
        reporter: Reporter,
        *,
        want_lines: bool = False,
        jobs: int = 1,
        progress: bool = False,
        hooks: Iterable[DocumentHook] = (),
    ) -> None:
        self.flags = flags
        self.report = report
        self.reporter = reporter
        self.want_lines = want_lines
        self.jobs = max(1, jobs)
        self.show_progress = progress
        self.hooks = list(hooks)
        self.contexts = Contexts(flags, report)
        self._progress: Any = None
        self.current_path: Optional[Path] = None  # the file being read (None for stdin)
        self.baseline: Any = None  # humanize_lint.baseline.Baseline for --baseline
        self.to_write: Optional[list[tuple[Finding, str]]] = None  # --write-baseline: (finding, unit text)
        self._fixed_texts: dict[int, str] = {}  # unit texts of findings re-linted after --fix
        self._fixed_doc: Optional[Document] = None  # the document as --fix left it (its lines are shown)
        # --fix on standard input prints the fixed text; the input as read is kept, so that
        # input nothing was fixed in (excluded, binary, undecodable) is printed unchanged.
        self.keep_stdin = False
        self.stdin_bytes: Optional[bytes] = None
        self._task: Any = None
        self._done_bytes = 0
        self.interrupted_by: Optional[str] = None  # set by Signals before it raises KeyboardInterrupt
        self.cache: Any = None  # humanize_lint.cache.ResultCache, unless --no-cache
        self._fingerprints: dict[int, str] = {}
        self._in_output = 0
        self._pending_interrupt = False

    def context_for(self, directory: Path) -> Context:
        """The context for files in ``directory``."""
        return self.contexts.for_dir(directory)

    def run(self, paths: list[str], stdin_filename: Optional[str]) -> None:
        """Lint every path; input errors are collected, config errors raise.

        A ``KeyboardInterrupt`` (Ctrl-C, or SIGTERM through ``Signals``) stops
        the run where it is: what was linted is reported, and
        ``report.interrupted`` names the signal.
        """
        inputs: list[tuple[Optional[Path], Context]] = []
        sink = _ErrorSink(self.report)  # sources append input errors as they read
        executor: Serial | Pool = Serial()
        try:
            for raw in paths:
                if raw == "-":
                    # Standard input is linted as if it were the file --stdin-filename
                    # names: that file's closest config, and its excludes.
                    where = existing_parent(Path(stdin_filename)) if stdin_filename else Path.cwd()
                    ctx = self.context_for(where)
                    if stdin_filename and sources.is_excluded(Path(stdin_filename), ctx.opts):
                        if self.keep_stdin:
                            self.stdin_bytes = sources.PollingReader(sys.stdin.buffer).read()
                        continue
                    inputs.append((None, ctx))
                    continue
                top = Path(raw)
                walk_ctx = self.context_for(top if top.is_dir() else (top.parent if top.parent.is_dir() else Path.cwd()))
                before = len(inputs)
                ignored: list[Path] = []
                try:
                    for path in sources.iter_paths([raw], walk_ctx.opts, sink, ignored):
                        inputs.append((path, self.context_for(path.parent)))
                except HumanizeLintError:
                    raise
                except Exception as exc:  # noqa: BLE001 - one bad directory entry never ends the run
                    sink.append(internal_error(exc, raw, what="while listing files"))
                if len(inputs) == before and top.is_dir() and ignored:
                    self.report.notices.append(
                        f"note: no files to lint in {raw}: git ignores every file there that include: matches ({len(ignored)}); --no-respect-gitignore reads them"
                    )
                elif len(inputs) == before and top.is_dir():
                    globs = ", ".join(walk_ctx.opts.include)
                    self.report.notices.append(f"note: no files to lint in {raw} (include: {globs}); name exports (.csv, .json, .eml, ...) explicitly or add them to include:")
            sizes = [_size(p) for p, _ in inputs]
            total = sum(sizes)
            if self.jobs > 1 and total >= POOL_MIN_BYTES:
                executor = Pool(self.jobs, self.flags, self.contexts)
            if self.show_progress and total >= POOL_MIN_BYTES:
                self._start_progress(total)
            for (path, ctx), size in zip(inputs, sizes):
                self.current_path = path
                shown = (stdin_filename or "<stdin>") if path is None else str(path)
                streamed = _streamed(path)
                if streamed:
                    # A pipe, FIFO or terminal may keep us waiting: what was read before is
                    # linted and reported first (jobs gather small files, see _Jobs).
                    for batch in executor.drain():
                        self._emit(batch)
                tee: Optional[_Tee] = None
                try:
                    if path is None:
                        reader: Any = sources.PollingReader(sys.stdin.buffer)
                        if self.keep_stdin:
                            reader = tee = _Tee(reader)
                        reader = sources.decompressing(reader, shown, shown)  # (--stdin-filename tickets.jsonl.gz)
                        docs = sources.read_stream(reader, shown, sources.detect_format(shown))
                    else:
                        docs = sources.open_path(path)
                    self._lint_input(docs, ctx, executor, sink, path, streamed)
                except HumanizeLintError as exc:
                    if not isinstance(exc, InputError):
                        raise
                    sink.append(exc)
                except Exception as exc:  # noqa: BLE001 - isolation: one file's bug is that file's error
                    sink.append(internal_error(exc, shown, what="while reading"))
                finally:
                    if tee is not None:
                        self.stdin_bytes = tee.rest()
                self._advance_file(size)
            for batch in executor.drain():
                self._emit(batch)
        except KeyboardInterrupt:
            self.report.interrupted = self.interrupted_by or "SIGINT"
            executor.terminate()
        finally:
            executor.close()
            self._stop_progress()

    def _lint_input(self, docs: Iterator[Document], ctx: Context, executor: Serial | Pool, sink: "_ErrorSink", path: Optional[Path], streamed: bool = False) -> None:
        """Lint one input's documents. ``streamed``: each document (a chunk of a stream)
        is linted and reported before the next is read, which may keep us waiting."""
        report = self.report
        seen_groups: set[Optional[str]] = set()
        dated = False
        last_record: object = _NO_RECORD
        batch: Optional[Batch] = None
        try:
            for unit in sources.units(_counting(docs, self), ctx.opts, sink):
                if batch is None or unit.document is not batch.doc:
                    if batch is not None:
                        for done in self._submit(executor, batch):
                            self._emit(done)
                        if streamed:
                            for done in executor.drain():
                                self._emit(done)
                    batch = Batch(unit.document, ctx, path)
                batch.units.append(unit)
                if unit.document.format in _RECORDISH and unit.record != last_record:
                    last_record = unit.record
                    report.records += 1
                    group = unit.meta.get("group") if ctx.opts.group_field else None
                    period = unit.meta.get("period") if ctx.opts.date_field else None
                    report.summary.add_record(group, period)
                    seen_groups.add(group)
                    dated = dated or period is not None
        except InputError as exc:
            if exc.message.startswith("binary file"):
                report.notices.append(str(exc))
                report.summary.skipped["binary file"] += 1
            else:
                sink.append(exc)
        except HumanizeLintError:
            raise
        except Exception as exc:  # noqa: BLE001 - what was read so far is still linted below
            where = batch.doc.path if batch is not None else (str(path) if path is not None else "<stdin>")
            sink.append(internal_error(exc, where, what="while reading"))
        if batch is not None:
            for done in self._submit(executor, batch):
                self._emit(done)
        if ctx.opts.group_field and seen_groups == {"(none)"}:
            name = batch.doc.path if batch is not None else "input"
            report.add_error(InputError(f"no record has field '{ctx.opts.group_field.partition(':')[0]}' for --group-by; every record is in group '(none)'", name))
        if ctx.opts.date_field and not dated and batch is not None and last_record is not _NO_RECORD and batch.doc.format in sources.RECORD_FORMATS:
            field_name = ctx.opts.date_field.partition(":")[0]
            report.add_error(InputError(f"no record has an ISO date (YYYY-MM-DD...) in field '{field_name}' for --date-field; the report has no trend", batch.doc.path))

    def _submit(self, executor: Serial | Pool, batch: Batch) -> Iterator[Batch]:
        """Lint a batch, or take its findings from the results cache (``--cache-dir``)."""
        cache = self.cache
        if cache is None or batch.path is None or not batch.units:
            yield from executor.submit(batch)
            return
        ctx = batch.ctx
        fp = self._fingerprints.get(id(ctx))
        if fp is None:
            model = ctx.linter.model
            name = getattr(model, "requested", None) or getattr(model, "name", None)
            fp = self._fingerprints[id(ctx)] = cache.fingerprint(
                ctx.cfg, sorted(ctx.rules.values(), key=lambda r: r.code), ctx.linter.options, ctx.opts, name, [r.code for r in ctx.linter.skipped_parse_rules]
            )
        doc = batch.doc
        batch.cache_key = cache.key(fp, doc.text, doc.format, doc.first_line, ctx.opts.customer)
        found = cache.get(batch.cache_key, ctx.rules, doc.path, len(batch.units))
        if found is None:
            yield from executor.submit(batch)
            return
        yield from executor.drain()  # batches still in the pool come first: output keeps input order
        batch.results = list(found)
        batch.cache_key = None  # nothing to store
        yield batch

    def _emit(self, batch: Batch) -> None:
        report = self.report
        ctx = batch.ctx
        if self.cache is not None and batch.cache_key and not batch.errors and not batch.incomplete and all(r is not None for r in batch.results):
            self.cache.put(batch.cache_key, batch.results)  # type: ignore[arg-type]
        findings: list[Finding] = []
        units: dict[int, Unit] = {}  # id(finding) -> its unit
        escape = containers.needs_escaping(batch.doc.format)
        for unit, found in zip(batch.units, batch.results):
            for f in found or ():
                if escape and f.fix is not None:
                    f = containers.escape_fix(f, unit)  # noqa: PLW2901 - the fix, written for its JSON string, CSV cell or HTML
                findings.append(f)
                units[id(f)] = unit
        findings.sort(key=lambda f: f.sort_key)
        for err in batch.errors:
            _ErrorSink(report).append(err)
        self.current_path = batch.path  # for hooks: batches of a pool finish after later files were read
        findings = per_file_filtered(batch.doc, ctx, findings)
        if batch.doc.format not in sources.RECORD_FORMATS:
            for hook in self.hooks:
                try:
                    findings = hook(batch.doc, ctx, findings)
                except HumanizeLintError:
                    raise
                except Exception as exc:  # noqa: BLE001 - the findings so far are reported; the error says what is missing
                    report.add_error(internal_error(exc, batch.doc.path, what=f"in {type(hook).__name__}"))
                    break
        else:
            for hook in self.hooks:
                if isinstance(hook, FixHook):
                    hook.not_rewritten(batch.doc, findings)
        if self.to_write is not None or self.baseline is not None:
            texts = {id(f): u.text for u, found in zip(batch.units, batch.results) for f in found or ()}
            texts.update(self._fixed_texts)
            if self.to_write is not None:
                self.to_write.extend((f, texts[id(f)]) for f in findings)
            if self.baseline is not None:
                findings = self.baseline.filter(findings, lambda f: texts[id(f)])
        self._fixed_texts = {}
        shown, self._fixed_doc = self._fixed_doc or batch.doc, None
        lines: dict[tuple[str, int], str | LongLine] = {}
        flagged: dict[tuple[str, Optional[str]], tuple[set[str], Optional[str], Optional[str]]] = {}
        for f in findings:
            unit_of = units.get(id(f))
            group = unit_of.meta.get("group") if unit_of is not None and ctx.opts.group_field else None
            period = unit_of.meta.get("period") if unit_of is not None and ctx.opts.date_field else None
            report.summary.add_finding(f, group, period)
            flagged.setdefault((f.path, f.record), (set(), group, period))[0].add(f.rule.category)
            if f.severity >= ctx.fail_on:
                report.failing_count += 1
            if self.want_lines and (f.path, f.start_pos.line) not in lines:
                text = _line_for(shown, f.start_pos.line)
                if text is not None:
                    lines[(f.path, f.start_pos.line)] = text
        for categories, group, period in flagged.values():
            report.summary.add_flagged(categories, group, period)
        if self.reporter.collect:
            report.findings.extend(findings)
        with self.output_section():
            if self.reporter.wants_units:
                self.reporter.add(findings, lines, units)  # type: ignore[call-arg]
            else:
                self.reporter.add(findings, lines)
        self._advance_doc(batch.doc)

    @contextlib.contextmanager
    def output_section(self) -> Iterator[None]:
        """Writing a reporter's output: an interrupting signal waits until it is whole."""
        self._in_output += 1
        try:
            yield
        finally:
            self._in_output -= 1
        if not self._in_output and self._pending_interrupt:
            self._pending_interrupt = False
            raise KeyboardInterrupt

    # -- progress ---------------------------------------------------------------

    def _start_progress(self, total: int) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn

        self._progress = Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._progress.start()
        self._task = self._progress.add_task("linting", total=total)

    def _advance_doc(self, doc: Document) -> None:
        if self._progress is not None and doc.bytes_read:
            self._progress.update(self._task, completed=self._done_bytes + doc.bytes_read)

    def _advance_file(self, size: int) -> None:
        self._done_bytes += size
        if self._progress is not None:
            self._progress.update(self._task, completed=self._done_bytes)

    def _stop_progress(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None


class Signals:
    """SIGINT and SIGTERM end a run early, with a valid report of what was done.

    Installed by the CLI around :meth:`Runner.run`: the handler names the
    signal in ``runner.interrupted_by`` and raises ``KeyboardInterrupt``,
    which the runner turns into ``report.interrupted``. While a reporter
    writes (``Runner.output_section``) the signal waits, so a JSON or SARIF
    document is never cut in the middle of a finding.
    """

    def __init__(self, runner: "Runner") -> None:
        self.runner = runner
        self._old: dict[int, Any] = {}

    def _handle(self, signum: int, frame: Any) -> None:
        runner = self.runner
        runner.interrupted_by = runner.interrupted_by or signal.Signals(signum).name
        if runner._in_output:
            runner._pending_interrupt = True
            return
        raise KeyboardInterrupt

    def __enter__(self) -> "Signals":
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                self._old[sig] = signal.signal(sig, self._handle)
            except (ValueError, OSError):  # not the main thread
                pass
        return self

    def __exit__(self, *exc: Any) -> None:
        for sig, old in self._old.items():
            signal.signal(sig, old)


class _Tee:
    """A reader that keeps what it read (standard input under --fix)."""

    def __init__(self, reader: Any) -> None:
        self.reader = reader
        self.chunks: list[bytes] = []

    def read(self, size: int = -1) -> bytes:
        chunk: bytes = self.reader.read(size)
        self.chunks.append(chunk)
        return chunk

    def rest(self) -> bytes:
        """Everything read, and whatever the readers left unread."""
        self.chunks.append(self.reader.read())
        return b"".join(self.chunks)


# Passes of --fix over one document at most: each applies the fixes that do not overlap
# and lints the result again (ruff stops after 100; these fixes never undo each other).
MAX_FIX_PASSES = 10


class FixHook:
    """``--fix`` / ``--diff``: apply the unambiguous fixes of a whole text or Markdown document.

    With ``--fix`` the file is rewritten atomically (``humanize_lint.fix``)
    and re-linted, so the findings reported are those that remain, at their
    new positions. Standard input is never written back: its fixed text is
    kept for the CLI to print. With ``--diff`` nothing is written; the diff
    goes to ``out`` and no findings are reported.
    """

    def __init__(self, runner: "Runner", mode: str, out: Any, earlier: list[DocumentHook]) -> None:
        self.runner = runner
        self.mode = mode
        self.out = out
        self.earlier = earlier
        self.changed_files = 0
        self.stdin_text: Optional[bytes] = None
        self._record_notes: dict[str, tuple[int, int]] = {}  # path -> (its note's place in the notices, fixes)

    def __call__(self, doc: Document, ctx: Context, findings: list[Finding]) -> list[Finding]:
        from . import fix

        report = self.runner.report
        path = self.runner.current_path
        if self.mode == "fix" and path is None and self.stdin_text is None and fix.unfixable_reason(doc) is None:
            # (A document --fix never rewrites, a compressed one or a chunk of an export read
            # in blocks, goes back as the bytes read: runner.stdin_bytes.)
            self.stdin_text = fix.encode(doc, doc.text)
        current, remaining, fixed = doc, findings, 0
        notes: list[str] = []
        for _ in range(MAX_FIX_PASSES):
            fixable = self._not_baselined(current, remaining)
            if not any(f.fix for f in fixable):
                break
            plan = fix.plan_fixes(current, fixable)
            if plan.note and plan.note not in notes:
                notes.append(plan.note)
            if not plan.edits:
                break
            fixed += len(plan.fixed)
            current = replace(doc, text=fix.apply(current.text, plan.edits), line_starts=())
            # Re-lint the new text: what is left, where it now is. A fix can bring a finding
            # into view that a cap held back (acronyms per text), so fixing goes on until no
            # fix applies, as ruff's does.
            remaining = self._relint(current, ctx)
        else:
            fixable = self._not_baselined(current, remaining)
            if any(f.fix for f in fixable) and fix.plan_fixes(current, fixable).edits:
                notes.append(f"{doc.path}: fixes still apply after {MAX_FIX_PASSES} passes; run --fix again")
        report.notices.extend(notes)
        if current is doc:
            return [] if self.mode == "diff" else findings
        self.changed_files += 1
        if self.mode == "diff":
            self.out.write(fix.unified_diff(doc, current.text))
            return []
        if path is None:
            self.stdin_text = fix.encode(doc, current.text)
        else:
            try:
                fix.write_atomic(path, doc, current.text)
            except InputError as exc:
                report.add_error(exc)
                return findings
        report.summary.fixed += fixed
        self.runner._fixed_texts = {id(f): current.text for f in remaining}
        self.runner._fixed_doc = current
        return remaining

    def _not_baselined(self, doc: Document, findings: list[Finding]) -> list[Finding]:
        """The findings the baseline does not hide: only those are fixed."""
        base = self.runner.baseline
        return base.new_ones(findings, doc.text) if base is not None else findings

    def not_rewritten(self, doc: Document, findings: list[Finding]) -> None:
        """A record export is never rewritten (its findings are not filtered by hooks either):
        one note per file says so, with the number of fixes not applied."""
        from . import fix

        n = sum(1 for f in findings if f.fix is not None)
        reason = fix.unfixable_reason(doc)
        if not n or reason is None:
            return
        notices = self.runner.report.notices
        at = self._record_notes.get(doc.path)
        if at is None:
            self._record_notes[doc.path] = at = (len(notices), 0)
            notices.append("")
        total = at[1] + n
        self._record_notes[doc.path] = (at[0], total)
        notices[at[0]] = f"{doc.path}: {reason}; {fix._count(total, 'fix')} not applied"

    def _relint(self, doc: Document, ctx: Context) -> list[Finding]:
        """The findings of a fixed text, through the hooks that ran before this one."""
        remaining: list[Finding] = []
        for unit in sources.units(doc, ctx.opts, _ErrorSink(self.runner.report)):
            remaining.extend(ctx.linter.lint_unit(unit))
        remaining.sort(key=lambda f: f.sort_key)
        for hook in self.earlier:
            remaining = hook(doc, ctx, remaining)
        return remaining


class SuppressionHook:
    """Inline ``humanize-lint disable`` directives in text, Markdown and HTML (``humanize_lint.suppress``)."""

    def __init__(self, runner: "Runner", report_unused: bool) -> None:
        self.runner = runner
        self.report_unused = report_unused
        self.unused_count = 0

    def __call__(self, doc: Document, ctx: Context, findings: list[Finding]) -> list[Finding]:
        from . import suppress

        sup, kept, errors = suppressed(doc, ctx, findings)
        if sup is None:
            return findings
        report = self.runner.report
        for err in errors:
            report.add_error(err)
        if self.report_unused:
            ignored = suppress.per_file_ignored(_relative_posix(doc.path, ctx.cfg.root), ctx.cfg.per_file_ignores) if ctx.cfg.per_file_ignores else set()
            ran = [r for r in ctx.linter.rules if r not in ctx.linter.skipped_parse_rules and not any(suppress.rule_matches(k, r) for k in ignored)]
            for u in sup.unused(enabled=lambda k: any(suppress.rule_matches(k, r) for r in ran)):
                report.notices.append(f"{u.path}:{u.line}:{u.column}: warning: {u.message}")
                report.failing_count += 1
                self.unused_count += 1
        return kept


def per_file_filtered(doc: Document, ctx: Context, findings: list[Finding]) -> list[Finding]:
    """The findings the config's ``per-file-ignores`` leave for this document."""
    if ctx.cfg.per_file_ignores and findings:
        from . import suppress

        ignored = suppress.per_file_ignored(_relative_posix(doc.path, ctx.cfg.root), ctx.cfg.per_file_ignores)
        if ignored:
            return suppress.drop_ignored(findings, ignored)
    return findings


def suppressed(doc: Document, ctx: Context, findings: list[Finding]) -> tuple[Any, list[Finding], list[HumanizeLintError]]:
    """Apply the document's inline suppression directives: (the parsed directives or None
    when there are none, the findings they leave, errors in the directives)."""
    from . import suppress

    sup = suppress.parse(doc)
    if not sup.directives and not getattr(sup, "errors", None):
        return None, findings, []
    errors = sup.validate(lambda k: bool(ctx.pack.matching(k)))
    return sup, sup.filter(findings), errors


def existing_parent(path: Path) -> Path:
    """The closest existing directory holding ``path`` (which may not exist yet)."""
    p = path.absolute().parent
    while not p.is_dir() and p != p.parent:
        p = p.parent
    return p if p.is_dir() else Path.cwd()


def _line_for(doc: Document, line: int) -> "str | LongLine | None":
    """The text of a file line for the text reporter; a very long one is referenced, not copied."""
    i = line - doc.first_line
    if not 0 <= i < len(doc.line_starts):
        return None
    a = doc.line_starts[i]
    b = doc.line_starts[i + 1] if i + 1 < len(doc.line_starts) else len(doc.text)
    if b - a <= 4096:
        return doc.line_text(line)
    while b > a and doc.text[b - 1] in "\r\n":
        b -= 1
    return LongLine(doc.text, a, b)


def _relative_posix(path: str, root: Path) -> str:
    try:
        return Path(os.path.relpath(os.path.abspath(path), root)).as_posix()
    except ValueError:
        return Path(path).as_posix()


class _ErrorSink(list):  # type: ignore[type-arg]
    """The list the sources append input errors to: kept (bounded) and counted by reason."""

    def __init__(self, report: Report) -> None:
        super().__init__()
        self.report = report

    def append(self, error: HumanizeLintError) -> None:  # type: ignore[override]
        if isinstance(error, InputNote):
            self.report.notices.append(str(error))
            return
        self.report.add_error(error)
        self.report.summary.skipped[skip_reason(error)] += 1

    def extend(self, errors: Iterable[HumanizeLintError]) -> None:  # type: ignore[override]
        for e in errors:
            self.append(e)


def _counting(docs: Iterator[Document], runner: Runner) -> Iterator[Document]:
    """Count a file once, when its first document is read."""
    first = True
    for doc in docs:
        if first:
            runner.report.files += 1
            first = False
        yield doc


def _streamed(path: Optional[Path]) -> bool:
    """Standard input, or a path that is no regular file (a FIFO, a terminal)."""
    if path is None:
        return True
    try:
        return not stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False


def _size(path: Optional[Path]) -> int:
    if path is None:
        return 0
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def default_jobs() -> int:
    """The number of CPUs this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1

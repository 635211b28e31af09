"""``humanize-lint server``: a Language Server over standard input and output.

It only translates between the protocol and the library API
(``humanize_lint.api.Linter``): findings become diagnostics, fixes become
code actions, rule docs become hovers. Linting runs on one worker thread,
off the protocol's event loop, with the pipeline loaded once; each linter
keeps the results of parsed sentences (``engine.SentenceCache``), so an
edit re-parses only the sentences it touched, and spaCy's memory zones
(``parse.Parser``) keep memory flat however long the session.

Features:

- diagnostics pushed (``textDocument/publishDiagnostics``) on open, change
  and save to clients that cannot pull them, and pulled
  (``textDocument/diagnostic``) by those that can; changes that arrive while
  a lint runs are coalesced into one lint of the newest text;
- code actions: the rule's fix where it is unambiguous (``quickfix``,
  preferred), the rule's other suggestions, "Disable HL101 for this line"
  (the suppression comment the file type uses), and fix-all for the
  document (``source.fixAll.humanize-lint``);
- hover on a finding: its message and the rule's explanation;
- positions in the negotiated encoding: UTF-16 unless the client offers
  UTF-8 (or UTF-32);
- configuration: the closest ``.humanize-lint.yaml``/``pyproject.toml`` of
  each document, read again when one changes
  (``workspace/didChangeWatchedFiles``), and the client's settings under
  ``humanize-lint`` (``workspace/configuration``, per workspace folder, or
  ``initializationOptions``): ``customer``, ``select``, ``ignore``,
  ``configFile``, ``debounceMs``.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method
from pygls.uris import to_fs_path

from . import __version__, fix as fix_mod, sources
from .api import Linter, Result
from .config import CONFIG_NAMES
from .model import Document, Finding, HumanizeLintError, Severity
from .reporters import rule_markdown
from .suppress import DIRECTIVE_FORMATS

NAME = "humanize-lint"
SOURCE = "humanize-lint"
FIX_ALL = f"{lsp.CodeActionKind.SourceFixAll.value}.{NAME}"
SETTINGS_SECTION = NAME
TRIM_EVERY = 200  # lints between returns of freed memory to the system (see _trim_heap)
SETTINGS_WAIT = 5.0  # seconds a lint waits for the client's settings after start-up
SETTING_KEYS = ("customer", "select", "ignore", "configFile", "debounceMs")
# Config files, rule files, and Markdown (a glossary page a config names: acronyms.glossary).
WATCHED = [f"**/{n}" for n in CONFIG_NAMES] + ["**/pyproject.toml", "**/*.yaml", "**/*.yml", "**/*.md"]

log = logging.getLogger("humanize_lint.lsp")

_SEVERITY = {
    Severity.ERROR: lsp.DiagnosticSeverity.Error,
    Severity.WARNING: lsp.DiagnosticSeverity.Warning,
    Severity.SUGGESTION: lsp.DiagnosticSeverity.Information,
}
_LANGUAGE_FORMATS = {"markdown": "markdown", "plaintext": "text", "text": "text", "html": "html"}


# -- positions ------------------------------------------------------------------


def units(text: str, encoding: str) -> int:
    """Length of ``text`` in the code units of a position encoding."""
    if encoding == lsp.PositionEncodingKind.Utf8:
        return len(text.encode("utf-8", "surrogatepass"))
    if encoding == lsp.PositionEncodingKind.Utf32:
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def to_position(doc: Document, offset: int, encoding: str) -> lsp.Position:
    """The protocol position (0-based line, column in code units) of a document offset."""
    pos = doc.position(offset)
    start = doc.line_starts[pos.line - doc.first_line]
    return lsp.Position(line=pos.line - doc.first_line, character=units(doc.text[start:offset], encoding))


def to_offset(doc: Document, position: lsp.Position, encoding: str) -> int:
    """The document offset of a protocol position (clamped to its line, and never inside a
    character: a column in the middle of a surrogate pair or a UTF-8 sequence rounds down)."""
    if position.line >= len(doc.line_starts):
        return len(doc.text)
    start = doc.line_starts[position.line]
    end = doc.line_starts[position.line + 1] if position.line + 1 < len(doc.line_starts) else len(doc.text)
    line = doc.text[start:end].rstrip("\r\n")
    if encoding == lsp.PositionEncodingKind.Utf32:
        return start + min(position.character, len(line))
    count = 0
    for i, ch in enumerate(line):
        width = units(ch, encoding)
        if count + width > position.character:
            return start + i
        count += width
    return start + len(line)


def to_range(doc: Document, start: int, end: int, encoding: str) -> lsp.Range:
    """The protocol range of document offsets ``[start, end)``."""
    return lsp.Range(start=to_position(doc, start, encoding), end=to_position(doc, end, encoding))


# -- settings -----------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """What the client's settings say (``humanize-lint.*``)."""

    customer: Optional[str] = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    config_file: Optional[str] = None
    debounce_ms: int = 0

    @classmethod
    def of(cls, raw: Any, base: "Settings | None" = None) -> "Settings":
        """Settings from a client's JSON (unknown keys are ignored; missing ones keep ``base``)."""
        base = base or cls()
        if not isinstance(raw, dict):
            return base
        if isinstance(raw.get(SETTINGS_SECTION), dict):  # {"humanize-lint": {...}}
            raw = raw[SETTINGS_SECTION]

        def words(value: Any, old: tuple[str, ...]) -> tuple[str, ...]:
            if value is None:
                return old
            items = [value] if isinstance(value, str) else list(value) if isinstance(value, (list, tuple)) else []
            return tuple(x.strip() for item in items for x in str(item).split(",") if x.strip())

        customer = raw.get("customer", base.customer)
        debounce = raw.get("debounceMs", base.debounce_ms)
        return cls(
            customer=str(customer).strip() or None if customer is not None else None,
            select=words(raw.get("select"), base.select),
            ignore=words(raw.get("ignore"), base.ignore),
            config_file=raw.get("configFile", base.config_file) or None,
            debounce_ms=max(0, int(debounce)) if isinstance(debounce, (int, float)) else base.debounce_ms,
        )

    @property
    def linter_key(self) -> tuple[Any, ...]:
        """What a linter is built from (the customer is passed per lint)."""
        return (self.select, self.ignore, self.config_file)


# -- the server ---------------------------------------------------------------------


@dataclass
class OpenDocument:
    """An open document and its latest lint."""

    uri: str
    language: str
    version: int = 0
    result: Optional[Result] = None
    linted_version: Optional[int] = None
    result_id: int = 0
    task: Optional["asyncio.Task[None]"] = None
    dirty: bool = False
    errors: list[str] = field(default_factory=list)  # config or rule errors (shown as a diagnostic)


def _wellformed(change: Any) -> Any:
    """A content change whose range ends before it starts, with its ends swapped, as the
    reference implementation (vscode-languageserver-textdocument) takes it; pygls would
    apply it as it is and copy text into the document."""
    rng = getattr(change, "range", None)
    if rng is None or (rng.start.line, rng.start.character) <= (rng.end.line, rng.end.character):
        return change
    return lsp.TextDocumentContentChangePartial(range=lsp.Range(start=rng.end, end=rng.start), text=change.text, range_length=change.range_length)


class _Protocol(LanguageServerProtocol):
    @lsp_method(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: lsp.DidChangeTextDocumentParams) -> Any:
        params.content_changes = [_wellformed(c) for c in params.content_changes]
        yield from super().lsp_text_document__did_change(params)


class HumanizeLintServer(LanguageServer):
    """The language server: state, settings and the lint worker."""

    def __init__(self) -> None:
        super().__init__(NAME, __version__, text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental, protocol_cls=_Protocol)
        self.docs: dict[str, OpenDocument] = {}
        self.init_settings = Settings()
        self.global_settings = Settings()
        self.folder_settings: dict[str, Settings] = {}
        self.folders: list[str] = []
        self.linters: dict[tuple[Any, ...], Linter] = {}
        self.models: dict[Any, Any] = {}  # pipelines, shared by every linter and kept across reloads
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="humanize-lint")
        self.lint_count = 0
        # Set once the client's settings have been asked for (after ``initialized``):
        # a document opened before then is linted with them, not linted twice.
        self.ready = asyncio.Event()

    # -- client capabilities --

    @property
    def encoding(self) -> str:
        return str(self.workspace.position_encoding or lsp.PositionEncodingKind.Utf16)

    def client_pulls(self) -> bool:
        td = self.client_capabilities.text_document
        return bool(td is not None and td.diagnostic is not None)

    # -- settings --

    def settings_for(self, uri: str) -> Settings:
        best = ""
        for folder in self.folder_settings:
            if uri.startswith(folder.rstrip("/") + "/") and len(folder) > len(best):
                best = folder
        return self.folder_settings[best] if best else self.global_settings

    def linter_for(self, settings: Settings) -> Linter:
        key = settings.linter_key
        linter = self.linters.get(key)
        if linter is None:
            linter = Linter(
                config=Path(settings.config_file) if settings.config_file else None,
                select=settings.select,
                ignore=settings.ignore,
                models=self.models,
            )
            self.linters[key] = linter
        return linter

    async def refresh_settings(self) -> None:
        """Ask the client for the ``humanize-lint`` settings (global and per folder)."""
        ws = self.client_capabilities.workspace
        if ws is None or not ws.configuration:
            return
        items = [lsp.ConfigurationItem(section=SETTINGS_SECTION)] + [lsp.ConfigurationItem(scope_uri=f, section=SETTINGS_SECTION) for f in self.folders]
        try:
            values = await self.workspace_configuration_async(lsp.ConfigurationParams(items=items))
        except Exception as exc:  # noqa: BLE001 - a client that fails the request keeps the settings it has
            log.warning("workspace/configuration failed: %s", exc)
            return
        self.global_settings = Settings.of(values[0] if values else None, self.init_settings)
        self.folder_settings = {f: Settings.of(v, self.global_settings) for f, v in zip(self.folders, values[1:]) if v}

    def reload(self) -> None:
        """Config or rule files changed: read them again (pipelines stay loaded)."""
        for linter in self.linters.values():
            linter.reload()

    def reload_if_config(self, uris: list[str]) -> bool:
        """Read the configuration again if one of ``uris`` is a config, rule or glossary file
        (on the worker thread, which owns the linters); whether it did."""
        if any(_is_config_change(uri, self) for uri in uris):
            self.reload()
            return True
        return False

    def relint_all(self) -> None:
        """Lint every open document again (settings or config changed)."""
        for uri, state in list(self.docs.items()):
            state.linted_version = None
            self.schedule(uri)

    # -- linting --

    def document(self, uri: str) -> tuple[str, str, Optional[str]]:
        """(text, path shown, format) of an open document."""
        text = self.workspace.get_text_document(uri).source
        state = self.docs.get(uri)
        language = state.language if state else ""
        path = to_fs_path(uri) if uri.startswith("file:") else None
        fmt = None
        if path is None or sources.detect_format(path) == "text" and not path.lower().endswith((".txt", ".text")):
            fmt = _LANGUAGE_FORMATS.get(language)
        return text, path or uri, fmt

    def _lint_now(self, uri: str, text: str, path: str, fmt: Optional[str], settings: Settings) -> tuple[Optional[Result], list[str]]:
        """Runs on the worker thread."""
        if self.lint_count and self.lint_count % TRIM_EVERY == 0:
            _trim_heap()
        linter = self.linter_for(settings)
        try:
            return linter.check(text, path=path, customer=settings.customer, format=fmt), []
        except HumanizeLintError as exc:
            return Result(Document(path=path, text=text, format=fmt or sources.detect_format(path))), [str(exc)]

    async def lint(self, uri: str) -> None:
        """Lint the newest text of a document (again, while edits keep coming in)."""
        state = self.docs.get(uri)
        if state is None:
            return
        loop = asyncio.get_running_loop()
        if not self.ready.is_set():
            try:
                await asyncio.wait_for(self.ready.wait(), SETTINGS_WAIT)
            except asyncio.TimeoutError:
                self.ready.set()
        while True:
            state.dirty = False
            version = state.version
            text, path, fmt = self.document(uri)
            settings = self.settings_for(uri)
            result, errors = await loop.run_in_executor(self.executor, self._lint_now, uri, text, path, fmt, settings)
            self.lint_count += 1
            if self.docs.get(uri) is not state:
                return  # closed meanwhile
            if state.dirty or state.version != version:
                continue  # edited meanwhile: this result is stale already
            state.result, state.errors, state.linted_version = result, errors, version
            state.result_id += 1
            if not self.client_pulls():
                self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, version=version, diagnostics=self.diagnostics(state)))
            return

    def forget_finished_notifications(self) -> None:
        """pygls 2.1 files the future of every notification its generator handlers run
        (``didOpen``, ``didChange``, ``didSave``...) under a fresh id in
        ``_request_futures`` and never takes it out: a few hundred bytes per keystroke.
        Finished ones are dropped here (a request's future leaves the table when its
        response is sent, so a finished one left behind is such a notification)."""
        futures = getattr(self.protocol, "_request_futures", None)
        if isinstance(futures, dict) and len(futures) > 16:
            for key in [k for k, f in futures.items() if getattr(f, "done", lambda: False)()]:
                futures.pop(key, None)

    def schedule(self, uri: str, delay_ms: int = 0) -> None:
        """Lint soon; an edit that arrives while a lint runs makes it run once more after."""
        self.forget_finished_notifications()
        state = self.docs.get(uri)
        if state is None:
            return
        state.dirty = True
        if state.task is not None and not state.task.done():
            return

        async def run() -> None:
            if delay_ms:
                await asyncio.sleep(delay_ms / 1000)
            await self.lint(uri)

        state.task = asyncio.ensure_future(run())
        state.task.add_done_callback(_log_failure)

    async def current(self, uri: str) -> Optional[OpenDocument]:
        """The document's state, linted at its current version."""
        state = self.docs.get(uri)
        if state is None:
            return None
        while state.linted_version != state.version or state.task is not None and not state.task.done():
            if state.task is None or state.task.done():
                state.task = asyncio.ensure_future(self.lint(uri))
            await asyncio.shield(state.task)
            if self.docs.get(uri) is not state:
                return None
        return state

    # -- translation --

    def diagnostics(self, state: OpenDocument) -> list[lsp.Diagnostic]:
        out: list[lsp.Diagnostic] = []
        result = state.result
        if result is None:
            return out
        doc, enc = result.document, self.encoding
        for message in state.errors:
            out.append(lsp.Diagnostic(range=lsp.Range(start=lsp.Position(0, 0), end=lsp.Position(0, 0)), message=message, severity=lsp.DiagnosticSeverity.Error, source=SOURCE))
        for err in result.errors:
            if err.line is not None and err.line >= 1:
                start = doc.line_starts[min(err.line, len(doc.line_starts)) - 1] + max(0, (err.column or 1) - 1)
                rng = to_range(doc, start, start, enc)
            else:
                rng = lsp.Range(start=lsp.Position(0, 0), end=lsp.Position(0, 0))
            out.append(lsp.Diagnostic(range=rng, message=err.message, severity=lsp.DiagnosticSeverity.Error, source=SOURCE))
        for i, f in enumerate(result.findings):
            out.append(self.diagnostic(doc, f, i))
        return out

    def diagnostic(self, doc: Document, f: Finding, index: int) -> lsp.Diagnostic:
        link = f.rule.link
        return lsp.Diagnostic(
            range=to_range(doc, f.doc_start, f.doc_end, self.encoding),
            message=f.message,
            severity=_SEVERITY.get(f.severity, lsp.DiagnosticSeverity.Warning),
            code=f.rule.code,
            code_description=lsp.CodeDescription(href=link) if link else None,
            source=SOURCE,
            data={"index": index, "rule": f.rule.code, "name": f.rule.name, "fixable": f.fix is not None},
        )


def _trim_heap() -> None:
    """Give freed heap pages back to the system (glibc): the reader, the event loop and
    the worker thread each allocate in their own malloc arena, and a long editing
    session otherwise leaves the server's resident memory creeping up."""
    global _LIBC
    if _LIBC is None:
        try:
            import ctypes

            _LIBC = ctypes.CDLL("libc.so.6")
            _LIBC.malloc_trim.argtypes = [ctypes.c_size_t]
        except (OSError, AttributeError):
            _LIBC = False
    if _LIBC:
        _LIBC.malloc_trim(0)


_LIBC: Any = None


def _log_failure(task: "asyncio.Task[None]") -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("lint failed", exc_info=task.exception())


def _edit(doc: Document, start: int, end: int, text: str, encoding: str) -> lsp.TextEdit:
    return lsp.TextEdit(range=to_range(doc, start, end, encoding), new_text=text)


def _workspace_edit(uri: str, edits: list[lsp.TextEdit]) -> lsp.WorkspaceEdit:
    return lsp.WorkspaceEdit(changes={uri: edits})


def suppression_edit(doc: Document, f: Finding) -> Optional[tuple[int, str]]:
    """Where to insert a comment that disables ``f``'s rule on its line, and the text.

    Markdown and HTML get an HTML comment (invisible once rendered), plain
    text the plain directive; both go at the end of the finding's first line,
    before its trailing blanks (a Markdown hard break stays one). Record and
    mail formats have no directives: None.
    """
    if doc.format not in DIRECTIVE_FORMATS:
        return None
    line = f.start_pos.line
    i = line - doc.first_line
    start = doc.line_starts[i]
    end = doc.line_starts[i + 1] if i + 1 < len(doc.line_starts) else len(doc.text)
    content = doc.text[start:end].rstrip("\r\n")
    at = start + len(content.rstrip(" \t"))
    if doc.format == "text":
        return at, f"  humanize-lint: disable-line={f.rule.code}"
    return at, f" <!-- humanize-lint disable-line {f.rule.code} -->"


def code_actions(server: HumanizeLintServer, state: OpenDocument, rng: lsp.Range, only: Optional[Sequence[str]]) -> list[lsp.CodeAction]:
    """The quick fixes for findings in ``rng`` and the document's fix-all."""
    result = state.result
    if result is None:
        return []
    doc, enc, uri = result.document, server.encoding, state.uri

    def wanted(kind: str) -> bool:
        return not only or any(kind == o or kind.startswith(o + ".") for o in only)

    out: list[lsp.CodeAction] = []
    a, b = to_offset(doc, rng.start, enc), to_offset(doc, rng.end, enc)
    if wanted(lsp.CodeActionKind.QuickFix):
        for i, f in enumerate(result.findings):
            if not (f.doc_start <= b and a <= f.doc_end):
                continue
            diag = [server.diagnostic(doc, f, i)]
            if f.fix is not None:
                title = f"Replace '{f.text}' with '{f.fix.replacement}'"
                edit = _edit(doc, f.fix.start, f.fix.end, f.fix.replacement, enc)
                out.append(lsp.CodeAction(title=title, kind=lsp.CodeActionKind.QuickFix, diagnostics=diag, is_preferred=True, edit=_workspace_edit(uri, [edit])))
            mapped = f.doc_end - f.doc_start == len(f.text) and doc.text[f.doc_start : f.doc_end] == f.text
            for s in f.suggestions:
                if not mapped or (f.fix is not None and s == f.fix.replacement):
                    continue
                edit = _edit(doc, f.doc_start, f.doc_end, s, enc)
                out.append(lsp.CodeAction(title=f"Replace '{f.text}' with '{s}'", kind=lsp.CodeActionKind.QuickFix, diagnostics=diag, edit=_workspace_edit(uri, [edit])))
            where = suppression_edit(doc, f)
            if where is not None:
                at, comment = where
                edit = _edit(doc, at, at, comment, enc)
                out.append(lsp.CodeAction(title=f"Disable {f.rule.code} for this line", kind=lsp.CodeActionKind.QuickFix, diagnostics=diag, edit=_workspace_edit(uri, [edit])))
    if wanted(FIX_ALL):
        plan = fix_mod.plan_fixes(doc, result.findings)
        if plan.edits:
            edits = [_edit(doc, e.start, e.end, e.replacement, enc) for e in plan.edits]
            n = len(plan.fixed)
            out.append(lsp.CodeAction(title=f"Fix all humanize-lint problems ({n} fix{'es' if n != 1 else ''})", kind=FIX_ALL, edit=_workspace_edit(uri, edits)))
    return out


def hover(server: HumanizeLintServer, state: OpenDocument, position: lsp.Position) -> Optional[lsp.Hover]:
    """The findings under the cursor and their rules' explanations, as Markdown."""
    result = state.result
    if result is None:
        return None
    doc, enc = result.document, server.encoding
    at = to_offset(doc, position, enc)
    here = [f for f in result.findings if f.doc_start <= at < f.doc_end or f.doc_start == f.doc_end == at]
    if not here:
        return None
    parts = []
    for f in here:
        parts.append(f"**{f.rule.code}** ({f.rule.name}, {f.severity.label}): {f.message}\n\n" + _demote(rule_markdown(f.rule)))
    first = min(here, key=lambda f: f.doc_start)
    last = max(here, key=lambda f: f.doc_end)
    return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value="\n\n---\n\n".join(parts)), range=to_range(doc, first.doc_start, last.doc_end, enc))


def _demote(markdown: str) -> str:
    """Headings one level down, so that a hover's first heading is not a page title."""
    return "\n".join("#" + line if line.startswith("#") else line for line in markdown.splitlines())


def create_server() -> HumanizeLintServer:
    """The server with its handlers registered."""
    server = HumanizeLintServer()

    @server.feature(lsp.INITIALIZE)
    def initialize(ls: HumanizeLintServer, params: lsp.InitializeParams) -> None:
        ls.init_settings = Settings.of(params.initialization_options)
        ls.global_settings = ls.init_settings
        ls.folders = [f.uri for f in params.workspace_folders or []]

    @server.feature(lsp.INITIALIZED)
    async def initialized(ls: HumanizeLintServer, params: lsp.InitializedParams) -> None:
        ws = ls.client_capabilities.workspace
        watch = ws.did_change_watched_files if ws else None
        if watch is not None and watch.dynamic_registration:
            options = lsp.DidChangeWatchedFilesRegistrationOptions(watchers=[lsp.FileSystemWatcher(glob_pattern=g) for g in WATCHED])
            try:
                await ls.client_register_capability_async(
                    lsp.RegistrationParams(registrations=[lsp.Registration(id="humanize-lint-config", method=lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES, register_options=options)])
                )
            except Exception as exc:  # noqa: BLE001 - the server works without it; changes apply after a restart
                log.warning("cannot watch config files: %s", exc)
        try:
            await asyncio.wait_for(ls.refresh_settings(), SETTINGS_WAIT)
        except asyncio.TimeoutError:
            log.warning("the client did not answer workspace/configuration in %s s", SETTINGS_WAIT)
        finally:
            ls.ready.set()

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: HumanizeLintServer, params: lsp.DidOpenTextDocumentParams) -> None:
        td = params.text_document
        ls.docs[td.uri] = OpenDocument(td.uri, td.language_id, td.version)
        ls.schedule(td.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: HumanizeLintServer, params: lsp.DidChangeTextDocumentParams) -> None:
        state = ls.docs.get(params.text_document.uri)
        if state is None:
            return
        state.version = params.text_document.version
        ls.schedule(state.uri, ls.settings_for(state.uri).debounce_ms)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    async def did_save(ls: HumanizeLintServer, params: lsp.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        if uri in ls.docs:
            ls.docs[uri].linted_version = None
            ls.schedule(uri)
        # A config, rule or glossary file saved in the editor (a client may not watch files).
        if await asyncio.get_running_loop().run_in_executor(ls.executor, ls.reload_if_config, [uri]):
            ls.relint_all()

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: HumanizeLintServer, params: lsp.DidCloseTextDocumentParams) -> None:
        state = ls.docs.pop(params.text_document.uri, None)
        if state is not None and state.task is not None:
            state.task.cancel()
        if not ls.client_pulls():
            ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[]))

    @server.feature(lsp.TEXT_DOCUMENT_DIAGNOSTIC, lsp.DiagnosticOptions(identifier=NAME, inter_file_dependencies=False, workspace_diagnostics=False))
    async def pull(ls: HumanizeLintServer, params: lsp.DocumentDiagnosticParams) -> lsp.DocumentDiagnosticReport:
        state = await ls.current(params.text_document.uri)
        if state is None:
            return lsp.RelatedFullDocumentDiagnosticReport(items=[])
        result_id = f"{state.linted_version}:{state.result_id}"
        if params.previous_result_id == result_id:
            return lsp.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
        return lsp.RelatedFullDocumentDiagnosticReport(items=ls.diagnostics(state), result_id=result_id)

    @server.feature(
        lsp.TEXT_DOCUMENT_CODE_ACTION,
        lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix, lsp.CodeActionKind.SourceFixAll, FIX_ALL], resolve_provider=False),
    )
    async def code_action(ls: HumanizeLintServer, params: lsp.CodeActionParams) -> Optional[list[lsp.CodeAction]]:
        state = await ls.current(params.text_document.uri)
        if state is None:
            return None
        return code_actions(ls, state, params.range, params.context.only) or None

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    async def on_hover(ls: HumanizeLintServer, params: lsp.HoverParams) -> Optional[lsp.Hover]:
        state = await ls.current(params.text_document.uri)
        if state is None:
            return None
        return hover(ls, state, params.position)

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    async def watched(ls: HumanizeLintServer, params: lsp.DidChangeWatchedFilesParams) -> None:
        uris = [c.uri for c in params.changes]
        if await asyncio.get_running_loop().run_in_executor(ls.executor, ls.reload_if_config, uris):
            ls.relint_all()

    @server.feature(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def configuration(ls: HumanizeLintServer, params: lsp.DidChangeConfigurationParams) -> None:
        if params.settings:
            ls.global_settings = Settings.of(params.settings, ls.init_settings)
        await ls.refresh_settings()
        ls.relint_all()

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    async def folders(ls: HumanizeLintServer, params: lsp.DidChangeWorkspaceFoldersParams) -> None:
        removed = {f.uri for f in params.event.removed}
        ls.folders = [f for f in ls.folders if f not in removed] + [f.uri for f in params.event.added]
        await ls.refresh_settings()
        ls.relint_all()

    return server


def _is_config_change(uri: str, ls: HumanizeLintServer) -> bool:
    """Whether a changed file is a config file, a rule file or a glossary page some config names."""
    path = Path(to_fs_path(uri) or uri)
    if path.name in CONFIG_NAMES or path.name == "pyproject.toml":
        return True
    if any(_same_file(path, g) for linter in ls.linters.values() for g in linter.glossary_files()):
        return True
    if path.suffix not in (".yaml", ".yml"):
        return False
    for linter in ls.linters.values():
        for cfg_path in linter.config_files():
            if cfg_path.parent in path.parents:
                return True
    return False


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except (OSError, RuntimeError):
        return a == b


def serve(stdin: Any = None, stdout: Any = None) -> None:
    """Run the server over standard input and output until the client exits."""
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="humanize-lint server: %(levelname)s: %(message)s")
    server = create_server()
    server.start_io(stdin, stdout)


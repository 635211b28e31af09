"""The language server end to end: ``humanize-lint server`` as a subprocess, driven by
pytest-lsp's client over stdio (real pipeline, real config files on disk).

Edits that a code action returns are applied here the way an editor applies
them: positions counted in the negotiated encoding's code units, converted
independently of the server's own code.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any, Callable

import pytest

pytest.importorskip("pytest_lsp", reason="pytest-lsp is not installed (pip install -e '.[dev]')")

import pytest_lsp  # noqa: E402
from lsprotocol import types as lsp  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities  # noqa: E402

pytestmark = pytest.mark.lsp

SERVER = [sys.executable, "-m", "humanize_lint", "server"]
TIMEOUT = 60.0

# The Neovim 0.7 capabilities: no pull diagnostics, so the server pushes.
PUSH = "neovim@v0.7.0"
# VS Code's, with pull diagnostics (VS Code has them since 1.67).
PULL = "visual-studio-code"


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def client(lsp_client: LanguageClient) -> Any:
    lsp_client.registrations = []  # type: ignore[attr-defined]

    @lsp_client.feature(lsp.CLIENT_REGISTER_CAPABILITY)
    def register(ls: LanguageClient, params: lsp.RegistrationParams) -> None:
        ls.registrations.extend(params.registrations)  # type: ignore[attr-defined]

    yield
    await lsp_client.shutdown_session()


async def start(client: LanguageClient, tmp_path: Path, spec: str = PUSH, encodings: list[str] | None = None, options: Any = None, folders: list[Path] | None = None) -> None:
    caps = client_capabilities(spec)
    if spec == PULL:
        assert caps.text_document is not None
        caps.text_document.diagnostic = lsp.DiagnosticClientCapabilities(dynamic_registration=False)
    # What current clients offer (the recorded Neovim 0.7 capabilities lack both).
    assert caps.workspace is not None
    caps.workspace.configuration = True
    caps.workspace.did_change_watched_files = lsp.DidChangeWatchedFilesClientCapabilities(dynamic_registration=True)
    if encodings is not None:
        caps.general = lsp.GeneralClientCapabilities(position_encodings=encodings)
    dirs = folders or [tmp_path]
    await client.initialize_session(
        lsp.InitializeParams(
            capabilities=caps,
            root_uri=dirs[0].as_uri(),
            workspace_folders=[lsp.WorkspaceFolder(uri=d.as_uri(), name=d.name) for d in dirs],
            initialization_options=options,
        )
    )


def open_doc(client: LanguageClient, path: Path, text: str, language: str = "markdown", version: int = 1) -> str:
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(text_document=lsp.TextDocumentItem(uri=uri, language_id=language, version=version, text=text)))
    return uri


async def until(client: LanguageClient, uri: str, check: Callable[[list[lsp.Diagnostic]], bool]) -> list[lsp.Diagnostic]:
    """Wait for pushed diagnostics of ``uri`` that satisfy ``check``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + TIMEOUT
    while True:
        got = list(client.diagnostics.get(uri, ()))
        if uri in client.diagnostics and check(got):
            return got
        left = deadline - loop.time()
        if left <= 0:
            raise AssertionError(f"no diagnostics as expected for {uri}; last: {got!r}")
        try:
            await asyncio.wait_for(client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), left)
        except asyncio.TimeoutError:
            pass


def codes(diags: list[lsp.Diagnostic]) -> list[str]:
    return [str(d.code) for d in diags if d.code]


def width(text: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    if encoding == "utf-32":
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def offset(text: str, pos: lsp.Position, encoding: str) -> int:
    lines = text.split("\n")
    start = sum(len(line) + 1 for line in lines[: pos.line])
    line = lines[pos.line] if pos.line < len(lines) else ""
    if encoding == "utf-8":
        return start + len(line.encode("utf-8")[: pos.character].decode("utf-8"))
    if encoding == "utf-32":
        return start + pos.character
    return start + len(line.encode("utf-16-le")[: 2 * pos.character].decode("utf-16-le"))


def apply(text: str, edits: list[lsp.TextEdit], encoding: str = "utf-16") -> str:
    spans = sorted(((offset(text, e.range.start, encoding), offset(text, e.range.end, encoding), e.new_text) for e in edits), reverse=True)
    for a, b, new in spans:
        text = text[:a] + new + text[b:]
    return text


def edits_of(action: lsp.CodeAction, uri: str) -> list[lsp.TextEdit]:
    assert action.edit is not None and action.edit.changes is not None
    return list(action.edit.changes[uri])


def change(client: LanguageClient, uri: str, text: str, version: int) -> None:
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


async def actions(client: LanguageClient, uri: str, rng: lsp.Range, only: list[str] | None = None) -> list[lsp.CodeAction]:
    got = await client.text_document_code_action_async(
        lsp.CodeActionParams(text_document=lsp.TextDocumentIdentifier(uri=uri), range=rng, context=lsp.CodeActionContext(diagnostics=[], only=only))
    )
    return [a for a in got or [] if isinstance(a, lsp.CodeAction)]


# -- diagnostics --------------------------------------------------------------------


async def test_pushes_diagnostics_on_open_change_and_save(client: LanguageClient, tmp_path: Path) -> None:
    await start(client, tmp_path)
    text = "# Notes\n\nThe renewal called again and is upset.\n"
    uri = open_doc(client, tmp_path / "notes.md", text)
    diags = await until(client, uri, lambda d: bool(d))
    (d,) = diags
    assert d.code == "HL101" and d.source == "humanize-lint"
    assert d.severity == lsp.DiagnosticSeverity.Warning
    assert d.code_description is not None and d.code_description.href.endswith("#hl101-thing-as-person")
    assert "renewal" in d.message and "as a person" in d.message
    assert (d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character) == (2, 0, 2, 11)

    change(client, uri, "# Notes\n\nThe renewal is due in March.\n", 2)
    await until(client, uri, lambda d: not d)

    change(client, uri, "# Notes\n\nThe renewal is due.\nThe cancellation phoned twice.\n", 3)
    diags = await until(client, uri, lambda d: len(d) == 1 and d[0].range.start.line == 3)
    client.text_document_did_save(lsp.DidSaveTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri=uri)))
    client.diagnostics.pop(uri)
    diags = await until(client, uri, lambda d: len(d) == 1)
    assert codes(diags) == ["HL101"]


async def test_rapid_edits_end_on_the_newest_text(client: LanguageClient, tmp_path: Path) -> None:
    await start(client, tmp_path)
    uri = open_doc(client, tmp_path / "a.md", "Hello.\n")
    await until(client, uri, lambda d: not d)
    for v in range(2, 30):
        change(client, uri, "Hello.\n" + "The renewal called.\n" * (v % 3), v)
    change(client, uri, "The renewal called.\nThe escalation is upset.\n", 30)
    diags = await until(client, uri, lambda d: len(d) == 2)
    assert [d.range.start.line for d in diags] == [0, 1]


async def test_a_change_whose_range_ends_before_it_starts_has_its_ends_swapped(client: LanguageClient, tmp_path: Path) -> None:
    """As the reference implementation takes it (vscode-languageserver-textdocument); applied
    as it was, the change copied text into the document ('The renewae renewal ...')."""
    await start(client, tmp_path)
    uri = open_doc(client, tmp_path / "a.md", "The renewal called about the QBR.\n")
    await until(client, uri, lambda d: len(d) == 2)
    reversed_range = lsp.Range(start=lsp.Position(line=0, character=10), end=lsp.Position(line=0, character=2))
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[lsp.TextDocumentContentChangePartial(range=reversed_range, text="")],
        )
    )
    diags = await until(client, uri, lambda d: len(d) == 1)  # "Thl called about the QBR."
    assert codes(diags) == ["HL301"] and diags[0].range.start.character == 21


async def test_pull_diagnostics(client: LanguageClient, tmp_path: Path) -> None:
    await start(client, tmp_path, spec=PULL)
    uri = open_doc(client, tmp_path / "p.md", "The renewal called again.\n")
    report = await client.text_document_diagnostic_async(lsp.DocumentDiagnosticParams(text_document=lsp.TextDocumentIdentifier(uri=uri)))
    assert isinstance(report, lsp.RelatedFullDocumentDiagnosticReport)
    assert codes(list(report.items)) == ["HL101"] and report.result_id
    again = await client.text_document_diagnostic_async(lsp.DocumentDiagnosticParams(text_document=lsp.TextDocumentIdentifier(uri=uri), previous_result_id=report.result_id))
    assert isinstance(again, lsp.RelatedUnchangedDocumentDiagnosticReport)
    change(client, uri, "The renewal is due.\n", 2)
    after = await client.text_document_diagnostic_async(lsp.DocumentDiagnosticParams(text_document=lsp.TextDocumentIdentifier(uri=uri), previous_result_id=report.result_id))
    assert isinstance(after, lsp.RelatedFullDocumentDiagnosticReport) and list(after.items) == []
    assert uri not in client.diagnostics  # a client that pulls gets nothing pushed


# -- code actions -------------------------------------------------------------------


async def test_quick_fix_with_customer_setting_and_disable_comment(client: LanguageClient, tmp_path: Path) -> None:
    client.set_configuration({"customer": "Maria Garcia"}, section="humanize-lint")
    await start(client, tmp_path)
    text = "Call notes.\n\nThe renewal called again.  \nShe wants a refund.\n"
    uri = open_doc(client, tmp_path / "c.md", text)
    (d,) = await until(client, uri, lambda d: len(d) == 1)
    got = await actions(client, uri, d.range)
    preferred = [a for a in got if a.is_preferred]
    assert len(preferred) == 1 and preferred[0].kind == lsp.CodeActionKind.QuickFix
    assert preferred[0].title == "Replace 'The renewal' with 'Maria Garcia'"
    fixed = apply(text, edits_of(preferred[0], uri))
    assert fixed == "Call notes.\n\nMaria Garcia called again.  \nShe wants a refund.\n"
    change(client, uri, fixed, 2)
    await until(client, uri, lambda d: not d)

    change(client, uri, text, 3)
    (d,) = await until(client, uri, lambda d: len(d) == 1)
    disable = [a for a in await actions(client, uri, d.range) if a.title == "Disable HL101 for this line"]
    assert len(disable) == 1
    silenced = apply(text, edits_of(disable[0], uri))
    assert silenced == "Call notes.\n\nThe renewal called again. <!-- humanize-lint disable-line HL101 -->  \nShe wants a refund.\n"
    change(client, uri, silenced, 4)
    await until(client, uri, lambda d: not d)


async def test_html_page_diagnostics_quick_fix_and_disable_comment(client: LanguageClient, tmp_path: Path) -> None:
    """An HTML page is linted as its visible text: nothing from the head or from code; the
    quick fix writes HTML ("Smith &amp; Co"), the disable comment is an HTML comment."""
    client.set_configuration({"customer": "Smith & Co"}, section="humanize-lint")
    await start(client, tmp_path)
    text = "<html><head><title>The renewal called</title></head><body>\n<p>The renewal called again.</p>\n<pre>The refund called.</pre>\n</body></html>\n"
    uri = open_doc(client, tmp_path / "page.html", text, language="html")
    (d,) = await until(client, uri, lambda d: len(d) == 1)
    assert d.code == "HL101" and (d.range.start.line, d.range.start.character, d.range.end.character) == (1, 3, 14)
    preferred = [a for a in await actions(client, uri, d.range) if a.is_preferred]
    assert len(preferred) == 1
    fixed = apply(text, edits_of(preferred[0], uri))
    assert "<p>Smith &amp; Co called again.</p>" in fixed
    disable = [a for a in await actions(client, uri, d.range) if a.title == "Disable HL101 for this line"]
    silenced = apply(text, edits_of(disable[0], uri))
    assert "<p>The renewal called again.</p> <!-- humanize-lint disable-line HL101 -->\n" in silenced
    change(client, uri, silenced, 2)
    await until(client, uri, lambda d: not d)


async def test_plain_text_disable_comment_and_suggestions_without_a_name(client: LanguageClient, tmp_path: Path) -> None:
    await start(client, tmp_path)
    text = "The renewal called again.\n"
    uri = open_doc(client, tmp_path / "t.txt", text, language="plaintext")
    (d,) = await until(client, uri, lambda d: len(d) == 1)
    got = await actions(client, uri, d.range)
    assert not any(a.is_preferred for a in got)  # no name: no fix is safe
    assert "Replace 'The renewal' with 'The customer'" in [a.title for a in got]
    (disable,) = [a for a in got if a.title.startswith("Disable")]
    silenced = apply(text, edits_of(disable, uri))
    assert silenced == "The renewal called again.  humanize-lint: disable-line=HL101\n"
    change(client, uri, silenced, 2)
    await until(client, uri, lambda d: not d)


async def test_fix_all(client: LanguageClient, tmp_path: Path) -> None:
    await start(client, tmp_path, options={"customer": "Maria Garcia"})
    text = "The renewal called again.\n\nLater the cancellation phoned back.\n"
    uri = open_doc(client, tmp_path / "f.md", text)
    await until(client, uri, lambda d: len(d) == 2)
    whole = lsp.Range(start=lsp.Position(0, 0), end=lsp.Position(3, 0))
    got = await actions(client, uri, whole, only=[lsp.CodeActionKind.SourceFixAll])
    assert [a.kind for a in got] == ["source.fixAll.humanize-lint"]
    assert apply(text, edits_of(got[0], uri)) == "Maria Garcia called again.\n\nLater Maria Garcia phoned back.\n"
    assert await actions(client, uri, whole, only=[lsp.CodeActionKind.SourceOrganizeImports]) == []


# -- hover --------------------------------------------------------------------------


async def test_hover_explains_the_rule(client: LanguageClient, tmp_path: Path) -> None:
    await start(client, tmp_path)
    uri = open_doc(client, tmp_path / "h.md", "Yes. The renewal called again.\n")
    (d,) = await until(client, uri, lambda d: len(d) == 1)
    got = await client.text_document_hover_async(lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(0, 8)))
    assert got is not None and isinstance(got.contents, lsp.MarkupContent)
    assert got.contents.kind == lsp.MarkupKind.Markdown
    value = got.contents.value
    assert value.startswith("**HL101** (thing-as-person, warning):")
    assert "## HL101 thing-as-person" in value and "### Why" in value and "### Flagged" in value
    assert got.range == d.range
    none = await client.text_document_hover_async(lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(0, 1)))
    assert none is None


# -- positions ----------------------------------------------------------------------

LINE = "😀 日本語 e\u0301. The renewal called again. 👍🏽 ok."


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8"])
async def test_positions_in_the_negotiated_encoding(client: LanguageClient, tmp_path: Path, encoding: str) -> None:
    offered = None if encoding == "utf-16" else ["utf-8", "utf-16"]
    await start(client, tmp_path, encodings=offered, options={"customer": "Maria Garcia"})
    text = "Intro.\n\n" + LINE + "\n"
    uri = open_doc(client, tmp_path / "u.md", text)
    (d,) = await until(client, uri, lambda d: len(d) == 1)
    before = LINE[: LINE.index("The renewal")]
    assert d.range.start == lsp.Position(2, width(before, encoding))
    assert d.range.end == lsp.Position(2, width(before + "The renewal", encoding))
    # The fix replaces exactly those characters, counted the client's way.
    (fix,) = [a for a in await actions(client, uri, d.range) if a.is_preferred]
    assert apply(text, edits_of(fix, uri), encoding) == text.replace("The renewal", "Maria Garcia")
    # A hover inside the span (after the astral and combining characters) finds it.
    got = await client.text_document_hover_async(lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(2, d.range.start.character + 4)))
    assert got is not None and got.range == d.range


# -- configuration ------------------------------------------------------------------


async def test_closest_config_per_document_and_reload_on_change(client: LanguageClient, tmp_path: Path) -> None:
    quiet = tmp_path / "quiet"
    quiet.mkdir()
    cfg = quiet / ".humanize-lint.yaml"
    cfg.write_text("ignore: [HL101]\n", encoding="utf-8")
    await start(client, tmp_path)
    text = "The renewal called again.\n"
    loud_uri = open_doc(client, tmp_path / "loud.md", text)
    quiet_uri = open_doc(client, quiet / "quiet.md", text)
    await until(client, loud_uri, lambda d: codes(d) == ["HL101"])
    await until(client, quiet_uri, lambda d: not d)
    (reg,) = client.registrations  # type: ignore[attr-defined]
    assert reg.method == lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES
    assert "**/.humanize-lint.yaml" in [w["globPattern"] for w in reg.register_options["watchers"]]

    cfg.write_text("ignore: [HL301]\n", encoding="utf-8")
    client.diagnostics.pop(quiet_uri)
    client.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams(changes=[lsp.FileEvent(uri=cfg.as_uri(), type=lsp.FileChangeType.Changed)]))
    await until(client, quiet_uri, lambda d: codes(d) == ["HL101"])

    cfg.write_text("ignore: [HL9999\n", encoding="utf-8")  # broken: the error shows, nothing crashes
    client.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams(changes=[lsp.FileEvent(uri=cfg.as_uri(), type=lsp.FileChangeType.Changed)]))
    diags = await until(client, quiet_uri, lambda d: any(x.severity == lsp.DiagnosticSeverity.Error for x in d))
    assert ".humanize-lint.yaml" in diags[0].message


async def test_a_glossary_page_changed_or_saved_relints_every_document(client: LanguageClient, tmp_path: Path) -> None:
    """``acronyms.glossary``: when the glossary page changes on disk (a watched file) or is
    saved in the editor, every open document is linted again with its definitions."""
    glossary = tmp_path / "glossary.md"
    glossary.write_text("# Glossary\n\n- **QBR**: quarterly business review\n", encoding="utf-8")
    (tmp_path / ".humanize-lint.yaml").write_text("acronyms:\n  glossary: [glossary.md]\n", encoding="utf-8")
    await start(client, tmp_path)
    uri = open_doc(client, tmp_path / "page.md", "Book the QBR and the MBR.\n")
    await until(client, uri, lambda d: [x.message.split("'")[1] for x in d] == ["MBR"])
    (reg,) = client.registrations  # type: ignore[attr-defined]
    assert "**/*.md" in [w["globPattern"] for w in reg.register_options["watchers"]]

    glossary.write_text("# Glossary\n\n- **QBR**: quarterly business review\n- **MBR**: monthly business review\n", encoding="utf-8")
    client.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams(changes=[lsp.FileEvent(uri=glossary.as_uri(), type=lsp.FileChangeType.Changed)]))
    await until(client, uri, lambda d: not d)

    glossary.write_text("# Glossary\n", encoding="utf-8")
    g_uri = open_doc(client, glossary, "# Glossary\n")
    client.text_document_did_save(lsp.DidSaveTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri=g_uri)))
    await until(client, uri, lambda d: [x.message.split("'")[1] for x in d] == ["QBR", "MBR"])


async def test_settings_select_and_per_folder_customer(client: LanguageClient, tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    client.set_configuration({"customer": "Ana Lima"}, section="humanize-lint", scope_uri=one.as_uri())
    client.set_configuration({"customer": "Bo Chen", "select": ["HL301"]}, section="humanize-lint", scope_uri=two.as_uri())
    await start(client, tmp_path, folders=[one, two])
    text = "The renewal called again about the QBR.\n"
    uri1 = open_doc(client, one / "a.md", text)
    uri2 = open_doc(client, two / "b.md", text)
    d1 = await until(client, uri1, lambda d: "HL101" in codes(d))
    d2 = await until(client, uri2, lambda d: bool(d))
    assert codes(d2) == ["HL301"]  # select from the folder's settings
    (fix,) = [a for a in await actions(client, uri1, d1[0].range) if a.is_preferred]
    assert apply(text, edits_of(fix, uri1)).startswith("Ana Lima called")

    # Settings change: the server asks again and re-lints.
    client.set_configuration({"customer": "Bo Chen"}, section="humanize-lint", scope_uri=two.as_uri())
    client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings=None))
    await until(client, uri2, lambda d: "HL101" in codes(d))


async def test_workspace_folders_added_and_removed(client: LanguageClient, tmp_path: Path) -> None:
    """A folder added later gets its own settings (the server asks for them and re-lints);
    removed again, its documents fall back to the settings without a folder."""
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    client.set_configuration({"select": ["HL301"]}, section="humanize-lint", scope_uri=two.as_uri())
    await start(client, tmp_path, folders=[one])
    text = "The renewal called again about the QBR.\n"
    uri = open_doc(client, two / "b.md", text)
    await until(client, uri, lambda d: "HL101" in codes(d))  # no folder: every rule
    client.workspace_did_change_workspace_folders(
        lsp.DidChangeWorkspaceFoldersParams(event=lsp.WorkspaceFoldersChangeEvent(added=[lsp.WorkspaceFolder(uri=two.as_uri(), name="two")], removed=[]))
    )
    got = await until(client, uri, lambda d: bool(d) and "HL101" not in codes(d))
    assert codes(got) == ["HL301"]  # the added folder's settings
    client.workspace_did_change_workspace_folders(
        lsp.DidChangeWorkspaceFoldersParams(event=lsp.WorkspaceFoldersChangeEvent(added=[], removed=[lsp.WorkspaceFolder(uri=two.as_uri(), name="two")]))
    )
    await until(client, uri, lambda d: "HL101" in codes(d))

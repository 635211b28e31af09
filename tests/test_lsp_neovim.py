"""The language server in a real editor: Neovim (Debian's package), headless, with
its built-in LSP client attached to ``humanize-lint server``.

Neovim opens a Markdown file, receives the diagnostics, asks for code
actions on the finding, applies the preferred quick fix through its own
``apply_workspace_edit`` (so the edit's positions are read by Neovim's
UTF-16 code, not ours) and waits for the diagnostics to clear. The Lua
script writes what happened to a JSON file that the test reads. Skips with
the reason when ``nvim`` is not installed (``.ci/run`` installs it as root).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pygls", reason="the language server needs pygls (pip install -e '.[lsp]')")

pytestmark = [pytest.mark.lsp, pytest.mark.slow]

NVIM = shutil.which("nvim")

SCRIPT = r"""
local out = {}
local function finish()
  local f = io.open(vim.env.HL_OUT, "w")
  f:write(vim.fn.json_encode(out))
  f:close()
  vim.cmd("qall!")
end

local ok, err = pcall(function()
  out.version = vim.version().major .. "." .. vim.version().minor .. "." .. vim.version().patch
  vim.cmd("edit " .. vim.fn.fnameescape(vim.env.HL_FILE))
  local bufnr = vim.api.nvim_get_current_buf()
  local client_id = vim.lsp.start_client({
    name = "humanize-lint",
    cmd = vim.fn.json_decode(vim.env.HL_CMD),
    root_dir = vim.env.HL_ROOT,
    settings = { ["humanize-lint"] = { customer = "Maria Garcia" } },
    -- What nvim-lspconfig does for every server: send the settings once started.
    on_init = function(client)
      client.notify("workspace/didChangeConfiguration", { settings = client.config.settings })
    end,
  })
  out.attached = vim.lsp.buf_attach_client(bufnr, client_id)

  out.waited = vim.wait(60000, function() return #vim.diagnostic.get(bufnr) > 0 end, 50)
  out.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(out.diagnostics, { lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
      code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code), message = d.message,
      severity = d.severity, source = d.source })
  end
  local first = vim.diagnostic.get(bufnr)[1]
  vim.api.nvim_win_set_cursor(0, { first.lnum + 1, first.col })
  local params = vim.lsp.util.make_range_params()
  params.context = { diagnostics = {} }
  local results = vim.lsp.buf_request_sync(bufnr, "textDocument/codeAction", params, 30000)
  out.actions = {}
  local chosen = nil
  for _, res in pairs(results or {}) do
    for _, action in ipairs(res.result or {}) do
      table.insert(out.actions, { title = action.title, kind = action.kind, preferred = action.isPreferred or false })
      if action.isPreferred then chosen = action end
    end
  end
  if chosen then
    vim.lsp.util.apply_workspace_edit(chosen.edit, vim.lsp.get_client_by_id(client_id).offset_encoding or "utf-16")
  end
  out.cleared = vim.wait(60000, function() return #vim.diagnostic.get(bufnr) == 0 end, 50)
  out.lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  vim.lsp.stop_client(client_id)
end)
if not ok then out.error = tostring(err) end
finish()
"""


@pytest.mark.skipif(NVIM is None, reason="nvim is not installed (Debian package 'neovim'; .ci/run installs it when it runs as root)")
def test_neovim_receives_diagnostics_and_applies_a_quick_fix(tmp_path: Path) -> None:
    assert NVIM is not None
    doc = tmp_path / "notes.md"
    doc.write_text("# Call notes\n\n日本語 👍🏽 ok. The renewal called again and is upset.\n", encoding="utf-8")
    script = tmp_path / "client.lua"
    script.write_text(SCRIPT, encoding="utf-8")
    out = tmp_path / "out.json"
    env = dict(
        os.environ,
        HL_FILE=str(doc),
        HL_ROOT=str(tmp_path),
        HL_OUT=str(out),
        HL_CMD=json.dumps([sys.executable, "-m", "humanize_lint", "server"]),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_STATE_HOME=str(tmp_path / "state"),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
    )
    proc = subprocess.run([NVIM, "--headless", "--clean", "-n", "-i", "NONE", "-c", f"luafile {script}"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=240)
    assert out.exists(), f"nvim wrote no result (exit {proc.returncode}): {proc.stderr[-2000:]}"
    got = json.loads(out.read_text(encoding="utf-8"))
    assert "error" not in got, got["error"]
    assert got["attached"] and got["waited"], got
    (d,) = got["diagnostics"]
    line = "日本語 👍🏽 ok. The renewal called again and is upset."
    start = len(line[: line.index("The renewal")].encode("utf-16-le")) // 2
    # Neovim converts the server's UTF-16 columns to byte columns in the buffer.
    byte_col = len(line[: line.index("The renewal")].encode("utf-8"))
    assert (d["lnum"], d["col"], d["end_col"]) == (2, byte_col, byte_col + len("The renewal")), (d, start)
    assert d["code"] == "HL101" and d["source"] == "humanize-lint" and d["severity"] == 2  # vim.diagnostic.severity.WARN
    titles = [a["title"] for a in got["actions"]]
    assert "Replace 'The renewal' with 'Maria Garcia'" in titles and "Disable HL101 for this line" in titles
    assert got["cleared"], got
    assert got["lines"] == ["# Call notes", "", "日本語 👍🏽 ok. Maria Garcia called again and is upset."]

"""The HTML report in a real browser: headless Chromium driven over the DevTools protocol.

Renders the report of each export in ``examples/exports/`` (and of a small
export spanning three months), opens it in Debian's ``chromium`` and checks,
from inside the page, that every chart was drawn as SVG with the expected
number of bars or points, that the findings table filters and pages, and
that loading the page made no network request (the DevTools Network domain
sees every request, the page's own ``file://`` load included).

Skips with a reason where Chromium or websocket-client is missing; CI
installs both and sets ``HUMANIZE_LINT_REQUIRE_BROWSER=1``, which turns the
skip into a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any, Iterator

import pytest

from conftest import REPO, run_cli

pytestmark = pytest.mark.browser

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions", "--remote-allow-origins=*"]


def _need(reason: str) -> None:
    if os.environ.get("HUMANIZE_LINT_REQUIRE_BROWSER"):
        pytest.fail(f"{reason} (HUMANIZE_LINT_REQUIRE_BROWSER is set)")
    pytest.skip(reason)


def chromium_path() -> str | None:
    """Debian's chromium (or another Chromium-based browser on PATH)."""
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


class Browser:
    """One headless Chromium with a fresh profile, and one page target spoken to over CDP."""

    def __init__(self, exe: str) -> None:
        import websocket

        self.profile = tempfile.mkdtemp(prefix="humanize-lint-chromium-")
        self.proc = subprocess.Popen([exe, *FLAGS, f"--user-data-dir={self.profile}", "--remote-debugging-port=0", "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = Path(self.profile) / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.exists() and port_file.read_text().strip()):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.close()
                raise RuntimeError("chromium did not open its DevTools port")
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as resp:  # loopback only
            pages = [t for t in json.load(resp) if t.get("type") == "page"]
        self.ws = websocket.create_connection(pages[0]["webSocketDebuggerUrl"], timeout=30, suppress_origin=True)
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        """Send one command and wait for its answer; events that arrive meanwhile are kept."""
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return dict(msg.get("result", {}))
            if "method" in msg:
                self.events.append(msg)

    def wait_for(self, event: str, timeout: float = 30) -> None:
        """Wait until ``event`` has arrived."""
        deadline = time.monotonic() + timeout
        while not any(e["method"] == event for e in self.events):
            if time.monotonic() > deadline:
                raise TimeoutError(event)
            self.events.append(json.loads(self.ws.recv()))

    def evaluate(self, expression: str) -> Any:
        """The JSON value of a script run in the page."""
        out = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in out:
            raise RuntimeError(out["exceptionDetails"])
        return out["result"].get("value")

    def close(self) -> None:
        """Stop the browser and remove its profile."""
        ws = getattr(self, "ws", None)
        if ws is not None:
            ws.close()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    exe = chromium_path()
    if exe is None:
        _need("headless Chromium is not installed (Debian: apt-get install chromium)")
    try:
        import websocket  # noqa: F401
    except ImportError:
        _need("websocket-client is not installed (pip install -e '.[dev]')")
    try:
        import vl_convert  # noqa: F401
    except ImportError:
        _need("vl-convert-python is not installed (pip install -e '.[report]')")
    b = Browser(exe)  # type: ignore[arg-type]
    try:
        yield b
    finally:
        b.close()


# What the page reports about itself: per chart, its SVG and the marks Vega drew.
PROBE = """(() => {
  const out = {};
  for (const fig of document.querySelectorAll('figure.chart')) {
    const svg = fig.querySelector('svg');
    const count = (sel) => svg ? svg.querySelectorAll(sel).length : 0;
    out[fig.id] = {
      svg: !!svg,
      width: svg ? svg.getBoundingClientRect().width : 0,
      height: svg ? svg.getBoundingClientRect().height : 0,
      bars: count('g.mark-rect.role-mark path'),
      points: count('g.mark-symbol.role-mark path'),
      lines: count('g.mark-line.role-mark path'),
      label: svg ? svg.getAttribute('aria-label') : null,
      described: svg ? !!document.getElementById(svg.getAttribute('aria-describedby') || '-') : false,
    };
  }
  return {charts: out, resources: performance.getEntriesByType('resource').length,
          rows: document.querySelectorAll('#t-findings tbody tr').length,
          info: (document.getElementById('f-count') || {}).textContent};
})()"""


def _open(browser: Browser, page: Path) -> dict[str, Any]:
    browser.events.clear()
    browser.call("Network.enable")
    browser.call("Page.enable")
    browser.call("Page.navigate", url=page.as_uri())
    browser.wait_for("Page.loadEventFired")
    state = browser.evaluate(PROBE)
    requests = [e["params"]["request"]["url"] for e in browser.events if e["method"] == "Network.requestWillBeSent"]
    assert requests == [page.as_uri()], f"the page made requests: {requests}"
    assert state["resources"] == 0
    return dict(state)


def _report(tmp_path: Path, name: str, *args: str) -> tuple[Path, dict[str, Any]]:
    html = tmp_path / f"{name}.html"
    proc = run_cli("check", *args, "--format", "html", "-o", html, "--exit-zero", cwd=REPO / "examples")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(run_cli("check", *args, "--format", "json", "--exit-zero", cwd=REPO / "examples").stdout)
    return html, {**data["summary"], "_findings": data["findings"]}


EXPORTS = {
    "zendesk": ("exports/zendesk-tickets.csv", "--text-field", "subject,description", "--id-field", "id", "--name-field", "requester_name", "--group-by", "team", "--date-field", "created_at"),
    "freshdesk": ("exports/freshdesk-tickets.json", "--records-key", "tickets", "--text-field", "subject,description_html", "--id-field", "id", "--name-field", "requester.name", "--group-by", "responder", "--date-field", "created_at:week"),
}


@pytest.mark.parametrize("name", list(EXPORTS))
def test_example_export_report_draws_every_chart_and_requests_nothing(browser: Browser, tmp_path: Path, name: str) -> None:
    html, summary = _report(tmp_path, name, *EXPORTS[name])
    state = _open(browser, html)
    charts = state["charts"]
    assert set(charts) == {"chart-groups", "chart-trend", "chart-trend-groups", "chart-phrases"}
    for chart_id, c in charts.items():
        assert c["svg"] and c["width"] > 100 and c["height"] > 50, chart_id
        assert c["label"] and c["described"], chart_id
    # One bar per group, one per top phrase; one point per period and category.
    assert charts["chart-groups"]["bars"] == len(summary["groups"])
    assert charts["chart-phrases"]["bars"] == len(summary["top_phrases"])
    periods, categories = summary["periods"], summary["by_category"]
    assert charts["chart-trend"]["points"] == len(periods) * len(categories)
    assert charts["chart-trend"]["lines"] == len(categories)
    assert state["rows"] == summary["findings"]
    assert state["info"] == f"{summary['findings']} of {summary['findings']} findings"


def test_trend_over_months_and_the_findings_table_in_the_browser(browser: Browser, tmp_path: Path) -> None:
    notes = [
        ("2025-01-14", "north", "The renewal called about the price again."),
        ("2025-01-20", "south", "Spoke to Maria about her router."),
        ("2025-02-03", "north", "Acct 4471-22 is upset about the bill."),
        ("2025-02-11", "south", "The renewal wants a callback."),
        ("2025-02-25", "south", "Sent the new contract to Tom."),
        ("2025-03-04", "north", "Booked an engineer for Friday."),
        ("2025-03-19", "south", "The install called twice this morning."),
    ]
    export = tmp_path / "notes.jsonl"
    export.write_text("".join(json.dumps({"id": i + 1, "created": d, "team": t, "customer": "Maria Garcia", "body": b}) + "\n" for i, (d, t, b) in enumerate(notes)), encoding="utf-8")
    args = (str(export), "--text-field", "body", "--id-field", "id", "--name-field", "customer", "--group-by", "team", "--date-field", "created")
    html, summary = _report(tmp_path, "months", *args)
    assert list(summary["periods"]) == ["2025-01", "2025-02", "2025-03"]
    state = _open(browser, html)
    trend = state["charts"]["chart-trend"]
    assert trend["points"] == 3 * len(summary["by_category"]) and trend["lines"] == len(summary["by_category"])
    # Two teams, each with records in all three months: three points per team line.
    assert state["charts"]["chart-trend-groups"]["points"] == 6
    assert state["charts"]["chart-groups"]["bars"] == 2
    # The table filters in the browser: the filter an example's record link sets shows only that record's findings.
    record = summary["_findings"][-1]["record"]
    expected = sum(1 for f in summary["_findings"] if f["record"] == record)
    shown = browser.evaluate(
        "(() => { const q = document.getElementById('f-text'); q.value = 'record:%s'; q.dispatchEvent(new Event('input'));"
        " return new Promise(r => setTimeout(() => r(document.querySelectorAll('#t-findings tbody tr').length), 400)); })()" % record
    )
    assert shown == expected
    assert state["rows"] == summary["findings"]
    # Sorting: a second click on a header sorts descending.
    records = browser.evaluate(
        "(() => { document.getElementById('f-clear').click(); const b = document.querySelector('#t-findings th[data-col=record] button');"
        " b.click(); b.click(); return [...document.querySelectorAll('#t-findings tbody tr td:first-child')].map(td => td.textContent); })()"
    )
    assert records == sorted(records, key=int, reverse=True) and len(records) == summary["findings"]

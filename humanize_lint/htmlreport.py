"""The coaching report (``--format html``): one self-contained HTML page.

It owns what the page shows and how it is collected while findings stream:
headline figures by category, findings per 100 records by group, the trend
by month or week, top phrases with their share, a few real example
sentences per top phrase with the suggested rewrite, and a findings table
that filters, sorts and pages in the browser. It must not hold every
finding: examples are capped per phrase (and the phrases that keep examples
are pruned to the most frequent), table rows are spooled to a temporary
file up to ``MAX_ROWS``, and the counts come from ``Report.summary``.

Charts are Vega-Lite specifications rendered to inline SVG by
``vl-convert-python`` (the Vega runtime, bundled in that package, runs
offline at report time), so the page needs no script to show them and makes
no request. The page's Content-Security-Policy forbids every fetch anyway.
"""

from __future__ import annotations

import datetime
import html
import json
import os
import re
import tempfile
from collections import Counter
from typing import Any, Mapping, Sequence, TextIO

from .lazyre import lazy
from . import __version__
from .model import Finding, HumanizeLintError, Report, Unit, _phrase_key

MAX_ROWS = 20_000  # findings kept for the table (in input order); the figures count all
ROWS_PER_PAGE = 50  # rows rendered in the page as written (the script pages through the rest)
EXAMPLES_PER_PHRASE = 3
EXAMPLE_PHRASES = 200  # phrases that keep examples while streaming (pruned to the most frequent)
TOP_PHRASES = 10
MAX_GROUPS_CHARTED = 30
TREND_GROUPS = 5
CONTEXT = 90  # characters of the sentence kept on each side of a finding
TABLE_CONTEXT = 50

# Okabe & Ito's palette, safe for the common colour-vision deficiencies; yellow last
# (weak on white). Lines also differ by dash and point shape, for print in grey.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#E69F00", "#000000", "#F0E442"]
BAR_COLOUR = "#0072B2"
CHART_WIDTH = 560

_EMAIL = lazy(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Phone numbers: seven or more digits with the usual separators, optionally a leading +.
_PHONE = lazy(r"(?<![\w+])\+?\(?\d[\d ().-]{5,}\d(?!\w)")
_SENTENCE_END = lazy(r"[.!?](?=\s)|\n")
_NAME_PREFIX = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "madam"}


def check_charts() -> None:
    """A one-line error naming the extra to install when the chart renderer is missing.

    Only looks the module up: loading it (its JavaScript runtime, some 30 MB) waits
    until the page is written, after the workers have gone.
    """
    import importlib.util

    try:
        found = importlib.util.find_spec("vl_convert") is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        raise HumanizeLintError(_MISSING)


def load_charts() -> Any:
    """The chart renderer (``vl_convert``)."""
    try:
        import vl_convert
    except ImportError:
        raise HumanizeLintError(_MISSING) from None
    return vl_convert


_MISSING = "--format html needs the 'report' extra: pip install 'humanize-lint[report]' (vl-convert-python)"


def redact(text: str, names: Sequence[str]) -> str:
    """``text`` with e-mail addresses, phone numbers and these names replaced."""
    text = _EMAIL.sub("[e-mail]", text)
    text = _PHONE.sub(lambda m: "[phone]" if sum(c.isdigit() for c in m.group()) >= 7 else m.group(), text)
    for name in names:
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", "[customer]", text)
    return text


def name_parts(customer: str | None) -> list[str]:
    """A customer's name and its words (longest first), as redaction replaces them."""
    if not customer:
        return []
    words = [w.strip(".,") for w in customer.split()]
    parts = {customer.strip()} | {w for w in words if len(w) > 1 and w.lower() not in _NAME_PREFIX}
    return sorted(parts, key=len, reverse=True)


def _squash(text: str) -> str:
    return " ".join(text.split())


def _context(text: str, start: int, end: int, reach: int) -> tuple[str, str]:
    """The sentence around ``text[start:end]``: what comes before and after, cut at ``reach``."""
    lo = max(0, start - reach)
    before = text[lo:start]
    cut = None
    for m in _SENTENCE_END.finditer(before):
        cut = m.end()
    if cut is not None:
        before = before[cut:]
    elif lo > 0:
        before = "…" + before.split(" ", 1)[-1]
    hi = min(len(text), end + reach)
    after = text[end:hi]
    m = _SENTENCE_END.search(after)
    if m is not None:
        after = after[: m.end()] if m.group() != "\n" else after[: m.start()]
    elif hi < len(text):
        after = after.rsplit(" ", 1)[0] + "…"
    b, a = _squash(before), _squash(after)
    if before[-1:].isspace() and b:
        b += " "
    if after[:1].isspace() and a:
        a = " " + a
    return b, a


class HtmlReport:
    """Collects while findings stream, then writes the page."""

    def __init__(self, out: TextIO) -> None:
        check_charts()
        self.out = out
        self.charts: Any = None
        self.redact = False
        self.rows = 0
        self.total = 0
        self.spool = tempfile.TemporaryFile("w+", encoding="utf-8", errors="backslashreplace", prefix="humanize-lint-rows-")  # (a lone surrogate: a JSON escape)
        # phrase key -> [count seen while holding, examples]
        self.examples: dict[str, list[Any]] = {}
        self.has_group = False
        self.has_period = False
        self.outside_records = 0  # findings in plain files, next to findings in records

    # -- collecting --------------------------------------------------------------

    def add(self, findings: Sequence[Finding], units: Mapping[int, Unit] | None) -> None:
        """Keep what the page needs of these findings: a table row and maybe an example."""
        for f in findings:
            self.total += 1
            if f.record is None:
                self.outside_records += 1
            unit = units.get(id(f)) if units else None
            meta = unit.meta if unit is not None else {}
            group, period = meta.get("group"), meta.get("period")
            self.has_group = self.has_group or group is not None
            self.has_period = self.has_period or period is not None
            key = _phrase_key(f.text)
            held = self.examples.get(key)
            want_example = held is None or len(held[1]) < EXAMPLES_PER_PHRASE
            if self.rows >= MAX_ROWS and not want_example:
                if held is not None:
                    held[0] += 1
                continue
            names = name_parts(unit.customer if unit is not None else None) if self.redact else []
            clean = (lambda s: redact(s, names)) if self.redact else (lambda s: s)
            suggestion = clean(f.suggestions[0]) if f.suggestions else ""
            if self.rows < MAX_ROWS:
                before, after = _context(unit.text, f.start, f.end, TABLE_CONTEXT) if unit is not None else ("", "")
                row = [f.record, group, period, f.rule.code, f.rule.category, f.severity.label, clean(f.text), suggestion, clean(before), clean(after), f.path, f.start_pos.line, f.start_pos.column]
                self.spool.write(json.dumps(row, ensure_ascii=False) + "\n")
                self.rows += 1
            if held is None:
                held = self.examples[key] = [0, []]
                if len(self.examples) > 2 * EXAMPLE_PHRASES:
                    self._prune()
            held[0] += 1
            if want_example and key in self.examples and not any(e["record"] == f.record and e["path"] == f.path for e in held[1]):
                before, after = _context(unit.text, f.start, f.end, CONTEXT) if unit is not None else ("", "")
                before, after = clean(before), clean(after)
                if any(e["before"] == before and e["after"] == after for e in held[1]):
                    continue  # the same sentence again (a template, a pasted macro): show another
                customer = unit.customer if unit is not None else None
                held[1].append(
                    {
                        "record": f.record,
                        "path": f.path,
                        "line": f.start_pos.line,
                        "field": f.field,
                        "group": group,
                        "period": period,
                        "customer": "[customer]" if (self.redact and customer) else customer,
                        "before": before,
                        "text": clean(f.text),
                        "after": after,
                        "suggestion": suggestion,
                        "message": clean(f.message),
                    }
                )

    def _prune(self) -> None:
        """Keep examples only for the most frequent phrases seen so far."""
        keep = sorted(self.examples.items(), key=lambda kv: -kv[1][0])[:EXAMPLE_PHRASES]
        self.examples = dict(keep)

    # -- writing -----------------------------------------------------------------

    def write(self, report: Report) -> None:
        """Write the whole page to ``out``."""
        self.charts = load_charts()
        s = report.summary
        w = self.out.write
        unit_name = "records" if report.records else "files"
        base = report.records or report.files
        stamp = datetime.datetime.fromtimestamp(int(os.environ.get("SOURCE_DATE_EPOCH", "0")) or datetime.datetime.now().timestamp(), datetime.timezone.utc)
        w(_HEAD.replace("{{title}}", "humanize-lint coaching report"))
        w('<header><h1>How we write about customers</h1>\n<p class="meta">')
        parts = [f"{report.files:,} file{'s' if report.files != 1 else ''}"]
        if report.records:
            parts.append(f"{report.records:,} records")
        parts.append(f"generated {stamp:%Y-%m-%d %H:%M} UTC by humanize-lint {__version__}")
        if self.redact:
            parts.append("customer names, e-mail addresses and phone numbers redacted")
        w(_e(" · ".join(parts)) + "</p>\n")
        if report.interrupted:
            w(f'<p class="warn">Interrupted by {_e(report.interrupted)}: the report covers only the input read before it.</p>\n')
        if report.error_count:
            w(f'<p class="warn">{report.error_count:,} input error{"s" if report.error_count != 1 else ""} (records skipped or unread); run with --format text to see them.</p>\n')
        sections = [("headline", "Headline"), ("groups", "By group"), ("trend", "Trend"), ("phrases", "Top phrases"), ("examples", "Examples"), ("findings", "All findings")]
        present = {"headline", "phrases", "examples", "findings"} | ({"groups"} if s.groups else set()) | ({"trend"} if s.periods else set())
        w('<nav aria-label="Sections"><ul>' + "".join(f'<li><a href="#{k}">{t}</a></li>' for k, t in sections if k in present) + "</ul></nav></header>\n<main>\n")
        self._headline(report, unit_name, base)
        if s.groups:
            self._groups(report)
        if s.periods:
            self._trend(report)
        self._phrases(report)
        self._examples_section(report)
        self._table(report)
        w("</main>\n<footer><p>Made by humanize-lint. Charts: Vega-Lite, rendered to SVG when the report was written; the page loads nothing.</p></footer>\n")
        w("<script>\n" + _SCRIPT + "\n</script>\n</body>\n</html>\n")
        self.spool.close()

    def _chart(self, spec: dict[str, Any], chart_id: str, label: str, table_id: str) -> str:
        spec = {
            "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
            "description": label,
            "width": CHART_WIDTH,
            "background": "white",
            # Room for the bar labels past the longest bar and for axis labels measured
            # with other font metrics than the browser's.
            "padding": {"left": 12, "top": 6, "bottom": 6, "right": 130},
            "config": {
                "font": "sans-serif",
                "axis": {"labelFontSize": 12, "titleFontSize": 12, "labelLimit": 220},
                "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "bottom", "labelLimit": 260},
                "view": {"stroke": None},
                "range": {"category": PALETTE},
            },
            **spec,
        }
        svg = self.charts.vegalite_to_svg(_xml_safe(spec))
        svg = svg.replace("<svg ", f'<svg role="img" aria-label="{_e(label)}" aria-describedby="{table_id}" ', 1)
        return f'<figure class="chart" id="{chart_id}">{svg}<figcaption>{_e(label)} The numbers are in the table below the chart.</figcaption></figure>\n'

    def _headline(self, report: Report, unit_name: str, base: int) -> None:
        s = report.summary
        w = self.out.write
        per = f"{100 * s.findings / base:.1f}" if base else "–"
        share = f"{100 * s.flagged / base:.1f}%" if base else "–"
        w('<section id="headline"><h2>Headline</h2>\n<div class="cards">')
        for value, label in ((f"{base:,}", unit_name), (f"{s.findings:,}", "findings"), (per, f"findings per 100 {unit_name}"), (share, f"of {unit_name} with at least one finding")):
            w(f'<div class="card"><div class="num">{_e(value)}</div><div class="lbl">{_e(label)}</div></div>')
        w("</div>\n")
        if report.records and self.outside_records:
            w(f'<p class="note">{self.outside_records:,} of the findings are in plain files, not in records; the figures per 100 records count them too.</p>\n')
        w(f'<table class="data" id="t-headline"><caption>Findings by category</caption><thead><tr><th scope="col">category</th><th scope="col" class="n">findings</th><th scope="col" class="n">per 100 {unit_name}</th><th scope="col" class="n">{unit_name} with one or more</th><th scope="col" class="n">share of {unit_name}</th></tr></thead><tbody>')
        for cat, n in sorted(s.by_category.items(), key=lambda kv: (-kv[1], kv[0])):
            k = s.flagged_by_category.get(cat, 0)
            w(f'<tr><th scope="row">{_e(cat)}</th><td class="n">{n:,}</td><td class="n">{_rate(n, base)}</td><td class="n">{k:,}</td><td class="n">{_pct(k, base)}</td></tr>')
        w(f'<tr class="total"><th scope="row">all</th><td class="n">{s.findings:,}</td><td class="n">{_rate(s.findings, base)}</td><td class="n">{s.flagged:,}</td><td class="n">{_pct(s.flagged, base)}</td></tr>')
        w("</tbody></table>\n")
        if s.skipped:
            w('<p class="note">Skipped input: ' + _e(", ".join(f"{r} ×{n:,}" for r, n in sorted(s.skipped.items()))) + "</p>\n")
        w("</section>\n")

    def _groups(self, report: Report) -> None:
        s = report.summary
        w = self.out.write
        rows = sorted(
            ((g, st) for g, st in s.groups.items() if st.records),
            key=lambda gs: (-gs[1].findings / gs[1].records, -gs[1].records, gs[0]),
        )
        charted = rows[:MAX_GROUPS_CHARTED]
        w('<section id="groups"><h2>Findings per 100 records, by group</h2>\n')
        if charted:
            values = [{"group": g, "rate": round(100 * st.findings / st.records, 1), "label": f"{100 * st.findings / st.records:.1f}  ({st.findings:,} in {st.records:,})"} for g, st in charted]
            top = charted[0]
            label = f"Bar chart of findings per 100 records for {len(charted)} groups, highest first; highest: {top[0]}, {100 * top[1].findings / top[1].records:.1f}."
            spec = _bar_spec(values, "group", {"field": "rate", "type": "quantitative", "title": "findings per 100 records", "axis": {"tickCount": 6}})
            w(self._chart(spec, "chart-groups", label, "t-groups"))
            if len(rows) > len(charted):
                w(f'<p class="note">The chart shows the {len(charted)} groups with the most findings per 100 records; the table lists all {len(rows):,}.</p>\n')
        cats = sorted({c for st in s.groups.values() for c in st.by_category})
        w('<details open><summary>Table: findings by group</summary><table class="data" id="t-groups"><thead><tr><th scope="col">group</th><th scope="col" class="n">records</th><th scope="col" class="n">findings</th><th scope="col" class="n">per 100 records</th><th scope="col" class="n">records with one or more</th>')
        w("".join(f'<th scope="col" class="n">{_e(c)}</th>' for c in cats) + "</tr></thead><tbody>")
        for g, st in rows:
            w(f'<tr><th scope="row">{_e(g)}</th><td class="n">{st.records:,}</td><td class="n">{st.findings:,}</td><td class="n">{_rate(st.findings, st.records)}</td><td class="n">{st.flagged:,}</td>')
            w("".join(f'<td class="n">{st.by_category.get(c, 0):,}</td>' for c in cats) + "</tr>")
        w("</tbody></table></details>\n</section>\n")

    def _trend(self, report: Report) -> None:
        s = report.summary
        w = self.out.write
        periods = sorted(s.periods)
        weekly = any("-W" in p for p in periods)
        unit = "week" if weekly else "month"
        cats = [c for c, _ in sorted(s.by_category.items(), key=lambda kv: (-kv[1], kv[0]))]
        w(f'<section id="trend"><h2>Trend by {unit}</h2>\n')
        values = []
        for p in periods:
            st = s.periods[p]
            for c in cats:
                values.append({"period": p, "series": c, "rate": round(100 * st.by_category.get(c, 0) / st.records, 2) if st.records else 0})
        label = f"Line chart of findings per 100 records by {unit}, one line per category ({', '.join(cats)}), {len(periods)} {unit}{'s' if len(periods) != 1 else ''} from {periods[0]} to {periods[-1]}."
        w(self._chart(_line_spec(values, unit), "chart-trend", label, "t-trend"))
        w(f'<details open><summary>Table: findings per 100 records by {unit}</summary><table class="data" id="t-trend"><thead><tr><th scope="col">{unit}</th><th scope="col" class="n">records</th><th scope="col" class="n">findings</th><th scope="col" class="n">per 100 records</th>')
        w("".join(f'<th scope="col" class="n">{_e(c)} per 100</th>' for c in cats) + "</tr></thead><tbody>")
        for p in periods:
            st = s.periods[p]
            w(f'<tr><th scope="row">{_e(p)}</th><td class="n">{st.records:,}</td><td class="n">{st.findings:,}</td><td class="n">{_rate(st.findings, st.records)}</td>')
            w("".join(f'<td class="n">{_rate(st.by_category.get(c, 0), st.records)}</td>' for c in cats) + "</tr>")
        w("</tbody></table></details>\n")
        if s.groups:
            top = [g for g, _ in sorted(s.groups.items(), key=lambda gs: (-gs[1].findings, gs[0]))[:TREND_GROUPS]]
            values = []
            for p in periods:
                st = s.periods[p]
                for g in top:
                    n = st.group_records.get(g, 0)
                    if n:
                        values.append({"period": p, "series": g, "rate": round(100 * st.group_findings.get(g, 0) / n, 2)})
            label = f"Line chart of findings per 100 records by {unit} for the {len(top)} groups with the most findings ({', '.join(top)})."
            w(self._chart(_line_spec(values, unit), "chart-trend-groups", label, "t-trend-groups"))
            w(f'<details><summary>Table: findings per 100 records by {unit}, top groups</summary><table class="data" id="t-trend-groups"><thead><tr><th scope="col">{unit}</th>')
            w("".join(f'<th scope="col" class="n">{_e(g)}</th>' for g in top) + "</tr></thead><tbody>")
            for p in periods:
                st = s.periods[p]
                w(f'<tr><th scope="row">{_e(p)}</th>' + "".join(f'<td class="n">{_rate(st.group_findings.get(g, 0), st.group_records.get(g, 0))}</td>' for g in top) + "</tr>")
            w("</tbody></table></details>\n")
        w("</section>\n")

    def _top(self, report: Report) -> list[tuple[str, int]]:
        return sorted(report.summary.phrases.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_PHRASES]

    def _phrases(self, report: Report) -> None:
        s = report.summary
        w = self.out.write
        top = self._top(report)
        w('<section id="phrases"><h2>Top phrases</h2>\n')
        if not top:
            w('<p class="note">No findings.</p></section>\n')
            return
        shown = [(redact(p, []) if self.redact else p, n) for p, n in top]
        values = [{"phrase": p, "count": n, "label": f"×{n:,}  ({100 * n / s.findings:.1f}%)"} for p, n in shown]
        label = f"Bar chart of the {len(top)} most frequent flagged phrases with their count and share of all findings; first: {shown[0][0]}, {shown[0][1]:,} times."
        spec = _bar_spec(values, "phrase", {"field": "count", "type": "quantitative", "title": "findings", "axis": {"tickCount": min(6, shown[0][1]), "format": "d"}})
        w(self._chart(spec, "chart-phrases", label, "t-phrases"))
        w('<details><summary>Table: top phrases</summary><table class="data" id="t-phrases"><thead><tr><th scope="col">phrase</th><th scope="col" class="n">count</th><th scope="col" class="n">share of findings</th></tr></thead><tbody>')
        for p, n in shown:
            w(f'<tr><th scope="row">{_e(p)}</th><td class="n">{n:,}</td><td class="n">{_pct(n, s.findings)}</td></tr>')
        w('</tbody></table></details>\n<p class="note">Phrases are counted with digits folded ("acct 4471-22" and "acct 5530-19" are one phrase, "acct &lt;n&gt;-22").</p>\n</section>\n')

    def _examples_section(self, report: Report) -> None:
        w = self.out.write
        w('<section id="examples"><h2>Examples and rewrites</h2>\n<p class="note">Real sentences from the export for each top phrase, with the suggested rewrite. Show them in a team meeting; the record link filters the findings table to that record.</p>\n')
        for phrase, n in self._top(report):
            held = self.examples.get(phrase)
            shown = redact(phrase, []) if self.redact else phrase
            w(f'<article class="phrase"><h3>“{_e(shown)}” <span class="count">×{n:,}</span></h3>\n')
            if not held or not held[1]:
                w('<p class="note">No example kept.</p></article>\n')
                continue
            w("<ul class=\"examples\">")
            for ex in held[1]:
                w('<li><p class="said">' + _e(ex["before"]) + "<mark>" + _e(ex["text"]) + "</mark>" + _e(ex["after"]) + "</p>")
                if ex["suggestion"]:
                    w('<p class="rewrite"><span class="arrow" aria-label="suggested rewrite">→</span> ' + _e(ex["before"]) + "<ins>" + _e(_capital(ex["suggestion"], ex["before"])) + "</ins>" + _e(ex["after"]) + "</p>")
                else:
                    w('<p class="rewrite"><span class="arrow" aria-label="advice">→</span> ' + _e(ex["message"]) + "</p>")
                bits = []
                if ex["record"] is not None:
                    bits.append(f'<a href="#findings" class="rec" data-record="{_e(ex["record"])}">record {_e(ex["record"])}</a>')
                else:
                    bits.append(f'{_e(ex["path"])}:{ex["line"]}')
                if ex["customer"] and not self.redact:
                    bits.append("customer " + _e(ex["customer"]))
                if ex["group"] is not None:
                    bits.append(_e(ex["group"]))
                if ex["period"]:
                    bits.append(_e(ex["period"]))
                w('<p class="where">' + " · ".join(bits) + "</p></li>")
            w("</ul></article>\n")
        w("</section>\n")

    def _table(self, report: Report) -> None:
        w = self.out.write
        total = report.summary.findings
        w('<section id="findings"><h2>All findings</h2>\n')
        if self.rows < total:
            w(f'<p class="note" id="cap-note">The table holds the first {self.rows:,} of {total:,} findings, in input order; the figures above count all of them. For every finding, run with --format json.</p>\n')
        cats = sorted(report.summary.by_category)
        groups = sorted(report.summary.groups) if len(report.summary.groups) <= 500 else []
        w('<div class="controls" role="search"><label>Search <input type="search" id="f-text" placeholder="phrase, record, text…"></label>')
        w('<label>Category <select id="f-cat"><option value="">all</option>' + "".join(f"<option>{_e(c)}</option>" for c in cats) + "</select></label>")
        if groups:
            w('<label>Group <select id="f-group"><option value="">all</option>' + "".join(f"<option>{_e(g)}</option>" for g in groups) + "</select></label>")
        w('<button type="button" id="f-clear">Clear</button> <span id="f-count" aria-live="polite"></span></div>\n')
        cols = [("record", "record"), ("group", "group"), ("period", "period"), ("rule", "rule"), ("severity", "severity"), ("phrase", "phrase"), ("suggestion", "suggestion"), ("context", "in context"), ("where", "where")]
        if not self.has_group:
            cols = [c for c in cols if c[0] != "group"]
        if not self.has_period:
            cols = [c for c in cols if c[0] != "period"]
        w('<table class="data findings" id="t-findings"><thead><tr>' + "".join(f'<th scope="col" data-col="{k}" aria-sort="none"><button type="button">{t}</button></th>' for k, t in cols) + "</tr></thead><tbody>")
        self.spool.seek(0)
        first: list[list[Any]] = []
        for line in self.spool:
            first.append(json.loads(line))
            if len(first) >= ROWS_PER_PAGE:
                break
        keys = [k for k, _ in cols]
        for row in first:
            w(_row_html(row, keys))
        w("</tbody></table>\n")
        w('<div class="pager"><button type="button" id="p-prev">Previous</button> <span id="p-info"></span> <button type="button" id="p-next">Next</button></div>\n')
        w(f'<script type="application/json" id="rows" data-cols="{" ".join(keys)}">[')
        self.spool.seek(0)
        sep = ""
        for line in self.spool:
            # "<" only ever stands inside a JSON string here: as "\u003c" it can neither end the
            # script ("</script>") nor open a comment ("<!--"), and JSON.parse reads it back.
            w(sep + line.rstrip("\n").replace("<", "\\u003c"))
            sep = ",\n"
        w("]</script>\n</section>\n")


def _bar_spec(values: list[dict[str, Any]], name: str, x: dict[str, Any]) -> dict[str, Any]:
    """Horizontal bars in the order given, each labelled with its ``label`` past its end."""
    return {
        "height": {"step": 22},
        "data": {"values": values},
        "encoding": {"y": {"field": name, "type": "nominal", "sort": None, "title": None}, "x": x},
        "layer": [
            {"mark": {"type": "bar", "color": BAR_COLOUR}},
            {"mark": {"type": "text", "align": "left", "dx": 4, "fontSize": 11}, "encoding": {"text": {"field": "label"}}},
        ],
    }


def _line_spec(values: list[dict[str, Any]], unit: str) -> dict[str, Any]:
    series = {"field": "series", "type": "nominal", "title": None, "sort": None}
    return {
        "height": 240,
        "data": {"values": values},
        "mark": {"type": "line", "point": {"size": 45, "filled": True}, "strokeWidth": 2},
        "encoding": {
            "x": {"field": "period", "type": "ordinal", "title": unit, "axis": {"labelAngle": -40}},
            "y": {"field": "rate", "type": "quantitative", "title": "findings per 100 records"},
            "color": series,
            "strokeDash": series,
        },
    }


def _row_html(row: list[Any], keys: list[str]) -> str:
    record, group, period, code, category, severity, text, suggestion, before, after, path, line, column = row
    cells = {
        "record": _e(record if record is not None else ""),
        "group": _e(group or ""),
        "period": _e(period or ""),
        "rule": f"{_e(code)} {_e(category)}",
        "severity": _e(severity),
        "phrase": _e(text),
        "suggestion": _e(suggestion),
        "context": f"{_e(before)}<mark>{_e(text)}</mark>{_e(after)}",
        "where": f"{_e(path)}:{line}:{column}",
    }
    return "<tr>" + "".join(f"<td>{cells[k]}</td>" for k in keys) + "</tr>"


def _capital(suggestion: str, before: str) -> str:
    """The suggestion capitalised where it starts a sentence."""
    b = before.rstrip()
    if not b or b[-1] in ".!?":
        return suggestion[:1].upper() + suggestion[1:]
    return suggestion


# Characters XML 1.0 cannot hold (C0 controls but tab and line breaks, U+FFFE, U+FFFF, lone
# surrogates): the chart renderer parses its own SVG and aborts the process on one.
_NOT_XML = lazy("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _xml_safe(value: Any) -> Any:
    """``value`` (a chart spec) with every string's non-XML characters as U+FFFD."""
    if isinstance(value, str):
        return _NOT_XML.sub("\ufffd", value)
    if isinstance(value, dict):
        return {k: _xml_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_xml_safe(v) for v in value]
    return value


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _rate(n: int, base: int) -> str:
    return f"{100 * n / base:.1f}" if base else "–"


def _pct(n: int, base: int) -> str:
    return f"{100 * n / base:.1f}%" if base else "–"


_HEAD = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="humanize-lint">
<title>{{title}}</title>
<style>
:root { --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --bg: #ffffff; --soft: #f6f8fa; --accent: #0072B2; --mark: #fde7c7; --ins: #d6f0e0; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: var(--bg); }
header, main, footer { max-width: 1100px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 28px; }
h1 { font-size: 28px; margin: 0 0 4px; }
h2 { font-size: 21px; margin: 36px 0 12px; padding-top: 8px; border-top: 1px solid var(--line); }
h3 { font-size: 16px; margin: 18px 0 6px; }
.meta, .note, .where, footer { color: var(--muted); font-size: 13px; }
.warn { background: #fff4e5; border-left: 4px solid #D55E00; padding: 6px 10px; }
nav ul { list-style: none; padding: 0; margin: 12px 0 0; display: flex; flex-wrap: wrap; gap: 4px 16px; }
nav a, a { color: var(--accent); }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(180px, 1fr)); gap: 12px; margin: 8px 0 16px; }
.card { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: 12px 14px; }
.card .num { font-size: 26px; font-weight: 650; font-variant-numeric: tabular-nums; }
.card .lbl { color: var(--muted); font-size: 13px; }
table.data { border-collapse: collapse; margin: 8px 0; font-size: 13px; font-variant-numeric: tabular-nums; }
table.data caption { text-align: left; font-weight: 600; padding: 4px 0; }
table.data th, table.data td { border-bottom: 1px solid var(--line); padding: 4px 10px 4px 0; text-align: left; vertical-align: top; }
table.data th[scope=row] { font-weight: 500; }
table.data .n { text-align: right; }
table.data tr.total th, table.data tr.total td { font-weight: 650; }
details summary { cursor: pointer; color: var(--muted); font-size: 13px; margin: 4px 0; }
figure.chart { margin: 8px 0; overflow-x: auto; }
figure.chart svg { max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: 12px; }
ul.examples { list-style: none; padding: 0; margin: 0; }
ul.examples li { border-left: 3px solid var(--line); padding: 2px 0 2px 12px; margin: 10px 0; }
ul.examples p { margin: 2px 0; }
mark { background: var(--mark); color: inherit; padding: 0 1px; border-radius: 2px; }
ins { background: var(--ins); text-decoration: none; padding: 0 1px; border-radius: 2px; }
.rewrite .arrow { color: #009E73; font-weight: 700; }
.count { color: var(--muted); font-weight: 400; }
.controls { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; margin: 8px 0; font-size: 13px; }
.controls input, .controls select, .controls button, .pager button { font: inherit; padding: 3px 6px; }
table.findings { width: 100%; }
table.findings th button { font: inherit; font-weight: 600; background: none; border: 0; padding: 0; cursor: pointer; color: var(--ink); }
table.findings th[aria-sort=ascending] button::after { content: " ▲"; }
table.findings th[aria-sort=descending] button::after { content: " ▼"; }
table.findings td:nth-last-child(2) { max-width: 420px; }
.pager { font-size: 13px; margin: 6px 0 24px; }
@media print {
  nav, .controls, .pager, #f-count { display: none; }
  body { font-size: 11pt; }
  header, main, footer { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  figure.chart, article.phrase, table.data tr { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
</style>
</head>
<body>
"""

# The findings table: filter, sort and page over the rows embedded as JSON. Builds
# cells with textContent (never innerHTML), so text from the export stays text.
_SCRIPT = r"""
(function () {
  "use strict";
  // Printed, every table is open.
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details"), function (d) { d.open = true; });
  });
  var holder = document.getElementById("rows");
  if (!holder) return;
  var rows = JSON.parse(holder.textContent);
  var keys = holder.getAttribute("data-cols").split(" ");
  var IDX = {record: 0, group: 1, period: 2, code: 3, category: 4, severity: 5, text: 6, suggestion: 7, before: 8, after: 9, path: 10, line: 11, column: 12};
  var SORT = {record: function (r) { return r[0] == null ? "" : String(r[0]); }, group: function (r) { return r[1] || ""; }, period: function (r) { return r[2] || ""; },
    rule: function (r) { return r[3]; }, severity: function (r) { return r[5]; }, phrase: function (r) { return r[6].toLowerCase(); },
    suggestion: function (r) { return r[7]; }, context: function (r) { return (r[8] + r[6] + r[9]).toLowerCase(); },
    where: function (r) { return r[10] + ":" + String(1e9 + r[11]); }};
  var PAGE = 50, page = 0, sortKey = null, sortDir = 1, shown = rows;
  var tbody = document.querySelector("#t-findings tbody");
  var text = document.getElementById("f-text"), cat = document.getElementById("f-cat"), grp = document.getElementById("f-group");
  var info = document.getElementById("p-info"), count = document.getElementById("f-count");
  var numeric = /^\d+$/;
  function cmp(a, b) {
    if (numeric.test(a) && numeric.test(b)) return Number(a) - Number(b);
    return a < b ? -1 : a > b ? 1 : 0;
  }
  function apply() {
    var q = text.value.trim().toLowerCase(), c = cat.value, g = grp ? grp.value : "";
    var exact = q.indexOf("record:") === 0 ? q.slice(7).trim() : null;
    shown = rows.filter(function (r) {
      if (c && r[4] !== c) return false;
      if (g && r[1] !== g) return false;
      if (exact !== null) return String(r[0]).toLowerCase() === exact;
      if (!q) return true;
      return (String(r[0]) + " " + (r[1] || "") + " " + r[3] + " " + r[4] + " " + r[6] + " " + r[7] + " " + r[8] + r[6] + r[9]).toLowerCase().indexOf(q) >= 0;
    });
    if (sortKey) {
      var f = SORT[sortKey];
      shown = shown.map(function (r, i) { return [f(r), i, r]; }).sort(function (a, b) { return sortDir * cmp(a[0], b[0]) || a[1] - b[1]; }).map(function (x) { return x[2]; });
    }
    page = 0;
    render();
  }
  function cell(tr, k, r) {
    var td = document.createElement("td");
    if (k === "context") {
      td.appendChild(document.createTextNode(r[8]));
      var m = document.createElement("mark"); m.textContent = r[6]; td.appendChild(m);
      td.appendChild(document.createTextNode(r[9]));
    } else if (k === "rule") td.textContent = r[3] + " " + r[4];
    else if (k === "where") td.textContent = r[10] + ":" + r[11] + ":" + r[12];
    else if (k === "phrase") td.textContent = r[6];
    else td.textContent = r[IDX[k]] == null ? "" : String(r[IDX[k]]);
    tr.appendChild(td);
  }
  function render() {
    var pages = Math.max(1, Math.ceil(shown.length / PAGE));
    if (page >= pages) page = pages - 1;
    var frag = document.createDocumentFragment();
    shown.slice(page * PAGE, page * PAGE + PAGE).forEach(function (r) {
      var tr = document.createElement("tr");
      keys.forEach(function (k) { cell(tr, k, r); });
      frag.appendChild(tr);
    });
    tbody.textContent = "";
    tbody.appendChild(frag);
    info.textContent = "page " + (page + 1) + " of " + pages;
    count.textContent = shown.length.toLocaleString() + " of " + rows.length.toLocaleString() + " findings";
    document.getElementById("p-prev").disabled = page === 0;
    document.getElementById("p-next").disabled = page >= pages - 1;
  }
  var timer = null;
  text.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(apply, 150); });
  cat.addEventListener("change", apply);
  if (grp) grp.addEventListener("change", apply);
  document.getElementById("f-clear").addEventListener("click", function () { text.value = ""; cat.value = ""; if (grp) grp.value = ""; apply(); });
  document.getElementById("p-prev").addEventListener("click", function () { page--; render(); });
  document.getElementById("p-next").addEventListener("click", function () { page++; render(); });
  Array.prototype.forEach.call(document.querySelectorAll("#t-findings th[data-col]"), function (th) {
    th.querySelector("button").addEventListener("click", function () {
      var k = th.getAttribute("data-col");
      sortDir = sortKey === k ? -sortDir : 1;
      sortKey = k;
      Array.prototype.forEach.call(document.querySelectorAll("#t-findings th[data-col]"), function (o) { o.setAttribute("aria-sort", "none"); });
      th.setAttribute("aria-sort", sortDir > 0 ? "ascending" : "descending");
      apply();
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll("a.rec"), function (a) {
    a.addEventListener("click", function () { text.value = "record:" + a.getAttribute("data-record"); cat.value = ""; if (grp) grp.value = ""; apply(); });
  });
  render();
})();
"""

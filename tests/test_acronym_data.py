"""The acronym kind's compiled knowledge: shipped, licensed, and current.

``humanize_lint/acronym-data.json`` is built at development time from wordfreq,
pycountry and tzdata (dev dependencies pinned in pyproject.toml); the linter
reads only the shipped file and downloads nothing. The currency test rebuilds
the tables from the installed packages and compares; it is skipped, with the
reason, where those packages are not installed.
"""

from __future__ import annotations

import importlib.util
import json

import pytest

from humanize_lint import acronym_data


def test_shipped_tables_load() -> None:
    k = acronym_data.load()
    assert k.frequency("please") > 5 and k.frequency("PLEASE") == k.frequency("please")
    assert k.frequency("qbr") == 0.0  # rarer than the table's floor
    assert {"DE", "DEU", "BR"} <= k.countries and {"NY", "TX", "QC", "NSW"} <= k.subdivisions
    assert {"GTQ", "GBP", "USD"} <= k.currencies and {"CST", "PDT", "ET", "CPT"} <= k.time_zones


def test_licence_notice_ships_beside_the_data() -> None:
    notice = acronym_data.DATA.with_name("acronym-data.NOTICE").read_text(encoding="utf-8")
    assert "CC BY-SA 4.0" in notice and "LGPL-2.1" in notice and "public domain" in notice


@pytest.mark.skipif(
    not all(importlib.util.find_spec(m) for m in ("wordfreq", "pycountry", "tzdata")),
    reason="wordfreq, pycountry and tzdata (dev dependencies) are needed to rebuild the table",
)
def test_shipped_tables_are_current() -> None:
    shipped = json.loads(acronym_data.DATA.read_text(encoding="utf-8"))
    built = acronym_data.build()
    assert shipped["source"] == built["source"], "rebuild with: python -m humanize_lint.acronym_data"
    for key in ("countries", "subdivisions", "currencies", "time-zones"):
        assert shipped[key] == built[key], key
    assert shipped["zipf"] == built["zipf"]

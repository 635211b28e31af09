"""The fuzz tests run only when asked for (``-m fuzz``): the default test run stays quick."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if "fuzz" in (config.getoption("markexpr") or ""):
        return
    skip = pytest.mark.skip(reason="fuzz run: python -m pytest -m fuzz tests/fuzz (README: Fuzzing)")
    for item in items:
        if "fuzz" in item.keywords:
            item.add_marker(skip)

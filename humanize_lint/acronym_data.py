"""Language knowledge the acronym kind reads: word frequencies and standard codes.

``acronym-data.json`` (beside this module, shipped in the wheel) holds four
tables compiled at build time from maintained packages, so nothing is
downloaded or looked up at run time:

- ``zipf``: how common each short lower-case word is in general English
  (Zipf scale: 3 is once per million words, 6 once per thousand), from
  ``wordfreq``'s large English list. Only single entries of that list
  (never wordfreq's guesses for unknown tokens) of 2 to 8 letters or digits
  with a frequency of at least ``ZIPF_FLOOR`` are kept.
- ``countries``: ISO 3166-1 alpha-2 and alpha-3 codes, from ``pycountry``.
- ``subdivisions``: the state, province and territory codes of the United
  States, Canada and Australia (ISO 3166-2, the part after the hyphen), the
  codes people write in postal addresses ("Houston, TX 77002"), from ``pycountry``.
- ``currencies``: ISO 4217 alphabetic codes, from ``pycountry``.
- ``time-zones``: the abbreviations the IANA time zone database uses (from
  the ``tzdata`` package), plus the generic North American forms people write
  after a clock time ("10 AM ET", "9:00 CPT"), derived from each
  standard/daylight pair (EST/EDT gives ET and EPT).

Run ``python -m humanize_lint.acronym_data`` after upgrading any of the three
packages (they are development dependencies only); ``tests/test_acronym_data.py``
checks the file is what the installed packages give. Licences of the data are
in ``acronym-data.NOTICE``.

This module only loads and builds the tables; what they mean for a finding is
decided in ``kinds/acronym.py``.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from .lazyre import lazy

DATA = Path(__file__).with_name("acronym-data.json")

# Lowest frequency kept in the table: below it every word counts as rare. A
# configured threshold under this value behaves like this value.
ZIPF_FLOOR = 3.0
_WORD_RE = lazy(r"[a-z][a-z0-9]{1,7}")
# Countries whose subdivision codes appear in addresses written in English.
SUBDIVISION_COUNTRIES = ("US", "CA", "AU")


@dataclass(frozen=True)
class Knowledge:
    """The compiled tables, as sets and a frequency lookup."""

    zipf: dict[str, float]
    countries: frozenset[str]
    subdivisions: frozenset[str]
    currencies: frozenset[str]
    time_zones: frozenset[str]

    def frequency(self, word: str) -> float:
        """Zipf frequency of ``word`` (any case) in English; 0.0 when rare or unknown."""
        return self.zipf.get(word.lower(), 0.0)


@lru_cache(maxsize=1)
def load() -> Knowledge:
    """The shipped tables (read once per process)."""
    data = json.loads(DATA.read_text(encoding="utf-8"))
    return Knowledge(
        zipf={w: z / 100 for w, z in data["zipf"].items()},
        countries=frozenset(data["countries"]),
        subdivisions=frozenset(data["subdivisions"]),
        currencies=frozenset(data["currencies"]),
        time_zones=frozenset(data["time-zones"]),
    )


# ---------------------------------------------------------------------------
# Building (maintenance only: needs wordfreq, pycountry and tzdata)


def build() -> dict[str, Any]:
    """The tables from the installed packages, in the shape of ``acronym-data.json``."""
    import importlib.metadata as md

    import pycountry
    import wordfreq

    freqs = wordfreq.get_frequency_dict("en", "large")
    zipf: dict[str, int] = {}
    for word in freqs:
        if _WORD_RE.fullmatch(word):
            z = wordfreq.zipf_frequency(word, "en", wordlist="large")
            if z >= ZIPF_FLOOR:
                zipf[word] = round(z * 100)
    countries = {c.alpha_2 for c in pycountry.countries} | {c.alpha_3 for c in pycountry.countries}
    subdivisions = {s.code.split("-", 1)[1] for cc in SUBDIVISION_COUNTRIES for s in pycountry.subdivisions.get(country_code=cc) or ()}
    currencies = {c.alpha_3 for c in pycountry.currencies}
    return {
        "source": {
            "wordfreq": md.version("wordfreq"),
            "pycountry": md.version("pycountry"),
            "tzdata": md.version("tzdata"),
        },
        "zipf": dict(sorted(zipf.items())),
        "countries": sorted(countries),
        "subdivisions": sorted(subdivisions),
        "currencies": sorted(currencies),
        "time-zones": sorted(_time_zone_abbreviations()),
    }


def _time_zone_abbreviations() -> set[str]:
    """Alphabetic abbreviations of every zone in ``tzdata``, in January and July of a
    recent year, plus generic forms of standard/daylight pairs (EST/EDT: ET, EPT)."""
    import datetime
    import importlib.resources
    import zoneinfo

    import tzdata  # noqa: F401 - the zone files are read from this package, not the system

    root = importlib.resources.files("tzdata.zoneinfo")
    with importlib.resources.files("tzdata").joinpath("zones").open("r", encoding="utf-8") as fh:  # the package's own zone list
        names = [line.strip() for line in fh if line.strip()]
    found: set[str] = set()
    for name in names:
        try:
            with root.joinpath(*name.split("/")).open("rb") as fh:
                zone = zoneinfo.ZoneInfo.from_file(fh, key=name)
        except (OSError, ValueError):
            continue
        for month in (1, 7):
            abbr = datetime.datetime(2024, month, 15, 12, tzinfo=zone).tzname()
            if abbr and abbr.isalpha() and abbr.isupper():
                found.add(abbr)
    for abbr in list(found):
        if abbr.endswith("ST") and abbr[:-2] + "DT" in found:
            found.add(abbr[:-2] + "T")  # ET, CT, MT, PT, AKT
            found.add(abbr[:-2] + "PT")  # EPT, CPT: "prevailing time"
    return found


def main() -> None:  # pragma: no cover - maintenance command
    data = build()
    DATA.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False) + "\n", encoding="utf-8")
    print(f"wrote {DATA}: {len(data['zipf'])} words, {len(data['countries'])} country, {len(data['subdivisions'])} subdivision, "
          f"{len(data['currencies'])} currency and {len(data['time-zones'])} time zone codes")


if __name__ == "__main__":  # pragma: no cover
    main()
    sys.exit(0)

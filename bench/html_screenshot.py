#!/usr/bin/env python3
"""The README's screenshot of the HTML coaching report (docs/report.png).

Generates a 10,000-record export with bench/export.py's generator, spread
over six months (one record every 26 minutes from 2024-01-01, so the trend
has six points), writes its report with

    humanize-lint check FILE.csv --text-field body --id-field id --name-field customer_name
        --group-by team --date-field created_at --format html -o report.html

and takes a screenshot of the top of the page in headless Chromium (Debian's
``chromium``). Standard library only.

    python bench/html_screenshot.py                  # writes docs/report.png
    python bench/html_screenshot.py --height 2600    # more of the page
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import default_humanize_lint, repo_root  # noqa: E402
from export import ensure_csv  # noqa: E402

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars"]


def main() -> int:
    root = repo_root()
    cache = Path.home() / ".cache" / "humanize-lint-bench" / "export"
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--records", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--spacing", type=int, default=26 * 60, help="seconds between records (default 26 minutes: six months for 10,000 records)")
    ap.add_argument("--dev", type=Path, default=root.parent / "shared" / "eval" / "dev.jsonl")
    ap.add_argument("--out", type=Path, default=cache, help=f"directory for the CSV and the report (default {cache})")
    ap.add_argument("--png", type=Path, default=root / "docs" / "report.png")
    ap.add_argument("--width", type=int, default=1100)
    ap.add_argument("--height", type=int, default=1900)
    ap.add_argument("--humanize-lint", default=default_humanize_lint())
    args = ap.parse_args()
    args.generate_only = False

    chromium = next((p for p in (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")) if p), None)
    if chromium is None:
        sys.exit("headless Chromium is needed (Debian: apt-get install chromium)")
    csv_path, _, _ = ensure_csv(args)
    page = csv_path.with_suffix(".report.html")
    argv = [args.humanize_lint, "check", str(csv_path), "--text-field", "body", "--id-field", "id", "--name-field", "customer_name",
            "--group-by", "team", "--date-field", "created_at", "--format", "html", "-o", str(page), "--exit-zero", "--no-progress"]
    subprocess.run(argv, check=True)
    args.png.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="humanize-lint-chromium-") as profile:
        subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--window-size={args.width},{args.height}", f"--screenshot={args.png}", page.as_uri()],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
    print(f"{args.png} from {page}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

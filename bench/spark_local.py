#!/usr/bin/env python3
"""Records/s of humanize_lint.spark in Spark local mode with 1 and 2 cores.

For each core count a new Spark session (``local[N]``) reads the CSV export
made by ``bench/export.py`` (``--mix``), spreads it over ``4 x N``
partitions and caches it, then times ``lint_dataframe(...).count()``: the
linting alone, including each Python worker's one pipeline load, without
JVM start-up or reading the CSV. Needs the ``[spark]`` extra and Java 17.

    python bench/export.py --records 20000 --generate-only
    python bench/spark_local.py ~/.cache/humanize-lint-bench/export/export-realistic-20000r-seed1.csv

Prints one table row per core count; see bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

CHILD = r"""
import json, os, sys, time
from pyspark.sql import SparkSession
from humanize_lint.spark import lint_dataframe
cores, path = int(sys.argv[1]), sys.argv[2]
spark = (SparkSession.builder.master(f"local[{cores}]").appName("humanize-lint-bench")
         .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
         .config("spark.driver.memory", "2g").getOrCreate())
spark.sparkContext.setLogLevel("ERROR")
df = spark.read.csv(path, header=True, multiLine=True, escape='"').repartition(4 * cores).cache()
records = df.count()
load = os.getloadavg()[0]
t0 = time.perf_counter()
found = lint_dataframe(df, "body", id_col="id", name_col="customer_name", group_cols=["team"]).count()
wall = time.perf_counter() - t0
print(json.dumps({"cores": cores, "records": records, "findings": found, "wall_s": wall, "load": load}))
spark.stop()
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("csv", help="a CSV export from bench/export.py (columns id, team, customer_name, body ...)")
    ap.add_argument("--cores", default="1,2", help="core counts to run, comma-separated (default 1,2)")
    ap.add_argument("--json", help="also write the rows as JSON to this file")
    args = ap.parse_args()
    env = {**os.environ, "PYSPARK_PYTHON": sys.executable, "PYSPARK_DRIVER_PYTHON": sys.executable}
    rows = []
    for n in [int(c) for c in args.cores.split(",") if c.strip()]:
        res = subprocess.run([sys.executable, "-c", CHILD, str(n), args.csv], capture_output=True, text=True, env=env)
        if res.returncode != 0:
            print(res.stderr[-2000:], file=sys.stderr)
            return 1
        rows.append(json.loads(res.stdout.strip().splitlines()[-1]))
    one = rows[0]["records"] / rows[0]["wall_s"] if rows else None
    print("| local[N] | load | records | findings | lint s | records/s | per core | vs local[1] |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        rps = r["records"] / r["wall_s"]
        print(f"| local[{r['cores']}] | {r['load']:.2f} | {r['records']:,} | {r['findings']:,} | {r['wall_s']:.1f} | {rps:,.0f} | {rps / r['cores']:,.0f} | {rps / one:.2f}x |")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"rows": rows, "date": time.strftime("%Y-%m-%dT%H:%M:%S")}, fh, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Lint a Spark DataFrame of records: one row per finding (``pip install 'humanize-lint[spark]'``).

For exports too large for one machine (tens of millions of ticket comments
in Parquet on S3, a warehouse table)::

    from humanize_lint.spark import lint_dataframe
    findings = lint_dataframe(df, "body", id_col="id", name_col="customer_name", group_cols=["team"])

Each record's text goes through the same stages as ``humanize-lint check``
on a CSV or JSON Lines export: the cheap stages first (sentence split, cue
gate, acronym and identifier checks), so rows without a candidate never
touch spaCy; the pipeline is loaded once per Spark Python worker, on the
first row that needs it, and reused for every later batch (Python workers
are reused across tasks by default). Batches travel as Arrow record
batches (``mapInArrow``; ``mapInPandas`` on a Spark without it).

The findings have the record id, the field (the text column's name),
``code``, ``rule``, ``category``, ``severity``, ``start`` and ``end``
(offsets into the text, as ``offset`` in the JSON report), ``line`` and
``column`` (1-based, inside the text), ``text``, ``message``,
``suggestion`` (the first one, or null) and the group columns (as
strings). A record's customer is its name column, or a "Customer: ..."
label in its text, as for a CSV export.

Also a command, runnable with ``spark-submit``::

    python -m humanize_lint.spark INPUT OUTPUT --text-field body --id-field id --name-field customer_name --group-by team

reads Parquet, CSV (with a header row), JSON or JSON Lines and writes
``OUTPUT/findings`` and ``OUTPUT/summary`` (records, findings and findings
by category per group) as Parquet, or JSON Lines with ``--format jsonl``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional, Sequence

FINDING_COLUMNS = (
    ("record", "string"),
    ("field", "string"),
    ("code", "string"),
    ("rule", "string"),
    ("category", "string"),
    ("severity", "string"),
    ("start", "int"),
    ("end", "int"),
    ("line", "int"),
    ("column", "int"),
    ("text", "string"),
    ("message", "string"),
    ("suggestion", "string"),
)
# Units handed to the linter at once: the sentences of all of them are parsed together.
LINT_BATCH = 512

# -- in each Spark Python worker ------------------------------------------------------

_CONTEXTS: dict[tuple[Optional[str], tuple[str, ...]], Any] = {}


def _context(config: Optional[str], rules: tuple[str, ...]) -> Any:
    """The linter context for a config file and rule selection, built once per worker process."""
    key = (config, rules)
    ctx = _CONTEXTS.get(key)
    if ctx is None:
        from .model import HumanizeLintError, Report
        from .runner import Contexts, Flags

        flags = Flags(config_file=Path(config) if config else None, select=list(rules))
        try:
            ctx = Contexts(flags, Report()).by_key(Path(config) if config else None)
        except HumanizeLintError as exc:
            raise ValueError(f"humanize-lint: {exc}") from None
        _CONTEXTS[key] = ctx
    return ctx


def lint_rows(rows: Iterable[tuple[Optional[str], Optional[str], Optional[str], tuple[Optional[str], ...]]], field: str, config: Optional[str] = None, rules: Sequence[str] = ()) -> Iterator[tuple[Any, ...]]:
    """Findings of (record id, text, customer name, group values) rows, as output tuples.

    What a Spark worker runs on each Arrow batch; plain Python, usable without Spark.
    """
    from .model import Document
    from .runner import lint_isolated
    from .sources.records import _field_unit, _labelled_customer

    ctx = _context(config, tuple(rules))
    html = ctx.opts.html
    pending: list[tuple[Any, tuple[Optional[str], ...]]] = []

    def flush() -> Iterator[tuple[Any, ...]]:
        found, _errors = lint_isolated(ctx.linter, [u for u, _ in pending])
        for (unit, groups), findings in zip(pending, found):
            for f in sorted(findings, key=lambda f: (f.start, f.rule.code)):
                yield (
                    unit.record, field, f.rule.code, f.rule.name, f.rule.category, f.severity.label,
                    f.start, f.end, f.start_pos.line, f.start_pos.column, f.text, f.message,
                    f.suggestions[0] if f.suggestions else None, *groups,
                )
        pending.clear()

    for record, text, name, groups in rows:
        if not isinstance(text, str) or not text:
            continue
        customer = (name.strip() if isinstance(name, str) else None) or _labelled_customer([text], html)
        label = str(record).strip() if record is not None else ""
        unit = _field_unit(Document(path=f"<{field}>", text=text, format="jsonl"), text, (), label, field, customer, html)
        if unit is None:
            continue
        pending.append((unit, tuple(groups)))
        if len(pending) >= LINT_BATCH:
            yield from flush()
    if pending:
        yield from flush()


# -- on the driver ---------------------------------------------------------------------


def _schema(group_cols: Sequence[str]) -> Any:
    from pyspark.sql.types import IntegerType, StringType, StructField, StructType

    types = {"string": StringType(), "int": IntegerType()}
    return StructType([StructField(n, types[t], n not in ("code", "rule", "start", "end")) for n, t in FINDING_COLUMNS] + [StructField(g, StringType(), True) for g in group_cols])


def lint_dataframe(
    df: Any,
    text_col: str,
    id_col: Optional[str] = None,
    name_col: Optional[str] = None,
    group_cols: Sequence[str] = (),
    config: Optional[str] = None,
    rules: Optional[Sequence[str]] = None,
) -> Any:
    """One row per finding in ``df[text_col]`` (see the module docstring for the columns).

    ``id_col``: the record id (without one, Spark's ``monotonically_increasing_id``);
    ``name_col``: the customer's name; ``group_cols``: columns copied to each finding;
    ``config``: a humanize-lint config file readable on every executor (its rules,
    lexicons, allow list ...); ``rules``: rule codes, names or categories to select.
    """
    from pyspark.sql import functions as F

    group_cols = list(group_cols)
    for c in [text_col, id_col, name_col, *group_cols]:
        if c is not None and c not in df.columns:
            raise ValueError(f"no column '{c}' (columns: {', '.join(df.columns)})")
    clash = {n for n, _ in FINDING_COLUMNS} & set(group_cols)
    if clash:
        raise ValueError(f"group column name(s) {', '.join(sorted(clash))} clash with a finding column")
    rid = F.col(id_col).cast("string") if id_col else F.monotonically_increasing_id().cast("string")
    src = df.select(
        rid.alias("__id"),
        F.col(text_col).cast("string").alias("__text"),
        (F.col(name_col).cast("string") if name_col else F.lit(None).cast("string")).alias("__name"),
        *[F.col(g).cast("string").alias(f"__g{i}") for i, g in enumerate(group_cols)],
    )
    schema = _schema(group_cols)
    field, cfg, sel, n_groups = text_col, config, tuple(rules or ()), len(group_cols)

    if hasattr(src, "mapInArrow"):

        def run_arrow(batches: Iterator[Any]) -> Iterator[Any]:
            import pyarrow as pa

            arrow_schema = pa.schema([(n, pa.int32() if t == "int" else pa.string()) for n, t in FINDING_COLUMNS] + [(g, pa.string()) for g in group_cols])

            def rows() -> Iterator[tuple[Any, ...]]:
                for batch in batches:
                    cols = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
                    for i in range(batch.num_rows):
                        yield cols[0][i], cols[1][i], cols[2][i], tuple(cols[3 + k][i] for k in range(n_groups))

            out: list[tuple[Any, ...]] = []
            for row in lint_rows(rows(), field, cfg, sel):
                out.append(row)
                if len(out) >= 4096:
                    yield pa.RecordBatch.from_arrays([pa.array(list(c), type=arrow_schema.field(k).type) for k, c in enumerate(zip(*out))], schema=arrow_schema)
                    out = []
            if out:
                yield pa.RecordBatch.from_arrays([pa.array(list(c), type=arrow_schema.field(k).type) for k, c in enumerate(zip(*out))], schema=arrow_schema)

        return src.mapInArrow(run_arrow, schema)

    def run_pandas(frames: Iterator[Any]) -> Iterator[Any]:
        import pandas as pd

        names = [n for n, _ in FINDING_COLUMNS] + group_cols

        def rows() -> Iterator[tuple[Any, ...]]:
            for frame in frames:
                for tup in frame.itertuples(index=False, name=None):
                    yield tup[0], tup[1], tup[2], tuple(tup[3:])

        out = list(lint_rows(rows(), field, cfg, sel))
        yield pd.DataFrame(out, columns=names)

    return src.mapInPandas(run_pandas, schema)


def summary_by_group(df: Any, findings: Any, group_cols: Sequence[str]) -> Any:
    """Records and findings per group (all records in one row without group columns),
    with one ``findings_<category>`` column per category found."""
    from pyspark.sql import functions as F

    keys = [F.col(g).cast("string").alias(g) for g in group_cols]
    records = df.select(*keys).groupBy(*group_cols).agg(F.count(F.lit(1)).alias("records")) if group_cols else df.agg(F.count(F.lit(1)).alias("records"))
    cats = sorted(r[0] for r in findings.select("category").distinct().collect())
    agg = [F.count(F.lit(1)).alias("findings")] + [F.sum(F.when(F.col("category") == c, 1).otherwise(0)).alias(f"findings_{c}") for c in cats]
    found = findings.groupBy(*group_cols).agg(*agg) if group_cols else findings.agg(*agg)
    joined = records.join(found, on=list(group_cols), how="left") if group_cols else records.crossJoin(found)
    return joined.fillna(0, subset=["findings"] + [f"findings_{c}" for c in cats]).orderBy(*group_cols) if group_cols else joined.fillna(0)


def read_input(spark: Any, path: str, fmt: Optional[str] = None) -> Any:
    """Parquet, CSV (header row, quoted multi-line cells), JSON or JSON Lines, by ``fmt`` or the path's suffix."""
    fmt = (fmt or _guess_format(path)).lower()
    if fmt == "parquet":
        return spark.read.parquet(path)
    if fmt in ("csv", "tsv"):
        return spark.read.csv(path, header=True, multiLine=True, escape='"', sep="\t" if fmt == "tsv" else ",")
    if fmt == "jsonl":
        return spark.read.json(path)
    if fmt == "json":
        return spark.read.json(path, multiLine=True)
    raise ValueError(f"unknown input format '{fmt}' (parquet, csv, tsv, json or jsonl)")


def _guess_format(path: str) -> str:
    p = path.rstrip("/").lower()
    for suffix, fmt in ((".parquet", "parquet"), (".pq", "parquet"), (".csv", "csv"), (".tsv", "tsv"), (".jsonl", "jsonl"), (".ndjson", "jsonl"), (".json", "json")):
        if p.endswith(suffix) or p.endswith(suffix + ".gz"):
            return fmt
    return "parquet"  # a directory of part files, as Spark writes them


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m humanize_lint.spark", description="Lint a Parquet, CSV or JSON export with Spark; writes OUTPUT/findings and OUTPUT/summary.")
    ap.add_argument("input", help="input file or directory (local path, hdfs://, s3a:// ...)")
    ap.add_argument("output", help="output directory: findings/ and summary/ are written under it")
    ap.add_argument("--text-field", required=True, help="column with the text to lint")
    ap.add_argument("--id-field", help="column with the record id")
    ap.add_argument("--name-field", help="column with the customer's name")
    ap.add_argument("--group-by", default="", help="comma-separated columns to group the summary by (and copy to each finding)")
    ap.add_argument("--input-format", help="parquet, csv, tsv, json or jsonl (default: from the input's suffix; parquet for a directory)")
    ap.add_argument("--format", dest="out_format", default="parquet", choices=("parquet", "jsonl"), help="output format (default parquet)")
    ap.add_argument("--config", help="humanize-lint config file (must be readable on every executor)")
    ap.add_argument("--select", default="", help="comma-separated rule codes, names or categories")
    ap.add_argument("--master", help="Spark master when not run by spark-submit (e.g. local[2])")
    ap.add_argument("--overwrite", action="store_true", help="replace OUTPUT/findings and OUTPUT/summary if they exist")
    args = ap.parse_args(argv)
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        print("error: pyspark is not installed (pip install 'humanize-lint[spark]')", file=sys.stderr)
        return 2
    builder = SparkSession.builder.appName("humanize-lint").config("spark.ui.showConsoleProgress", "false")
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    groups = [g.strip() for g in args.group_by.split(",") if g.strip()]
    try:
        df = read_input(spark, args.input, args.input_format)
        # A multi-line CSV or a JSON document is one partition however large: spread it over the cores.
        parallel = spark.sparkContext.defaultParallelism
        if df.rdd.getNumPartitions() < parallel:
            df = df.repartition(4 * parallel)
        findings = lint_dataframe(df, args.text_field, args.id_field, args.name_field, groups, args.config, [s.strip() for s in args.select.split(",") if s.strip()])
    except ValueError as exc:
        print(f"{args.input}: {exc}", file=sys.stderr)
        return 2
    findings = findings.cache()
    mode = "overwrite" if args.overwrite else "errorifexists"
    out = args.output.rstrip("/")
    write = (lambda d, p: d.write.mode(mode).parquet(p)) if args.out_format == "parquet" else (lambda d, p: d.write.mode(mode).json(p))
    write(findings, f"{out}/findings")
    summary = summary_by_group(df, findings, groups)
    write(summary.coalesce(1), f"{out}/summary")
    total = findings.count()
    print(f"{total} finding{'s' if total != 1 else ''}; wrote {out}/findings and {out}/summary", file=sys.stderr)
    return 0


if __name__ == "__main__":
    # Run through the package's module, never this file's own copy (spark-submit runs the file
    # as a script): Spark ships the batch function by reference, and each worker imports it by name.
    from humanize_lint.spark import main as _main

    sys.exit(_main())

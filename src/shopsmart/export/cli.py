"""``shopsmart-export-marts``: write the marts of the warehouse as Parquet files.

Usage::

    shopsmart-export-marts [--database FILE] [--out DIR] [--schema NAME ...]

Reads the DuckDB warehouse (default: $SHOPSMART_DUCKDB_PATH, else shopsmart.duckdb)
read-only and writes every table of the schema marts (the segments included) to
``DIR/<schema>/<table>.parquet`` (default DIR: $SHOPSMART_EXPORT_DIR,
else exports), and the mart segment_audiences also as one CSV file per segment,
``DIR/audiences/<segment name>.csv`` (see shopsmart.export.audiences). Run it after ``dbt build``: while a build runs, the build holds the
warehouse's lock and the export stops with a message. Each file is replaced
atomically, so BI tools reading the folder never see a partly written file.
(``python -m shopsmart.export`` with the same arguments works too.)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from shopsmart.warehouse import INTERRUPTED_EXIT_CODE, Interrupted, add_database_argument, ctrl_c_as_interrupted

from .parquet import DEFAULT_SCHEMAS, WarehouseUnavailable, default_export_dir, export_marts


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="shopsmart-export-marts",
        description="Write every mart table of the DuckDB warehouse to Parquet, one file per table, "
        "and the segment audiences to CSV, one file per segment.",
    )
    add_database_argument(parser)
    parser.add_argument(
        "--out",
        type=Path,
        default=default_export_dir(),
        help="folder for <schema>/<table>.parquet (default: $SHOPSMART_EXPORT_DIR, else exports)",
    )
    parser.add_argument(
        "--schema",
        dest="schemas",
        action="append",
        help=f"a schema to export; repeat for several (default: {', '.join(DEFAULT_SCHEMAS)})",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        with ctrl_c_as_interrupted():
            exported = export_marts(args.database, args.out, args.schemas or DEFAULT_SCHEMAS)
    except WarehouseUnavailable as exc:
        print(f"shopsmart-export-marts: {exc}", file=sys.stderr)
        return 1
    except Interrupted:
        print(
            f"shopsmart-export-marts: interrupted; each file in {args.out} is the previous or the new complete one",
            file=sys.stderr,
        )
        return INTERRUPTED_EXIT_CODE
    for table in exported:
        print(f"{table.schema}.{table.name}: {table.rows} rows -> {table.path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

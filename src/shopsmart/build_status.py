"""``shopsmart-build-status``: whether the warehouse's latest build is complete.

Usage::

    shopsmart-build-status [--database FILE] [--summary]

Prints the latest row of audit.build_status of the DuckDB warehouse (default:
$SHOPSMART_DUCKDB_PATH, else shopsmart.duckdb) and exits 0 when that build is
complete, 1 when it is not (failed, interrupted, killed or partial) or the
warehouse has no status, saying what to do. ``make docs`` and ``make report`` use
it, through scripts/warehouse_is_current.sh, to decide whether to build first.
With ``--summary`` (the end of ``make build``) it also says where the warehouse
and the Parquet files are, how many marts and quarantined rows there are, and
which commands come next.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

from shopsmart.export.parquet import default_export_dir
from shopsmart.warehouse import (
    BuildStatus,
    WarehouseUnavailable,
    add_database_argument,
    connect_read_only,
    require_complete_build,
)

#: The marts an analyst starts from, named in the summary.
STARTING_MARTS = ("customers", "customer_rfm", "customer_segments", "segment_profiles", "monthly_revenue")

NEXT_COMMANDS = (
    "make docs     the docs site: every model, column and test, and the lineage",
    "make report   the customer report for marketers",
    "make help     every target",
)


def summary(connection: duckdb.DuckDBPyConnection, database: Path, exports: Path) -> list[str]:
    """What a user needs after a complete build: where things are, what was built, what was rejected."""
    [(marts,)] = connection.execute("select count(*) from duckdb_tables() where schema_name = 'marts'").fetchall()
    quarantined = connection.execute(
        "select source_table, count(*) from audit.quarantine group by source_table order by source_table"
    ).fetchall()
    rejected = ", ".join(f"{table} {rows:,}" for table, rows in quarantined) or "none"
    return [
        f"Warehouse:     {database.resolve()} (DuckDB; tables marts.<mart>)",
        f"Marts:         {marts} tables in schema marts; start with " + ", ".join(STARTING_MARTS),
        f"Quarantine:    {sum(rows for _, rows in quarantined):,} rows rejected ({rejected}): audit.quarantine",
        f"Parquet files: {exports.resolve() / 'marts'}",
        "Next:",
        *(f"  {command}" for command in NEXT_COMMANDS),
    ]


def status_line(database: Path, status: BuildStatus) -> str:
    return (
        f"{database}: complete, run id {status.run_id} "
        f"(dbt {status.command} started {status.started_at:%Y-%m-%d %H:%M:%S} UTC)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="shopsmart-build-status",
        description="Exit 0 when the warehouse's latest dbt build is complete, 1 otherwise.",
    )
    add_database_argument(parser)
    parser.add_argument(
        "--summary", action="store_true", help="also say where the marts are, what was rejected and what comes next"
    )
    args = parser.parse_args(argv)
    try:
        with connect_read_only(args.database, "run shopsmart-build-status again") as connection:
            status = require_complete_build(connection, args.database)
            lines = summary(connection, args.database, default_export_dir()) if args.summary else []
    except WarehouseUnavailable as exc:
        print(f"shopsmart-build-status: {exc}", file=sys.stderr)
        return 1
    print("\n".join([status_line(args.database, status), *lines]))
    return 0


if __name__ == "__main__":
    sys.exit(main())

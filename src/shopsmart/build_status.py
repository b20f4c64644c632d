"""``shopsmart-build-status``: whether the warehouse's latest build is complete.

Usage::

    shopsmart-build-status [--database FILE]

Prints the latest row of audit.build_status of the DuckDB warehouse (default:
$SHOPSMART_DUCKDB_PATH, else shopsmart.duckdb) and exits 0 when that build is
complete, 1 when it is not (failed, interrupted, killed or partial) or the
warehouse has no status, saying what to do. ``make docs`` and ``make report`` use
it, through scripts/warehouse_is_current.sh, to decide whether to build first.
"""

from __future__ import annotations

import argparse
import sys

from shopsmart.warehouse import WarehouseUnavailable, add_database_argument, connect_read_only, require_complete_build


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="shopsmart-build-status",
        description="Exit 0 when the warehouse's latest dbt build is complete, 1 otherwise.",
    )
    add_database_argument(parser)
    args = parser.parse_args(argv)
    try:
        with connect_read_only(args.database, "run shopsmart-build-status again") as connection:
            status = require_complete_build(connection, args.database)
    except WarehouseUnavailable as exc:
        print(f"shopsmart-build-status: {exc}", file=sys.stderr)
        return 1
    print(
        f"{args.database}: complete, run id {status.run_id} "
        f"(dbt {status.command} started {status.started_at:%Y-%m-%d %H:%M:%S} UTC)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

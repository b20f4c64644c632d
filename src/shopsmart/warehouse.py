"""Read-only access to the built DuckDB warehouse, for the commands that read the marts."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import duckdb


class WarehouseUnavailable(RuntimeError):
    """The warehouse file is missing, locked by a writer, or lacks the tables a command reads."""


def connect_read_only(database: Path, retry_hint: str) -> duckdb.DuckDBPyConnection:
    """A read-only connection to `database`, or WarehouseUnavailable with a message a user can act on.

    DuckDB allows one read-write process or any number of read-only ones, so a running
    `dbt build` locks readers out; `retry_hint` says what to run again once it has finished.
    """
    if not database.is_file():
        raise WarehouseUnavailable(f"{database}: no such warehouse file; run `dbt build` first")
    try:
        return duckdb.connect(str(database), read_only=True)
    except duckdb.IOException as exc:
        raise WarehouseUnavailable(
            f"{database} is locked by another process (a running dbt build?); "
            f"{retry_hint} after it finishes. DuckDB said: {exc}"
        ) from exc


def add_database_argument(parser: argparse.ArgumentParser) -> None:
    """The --database option of a command that reads the warehouse, defaulting as dbt's profile does."""
    parser.add_argument(
        "--database",
        type=Path,
        default=Path(os.environ.get("SHOPSMART_DUCKDB_PATH") or "shopsmart.duckdb"),
        help="the DuckDB warehouse file (default: $SHOPSMART_DUCKDB_PATH, else shopsmart.duckdb)",
    )

"""Read-only access to the built DuckDB warehouse, for the commands that read the marts."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import duckdb

#: The table that dbt's on-run-start and on-run-end hooks write (macros/audit/build_status.sql).
BUILD_STATUS_TABLE = "audit.build_status"


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


class IncompleteBuild(WarehouseUnavailable):
    """The latest build of the warehouse did not complete, so its marts may mix two builds."""


#: What each status other than 'complete' means, for the message of IncompleteBuild.
INCOMPLETE_REASONS = {
    "running": "it was interrupted or killed before its end",
    "failed": "a model, seed or test of it failed or was skipped",
    "partial": "it did not rebuild everything that an earlier failed or interrupted build left unfinished",
}


@dataclass(frozen=True)
class BuildStatus:
    """The latest row of audit.build_status: the state the last dbt build, run or seed left."""

    run_id: str
    command: str
    status: str
    started_at: dt.datetime
    recorded_at: dt.datetime

    @property
    def is_complete(self) -> bool:
        return self.status == "complete"


def latest_build_status(connection: duckdb.DuckDBPyConnection) -> BuildStatus | None:
    """The latest row of audit.build_status, or None when the table is missing or empty."""
    [(exists,)] = connection.execute(
        "select count(*) from information_schema.tables where table_schema = 'audit' and table_name = 'build_status'"
    ).fetchall()
    if not exists:
        return None
    rows = connection.execute(
        f"select run_id, command, status, started_at, recorded_at from {BUILD_STATUS_TABLE}"
        " order by recorded_at desc limit 1"
    ).fetchall()
    return BuildStatus(*rows[0]) if rows else None


def require_complete_build(connection: duckdb.DuckDBPyConnection, database: Path) -> BuildStatus:
    """The latest build status if it is 'complete', else IncompleteBuild with a message a user can act on.

    A build that failed, was interrupted (Ctrl-C) or killed leaves some marts rebuilt
    and others from the build before: publishing them would mix two states of the shop.
    """
    status = latest_build_status(connection)
    if status is None:
        raise IncompleteBuild(
            f"{database} has no build status (no status, no run id: {BUILD_STATUS_TABLE} is missing or empty), "
            "so whether its marts come from one complete build is unknown; run dbt build again"
        )
    if not status.is_complete:
        raise IncompleteBuild(
            f"{database}: the latest build is not complete: status '{status.status}' of run id {status.run_id} "
            f"(dbt {status.command} started {status.started_at:%Y-%m-%d %H:%M:%S} UTC): "
            f"{INCOMPLETE_REASONS.get(status.status, 'unknown status')}, so its marts may mix tables of that build "
            "and of an earlier one; run dbt build again"
        )
    return status


#: The exit code of a command stopped by Ctrl-C (SIGINT), as shells report it: 128 + 2.
INTERRUPTED_EXIT_CODE = 130


class Interrupted(Exception):
    """The command was stopped by Ctrl-C (SIGINT)."""


@contextmanager
def ctrl_c_as_interrupted() -> Iterator[None]:
    """Raise Interrupted for a Ctrl-C inside the block, however it surfaces.

    Outside a query, Python raises KeyboardInterrupt; during a DuckDB query, DuckDB
    stops the query and raises RuntimeError("Query interrupted") instead. The SIGINT
    handler records the signal, so that either error becomes Interrupted and the
    command can exit with a message rather than a traceback. Main thread only.
    """
    received: list[int] = []

    def on_sigint(signum: int, frame: FrameType | None) -> None:
        received.append(signum)
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        yield
    except BaseException as exc:
        if received:
            raise Interrupted from exc
        raise
    finally:
        signal.signal(signal.SIGINT, previous)


def add_database_argument(parser: argparse.ArgumentParser) -> None:
    """The --database option of a command that reads the warehouse, defaulting as dbt's profile does."""
    parser.add_argument(
        "--database",
        type=Path,
        default=Path(os.environ.get("SHOPSMART_DUCKDB_PATH") or "shopsmart.duckdb"),
        help="the DuckDB warehouse file (default: $SHOPSMART_DUCKDB_PATH, else shopsmart.duckdb)",
    )

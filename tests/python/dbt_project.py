"""Run the dbt project from pytest: build into a temporary DuckDB file and read it back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

PROJECT_DIR = Path(__file__).resolve().parents[2]
DBT = Path(sys.executable).parent / "dbt"


@dataclass(frozen=True)
class DbtRun:
    returncode: int
    output: str
    database: Path

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.database), read_only=True) as connection:
            return connection.sql(sql).fetchall()

    def fingerprint(self, relation: str) -> tuple[int, str]:
        """Row count and an order-independent digest of every value of a relation."""
        return self.query(
            f"select count(*), md5(coalesce(string_agg(row_text, '|' order by row_text), '')) "
            f"from (select cast(t as varchar) as row_text from {relation} as t)"
        )[0]


def generate_daily_shop(out_dir: Path, customers: int, seed: int, months: int) -> Path:
    """A generated shop as CSV files, events one file per day, with the generator's 1% defects."""
    from shopsmart.generator.pipeline import GeneratorConfig, generate

    generate(GeneratorConfig(
        customers=customers, out_dir=out_dir, seed=seed, fmt="csv", defect_rate=0.01,
        months=months, events_by_day=True, progress=False,
    ))
    return out_dir


def run_environment(work_dir: Path, env: dict[str, str] | None) -> dict[str, str]:
    """The environment of a dbt command whose warehouse, spill folder, target and logs are in work_dir."""
    # The source switch comes only from `env`, never from the caller's shell.
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("SHOPSMART_")}
    return {
        **inherited,
        "SHOPSMART_DUCKDB_PATH": str(work_dir / "warehouse.duckdb"),
        # DuckDB spills beside the build, not into the project's target/
        "SHOPSMART_DUCKDB_TEMP_DIRECTORY": str(work_dir / "duckdb_spill"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_TARGET_PATH": str(work_dir / "target"),
        "DBT_LOG_PATH": str(work_dir / "logs"),
        **(env or {}),
    }


def run(command: list[str], work_dir: Path, env: dict[str, str] | None = None) -> DbtRun:
    """Run a command of the project (dbt or one of its scripts) with its warehouse etc. in work_dir."""
    work_dir.mkdir(parents=True, exist_ok=True)
    completed = subprocess.run(
        command,
        cwd=PROJECT_DIR,
        env=run_environment(work_dir, env),
        capture_output=True,
        text=True,
        check=False,
    )
    return DbtRun(completed.returncode, completed.stdout + completed.stderr, work_dir / "warehouse.duckdb")


# `dbt build` arguments for a build that only makes tables, e.g. a full build that an
# incremental or daily one is compared with: seeds and models, no data or unit tests
# (the builds compared with it run the data tests; the sample build, the unit tests).
TABLES_ONLY = ("--exclude-resource-type", "test", "unit_test")
# ... and for the builds whose data tests matter but whose unit tests, which check the
# SQL on fixed inputs and not the data, the sample build already runs.
WITHOUT_UNIT_TESTS = ("--exclude-resource-type", "unit_test")


def dbt(command: str, work_dir: Path, env: dict[str, str] | None = None, *args: str) -> DbtRun:
    """Run `dbt <command>` on the project with its warehouse, target and logs in work_dir."""
    return run(
        [str(DBT), command, "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR), *args],
        work_dir,
        env,
    )


def parse_manifest(work_dir: Path, env: dict[str, str] | None = None) -> dict:
    """`dbt parse` of the project into work_dir (no build, no file read), and the manifest it writes."""
    run = dbt("parse", work_dir, env)
    assert run.returncode == 0, run.output[-5000:]
    return json.loads((work_dir / "target" / "manifest.json").read_text())


REQUIRED_RELATIONS = {
    "marts.customer_segments",
    "marts.funnel_sessions",
    "marts.customer_rfm",
    "audit.quarantine",
    "audit.reconciliation",
}
# The relations assert_same_warehouse compares beside every mart and audit table,
# without loaded_at, the start time of the run that loaded the row, which differs by design.
EVENT_RELATIONS = [
    "intermediate.int_events_sessionized",
    "intermediate.int_sessions_summarized",
    "intermediate.int_cart_products_summarized",
    "staging.stg_shopsmart__events",
]


# The record of the runs (dbt's hooks write it), not data: its run ids and times differ by design.
BUILD_STATUS = "audit.build_status"


def latest_build_status(run: DbtRun) -> str:
    """The status of the latest row of audit.build_status (complete, partial, failed, running)."""
    return run.query(f"select status from {BUILD_STATUS} order by recorded_at desc limit 1")[0][0]


def mart_and_audit_relations(run: DbtRun) -> list[str]:
    relations = [
        row[0]
        for row in run.query(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_schema in ('marts', 'audit') and table_type in ('BASE TABLE', 'VIEW') "
            "order by 1"
        )
        if row[0] != BUILD_STATUS
    ]
    assert relations, "the reference warehouse has no marts or audit relations"
    assert REQUIRED_RELATIONS <= set(relations), REQUIRED_RELATIONS - set(relations)
    return relations


def fingerprints(run: DbtRun, relations: list[str]) -> dict[str, tuple[int, str]]:
    """The fingerprint of each relation and of EVENT_RELATIONS, without their loaded_at column."""
    with_load_time = {
        row[0]
        for row in run.query(
            "select table_schema || '.' || table_name from information_schema.columns "
            "where column_name = 'loaded_at'"
        )
    }
    return {
        relation: run.fingerprint(
            f"(select * exclude (loaded_at) from {relation})" if relation in with_load_time else relation
        )
        for relation in [*relations, *EVENT_RELATIONS]
    }


def assert_same_warehouse(actual: DbtRun, expected: DbtRun) -> None:
    """Every mart, the audit tables and the event models hold the same rows in both warehouses."""
    relations = mart_and_audit_relations(expected)
    actual_prints = fingerprints(actual, relations)
    expected_prints = fingerprints(expected, relations)
    differing = [r for r in expected_prints if actual_prints[r] != expected_prints[r]]
    assert not differing, {r: (actual_prints[r], expected_prints[r]) for r in differing}

"""Run the dbt project from pytest: build into a temporary DuckDB file and read it back."""

from __future__ import annotations

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


def dbt(command: str, work_dir: Path, env: dict[str, str] | None = None, *args: str) -> DbtRun:
    """Run `dbt <command>` on the project with its warehouse, target and logs in work_dir."""
    work_dir.mkdir(parents=True, exist_ok=True)
    database = work_dir / "warehouse.duckdb"
    # The source switch comes only from `env`, never from the caller's shell.
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("SHOPSMART_")}
    run_env = {
        **inherited,
        "SHOPSMART_DUCKDB_PATH": str(database),
        # DuckDB spills beside the build, not into the project's target/
        "SHOPSMART_DUCKDB_TEMP_DIRECTORY": str(work_dir / "duckdb_spill"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        **(env or {}),
    }
    completed = subprocess.run(
        [
            str(DBT), command,
            "--project-dir", str(PROJECT_DIR),
            "--profiles-dir", str(PROJECT_DIR),
            "--target-path", str(work_dir / "target"),
            "--log-path", str(work_dir / "logs"),
            *args,
        ],
        cwd=PROJECT_DIR,
        env=run_env,
        capture_output=True,
        text=True,
        check=False,
    )
    return DbtRun(completed.returncode, completed.stdout + completed.stderr, database)

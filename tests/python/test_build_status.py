"""The build status: a reader can tell a warehouse of complete builds from a half-rebuilt one.

dbt's on-run-start and on-run-end hooks (macros/audit/build_status.sql) write a row
'running' to audit.build_status before a build's first node and a row 'complete',
'partial' or 'failed' after its last. A build killed mid-way leaves its marts half
rebuilt and 'running' the latest row; `shopsmart-export-marts` and `shopsmart-report`
must then refuse the warehouse with a message naming it, the status and the run id,
and no traceback. On a copy of the sample build's warehouse, in this order (each
test reads the state the fixtures before it left):

- the sample build itself is 'complete', and the export works;
- `dbt build` killed (SIGKILL) once marts.customers is rebuilt: 'running', and the
  export and the report refuse;
- a build whose model fails (analysis_date not a day of the calendar): 'failed';
- a subset build that succeeds but leaves what those runs selected: 'partial';
- a full `dbt build` afterwards: 'complete' again, and the export works; a subset
  build over it stays 'complete';
- a warehouse built before the table existed is refused, and Ctrl-C stops the
  export and the report with exit code 130 and no traceback.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path
from types import ModuleType

import duckdb
import pytest

from dbt_project import DBT, PROJECT_DIR, DbtRun, dbt, latest_build_status, run_environment
from shopsmart.export import cli as export_cli
from shopsmart.report import cli as report_cli

BIN = Path(sys.executable).parent
# A day that passes the var's format check but no calendar: int_analysis_dates_resolved errors.
IMPOSSIBLE_DAY = "{analysis_date: '2024-02-30'}"


def readers(database: Path, out_dir: Path) -> dict[str, subprocess.CompletedProcess[str]]:
    """The export and the report as a user runs them, on database, writing under out_dir."""
    commands = {
        "export": [str(BIN / "shopsmart-export-marts"), "--database", str(database), "--out", str(out_dir / "export")],
        "report": [str(BIN / "shopsmart-report"), "--database", str(database), "--out", str(out_dir / "report")],
    }
    return {
        name: subprocess.run(command, cwd=PROJECT_DIR, capture_output=True, text=True, check=False)
        for name, command in commands.items()
    }


def latest_row(database: Path) -> tuple[str, str]:
    """(run_id, status) of the latest row of audit.build_status."""
    with duckdb.connect(str(database), read_only=True) as connection:
        [row] = connection.sql(
            "select run_id, status from audit.build_status order by recorded_at desc limit 1"
        ).fetchall()
        return row


def assert_refused(database: Path, out_dir: Path, status: str) -> None:
    """Both readers exit with 1, naming the warehouse, the status and the run id; nothing exported."""
    run_id, latest = latest_row(database)
    assert latest == status
    for name, completed in readers(database, out_dir).items():
        assert completed.returncode == 1, (name, completed.stdout, completed.stderr)
        message = completed.stderr
        for expected in (str(database), f"status '{status}'", f"run id {run_id}", "run dbt build again"):
            assert expected in message, (name, expected, message)
        assert "Traceback" not in message, (name, message)
    assert not list((out_dir / "export").rglob("*.parquet"))
    assert not (out_dir / "report" / "index.html").exists()


def kill_build_after(line: str, work_dir: Path) -> str:
    """Start `dbt build` in work_dir and SIGKILL it as soon as its output shows `line`; its output."""
    process = subprocess.Popen(
        [str(DBT), "build", "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)],
        cwd=PROJECT_DIR,
        env=run_environment(work_dir, None),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    output = []
    for output_line in process.stdout:
        output.append(output_line)
        if line in output_line:
            process.send_signal(signal.SIGKILL)
            break
    process.stdout.close()
    process.wait()
    assert process.returncode == -signal.SIGKILL, "".join(output)[-3000:]
    return "".join(output)


@pytest.fixture(scope="module")
def work_dir(sample_build: DbtRun, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder whose warehouse.duckdb starts as a copy of the complete sample build."""
    directory = tmp_path_factory.mktemp("build_status")
    shutil.copyfile(sample_build.database, directory / "warehouse.duckdb")
    return directory


@pytest.fixture(scope="module")
def killed(work_dir: Path) -> Path:
    kill_build_after("OK created sql table model marts.customers", work_dir)
    return work_dir / "warehouse.duckdb"


@pytest.fixture(scope="module")
def failed(killed: Path, work_dir: Path) -> DbtRun:
    completed = dbt(
        "build", work_dir, None,
        "--select", "int_analysis_dates_resolved+", "--exclude-resource-type", "unit_test", "--vars", IMPOSSIBLE_DAY,
    )
    assert completed.returncode == 1, completed.output[-3000:]
    return completed


@pytest.fixture(scope="module")
def partial(failed: DbtRun, work_dir: Path) -> DbtRun:
    completed = dbt("build", work_dir, None, "--select", "customers")
    assert completed.returncode == 0, completed.output[-3000:]
    return completed


@pytest.fixture(scope="module")
def rebuilt(partial: DbtRun, work_dir: Path) -> DbtRun:
    # every model, seed and test; unit tests, which read no table, left out as the daily build does
    completed = dbt("build", work_dir, None, "--exclude-resource-type", "unit_test")
    assert completed.returncode == 0, completed.output[-3000:]
    return completed


def test_a_complete_build_is_complete_and_exported(sample_build: DbtRun, tmp_path: Path) -> None:
    run_id, status = latest_row(sample_build.database)
    assert status == "complete"
    # a row 'running' when the build started, one 'complete' when it ended
    assert sample_build.query(
        f"select status from audit.build_status where run_id = '{run_id}' order by recorded_at"
    ) == [("running",), ("complete",)]
    completed = readers(sample_build.database, tmp_path)["export"]
    assert completed.returncode == 0, completed.stderr
    assert (tmp_path / "export" / "marts" / "customer_segments.parquet").is_file()


def test_a_killed_build_is_running_and_refused(killed: Path, tmp_path: Path) -> None:
    assert_refused(killed, tmp_path, "running")


def test_a_build_whose_model_fails_is_failed_and_refused(failed: DbtRun, tmp_path: Path) -> None:
    (counts,) = failed.query(
        "select nodes_failed, nodes_skipped > 0 from audit.build_status order by recorded_at desc limit 1"
    )
    assert counts == (1, True)
    assert_refused(failed.database, tmp_path, "failed")


def test_a_subset_build_after_unfinished_ones_is_partial_and_refused(partial: DbtRun, tmp_path: Path) -> None:
    assert_refused(partial.database, tmp_path, "partial")


def test_a_full_build_restores_complete(rebuilt: DbtRun, tmp_path: Path) -> None:
    assert latest_build_status(rebuilt) == "complete"
    completed = readers(rebuilt.database, tmp_path)["export"]
    assert completed.returncode == 0, completed.stderr
    assert rebuilt.query("select count(*) from marts.customer_segments") == rebuilt.query(
        "select count(*) from marts.customers"
    )


def test_a_subset_build_over_a_complete_warehouse_stays_complete(rebuilt: DbtRun, work_dir: Path) -> None:
    completed = dbt("build", work_dir, None, "--select", "customers")
    assert completed.returncode == 0, completed.output[-3000:]
    assert latest_build_status(completed) == "complete"


def test_a_warehouse_without_build_status_is_refused(tmp_path: Path) -> None:
    database = tmp_path / "older.duckdb"
    duckdb.connect(str(database)).close()
    for name, completed in readers(database, tmp_path).items():
        assert completed.returncode == 1, (name, completed.stderr)
        assert f"{database} has no build status" in completed.stderr, (name, completed.stderr)
        assert "run dbt build again" in completed.stderr


@pytest.mark.parametrize("cli, target", [(export_cli, "export_marts"), (report_cli, "read_report_data")])
def test_ctrl_c_stops_the_commands_without_a_traceback(
    cli: ModuleType, target: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    def long_query(*_args: object) -> None:
        # Ctrl-C during a DuckDB query surfaces as DuckDB's RuntimeError, not KeyboardInterrupt.
        # One DuckDB thread: the query then runs in this thread in slices, with a check for
        # Ctrl-C after each; with more, the thread that takes range()'s single task may run
        # it to the end (minutes) before the check.
        threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT)).start()
        duckdb.connect(config={"threads": 1}).sql("select count(*) from range(1000000000000)").fetchall()

    monkeypatch.setattr(cli, target, long_query)
    assert cli.main(["--database", str(tmp_path / "w.duckdb"), "--out", str(tmp_path / "out")]) == 130
    stderr = capsys.readouterr().err
    assert "interrupted" in stderr and "Traceback" not in stderr

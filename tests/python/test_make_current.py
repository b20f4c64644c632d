"""make docs and make report read the warehouse of the last make build when it is current.

One `make build` of the embedded sample, then `make docs` on it, and the checks of
scripts/warehouse_is_current.sh that make a later `make docs` build first.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest

from dbt_project import PROJECT_DIR, DbtRun, run

CURRENT = PROJECT_DIR / "scripts" / "warehouse_is_current.sh"


def make(target: str, work_dir: Path, env: dict[str, str] | None = None) -> DbtRun:
    exports = {"SHOPSMART_EXPORT_DIR": str(work_dir / "exports")}
    return run(["make", "--no-print-directory", target], work_dir, {**exports, **(env or {})})


@pytest.fixture(scope="module")
def make_build(tmp_path_factory: pytest.TempPathFactory) -> DbtRun:
    build = make("build", tmp_path_factory.mktemp("make_build"))
    assert build.returncode == 0, build.output[-5000:]
    return build


@pytest.fixture
def built(make_build: DbtRun) -> Path:
    """The work folder of the make build: its warehouse, target/ and exports/."""
    return make_build.database.parent


def test_make_build_ends_saying_where_everything_is(make_build: DbtRun, built: Path) -> None:
    summary = make_build.output[make_build.output.index(f"{make_build.database}: complete, run id"):]
    [(quarantined,)] = make_build.query("select sum(rows_quarantined) from audit.reconciliation")
    assert f"Warehouse:     {make_build.database}" in summary
    assert f"Quarantine:    {quarantined:,} rows rejected (customers " in summary
    assert f"Parquet files: {built / 'exports' / 'marts'}" in summary
    assert "make docs" in summary and "make report" in summary


def test_make_docs_after_make_build_does_not_build_again(built: Path) -> None:
    docs = make("docs", built)
    assert docs.returncode == 0, docs.output[-5000:]
    assert "The warehouse is current: not building again" in docs.output
    # make echoes each recipe line it runs: no dbt build among them
    assert "dbt build" not in docs.output
    assert (built / "target" / "docs_site" / "index.html").is_file()


def test_a_file_modified_after_the_build_started_makes_it_not_current(built: Path) -> None:
    record = built / "target" / "make_build.record"
    times = record.stat()
    # as if the build had started before every file of the project was last written
    os.utime(record, (0, 0))
    try:
        check = run([str(CURRENT)], built)
    finally:
        os.utime(record, ns=(times.st_atime_ns, times.st_mtime_ns))
    assert check.returncode == 1
    assert "was modified after the last make build started): building it first" in check.output
    assert run([str(CURRENT)], built).returncode == 0


def test_other_settings_make_it_not_current(built: Path) -> None:
    check = run([str(CURRENT)], built, {"SHOPSMART_CSV_ENCODING": "latin-1"})
    assert check.returncode == 1
    assert "settings differ from the last make build's): building it first" in check.output


def test_an_incomplete_build_since_makes_it_not_current(built: Path, tmp_path: Path) -> None:
    # a dbt build by hand, interrupted: its on-run-start row is the latest
    warehouse = tmp_path / "interrupted.duckdb"
    shutil.copy(built / "warehouse.duckdb", warehouse)
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute(
            "insert into audit.build_status (run_id, command, status, started_at, recorded_at) "
            "select 'interrupted-run', 'build', 'running', recorded_at, recorded_at + interval 1 second "
            "from audit.build_status order by recorded_at desc limit 1"
        )
    check = run([str(CURRENT)], built, {"SHOPSMART_DUCKDB_PATH": str(warehouse)})
    assert check.returncode == 1
    assert "status 'running' of run id interrupted-run" in check.output
    assert "not current (its latest build is not complete): building it first" in check.output

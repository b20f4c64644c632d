"""BI access to the marts of the sample build: the Parquet export and read-only DuckDB.

The export (shopsmart.export) must write every model of the mart schemas with the
same rows and columns as the warehouse, and replace each file atomically, so that a
BI tool reading the folder while an export runs never gets a partly written file;
the segment audiences (CSV, one file per segment) hold every customer once.
DuckDB's file lock allows one read-write process or any number of read-only ones:
the checks below show both sides of that rule.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dbt_project import PROJECT_DIR, DbtRun
from shopsmart.export import DEFAULT_SCHEMAS, atomic_write, segment_file_stem

PYTHON = sys.executable


def export(database: Path, out_dir: Path) -> subprocess.CompletedProcess[str]:
    """The export command as a user runs it, in its own process."""
    return subprocess.run(
        [PYTHON, "-m", "shopsmart.export", "--database", str(database), "--out", str(out_dir)],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
    )


def mart_models(run: DbtRun) -> set[tuple[str, str]]:
    """(schema, name) of every model the build put in a mart schema, from dbt's manifest."""
    manifest = json.loads((run.database.parent / "target" / "manifest.json").read_text())
    return {
        (node["schema"], node["alias"])
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["schema"] in DEFAULT_SCHEMAS
    }


@pytest.fixture(scope="module")
def export_dir(sample_build: DbtRun, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out_dir = tmp_path_factory.mktemp("exports")
    completed = export(sample_build.database, out_dir)
    assert completed.returncode == 0, completed.stderr
    return out_dir


def test_every_mart_is_exported_with_its_rows_and_columns(sample_build: DbtRun, export_dir: Path) -> None:
    models = mart_models(sample_build)
    assert ("marts", "orders") in models and len(models) >= 15
    files = {(path.parent.name, path.stem) for path in export_dir.glob("*/*.parquet")}
    assert files == models

    with duckdb.connect(str(sample_build.database), read_only=True) as connection:
        for schema, name in sorted(models):
            path = export_dir / schema / f"{name}.parquet"
            table = pq.read_table(path)
            columns = [row[0] for row in connection.sql(f"describe {schema}.{name}").fetchall()]
            [(rows,)] = connection.sql(f"select count(*) from {schema}.{name}").fetchall()
            assert table.column_names == columns, name
            assert table.num_rows == rows, name
            # same values, row for row (as multisets), in both directions
            for left, right in ((f"read_parquet('{path}')", f"{schema}.{name}"),
                                (f"{schema}.{name}", f"read_parquet('{path}')")):
                [(missing,)] = connection.sql(
                    f"select count(*) from (select * from {left} except all select * from {right})"
                ).fetchall()
                assert missing == 0, f"{name}: {missing} rows of {left} not in {right}"


def test_money_keeps_its_decimal_type(export_dir: Path) -> None:
    schema = pq.read_schema(export_dir / "marts" / "orders.parquet")
    assert schema.field("total_amount_usd").type == pa.decimal128(18, 2)


def test_each_segment_of_the_sample_has_its_audience_file_and_they_hold_every_customer(
    sample_build: DbtRun, export_dir: Path
) -> None:
    segments = sample_build.query("select segment_name, customers from marts.segment_profiles")
    (customers,) = sample_build.query("select count(*) from marts.customers")[0]
    files = {path.name: path for path in (export_dir / "audiences").iterdir()}
    assert sorted(files) == sorted(f"{segment_file_stem(name, None)}.csv" for name, _ in segments)
    header = [row[0] for row in sample_build.query("describe marts.segment_audiences")]
    rows = 0
    for name, size in segments:
        with files[f"{segment_file_stem(name, None)}.csv"].open(encoding="utf-8", newline="") as handle:
            lines = list(csv.reader(handle))
        assert lines[0] == header, name
        assert len(lines) - 1 == size and {line[2] for line in lines[1:]} == {name}, name
        rows += size
    assert rows == customers


def test_export_removes_files_of_marts_that_no_longer_exist(sample_build: DbtRun, tmp_path: Path) -> None:
    stale = tmp_path / "marts" / "dropped_mart.parquet"
    stale.parent.mkdir()
    stale.write_bytes(b"left over from an older build")
    completed = export(sample_build.database, tmp_path)
    assert completed.returncode == 0, completed.stderr
    assert not stale.exists()
    assert (tmp_path / "marts" / "orders.parquet").is_file()
    assert not list(tmp_path.rglob("*.tmp"))


def _parquet_bytes(rows: int) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(pa.table({"n": list(range(rows))}), sink)
    return sink.getvalue().to_pybytes()


def test_atomic_write_keeps_the_complete_old_file_until_the_new_one_is_complete(tmp_path: Path) -> None:
    final = tmp_path / "mart.parquet"
    atomic_write(final, lambda path: path.write_bytes(_parquet_bytes(3)))
    new = _parquet_bytes(1000)

    def write_in_two_halves(path: Path) -> None:
        with path.open("wb") as handle:
            handle.write(new[: len(new) // 2])
            handle.flush()
            # mid-write: the final name still holds the old, complete file
            assert pq.read_table(final).num_rows == 3
            handle.write(new[len(new) // 2:])

    atomic_write(final, write_in_two_halves)
    assert pq.read_table(final).num_rows == 1000
    assert [path.name for path in tmp_path.iterdir()] == ["mart.parquet"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path: Path) -> None:
    final = tmp_path / "mart.parquet"
    atomic_write(final, lambda path: path.write_bytes(_parquet_bytes(3)))

    def fail_half_way(path: Path) -> None:
        path.write_bytes(_parquet_bytes(1000)[:100])
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic_write(final, fail_half_way)
    assert pq.read_table(final).num_rows == 3
    assert [path.name for path in tmp_path.iterdir()] == ["mart.parquet"]


EXPORT_LOOP = """
import sys, time
from pathlib import Path
from shopsmart.export import export_marts
deadline = time.monotonic() + float(sys.argv[3])
runs = 0
while runs < 3 or time.monotonic() < deadline:
    export_marts(Path(sys.argv[1]), Path(sys.argv[2]))
    runs += 1
"""


def test_readers_never_see_a_partial_file_while_exports_run(
    sample_build: DbtRun, export_dir: Path, tmp_path: Path
) -> None:
    out_dir = tmp_path / "exports"
    shutil.copytree(export_dir, out_dir)
    expected_rows = {
        path.relative_to(out_dir): pq.read_metadata(path).num_rows for path in out_dir.glob("*/*.parquet")
    }
    exporter = subprocess.Popen(
        # at least three exports, and more until 3 seconds have passed
        [PYTHON, "-c", EXPORT_LOOP, str(sample_build.database), str(out_dir), "3"],
        cwd=PROJECT_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    reads, failures, versions = 0, [], set()
    deadline = time.monotonic() + 120
    while exporter.poll() is None and time.monotonic() < deadline:
        for relative, rows in expected_rows.items():
            path = out_dir / relative
            try:
                status = path.stat()
                versions.add((relative, status.st_ino, status.st_mtime_ns))
                table = pq.read_table(path)
            except Exception as exc:  # any unreadable or missing file is a failure
                failures.append(f"{relative}: {exc!r}")
                continue
            reads += 1
            if table.num_rows != rows:
                failures.append(f"{relative}: {table.num_rows} rows, expected {rows}")
    _, stderr = exporter.communicate(timeout=60)
    assert exporter.returncode == 0, stderr
    assert failures == []
    # the reads really overlapped with the exports: files were replaced while being read
    assert len(versions) > len(expected_rows)
    assert reads > len(expected_rows)
    assert not list(out_dir.rglob("*.tmp"))


def test_many_read_only_connections_can_read_the_warehouse_at_once(sample_build: DbtRun) -> None:
    holder = subprocess.Popen(
        [PYTHON, "-c",
         "import duckdb, sys; c = duckdb.connect(sys.argv[1], read_only=True); "
         "print(c.sql('select count(*) from marts.orders').fetchall()[0][0], flush=True); sys.stdin.read()",
         str(sample_build.database)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        held_count = int(holder.stdout.readline())
        with duckdb.connect(str(sample_build.database), read_only=True) as connection:
            [(count,)] = connection.sql("select count(*) from marts.orders").fetchall()
        assert count == held_count > 0
    finally:
        holder.communicate(input="", timeout=30)


def test_a_writer_locks_duckdb_readers_out_but_not_parquet_readers(
    sample_build: DbtRun, export_dir: Path, tmp_path: Path
) -> None:
    # a copy of the warehouse, opened read-write in another process as `dbt build` does
    database = tmp_path / "warehouse.duckdb"
    shutil.copyfile(sample_build.database, database)
    writer = subprocess.Popen(
        [PYTHON, "-c",
         "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('open', flush=True); sys.stdin.read()",
         str(database)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert writer.stdout.readline().strip() == "open"
        with pytest.raises(duckdb.IOException, match="lock"):
            duckdb.connect(str(database), read_only=True)
        completed = export(database, tmp_path / "exports")
        assert completed.returncode == 1
        assert "locked by another process" in completed.stderr
        assert not (tmp_path / "exports").exists()
        assert pq.read_table(export_dir / "marts" / "orders.parquet").num_rows > 0
    finally:
        writer.communicate(input="", timeout=30)
    with duckdb.connect(str(database), read_only=True) as connection:
        assert connection.sql("select count(*) from marts.orders").fetchall()[0][0] > 0


def test_an_open_read_only_reader_locks_a_build_out(sample_build: DbtRun, tmp_path: Path) -> None:
    # why BI tools should read the Parquet folder: a connection left open stops `dbt build`
    database = tmp_path / "warehouse.duckdb"
    shutil.copyfile(sample_build.database, database)
    reader = subprocess.Popen(
        [PYTHON, "-c",
         "import duckdb, sys; c = duckdb.connect(sys.argv[1], read_only=True); print('open', flush=True); "
         "sys.stdin.read()",
         str(database)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert reader.stdout.readline().strip() == "open"
        with pytest.raises(duckdb.IOException, match="lock"):
            duckdb.connect(str(database))
    finally:
        reader.communicate(input="", timeout=30)
    duckdb.connect(str(database)).close()


def test_export_of_a_missing_warehouse_says_so(tmp_path: Path) -> None:
    completed = export(tmp_path / "absent.duckdb", tmp_path / "exports")
    assert completed.returncode == 1
    assert "no such warehouse file" in completed.stderr

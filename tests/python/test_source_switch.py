"""The source switch: the same models read the shop's own CSV or Parquet files, and bad files fail clearly."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from dbt_project import PROJECT_DIR, DbtRun, dbt

SAMPLE_DIR = PROJECT_DIR / "seeds" / "shopsmart_sample"
TABLES = ["customers", "orders", "line_items", "products", "events"]
# the events' loaded_at is the start time of the run that loaded them: it differs by design
STAGING = [
    f"staging.stg_shopsmart__{table}" if table != "events"
    else "(select * exclude (loaded_at) from staging.stg_shopsmart__events)"
    for table in TABLES
] + ["audit.quarantine", "audit.reconciliation"]


def export_sample(directory: Path, file_format: str) -> Path:
    """Write the embedded sample as the five files a shop would export."""
    directory.mkdir(parents=True, exist_ok=True)
    for table in TABLES:
        source = SAMPLE_DIR / f"raw_{table}.csv"
        if file_format == "csv":
            shutil.copy(source, directory / f"{table}.csv")
        else:
            duckdb.sql(
                f"copy (select * from read_csv('{source}', header = true, all_varchar = true)) "
                f"to '{directory / f'{table}.parquet'}' (format parquet)"
            )
    return directory


@pytest.mark.parametrize("file_format", ["csv", "parquet"])
def test_own_files_give_the_same_staging_as_the_sample(
    file_format: str, sample_build: DbtRun, tmp_path: Path
) -> None:
    data_dir = export_sample(tmp_path / "export", file_format)
    run = dbt(
        "build",
        tmp_path / "build",
        {"SHOPSMART_DATA_DIR": str(data_dir), "SHOPSMART_FILE_FORMAT": file_format},
    )
    assert run.returncode == 0, run.output[-5000:]
    for relation in STAGING:
        assert run.fingerprint(relation) == sample_build.fingerprint(relation), relation


def run_orders_staging(data_dir: Path, work_dir: Path) -> DbtRun:
    return dbt(
        "run", work_dir, {"SHOPSMART_DATA_DIR": str(data_dir)}, "--select", "base_shopsmart__orders"
    )


def test_missing_file_names_the_table_and_path(tmp_path: Path) -> None:
    data_dir = export_sample(tmp_path / "export", "csv")
    (data_dir / "orders.csv").unlink()
    run = run_orders_staging(data_dir, tmp_path / "build")
    assert run.returncode != 0
    assert f"Source table shopsmart.orders: no file at {data_dir}/orders.csv" in run.output


def test_missing_column_names_the_table_and_column(tmp_path: Path) -> None:
    data_dir = export_sample(tmp_path / "export", "csv")
    orders = data_dir / "orders.csv"
    header, body = orders.read_text().split("\n", 1)
    orders.write_text(header.replace("status", "state") + "\n" + body)
    run = run_orders_staging(data_dir, tmp_path / "build")
    assert run.returncode != 0
    assert "Source table shopsmart.orders is missing column(s): status." in run.output


def test_empty_source_names_the_table(tmp_path: Path) -> None:
    data_dir = export_sample(tmp_path / "export", "csv")
    orders = data_dir / "orders.csv"
    orders.write_text(orders.read_text().split("\n", 1)[0] + "\n")
    run = run_orders_staging(data_dir, tmp_path / "build")
    assert run.returncode != 0
    assert "Source table shopsmart.orders is empty" in run.output


def test_zero_byte_file_is_called_empty(tmp_path: Path) -> None:
    data_dir = export_sample(tmp_path / "export", "csv")
    (data_dir / "orders.csv").write_bytes(b"")
    run = run_orders_staging(data_dir, tmp_path / "build")
    assert run.returncode != 0
    assert "Source table shopsmart.orders is empty: its file has no header line (0 bytes)." in run.output
    assert "column0" not in run.output


def test_a_latin_1_file_is_named_and_reads_with_its_encoding(tmp_path: Path) -> None:
    data_dir = export_sample(tmp_path / "export", "csv")
    customers = data_dir / "customers.csv"
    header, first, rest = customers.read_text(encoding="utf-8").split("\n", 2)
    first_id, device_id, _, currency = first.split(",")
    # a Windows export: latin-1, with a letter outside ASCII
    customers.write_bytes(
        "\n".join([header, f"{first_id},{device_id},Curaçao,{currency}", rest]).encode("latin-1")
    )

    def run_customers(work_dir: Path, env: dict[str, str]) -> DbtRun:
        return dbt(
            "run", work_dir, {"SHOPSMART_DATA_DIR": str(data_dir), **env},
            "--select", "base_shopsmart__customers",
        )

    failed = run_customers(tmp_path / "utf-8", {})
    assert failed.returncode != 0
    assert f"Source table shopsmart.customers: the file {customers} is not valid UTF-8." in failed.output
    assert "shopsmart_csv_encoding" in failed.output

    read = run_customers(tmp_path / "latin-1", {"SHOPSMART_CSV_ENCODING": "latin-1"})
    assert read.returncode == 0, read.output[-5000:]
    assert read.query(
        f"select location_raw from staging.base_shopsmart__customers where customer_id = '{first_id}'"
    ) == [("Curaçao",)]


def test_unknown_file_format_is_refused(tmp_path: Path) -> None:
    data_dir = export_sample(tmp_path / "export", "csv")
    run = dbt(
        "run", tmp_path / "build",
        {"SHOPSMART_DATA_DIR": str(data_dir), "SHOPSMART_FILE_FORMAT": "xlsx"},
        "--select", "base_shopsmart__orders",
    )
    assert run.returncode != 0
    assert "shopsmart_file_format must be csv or parquet, got 'xlsx'" in run.output

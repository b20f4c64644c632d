"""The audience files: marts.segment_audiences as one CSV file per segment (shopsmart.export.audiences).

On a small warehouse made here (no dbt build): a complete build status and a
segment_audiences table whose segment names need a file-name-safe form, UTF-8
letters among them. The export of the sample build's audiences is checked in
test_bi_access, beside the Parquet export.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

import shopsmart.export.audiences as audiences
from shopsmart.export import WarehouseUnavailable, atomic_write, export_marts, segment_file_stem
from test_bi_access import export

COLUMNS = "customer_id varchar, segment_id bigint, segment_name varchar, recommended_action varchar"
SEGMENTS = {
    1: "High-value loyal",
    2: "Clients fidèles / VIP",
    3: "Ñandú: 2",
}
ROWS = [
    ("c3", 1, SEGMENTS[1], "Reward them, personally"),
    ("c1", 1, SEGMENTS[1], "Reward them, personally"),
    ("c2", 2, SEGMENTS[2], 'Say "merci" – en français'),
    ("c4", 3, SEGMENTS[3], None),
    ("c5", None, "Unsegmented", None),
]


def make_warehouse(path: Path, rows: list[tuple] = ROWS) -> Path:
    with duckdb.connect(str(path)) as connection:
        connection.execute("create schema audit")
        connection.execute(
            "create table audit.build_status (run_id varchar, command varchar, status varchar,"
            " started_at timestamp, recorded_at timestamp)"
        )
        connection.execute(
            "insert into audit.build_status values ('r1', 'build', 'complete', '2024-01-01', '2024-01-01 00:01')"
        )
        connection.execute("create schema marts")
        connection.execute(f"create table marts.segment_audiences ({COLUMNS})")
        connection.executemany("insert into marts.segment_audiences values (?, ?, ?, ?)", rows)
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return make_warehouse(tmp_path / "warehouse.duckdb")


def test_segment_file_stem_keeps_letters_digits_and_hyphens_of_any_script() -> None:
    assert segment_file_stem("High-value loyal 2", 1) == "High-value_loyal_2"
    assert segment_file_stem("Clients fidèles / VIP", 2) == "Clients_fidèles_VIP"
    # NFC: an e followed by a combining accent is the one letter é
    assert segment_file_stem("Cafe\u0301 ", 3) == "Caf\u00e9"
    assert segment_file_stem("../../etc/passwd", 4) == "etc_passwd"
    assert segment_file_stem(" ?* ", 5) == "segment_5"
    assert segment_file_stem("---", None) == "segment_none"


def test_one_csv_per_segment_with_a_header_and_every_row(warehouse: Path, tmp_path: Path) -> None:
    out_dir = tmp_path / "exports"
    completed = export(warehouse, out_dir)
    assert completed.returncode == 0, completed.stderr
    folder = out_dir / "audiences"
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["High-value_loyal.csv", "Clients_fidèles_VIP.csv", "Ñandú_2.csv", "Unsegmented.csv"]
    )
    # the whole mart is the Parquet file beside them
    assert (out_dir / "marts" / "segment_audiences.parquet").is_file()
    exported = {path.name: read_csv(path) for path in folder.iterdir()}
    assert sum(len(rows) for rows in exported.values()) == len(ROWS)
    for rows in exported.values():
        assert list(rows[0]) == ["customer_id", "segment_id", "segment_name", "recommended_action"]
    # ordered by customer_id; text with commas, quotes and non-ASCII letters survives
    loyal = exported["High-value_loyal.csv"]
    assert [row["customer_id"] for row in loyal] == ["c1", "c3"]
    assert loyal[0]["recommended_action"] == "Reward them, personally"
    (fideles,) = exported["Clients_fidèles_VIP.csv"]
    assert (fideles["segment_name"], fideles["recommended_action"]) == (SEGMENTS[2], 'Say "merci" – en français')
    # nulls are empty fields
    (unsegmented,) = exported["Unsegmented.csv"]
    assert (unsegmented["segment_id"], unsegmented["recommended_action"]) == ("", "")
    assert f"audiences.{SEGMENTS[2]}: 1 rows -> {folder / 'Clients_fidèles_VIP.csv'}" in completed.stdout


def test_a_new_export_replaces_each_file_atomically_and_removes_segments_that_are_gone(
    warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out_dir = tmp_path / "exports"
    export_marts(warehouse, out_dir)
    folder = out_dir / "audiences"
    old = (folder / "High-value_loyal.csv").read_bytes()
    stale = folder / "Dropped_segment.csv"
    stale.write_text("customer_id\nc9\n", encoding="utf-8")
    unrelated = folder / "notes.txt"
    unrelated.write_text("kept", encoding="utf-8")

    # the next build: c1 leaves segment 1 for segment 2, segment 3 is gone
    rebuilt = make_warehouse(tmp_path / "rebuilt.duckdb", [
        ("c3", 1, SEGMENTS[1], "Reward them"),
        ("c1", 2, SEGMENTS[2], "Thank them"),
        ("c2", 2, SEGMENTS[2], "Thank them"),
    ])
    written = []

    def checked_atomic_write(final_path: Path, write) -> None:
        def write_then_check(temp_path: Path) -> None:
            write(temp_path)
            # the new file is complete under its temporary name in the same folder ...
            assert temp_path.parent == final_path.parent and temp_path.name.endswith(".tmp")
            assert read_csv(temp_path)
            # ... while the final name still holds the previous complete file
            if final_path.name == "High-value_loyal.csv":
                assert final_path.read_bytes() == old
            written.append(final_path.name)
        atomic_write(final_path, write_then_check)

    monkeypatch.setattr(audiences, "atomic_write", checked_atomic_write)
    export_marts(rebuilt, out_dir)
    assert sorted(written) == ["Clients_fidèles_VIP.csv", "High-value_loyal.csv"]
    assert [row["customer_id"] for row in read_csv(folder / "High-value_loyal.csv")] == ["c3"]
    assert [row["customer_id"] for row in read_csv(folder / "Clients_fidèles_VIP.csv")] == ["c1", "c2"]
    # the CSV files of segments that no longer exist are removed, other files are left alone
    assert sorted(p.name for p in folder.iterdir()) == [
        "Clients_fidèles_VIP.csv", "High-value_loyal.csv", "notes.txt"
    ]
    assert not list(out_dir.rglob("*.tmp"))


def test_a_failed_csv_write_keeps_the_previous_file(
    warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out_dir = tmp_path / "exports"
    export_marts(warehouse, out_dir)
    before = {p.name: p.read_bytes() for p in (out_dir / "audiences").iterdir()}

    def disk_full(final_path: Path, write) -> None:
        def half_then_fail(temp_path: Path) -> None:
            temp_path.write_text("customer_id,seg", encoding="utf-8")
            raise OSError("disk full")
        atomic_write(final_path, half_then_fail)

    monkeypatch.setattr(audiences, "atomic_write", disk_full)
    with pytest.raises(OSError, match="disk full"):
        export_marts(warehouse, out_dir)
    assert {p.name: p.read_bytes() for p in (out_dir / "audiences").iterdir()} == before


def test_two_segments_with_one_file_name_stop_the_export_naming_both(tmp_path: Path) -> None:
    warehouse = make_warehouse(tmp_path / "warehouse.duckdb", [
        ("c1", 1, "Loyal / VIP", None),
        ("c2", 2, "loyal vip", None),
    ])
    with pytest.raises(WarehouseUnavailable, match=r"'Loyal / VIP' and 'loyal vip' would both be written"):
        export_marts(warehouse, tmp_path / "exports")
    # checked before any file is written, the Parquet files included
    assert not (tmp_path / "exports").exists()
    completed = export(warehouse, tmp_path / "exports")
    assert completed.returncode == 1
    assert "rename one of them" in completed.stderr and "Traceback" not in completed.stderr


def test_without_the_mart_the_audience_files_are_left_alone(warehouse: Path, tmp_path: Path) -> None:
    out_dir = tmp_path / "exports"
    export_marts(warehouse, out_dir)
    before = {p.name: p.read_bytes() for p in (out_dir / "audiences").iterdir()}
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("create schema other")
        connection.execute("create table other.kept as select 1 as n")
    # another schema exported: no audience written, none removed
    export_marts(warehouse, out_dir, ["other"])
    assert {p.name: p.read_bytes() for p in (out_dir / "audiences").iterdir()} == before
    assert (out_dir / "other" / "kept.parquet").is_file()

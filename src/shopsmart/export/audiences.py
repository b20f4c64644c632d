"""Write the mart segment_audiences as one CSV file per segment, for marketing tools.

Each segment's customers go to ``<out_dir>/audiences/<file stem>.csv``: UTF-8, a
header row, the mart's columns in its order, one row per customer ordered by
customer_id, empty fields for nulls. Each file is replaced atomically, as the
Parquet files are (atomic_write). The file stem is segment_file_stem(segment name).
CSV files of segments that no longer exist are removed, so the folder holds the
current segments only, as the Parquet folders hold the current marts.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import duckdb

from shopsmart.warehouse import WarehouseUnavailable

from .parquet import ExportedTable, atomic_write

#: The mart the audiences are cut from, and the folder they are written to.
AUDIENCE_SCHEMA, AUDIENCE_MART = "marts", "segment_audiences"
AUDIENCE_FOLDER = "audiences"

# A run of characters other than letters, digits, hyphens and underscores (spaces,
# slashes, dots, quotes, control characters, ...).
_UNSAFE = re.compile(r"[^\w-]+")


def segment_file_stem(segment_name: str, segment_id: int | None) -> str:
    """The file name, without .csv, of a segment's audience.

    The name in Unicode NFC form, each run of characters other than letters, digits,
    hyphens and underscores replaced by one underscore, underscores at both ends
    removed: "High-value loyal 2" gives "High-value_loyal_2", "Clients fidèles"
    "Clients_fidèles" (letters of any script stay, the file name is UTF-8). A name
    with no letter or digit left gives "segment_<id>" ("segment_none" without an id).
    """
    stem = _UNSAFE.sub("_", unicodedata.normalize("NFC", segment_name)).strip("_")
    if not stem.strip("-"):
        stem = f"segment_{segment_id if segment_id is not None else 'none'}"
    return stem


@dataclass(frozen=True)
class AudienceFile:
    """One segment's audience: its id and name, its customers and the CSV file they go to."""

    segment_id: int | None
    segment_name: str
    rows: int
    path: Path


def plan_audiences(connection: duckdb.DuckDBPyConnection, out_dir: Path) -> list[AudienceFile]:
    """The audience file of each segment of marts.segment_audiences, in out_dir/audiences/; nothing written.

    WarehouseUnavailable when two segment names give the same file name (compared
    case-insensitively, as macOS and Windows compare file names), naming both; the
    export checks this before it writes any file.
    """
    segments = connection.execute(
        f'select segment_id, segment_name, count(*) from "{AUDIENCE_SCHEMA}"."{AUDIENCE_MART}"'
        " group by segment_id, segment_name order by segment_id nulls last, segment_name"
    ).fetchall()
    folder = out_dir / AUDIENCE_FOLDER
    by_file: dict[str, str] = {}
    planned = []
    for segment_id, segment_name, rows in segments:
        stem = segment_file_stem(segment_name, segment_id)
        clash = by_file.setdefault(stem.casefold(), segment_name)
        if clash != segment_name:
            raise WarehouseUnavailable(
                f"{AUDIENCE_SCHEMA}.{AUDIENCE_MART}: the segments {clash!r} and {segment_name!r} would both be "
                f"written to {folder / (stem + '.csv')}; rename one of them"
            )
        planned.append(AudienceFile(segment_id, segment_name, rows, folder / f"{stem}.csv"))
    return planned


def write_audiences(
    connection: duckdb.DuckDBPyConnection, out_dir: Path, planned: list[AudienceFile]
) -> list[ExportedTable]:
    """Write each planned audience file (atomic_write), then remove the other CSV files of out_dir/audiences/.

    Returns one ExportedTable per file (schema 'audiences', name the segment name).
    """
    exported = []
    for audience in planned:
        members = (
            connection.table(f"{AUDIENCE_SCHEMA}.{AUDIENCE_MART}")
            .filter("segment_id is null" if audience.segment_id is None else f"segment_id = {int(audience.segment_id)}")
            .filter(f"segment_name = {_sql_string(audience.segment_name)}")
            .order("customer_id")
        )
        atomic_write(audience.path, lambda path, rel=members: rel.write_csv(str(path), header=True, encoding="utf-8"))
        exported.append(ExportedTable(AUDIENCE_FOLDER, audience.segment_name, audience.path, audience.rows))

    current = {audience.path for audience in planned}
    for stale in (out_dir / AUDIENCE_FOLDER).glob("*.csv"):
        if stale not in current:
            stale.unlink()
    return exported


def export_audiences(connection: duckdb.DuckDBPyConnection, out_dir: Path) -> list[ExportedTable]:
    """Write one CSV file per segment of marts.segment_audiences to out_dir/audiences/ (plan, then write)."""
    return write_audiences(connection, out_dir, plan_audiences(connection, out_dir))


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"

"""Write every table of the mart schemas of a DuckDB warehouse to Parquet, atomically."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from shopsmart.warehouse import WarehouseUnavailable, connect_read_only, require_complete_build

# Schemas whose tables BI tools read (see macros/generate_schema_name.sql).
DEFAULT_SCHEMAS = ("marts",)


def default_export_dir() -> Path:
    """The folder the marts are exported to: $SHOPSMART_EXPORT_DIR, else exports."""
    return Path(os.environ.get("SHOPSMART_EXPORT_DIR") or "exports")


@dataclass(frozen=True)
class ExportedTable:
    schema: str
    name: str
    path: Path
    rows: int


def atomic_write(final_path: Path, write: Callable[[Path], None]) -> None:
    """Let `write` fill a temporary file beside final_path, then rename it to final_path.

    The temporary file is in the same folder, so os.replace is an atomic rename on
    the same file system: final_path holds the old complete file until the new one
    is complete and flushed to disk, then the new one. If `write` fails, final_path
    is left as it was and the temporary file, if any, is removed.
    """
    final_path.parent.mkdir(parents=True, exist_ok=True)
    # a unique hidden name, created by `write` with the usual permissions (umask)
    temp_path = final_path.with_name(f".{final_path.name}.{uuid.uuid4().hex}.tmp")
    try:
        write(temp_path)
        with temp_path.open("rb") as written:
            os.fsync(written.fileno())
        os.replace(temp_path, final_path)
    except BaseException:
        temp_path.unlink(missing_ok=True)
        raise


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def export_marts(
    database: Path,
    out_dir: Path,
    schemas: Iterable[str] = DEFAULT_SCHEMAS,
) -> list[ExportedTable]:
    """Write each table and view of `schemas` to out_dir/<schema>/<name>.parquet.

    The warehouse is opened read-only, and exported only when its latest build is
    complete (IncompleteBuild otherwise, see require_complete_build); the read-only
    connection keeps any build out until the export ends. A schema that the warehouse
    lacks is skipped; Parquet files of tables that no longer exist in an exported
    schema are removed, so the folder mirrors the warehouse.

    When marts.segment_audiences is among the exported tables, and only then, its
    segments are also written as CSV files to out_dir/audiences/
    (shopsmart.export.audiences), in the same read-only connection, so the CSV files
    and the Parquet file of the mart come from the same build. Their file names are
    checked before any file is written.
    """
    # imported here: audiences reuses atomic_write and ExportedTable of this module
    from .audiences import AUDIENCE_MART, AUDIENCE_SCHEMA, plan_audiences, write_audiences

    wanted = list(schemas)
    with connect_read_only(database, "export") as connection:
        require_complete_build(connection, database)
        relations = connection.execute(
            "select table_schema, table_name from information_schema.tables"
            " where table_schema in (select unnest(?)) order by table_schema, table_name",
            [wanted],
        ).fetchall()
        if not relations:
            raise WarehouseUnavailable(
                f"{database} has no table in the schemas {', '.join(wanted)}; run `dbt build` first"
            )
        # without the mart (another schema exported, an older build) the audiences folder is left alone
        audiences = plan_audiences(connection, out_dir) if (AUDIENCE_SCHEMA, AUDIENCE_MART) in relations else None
        exported = []
        for schema, name in relations:
            relation = connection.table(f"{_quoted(schema)}.{_quoted(name)}")
            final_path = out_dir / schema / f"{name}.parquet"
            atomic_write(final_path, lambda path, rel=relation: rel.write_parquet(str(path)))
            [(rows,)] = connection.execute(
                f"select count(*) from {_quoted(schema)}.{_quoted(name)}"
            ).fetchall()
            exported.append(ExportedTable(schema, name, final_path, rows))
        exported_audiences = [] if audiences is None else write_audiences(connection, out_dir, audiences)

    current = {table.path for table in exported}
    for schema in {table.schema for table in exported}:
        for stale in (out_dir / schema).glob("*.parquet"):
            if stale not in current:
                stale.unlink()
    return exported + exported_audiences

"""The audience file of the segments: the Parquet export of customer_segments, linked from the report.

shopsmart-export-marts writes one file per mart (exports/marts/customer_segments.parquet
by default, see shopsmart.export.parquet.default_export_dir), not one per segment, so
every segment links that file and says which rows are its audience.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import duckdb
import pandas as pd

#: The mart whose export holds each customer's segment.
AUDIENCE_MART = "customer_segments"


@dataclass(frozen=True)
class AudienceFile:
    """Where the audience file is, and why it is not linked (None when it holds this report's segments)."""

    path: Path
    problem: str | None

    @property
    def is_linked(self) -> bool:
        return self.problem is None


def audience_path(export_dir: Path, schema: str) -> Path:
    """The export of customer_segments: <export dir>/<schema>/customer_segments.parquet."""
    return export_dir / schema / f"{AUDIENCE_MART}.parquet"


def segment_counts(path: Path) -> dict[tuple[int, str], int]:
    """Customers per (segment_id, segment_name) in a Parquet export of customer_segments."""
    with duckdb.connect() as connection:
        rows = connection.execute(
            "select segment_id, segment_name, count(*) from read_parquet(?) group by segment_id, segment_name",
            [str(path)],
        ).fetchall()
    return {(int(segment_id), str(name)): int(count) for segment_id, name, count in rows}


def find_audience_file(path: Path, profiles: pd.DataFrame) -> AudienceFile:
    """The audience file at path, linked only when it holds exactly the segments (ids, names, sizes) of profiles."""
    if not path.is_file():
        return AudienceFile(path, "not exported yet: run `make export` (or shopsmart-export-marts)")
    try:
        exported = segment_counts(path)
    except duckdb.Error as exc:
        return AudienceFile(path, f"unreadable ({exc.__class__.__name__}): run `make export` again")
    expected = {(int(row.segment_id), str(row.segment_name)): int(row.customers) for row in profiles.itertuples()}
    if exported != expected:
        return AudienceFile(path, "exported from another build (its segments differ): run `make export` again")
    return AudienceFile(path, None)


def relative_href(target: Path, from_dir: Path) -> str:
    """A URL path to target relative to the folder from_dir, for a link that still works when both move together."""
    relative = os.path.relpath(target.resolve(), from_dir.resolve())
    return quote(Path(relative).as_posix())

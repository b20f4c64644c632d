"""Export the warehouse's marts as Parquet files for BI tools.

BI tools can then read the marts without opening the DuckDB file, whose lock a
running ``dbt build`` holds. Each file is written under a temporary name in its
final folder and renamed over the old file, so a reader sees either the previous
complete file or the new complete file, never a partly written one. The mart
segment_audiences is also written as one CSV file per segment (audiences), for
marketing tools.
"""

from .audiences import export_audiences, segment_file_stem
from .parquet import DEFAULT_SCHEMAS, ExportedTable, WarehouseUnavailable, atomic_write, export_marts

__all__ = [
    "DEFAULT_SCHEMAS",
    "ExportedTable",
    "WarehouseUnavailable",
    "atomic_write",
    "export_audiences",
    "export_marts",
    "segment_file_stem",
]

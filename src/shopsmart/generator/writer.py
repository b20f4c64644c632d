"""Streaming writers for the raw tables: CSV (RFC 4180) and Parquet.

Both write one chunk at a time, so memory does not grow with the table.  The
CSV serializer is vectorised with Arrow compute: a field is quoted only when it
contains a comma, a double quote, a line break or leading/trailing whitespace
(inner quotes doubled); a null is written as an empty field.  Lines end with
``\\n``, the file is UTF-8 with a header row.  Parquet files hold the same text
columns (nulls stay null) compressed with zstd.  Both outputs are byte-for-byte
reproducible for the same input.

:class:`DailyTableWriter` splits one table over a folder of per-day files
(``YYYY-MM-DD.csv`` / ``.parquet``), each written by one of the writers above:
it keeps one open writer per day and appends the rows of each chunk to the
files of their days, in their order, so memory does not grow with the table.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO, Protocol

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

_NEEDS_QUOTES = r'[",\r\n]|^\s|\s$'


def _csv_field(col: pa.Array) -> pa.Array:
    col = col.cast(pa.string())
    needs = pc.fill_null(pc.match_substring_regex(col, _NEEDS_QUOTES), False)
    if pc.any(needs).as_py():
        quoted = pc.binary_join_element_wise('"', pc.replace_substring(col, '"', '""'), '"', "")
        col = pc.if_else(needs, quoted, col)
    return pc.fill_null(col, "")


def csv_lines(table: pa.Table) -> pa.Buffer | bytes:
    """The data rows of ``table`` as CSV text (one ``\\n``-terminated line per row)."""
    if table.num_rows == 0:
        return b""
    fields = [_csv_field(c.combine_chunks()) for c in table.columns]
    lines = pc.binary_join_element_wise(*fields, ",")
    lines = pc.binary_join_element_wise(lines, "\n", "")
    if isinstance(lines, pa.ChunkedArray):
        lines = lines.combine_chunks()
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32)[lines.offset : lines.offset + len(lines) + 1]
    return lines.buffers()[2][int(offsets[0]) : int(offsets[-1])]


class TableWriter(Protocol):
    path: Path

    def write(self, table: pa.Table) -> None: ...

    def close(self) -> None: ...


class CsvTableWriter:
    """Appends chunks of one table to a CSV file with a header row."""

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self.path = path
        self._schema = schema
        self._file: BinaryIO = open(path, "wb")
        self._file.write((",".join(schema.names) + "\n").encode("utf-8"))

    def write(self, table: pa.Table) -> None:
        if table.schema.names != self._schema.names:
            raise ValueError(f"{self.path.name}: columns {table.schema.names} != {self._schema.names}")
        self._file.write(csv_lines(table))

    def close(self) -> None:
        self._file.close()


class ParquetTableWriter:
    """Appends chunks of one table to a Parquet file, one row group per chunk."""

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self.path = path
        self._schema = schema
        self._writer = pq.ParquetWriter(path, schema, compression="zstd")
        self._empty = True

    def write(self, table: pa.Table) -> None:
        if table.num_rows:
            self._writer.write_table(table.cast(self._schema))
            self._empty = False

    def close(self) -> None:
        if self._empty:  # still write a valid, empty file with the schema
            self._writer.write_table(self._schema.empty_table())
        self._writer.close()


def open_writer(path_stem: Path, schema: pa.Schema, fmt: str) -> TableWriter:
    """Open ``path_stem`` + ``.csv`` / ``.parquet`` for streaming writes."""
    if fmt == "csv":
        return CsvTableWriter(path_stem.with_name(path_stem.name + ".csv"), schema)
    if fmt == "parquet":
        return ParquetTableWriter(path_stem.with_name(path_stem.name + ".parquet"), schema)
    raise ValueError(f"unknown format {fmt!r} (expected csv or parquet)")


class DailyTableWriter:
    """Appends chunks of one table to one file per day, ``folder/YYYY-MM-DD.<fmt>``.

    ``days`` are the file names without extension, one file per day whether
    or not rows arrive for it.  ``write`` gets, for every row, the index of its
    day in ``days``; within each day file the rows keep their order.
    """

    def __init__(self, folder: Path, schema: pa.Schema, fmt: str, days: Sequence[str]) -> None:
        folder.mkdir(exist_ok=True)
        self._writers = [open_writer(folder / day, schema, fmt) for day in days]
        self.paths = [w.path for w in self._writers]

    def write(self, table: pa.Table, day: np.ndarray) -> None:
        order = np.argsort(day, kind="stable")
        bounds = np.searchsorted(day[order], np.arange(len(self._writers) + 1))
        by_day = table.take(pa.array(order))
        for writer, lo, hi in zip(self._writers, bounds[:-1], bounds[1:]):
            if hi > lo:
                writer.write(by_day.slice(lo, hi - lo))

    def close(self) -> None:
        for writer in self._writers:
            writer.close()

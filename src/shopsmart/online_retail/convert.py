"""Convert UCI's Online Retail workbook (.xlsx) to CSV, gzipped CSV or Parquet.

The dbt source ``online_retail`` reads one invoice-line file with the columns
InvoiceNo, StockCode, Description, Quantity, InvoiceDate, UnitPrice, CustomerID and
Country, every value as text. UCI distributes the data set as an .xlsx workbook,
which DuckDB does not read on its own; :func:`convert` writes the first worksheet
as such a file:

- ``OUT.csv`` or ``OUT.csv.gz``: UTF-8 CSV with a header line (gzipped for .gz);
  an empty cell is an empty field.
- ``OUT.parquet``: one string column per source column; an empty cell is null.

Cell values are written as text the source's parsers read: dates as ISO
``YYYY-MM-DD HH:MM:SS``, whole numbers without a fraction (a CustomerID stored as
17850.0 becomes ``17850``), other numbers in plain decimal notation (never
scientific), text unchanged (trailing spaces included).
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
from collections.abc import Iterator
from contextlib import closing
from decimal import Decimal
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq

COLUMNS = (
    "InvoiceNo",
    "StockCode",
    "Description",
    "Quantity",
    "InvoiceDate",
    "UnitPrice",
    "CustomerID",
    "Country",
)
OUTPUT_SUFFIXES = (".csv", ".csv.gz", ".parquet")
PARQUET_BATCH_ROWS = 65_536


class ConversionError(ValueError):
    """The workbook or the output path cannot be converted; the message says why."""


def cell_text(value: object) -> str | None:
    """One worksheet cell as the text the dbt source reads; None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d 00:00:00")
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        # repr is the shortest text that reads back as the same float (2.55, not 2.5499...)
        return format(Decimal(repr(value)), "f")
    return str(value)


def output_kind(path: Path) -> str:
    """'csv', 'csv.gz' or 'parquet', from the output file name."""
    name = path.name.lower()
    for suffix in sorted(OUTPUT_SUFFIXES, key=len, reverse=True):
        if name.endswith(suffix):
            return suffix.lstrip(".")
    raise ConversionError(
        f"output file must end in {', '.join(OUTPUT_SUFFIXES)}, got {path.name!r}"
    )


def read_invoice_lines(xlsx_path: Path) -> Iterator[list[str | None]]:
    """The rows of the workbook's first worksheet, as text, in COLUMNS order.

    The first row is the header; it must name every column of COLUMNS (in any order,
    regardless of case and surrounding spaces; other columns are ignored). Rows whose
    cells are all empty are skipped.
    """
    try:
        workbook = openpyxl.load_workbook(xlsx_path, read_only=True, data_only=True)
    except FileNotFoundError as exc:
        raise ConversionError(f"no workbook at {xlsx_path}") from exc
    except Exception as exc:  # openpyxl raises several types for a file that is not a workbook
        raise ConversionError(f"{xlsx_path} is not a readable .xlsx workbook: {exc}") from exc
    with closing(workbook):
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise ConversionError(f"{xlsx_path}: the first worksheet is empty")
        positions = {
            str(name).strip().lower(): index
            for index, name in enumerate(header)
            if name is not None
        }
        missing = [column for column in COLUMNS if column.lower() not in positions]
        if missing:
            raise ConversionError(
                f"{xlsx_path}: the header is missing column(s) {', '.join(missing)}; "
                f"expected {', '.join(COLUMNS)}"
            )
        indexes = [positions[column.lower()] for column in COLUMNS]
        for row in rows:
            if all(value is None for value in row):
                continue
            yield [cell_text(row[index]) if index < len(row) else None for index in indexes]


def write_csv(rows: Iterator[list[str | None]], out_path: Path, compressed: bool) -> int:
    opener = gzip.open if compressed else open
    count = 0
    with opener(out_path, "wt", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow(["" if value is None else value for value in row])
            count += 1
    return count


def write_parquet(rows: Iterator[list[str | None]], out_path: Path) -> int:
    schema = pa.schema([(column, pa.string()) for column in COLUMNS])
    count = 0
    with pq.ParquetWriter(out_path, schema) as writer:
        batch: list[list[str | None]] = []
        for row in rows:
            batch.append(row)
            if len(batch) == PARQUET_BATCH_ROWS:
                writer.write_table(_table(batch, schema))
                count += len(batch)
                batch = []
        # an empty file still gets its schema, so readers see the columns
        if batch or count == 0:
            writer.write_table(_table(batch, schema))
            count += len(batch)
    return count


def _table(batch: list[list[str | None]], schema: pa.Schema) -> pa.Table:
    columns = list(zip(*batch)) if batch else [() for _ in COLUMNS]
    return pa.table([pa.array(values, type=pa.string()) for values in columns], schema=schema)


def convert(xlsx_path: Path, out_path: Path) -> int:
    """Write the workbook's invoice lines to out_path (.csv, .csv.gz or .parquet); return the line count.

    The output is written to a temporary file beside out_path and renamed at the
    end, so a failed conversion leaves no partial file behind.
    """
    kind = output_kind(out_path)
    rows = read_invoice_lines(xlsx_path)
    partial = out_path.with_name(out_path.name + ".partial")
    try:
        if kind == "parquet":
            count = write_parquet(rows, partial)
        else:
            count = write_csv(rows, partial, compressed=kind == "csv.gz")
        partial.replace(out_path)
    finally:
        partial.unlink(missing_ok=True)
    return count

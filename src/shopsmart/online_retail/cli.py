"""``shopsmart-convert-online-retail``: convert UCI's Online Retail .xlsx for the dbt source.

Usage::

    shopsmart-convert-online-retail "Online Retail.xlsx" online_retail.csv.gz
    shopsmart-convert-online-retail "Online Retail.xlsx" online_retail.parquet

then build on the result with ``ONLINE_RETAIL_PATH=online_retail.csv.gz dbt build``.
The output format follows the extension: .csv, .csv.gz (gzipped CSV) or .parquet.
Converting the 541,909-line workbook takes one to two minutes (openpyxl reads it cell by cell).
(``python -m shopsmart.online_retail.cli`` with the same arguments works too.)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .convert import ConversionError, convert


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="shopsmart-convert-online-retail",
        description=(
            "Convert UCI's Online Retail workbook (.xlsx) to the CSV, gzipped CSV or "
            "Parquet file that the dbt source online_retail reads (var online_retail_path)."
        ),
    )
    parser.add_argument("workbook", type=Path, help="the .xlsx workbook, e.g. 'Online Retail.xlsx'")
    parser.add_argument(
        "output", type=Path, help="the file to write: OUT.csv, OUT.csv.gz or OUT.parquet"
    )
    args = parser.parse_args(argv)
    try:
        count = convert(args.workbook, args.output)
    except ConversionError as exc:
        print(f"shopsmart-convert-online-retail: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {count:,} invoice lines to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

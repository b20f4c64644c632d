"""``shopsmart-report``: draw the customer segments of the warehouse.

Usage::

    shopsmart-report [--database FILE] [--out DIR] [--schema NAME]

Reads segment_model_diagnostics, customer_segments, customer_features and
segment_profiles from the DuckDB warehouse (default: $SHOPSMART_DUCKDB_PATH, else
shopsmart.duckdb) read-only, after ``dbt build``, and writes to DIR (default
target/report): segment_selection.png (elbow and silhouette curves),
segment_projection.png (2-D PCA projection coloured by segment), segment_rfm_3d.png
(3-D recency / frequency / monetary scatter), segment_profiles.png (shares and
centroids) and index.html, one self-contained page with the pictures embedded.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .data import WarehouseUnavailable, read_report_data
from .render import write_report


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="shopsmart-report",
        description="Write pictures of the customer segments (PNG) and one self-contained HTML page.",
    )
    parser.add_argument(
        "--database",
        type=Path,
        default=Path(os.environ.get("SHOPSMART_DUCKDB_PATH") or "shopsmart.duckdb"),
        help="the DuckDB warehouse file (default: $SHOPSMART_DUCKDB_PATH, else shopsmart.duckdb)",
    )
    parser.add_argument("--out", type=Path, default=Path("target/report"),
                        help="folder for the PNG files and index.html (default: target/report)")
    parser.add_argument("--schema", default="marts", help="schema of the segment marts (default: marts)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        data = read_report_data(args.database, args.schema)
    except WarehouseUnavailable as exc:
        print(f"shopsmart-report: {exc}", file=sys.stderr)
        return 1
    for path in write_report(data, args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``shopsmart-report``: one self-contained HTML page of the shop's customers for marketers.

Usage::

    shopsmart-report [--database FILE] [--out DIR] [--schema NAME] [--exports DIR]

Reads the marts (customers, monthly_revenue, customer_rfm,
location_summary_by_country, visits_by_weekday_hour, funnel_daily,
cohort_retention and the segment marts segment_model_diagnostics,
customer_segments, customer_features and segment_profiles) from the DuckDB
warehouse (default: $SHOPSMART_DUCKDB_PATH, else shopsmart.duckdb) read-only,
after ``dbt build``, and writes to DIR (default target/report) one PNG per chart
and index.html, for marketers:

- the as-of date (the analysis date) under the title;
- the segments first, one card each: who they are, customers, share of the
  revenue, goal, recommended action and channel, and a link to the audience
  file, the Parquet export of customer_segments (``--exports``, default
  $SHOPSMART_EXPORT_DIR, else exports: <DIR>/<schema>/customer_segments.parquet,
  linked relative to the report) with the filter giving the segment's rows; the
  link is left out, with the reason, when the file is missing or holds other
  segments than the warehouse; then the charts segment_shares and segment_profiles;
- the headline figures (customers, buyers, successful orders, revenue, average
  order value, conversion rate) and the charts rfm_distribution, location,
  visit_patterns, funnel and cohort_retention (months not over by the analysis
  date hatched "too recent to measure");
- what the figures mean (as-of date, period, revenue at capped prices, retention);
- an appendix with the technical charts segment_selection (elbow and
  silhouette), segment_projection (2-D PCA) and segment_rfm_3d.

Each chart is a <figure data-chart="ID">. A source without web events (UCI
Online Retail) gets a note instead of visit_patterns and funnel, and no PNG for them.

It refuses (exit code 1, nothing written) a warehouse whose latest build did not
complete (audit.build_status not 'complete': a build that failed or was interrupted
may leave marts of two builds). Ctrl-C stops it with exit code 130, no traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from shopsmart.warehouse import INTERRUPTED_EXIT_CODE, Interrupted, add_database_argument, ctrl_c_as_interrupted

from shopsmart.export.parquet import default_export_dir

from .audience import audience_path, find_audience_file
from .data import WarehouseUnavailable, read_report_data
from .render import write_report


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="shopsmart-report",
        description="Write the customer report: one self-contained HTML page and its charts as PNG.",
    )
    add_database_argument(parser)
    parser.add_argument("--out", type=Path, default=Path("target/report"),
                        help="folder for the PNG files and index.html (default: target/report)")
    parser.add_argument("--schema", default="marts", help="schema of the marts (default: marts)")
    parser.add_argument("--exports", type=Path, default=default_export_dir(),
                        help="folder of the Parquet export whose <schema>/customer_segments.parquet each segment "
                             "links as its audience file (default: $SHOPSMART_EXPORT_DIR, else exports)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        with ctrl_c_as_interrupted():
            data = read_report_data(args.database, args.schema)
            audience = find_audience_file(audience_path(args.exports, args.schema), data.profiles)
            written = write_report(data, args.out, audience)
    except WarehouseUnavailable as exc:
        print(f"shopsmart-report: {exc}", file=sys.stderr)
        return 1
    except Interrupted:
        print(f"shopsmart-report: interrupted; the files in {args.out} may be incomplete", file=sys.stderr)
        return INTERRUPTED_EXIT_CODE
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())

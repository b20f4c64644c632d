"""``shopsmart-generate``: write a synthetic ShopSmart data set.

Usage::

    shopsmart-generate --customers N --seed S --out DIR [--format csv|parquet]
                       [--defect-rate R] [--table-prefix PREFIX] [--truth-out DIR]
                       [--start YYYY-MM-DD] [--months M] [--events-by-day]
                       [--progress | --quiet]

Writes ``PREFIX{customers,orders,line_items,products,events}.{csv,parquet}`` to
``--out`` and the ground truth ``customer_personas.csv`` and
``defect_manifest.csv`` to ``--truth-out`` (default: ``--out``).  The history
starts at midnight of ``--start`` (default 2024-07-01) and lasts ``--months``
calendar months (default 12, i.e. up to 2025-06-30).  Same options, same bytes.

``--events-by-day`` writes the events as the folder ``PREFIXevents/`` with one
file ``YYYY-MM-DD.{csv,parquet}`` per day of the history (for incremental
daily loads) instead of ``PREFIXevents.{csv,parquet}``; the other tables stay
single files.  A row is filed under the day of its clean event timestamp, so
damaged rows and duplicates land in the day of their original event; together
the day files hold exactly the rows of the single file.  The defect manifest
is unchanged: its ``row_number`` of an events row is the row number in the
single-file layout (the same run without ``--events-by-day``).

The committed sample data set is regenerated, from the repository root, with::

    shopsmart-generate --customers 2000 --seed 42 --defect-rate 0.01 \\
        --out seeds/shopsmart_sample --table-prefix raw_ \\
        --truth-out tests/fixtures/sample_truth

(``python -m shopsmart.generator.cli`` with the same arguments works too.)
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from .pipeline import DEFAULT_MONTHS, DEFAULT_START, GeneratorConfig, generate


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="shopsmart-generate",
        description="Generate the five raw ShopSmart tables (customers, orders, line_items, "
        "products, events) with customer personas and optional dirty data.",
    )
    p.add_argument("--customers", type=int, required=True, help="number of customers to simulate")
    p.add_argument("--seed", type=int, default=42, help="random seed (non-negative, default 42)")
    p.add_argument("--out", type=Path, required=True, help="directory for the five tables")
    p.add_argument("--format", choices=("csv", "parquet"), default="csv", help="file format (default csv)")
    p.add_argument("--defect-rate", type=float, default=0.0,
                   help="fraction of rows per table that receive one defect (default 0: clean data)")
    p.add_argument("--table-prefix", default="", help="prefix of the table file names, e.g. raw_")
    p.add_argument("--truth-out", type=Path, default=None,
                   help="directory for customer_personas.csv and defect_manifest.csv (default: --out)")
    p.add_argument("--start", type=_date, default=DEFAULT_START,
                   help=f"first day of the history (default {DEFAULT_START.isoformat()})")
    p.add_argument("--months", type=int, default=DEFAULT_MONTHS,
                   help=f"length of the history in months (default {DEFAULT_MONTHS})")
    p.add_argument("--events-by-day", action="store_true",
                   help="write the events as a folder PREFIXevents/ of one file YYYY-MM-DD.FORMAT per day "
                   "(the day of the clean event timestamp); the manifest's row_number of events still "
                   "counts rows of the single-file layout")
    bar = p.add_mutually_exclusive_group()
    bar.add_argument("--progress", dest="progress", action="store_const", const=True, default=None,
                     help="always show a progress bar on stderr")
    bar.add_argument("--quiet", dest="progress", action="store_const", const=False,
                     help="never show a progress bar or the summary")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    cfg = GeneratorConfig(
        customers=args.customers,
        out_dir=args.out,
        seed=args.seed,
        fmt=args.format,
        defect_rate=args.defect_rate,
        table_prefix=args.table_prefix,
        truth_dir=args.truth_out,
        start=args.start,
        months=args.months,
        progress=args.progress,
        events_by_day=args.events_by_day,
    )
    try:
        summary = generate(cfg)
    except (ValueError, OSError) as exc:
        print(f"shopsmart-generate: error: {exc}", file=sys.stderr)
        return 2
    if args.progress is not False:
        rows = ", ".join(f"{t} {n:,}" for t, n in summary.rows.items())
        defects = sum(summary.defects.values())
        print(f"shopsmart-generate: wrote {rows} rows ({defects:,} defects) in {summary.seconds:.1f}s",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark of the data generator: wall time, rows per table and peak memory.

Usage (from the repository root)::

    python scripts/bench_generate.py --customers 1000000 [--format csv|parquet]
        [--defect-rate R] [--seed S] [--out DIR] [--keep]

Generates into a temporary directory (removed afterwards unless ``--out`` or
``--keep`` is given) and prints the wall time, the rows written per table, the
output size and the peak resident memory of the process (``getrusage``).
This is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from shopsmart.generator import GeneratorConfig, generate


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / 1024 if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB on Linux


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--customers", type=int, default=1_000_000)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--format", choices=("csv", "parquet"), default="csv")
    p.add_argument("--defect-rate", type=float, default=0.0)
    p.add_argument("--out", type=Path, default=None, help="output directory (default: a temporary one)")
    p.add_argument("--keep", action="store_true", help="keep the temporary output directory")
    args = p.parse_args(argv)

    out = args.out or Path(tempfile.mkdtemp(prefix="shopsmart_bench_"))
    t0 = time.perf_counter()
    summary = generate(GeneratorConfig(
        customers=args.customers, out_dir=out, seed=args.seed, fmt=args.format,
        defect_rate=args.defect_rate, progress=None,
    ))
    wall = time.perf_counter() - t0
    size = sum(f.stat().st_size for f in summary.files)

    print(f"customers      : {args.customers:,} ({args.format}, defect rate {args.defect_rate})")
    print(f"wall time      : {wall:.1f} s")
    print(f"peak RSS       : {_peak_rss_mb():.0f} MB")
    for table, rows in summary.rows.items():
        print(f"rows {table:<10}: {rows:,}")
    print(f"events/customer: {summary.rows['events'] / args.customers:.2f}")
    print(f"output size    : {size / 1e6:,.0f} MB in {out}")
    if args.out is None and not args.keep:
        shutil.rmtree(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())

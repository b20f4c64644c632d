"""Time the full `dbt build` on the UCI Online Retail file, segments included.

Builds the whole project with the source switch on the file (ONLINE_RETAIL_PATH)
into a new DuckDB file in a temporary folder, the way a user runs it:

- cold: the first build, which parses the project from scratch;
- warm: the same build again, with dbt's partial parsing and the warehouse
  replaced table by table.

For each it prints the wall time, dbt's own elapsed time, the nodes run by type
with their summed execution time, and the slowest nodes; at the end the peak
memory of the largest dbt process.

Usage (from the repository root):
    .venv/bin/python scripts/bench_online_retail.py [--file PATH] [--runs 2]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
DBT = Path(sys.executable).parent / "dbt"
DEFAULT_FILE = PROJECT_DIR.parent / "shared" / "data" / "online_retail" / "online_retail.csv.gz"


def build(file: Path, work_dir: Path) -> float:
    """Run `dbt build` on the file into work_dir; return the wall time in seconds."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHOPSMART_", "DBT_"))}
    env.update(
        ONLINE_RETAIL_PATH=str(file),
        SHOPSMART_DUCKDB_PATH=str(work_dir / "warehouse.duckdb"),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
    )
    started = time.perf_counter()
    completed = subprocess.run(
        [str(DBT), "build", "--target-path", str(work_dir / "target"), "--log-path", str(work_dir / "logs")],
        cwd=PROJECT_DIR, env=env, capture_output=True, text=True, check=False,
    )
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        sys.exit(f"dbt build failed:\n{(completed.stdout + completed.stderr)[-5000:]}")
    return seconds


def report(label: str, seconds: float, work_dir: Path, slowest: int) -> None:
    """Print the wall time and what dbt's run_results.json says of the run."""
    results = json.loads((work_dir / "target" / "run_results.json").read_text())
    counts: Counter[str] = Counter()
    busy: dict[str, float] = defaultdict(float)
    for result in results["results"]:
        kind = result["unique_id"].split(".")[0]
        counts[kind] += 1
        busy[kind] += result["execution_time"]
    print(f"{label}: {seconds:.1f} s wall, dbt elapsed {results['elapsed_time']:.1f} s")
    for kind, count in counts.most_common():
        print(f"  {count:4d} {kind:<10} {busy[kind]:6.1f} s summed over the threads")
    for result in sorted(results["results"], key=lambda r: -r["execution_time"])[:slowest]:
        print(f"  {result['execution_time']:6.2f} s  {result['unique_id']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE, help="the invoice-line file")
    parser.add_argument("--runs", type=int, default=2, help="builds in a row: the first cold, the rest warm")
    parser.add_argument("--slowest", type=int, default=5, help="slowest nodes listed per build")
    args = parser.parse_args()
    if not args.file.is_file():
        sys.exit(f"no file at {args.file}")
    with tempfile.TemporaryDirectory(prefix="bench_online_retail_") as folder:
        work_dir = Path(folder)
        for run in range(args.runs):
            seconds = build(args.file.resolve(), work_dir)
            report("cold" if run == 0 else f"warm {run}", seconds, work_dir, args.slowest)
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory of a dbt process: {peak_mib:.0f} MiB")


if __name__ == "__main__":
    main()

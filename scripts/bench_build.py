"""Time the ShopSmart `dbt build` on generated data against a hand-written DuckDB floor.

For each number of customers, in one run on the same machine:

1. generates the five tables once into a cache folder (default .bench_cache/ at the
   repository root, one subfolder per size: shopsmart-generate --seed 42
   --defect-rate 0.01 --format parquet --events-by-day) and reuses it afterwards;
2. links them into a working data folder in a temporary directory, with every day
   of events but the last one (held out for the incremental run). The generator
   keeps the history's last day as headroom, so its file has no rows: the day held
   out is the last one with events, together with the empty files after it;
3. measures, with the project reading that folder (SHOPSMART_DATA_DIR, parquet,
   SHOPSMART_EVENTS_PATH='events/*.parquet') into a new warehouse in the
   temporary directory:
   - `dbt parse --no-partial-parse` (wall);
   - the full `dbt build` (wall, peak RSS of the dbt process, slowest nodes, and the
     nodes that ran when its memory, sampled every second, was highest), then
     recorded as the daily build's starting point (scripts/build_daily.sh --record);
   - `dbt test` alone and `dbt run --full-refresh` alone (wall);
   - the floor: two hand-written queries run with the duckdb package dbt uses, each
     as `create table ... as` in a new DuckDB file with the same memory limit
     (per-customer RFM from the raw Parquet files; every event's JSON parsed into
     typed columns);
   - `dbt run --select customer_rfm` alone, whose execution time is compared with
     the RFM query's: both run alone (in the full build the model shares the
     cores with another model, which the build's slowest nodes show);
   - the incremental run: the held-out day copied in (a new file, as an export
     arrives), then the daily build, scripts/build_daily.sh (`dbt source freshness`,
     then `dbt build` of what reads a source written since the recorded build;
     wall, peak RSS, share of the full build, slowest nodes);

and prints a markdown table with a row per size, the slowest nodes per size, and the
targets (checked, not asserted). dbt's output goes to log files in the temporary
directory; the repository's target/ and logs/ are not touched. The memory limit is
the profile's default unless --memory-limit sets SHOPSMART_DUCKDB_MEMORY_LIMIT, and
so are the dbt threads unless --threads sets SHOPSMART_DUCKDB_THREADS and DuckDB's own
threads unless --engine-threads sets SHOPSMART_DUCKDB_ENGINE_THREADS.

Usage (from the repository root):
    .venv/bin/python scripts/bench_build.py [--customers 100000 1000000]
        [--cache .bench_cache] [--memory-limit 6GB] [--threads 1] [--engine-threads 2]
        [--json PATH] [--keep]
        [--skip-incremental] [--build-only]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import duckdb

PROJECT_DIR = Path(__file__).resolve().parents[1]
BIN_DIR = Path(sys.executable).parent
DBT = BIN_DIR / "dbt"
GENERATE = BIN_DIR / "shopsmart-generate"
DAILY = PROJECT_DIR / "scripts" / "build_daily.sh"
DEFAULT_CACHE = PROJECT_DIR / ".bench_cache"
TABLES = ("customers", "orders", "line_items", "products")
MARKER = ".complete"
EVENTS_GLOB = "events/*.parquet"
GIB_IN_KIB = 1024 * 1024
LOG_TAIL_CHARS = 5000

# (customers, figure, comparison, limit, unit): checked against the figures, not asserted
TARGETS = (
    (1_000_000, "build_s", "<=", 300.0, "s"),
    (1_000_000, "peak_rss_gib", "<=", 8.0, "GiB"),
    (1_000_000, "rfm_model_over_query", "<=", 3.0, "x"),
    (1_000_000, "incremental_share_pct", "<=", 10.0, "%"),
    (10_000_000, "peak_rss_gib", "<=", 16.0, "GiB"),
)
TARGET_LABELS = {
    "build_s": "full build",
    "peak_rss_gib": "peak RSS",
    "rfm_model_over_query": "customer_rfm / RFM query",
    "incremental_share_pct": "incremental day / full build",
}


@dataclass
class DbtRun:
    """One dbt command: its wall time, the peak resident memory of its process and when it was sampled."""

    seconds: float
    peak_rss_kib: int
    # the time (seconds since the epoch) of the highest resident memory sampled, None if none was
    peak_sampled_at: float | None = None

    @property
    def peak_rss_gib(self) -> float:
        return self.peak_rss_kib / GIB_IN_KIB


# --- data --------------------------------------------------------------------------


def generate_command(customers: int, out: Path) -> list[str]:
    return [
        str(GENERATE), "--customers", str(customers), "--seed", "42", "--defect-rate", "0.01",
        "--format", "parquet", "--events-by-day", "--out", str(out), "--quiet",
    ]


def cached_data(cache: Path, customers: int) -> Path:
    """The generated tables of `customers` customers in cache/<customers>, generated when missing.

    The marker file is written last and holds the generator's command, so a folder left
    by an interrupted or different generation is generated again.
    """
    folder = cache / str(customers)
    command = generate_command(customers, folder)
    marker = folder / MARKER
    if marker.is_file() and marker.read_text() == " ".join(command):
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    print(f"generating {customers:,} customers into {folder} ...", flush=True)
    started = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        sys.exit(f"shopsmart-generate failed:\n{(completed.stdout + completed.stderr)[-LOG_TAIL_CHARS:]}")
    missing = [name for name in TABLES if not (folder / f"{name}.parquet").is_file()]
    if missing or not day_files(folder):
        sys.exit(f"shopsmart-generate wrote no {', '.join(missing) or 'events/*.parquet'} in {folder}")
    marker.write_text(" ".join(command))
    print(f"  generated in {time.perf_counter() - started:.0f} s", flush=True)
    return folder


def day_files(data: Path) -> list[Path]:
    """The events files of a data folder, one per day, in time (= name) order."""
    return sorted((data / "events").glob("*.parquet"))


def rows_per_file(files: list[Path]) -> list[int]:
    """Rows of each Parquet file, counted by DuckDB (from the files' metadata)."""
    with duckdb.connect() as con:
        rows = dict(con.execute(
            "select file_name, sum(num_rows) from parquet_file_metadata(?) group by file_name",
            [[str(file) for file in files]],
        ).fetchall())
    return [int(rows[str(file)]) for file in files]


def working_folder(source: Path, folder: Path) -> list[Path]:
    """Link the tables of `source` into `folder` with the events days but the held-out ones; return those.

    Held out: the last day file with rows and the (empty) day files after it.
    """
    events = folder / "events"
    events.mkdir(parents=True)
    for name in TABLES:
        (folder / f"{name}.parquet").symlink_to(source / f"{name}.parquet")
    days = day_files(source)
    with_rows = [day for day, rows in zip(days, rows_per_file(days)) if rows > 0]
    if len(with_rows) < 2:
        sys.exit(f"{source / EVENTS_GLOB}: fewer than two days with events")
    split = days.index(with_rows[-1])
    for day in days[:split]:
        (events / day.name).symlink_to(day)
    return days[split:]


# --- dbt ---------------------------------------------------------------------------


def dbt_environment(data: Path, work_dir: Path, overrides: dict[str, str]) -> dict[str, str]:
    """The environment of the dbt commands: this benchmark's settings and none of the caller's.

    overrides: profile variables set on the command line (e.g. SHOPSMART_DUCKDB_MEMORY_LIMIT).
    """
    env = {
        k: v for k, v in os.environ.items()
        if not k.startswith(("SHOPSMART_", "DBT_")) and k != "ONLINE_RETAIL_PATH"
    }
    env.update(
        SHOPSMART_DATA_DIR=str(data),
        SHOPSMART_FILE_FORMAT="parquet",
        SHOPSMART_EVENTS_PATH=EVENTS_GLOB,
        SHOPSMART_DUCKDB_PATH=str(work_dir / "warehouse.duckdb"),
        # DuckDB's spill folder, else target/duckdb_spill of the repository (profiles.yml)
        SHOPSMART_DUCKDB_TEMP_DIRECTORY=str(work_dir / "duckdb_spill"),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        # dbt's own folders, for dbt and for scripts/build_daily.sh
        DBT_TARGET_PATH=str(work_dir / "target"),
        DBT_LOG_PATH=str(work_dir / "logs"),
    )
    env.update(overrides)
    return env


def run_dbt(arguments: list[str], env: dict[str, str], work_dir: Path, label: str) -> DbtRun:
    """Run one dbt command (`dbt <arguments>`); see run_command."""
    return run_command([str(DBT), *arguments], env, work_dir, label)


def run_daily(arguments: list[str], env: dict[str, str], work_dir: Path, label: str) -> DbtRun:
    """Run the daily build, scripts/build_daily.sh <arguments>; see run_command."""
    return run_command([str(DAILY), *arguments], env, work_dir, label)


def run_command(command: list[str], env: dict[str, str], work_dir: Path, label: str) -> DbtRun:
    """Run one command with its output in work_dir/<label>.log; exit with the log's tail on failure.

    The peak RSS is the command's own (os.wait4 on its pid: the largest of the process
    and the children it waited for), not the running maximum over every child of this
    process that RUSAGE_CHILDREN gives.
    """
    log = work_dir / f"{label}.log"
    with log.open("w") as output:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=PROJECT_DIR, env=env, stdout=output, stderr=subprocess.STDOUT)
        sampler = RssSampler(process.pid)
        sampler.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        except BaseException:
            process.kill()
            process.wait()
            raise
        finally:
            sampler.stop()
        seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped by wait4, not by Popen
    if process.returncode != 0:
        tail = log.read_text(errors="replace")[-LOG_TAIL_CHARS:]
        sys.exit(f"`{' '.join(command)}` failed (exit {process.returncode}), log {log}:\n{tail}")
    print(f"  {label:<24} {seconds:7.1f} s  {usage.ru_maxrss / GIB_IN_KIB:5.2f} GiB", flush=True)
    return DbtRun(seconds, usage.ru_maxrss, sampler.peak_at)


class RssSampler(threading.Thread):
    """Reads a process's resident memory (VmRSS, Linux) every second; keeps when it was highest.

    ru_maxrss gives the peak itself; this gives its time, to name the nodes that ran then.
    """

    def __init__(self, pid: int, interval_s: float = 1.0) -> None:
        super().__init__(daemon=True)
        self.status = Path(f"/proc/{pid}/status")
        self.interval_s = interval_s
        self.finished = threading.Event()
        self.peak_kib = 0
        self.peak_at: float | None = None

    def run(self) -> None:
        while not self.finished.wait(self.interval_s):
            try:
                rss_line = next(line for line in self.status.read_text().splitlines() if line.startswith("VmRSS:"))
            except (OSError, StopIteration):  # the process has ended, or has no memory left to report
                return
            kib = int(rss_line.split()[1])
            if kib > self.peak_kib:
                self.peak_kib, self.peak_at = kib, time.time()

    def stop(self) -> None:
        self.finished.set()
        self.join()


def nodes_running_at(nodes: list[dict[str, Any]], moment: float | None) -> list[str]:
    """The names of `nodes` (from run_results) whose execution spans `moment` (seconds since the epoch)."""
    if moment is None:
        return []
    at = datetime.fromtimestamp(moment, tz=timezone.utc)
    return [
        node["name"]
        for node in nodes
        # dbt writes the times in UTC, ending in Z
        if node["executed"]
        and datetime.fromisoformat(node["executed"][0]) <= at <= datetime.fromisoformat(node["executed"][1])
    ]


def node_name(unique_id: str) -> str:
    """model.pkg.name -> name; test.pkg.name.hash -> name; unit_test.pkg.model.test -> model.test."""
    kind, _, *rest = unique_id.split(".")
    return rest[0] if kind == "test" else ".".join(rest)


def run_results(work_dir: Path) -> list[dict[str, Any]]:
    """The nodes of the last dbt command (target/run_results.json): name, type, time, status, and
    executed: when its execution started and ended (dbt's UTC times), None for a node not executed."""
    results = json.loads((work_dir / "target" / "run_results.json").read_text())["results"]
    return [
        {
            "name": node_name(result["unique_id"]),
            "resource_type": result["unique_id"].split(".")[0],
            "execution_time": result["execution_time"],
            "status": result["status"],
            "executed": next(
                ((step["started_at"], step["completed_at"]) for step in result["timing"] if step["name"] == "execute"),
                None,
            ),
        }
        for result in results
    ]


def slowest(nodes: list[dict[str, Any]], count: int) -> list[dict[str, Any]]:
    return sorted(nodes, key=lambda node: -node["execution_time"])[:count]


def execution_time(nodes: list[dict[str, Any]], name: str) -> float | None:
    times = [node["execution_time"] for node in nodes if node["resource_type"] == "model" and node["name"] == name]
    return times[0] if times else None


# --- floor -------------------------------------------------------------------------


def profile_default(variable: str) -> str | None:
    """The default of an environment variable in profiles.yml (e.g. the memory limit dbt runs with)."""
    match = re.search(
        rf"env_var\(\s*['\"]{variable}['\"]\s*,\s*['\"]([^'\"]+)['\"]",
        (PROJECT_DIR / "profiles.yml").read_text(),
    )
    return match.group(1) if match else None


def dbt_setting(overrides: dict[str, str], variable: str) -> str | None:
    """The value dbt runs with: the command line's override, else the profile's default."""
    return overrides.get(variable) or profile_default(variable)


def rfm_query(data: Path) -> str:
    """Per customer (all, left join): recency as of the day after the latest successful order, orders, revenue.

    Successful orders are those with status 'success' checked out before now.
    """
    return f"""
        create table rfm as
        with
        orders as (
            select order_id, customer_id, try_cast(checked_out_at as timestamp) as checked_out_at
            from read_parquet('{data}/orders.parquet')
            -- the future_timestamp defects would move the analysis date decades ahead
            where status = 'success' and try_cast(checked_out_at as timestamp) <= current_localtimestamp()
        ),
        as_of as (
            select cast(max(checked_out_at) as date) + 1 as analysis_date from orders
        ),
        order_summary as (
            select customer_id, count(*) as frequency, max(checked_out_at) as last_order_at
            from orders
            group by customer_id
        ),
        revenue as (
            select
                orders.customer_id,
                sum(try_cast(line_items.quantity as bigint) * try_cast(products.price as decimal(18, 2)))
                    as monetary
            from read_parquet('{data}/line_items.parquet') as line_items
            inner join orders on line_items.order_id = orders.order_id
            inner join read_parquet('{data}/products.parquet') as products
                on try_cast(line_items.item_id as bigint) = try_cast(products.id as bigint)
            group by orders.customer_id
        )
        select
            customers.customer_id,
            datediff('day', cast(order_summary.last_order_at as date), as_of.analysis_date) as recency_days,
            coalesce(order_summary.frequency, 0) as frequency,
            coalesce(revenue.monetary, 0) as monetary
        from read_parquet('{data}/customers.parquet') as customers
        cross join as_of
        left join order_summary on customers.customer_id = order_summary.customer_id
        left join revenue on customers.customer_id = revenue.customer_id
    """


def json_query(data: Path) -> str:
    """Every event of the data folder's day files, its JSON (when well-formed) parsed into typed columns."""
    return f"""
        create table events as
        with
        parsed as (
            select
                event_id,
                customer_id,
                event_timestamp,
                json_extract_string(
                    case when json_valid(event_data) then event_data end,
                    ['$.event_type', '$.timestamp', '$.item_id', '$.quantity', '$.order_id', '$.status']
                ) as payload
            from read_parquet('{data}/{EVENTS_GLOB}')
        )
        select
            try_cast(event_id as bigint) as event_id,
            customer_id,
            try_cast(event_timestamp as timestamp) as event_at,
            payload[1] as event_type,
            try_cast(payload[2] as timestamp) as payload_timestamp,
            try_cast(payload[3] as bigint) as item_id,
            try_cast(payload[4] as bigint) as quantity,
            payload[5] as order_id,
            payload[6] as status
        from parsed
    """


def time_query(sql: str, database: Path, memory_limit: str | None) -> float:
    """Wall time of one `create table ... as` in a new DuckDB file, set up as the profile sets dbt's."""
    for path in (database, database.with_name(database.name + ".wal")):
        path.unlink(missing_ok=True)
    with duckdb.connect(str(database)) as con:
        if memory_limit:
            con.execute(f"set memory_limit = '{memory_limit}'")
        con.execute(f"set temp_directory = '{database.parent / 'duckdb_spill'}'")
        con.execute("set preserve_insertion_order = false")
        started = time.perf_counter()
        con.execute(sql)
        seconds = time.perf_counter() - started
    database.unlink(missing_ok=True)
    return seconds


# --- one size ----------------------------------------------------------------------


def bench_size(
    customers: int, source: Path, work_dir: Path, overrides: dict[str, str], incremental: bool, build_only: bool,
) -> dict[str, Any]:
    """Every figure of one size, measured in the order the module docstring lists them.

    build_only: the parse and the full build only (at 10 M customers the rest takes hours).
    """
    print(f"\n{customers:,} customers ({source})", flush=True)
    data = work_dir / "data"
    held_out = working_folder(source, data)
    env = dbt_environment(data, work_dir, overrides)
    floor_limit = dbt_setting(overrides, "SHOPSMART_DUCKDB_MEMORY_LIMIT")
    figures: dict[str, Any] = {
        "customers": customers,
        "events": sum(rows_per_file(day_files(source))),
        "day_files": len(day_files(source)),
        "held_out_days": [day.stem for day in held_out],
        "held_out_events": sum(rows_per_file(held_out)),
        "cores": os.cpu_count(),
        "memory_limit": floor_limit,
        "dbt_threads": int(dbt_setting(overrides, "SHOPSMART_DUCKDB_THREADS") or 1),
        "duckdb_threads": int(dbt_setting(overrides, "SHOPSMART_DUCKDB_ENGINE_THREADS") or 1),
    }

    figures["parse_s"] = run_dbt(["parse", "--no-partial-parse"], env, work_dir, "parse").seconds
    build = run_dbt(["build"], env, work_dir, "build")
    build_nodes = run_results(work_dir)
    if incremental and not build_only:
        # the record the daily build compares the sources' freshness with
        run_daily(["--record"], env, work_dir, "record the build")
    figures.update(build_s=build.seconds, peak_rss_gib=build.peak_rss_gib, build_nodes=len(build_nodes))
    figures["peak_rss_nodes"] = nodes_running_at(build_nodes, build.peak_sampled_at)
    figures["build_slowest"] = slowest(build_nodes, 10)
    figures["customer_rfm_build_s"] = execution_time(build_nodes, "customer_rfm")
    if build_only:
        return figures
    figures["test_s"] = run_dbt(["test"], env, work_dir, "test").seconds
    figures["run_s"] = run_dbt(["run", "--full-refresh"], env, work_dir, "run --full-refresh").seconds

    figures["rfm_query_s"] = time_query(rfm_query(data), work_dir / "floor.duckdb", floor_limit)
    figures["json_query_s"] = time_query(json_query(data), work_dir / "floor.duckdb", floor_limit)
    # the model alone, as the query runs alone: in the build it shares the cores with another model
    run_dbt(["run", "--select", "customer_rfm"], env, work_dir, "run customer_rfm alone")
    figures["customer_rfm_s"] = execution_time(run_results(work_dir), "customer_rfm")
    floor = figures["rfm_query_s"] + figures["json_query_s"]
    print(f"  {'floor RFM + JSON':<24} {floor:7.1f} s", flush=True)
    figures["floor_s"] = floor
    figures["build_over_floor"] = build.seconds / floor
    figures["rfm_model_over_query"] = (
        figures["customer_rfm_s"] / figures["rfm_query_s"] if figures["customer_rfm_s"] is not None else None
    )

    if incremental:
        # the day's export arrives: copied, so that its modification time is now
        for day_file in held_out:
            shutil.copy(day_file, data / "events" / day_file.name)
        day = run_daily([], env, work_dir, f"daily build {held_out[0].stem}")
        figures.update(
            incremental_s=day.seconds,
            incremental_peak_rss_gib=day.peak_rss_gib,
            incremental_share_pct=100 * day.seconds / build.seconds,
            incremental_slowest=slowest(run_results(work_dir), 5),
        )
    return figures


# --- report ------------------------------------------------------------------------


def number(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def print_table(sizes: list[dict[str, Any]]) -> None:
    header = (
        "customers", "events", "cores", "dbt threads", "DuckDB threads", "parse s", "build s", "peak RSS GiB",
        "run s", "test s",
        "floor s (RFM + JSON)", "build/floor", "customer_rfm/RFM query", "incremental day s",
        "incremental share %",
    )
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---:" for _ in header) + "|")
    for s in sizes:
        row = (
            f"{s['customers']:,}", f"{s['events']:,}", str(s["cores"]), str(s.get("dbt_threads", "")),
            str(s.get("duckdb_threads", "")), number(s["parse_s"]),
            number(s["build_s"]), number(s["peak_rss_gib"], 2), number(s.get("run_s")), number(s.get("test_s")),
            f"{number(s.get('floor_s'), 2)} ({number(s.get('rfm_query_s'), 2)} + {number(s.get('json_query_s'), 2)})",
            number(s.get("build_over_floor")), number(s.get("rfm_model_over_query")),
            number(s.get("incremental_s")), number(s.get("incremental_share_pct")),
        )
        print("| " + " | ".join(row) + " |")


def print_nodes(title: str, nodes: list[dict[str, Any]]) -> None:
    print(f"\n{title}")
    for node in nodes:
        print(f"  {node['execution_time']:7.2f} s  {node['resource_type']:<10} {node['name']}")


def check_targets(sizes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each target with the figure measured for its size (None when the size was not run)."""
    by_size = {s["customers"]: s for s in sizes}
    checks = []
    for customers, figure, comparison, limit, unit in TARGETS:
        value = by_size.get(customers, {}).get(figure)
        checks.append({
            "customers": customers, "figure": figure, "comparison": comparison, "limit": limit,
            "unit": unit, "value": value, "met": None if value is None else value <= limit,
        })
    return checks


def print_targets(checks: list[dict[str, Any]]) -> None:
    print("\ntargets (checked, not asserted)")
    for check in checks:
        verdict = "not measured" if check["met"] is None else ("met" if check["met"] else "MISSED")
        measured = "" if check["value"] is None else f": {check['value']:,.2f} {check['unit']}"
        print(
            f"  {check['customers']:>10,} customers  {TARGET_LABELS[check['figure']]:<30} "
            f"{check['comparison']} {check['limit']:>3g} {check['unit']:<4} {verdict}{measured}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, nargs="+", default=[100_000, 1_000_000], help="sizes to run")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="folder of the generated data")
    parser.add_argument("--memory-limit", help="SHOPSMART_DUCKDB_MEMORY_LIMIT (default: the profile's)")
    parser.add_argument("--threads", type=int, help="SHOPSMART_DUCKDB_THREADS, dbt threads (default: the profile's)")
    parser.add_argument(
        "--engine-threads", type=int,
        help="SHOPSMART_DUCKDB_ENGINE_THREADS, DuckDB's own threads (default: the profile's)",
    )
    parser.add_argument("--json", type=Path, help="also write every figure to this JSON file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, warehouses)")
    parser.add_argument("--skip-incremental", action="store_true", help="skip the incremental day")
    parser.add_argument(
        "--build-only", action="store_true",
        help="measure the parse and the full build only, no test, run, floor or incremental day",
    )
    args = parser.parse_args()

    sources = {customers: cached_data(args.cache.resolve(), customers) for customers in args.customers}
    given = {
        "SHOPSMART_DUCKDB_MEMORY_LIMIT": args.memory_limit,
        "SHOPSMART_DUCKDB_THREADS": args.threads,
        "SHOPSMART_DUCKDB_ENGINE_THREADS": args.engine_threads,
    }
    overrides = {variable: str(value) for variable, value in given.items() if value}
    temp_dir = Path(tempfile.mkdtemp(prefix="bench_build_"))
    try:
        sizes = []
        for customers, source in sources.items():
            work_dir = temp_dir / str(customers)
            work_dir.mkdir()
            sizes.append(bench_size(
                customers, source, work_dir, overrides, not args.skip_incremental, args.build_only,
            ))
    finally:
        if args.keep:
            print(f"\nkept {temp_dir}")
        else:
            shutil.rmtree(temp_dir, ignore_errors=True)

    print(f"\ndbt build on generated ShopSmart data (duckdb {duckdb.__version__}, {os.cpu_count()} cores)\n")
    print_table(sizes)
    for s in sizes:
        print_nodes(f"{s['customers']:,} customers: 10 slowest nodes of the full build", s["build_slowest"])
        print(
            f"  highest memory of the build sampled while these ran: {', '.join(s['peak_rss_nodes']) or 'none'}"
        )
        if "incremental_slowest" in s:
            print_nodes(
                f"{s['customers']:,} customers: 5 slowest nodes of the incremental day "
                f"({', '.join(s['held_out_days'])}: {s['held_out_events']:,} events)",
                s["incremental_slowest"],
            )
    checks = check_targets(sizes)
    print_targets(checks)
    if args.json:
        args.json.write_text(json.dumps(
            {"duckdb": duckdb.__version__, "cores": os.cpu_count(), "sizes": sizes, "targets": checks}, indent=2,
        ) + "\n")
        print(f"\nfigures written to {args.json}")


if __name__ == "__main__":
    main()

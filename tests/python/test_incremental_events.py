"""The incremental event models give the same warehouse as a build of all the files at once.

A shop exports its web events as one file per day (`events/YYYY-MM-DD.csv`) and runs
`dbt build` after each export. `staging.base_shopsmart__events` then loads only the
day files that are new or whose row count changed (with every file sorting after the
first of them), `intermediate.int_events_sessionized` rebuilds only from the
earliest event loaded since its last run, continuing each customer's session
numbering, and the session summaries built from it (`int_sessions_summarized`,
`int_cart_products_summarized`) summarize again only the sessions with events from
then on. Those shortcuts are correct only if the warehouse they leave is exactly the
one a full build of the same files gives; this module checks that on one generated
data set:

- loading the days in four runs (about half, then 1 day, 2 days, the rest) gives the
  same marts, audit tables, sessionized events, session summaries and staged events
  as one build of all the days, and the later runs really were incremental (rows keep
  their load time); the first day of the second run carries one event that continues
  a customer's last session of the first run, so a session crosses a load boundary;
- a day file that grows after it was loaded (the day's export re-run later with more
  rows) is reloaded, and the result equals a full build of the grown files;
- a day file that was loaded and then disappears fails the next run with a message
  naming the file and pointing to `dbt build --full-refresh`, which then succeeds.

The incremental warehouse reads a folder named `O'Brien shop`: a quote and a space in
the path reach every file read, glob and load filter, which quote it.

The tests share one incremental warehouse and run in file order (each continues where
the previous one left off); the builds that do not depend on each other run
concurrently to keep the module to a few minutes.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from dbt_project import TABLES_ONLY, WITHOUT_UNIT_TESTS, DbtRun, assert_same_warehouse, dbt, generate_daily_shop

TABLE_FILES = ["customers.csv", "orders.csv", "line_items.csv", "products.csv"]
EVENTS_GLOB = "events/*.csv"


def build(work_dir: Path, data_dir: Path, *args: str) -> DbtRun:
    """`dbt build` reading the shop's files in data_dir, events as a folder of day files."""
    return dbt(
        "build",
        work_dir,
        {
            "SHOPSMART_DATA_DIR": str(data_dir),
            "SHOPSMART_EVENTS_PATH": EVENTS_GLOB,
            "SHOPSMART_FILE_FORMAT": "csv",
        },
        *args,
    )


def assert_ok(run: DbtRun) -> DbtRun:
    assert run.returncode == 0, run.output[-5000:]
    return run


def make_data_dir(directory: Path, generated: Path, day_files: list[Path]) -> Path:
    """A data folder of symlinks: the four table files and the given day files in events/."""
    (directory / "events").mkdir(parents=True)
    for name in TABLE_FILES:
        (directory / name).symlink_to(generated / name)
    add_days(directory, day_files)
    return directory


def add_days(data_dir: Path, day_files: list[Path]) -> None:
    for day_file in day_files:
        (data_dir / "events" / day_file.name).symlink_to(day_file)


def csv_rows(files: Path | str) -> int:
    """Rows of a CSV file or glob of files, read as the source reads them."""
    return duckdb.execute(
        "select count(*) from read_csv(?, header = true, all_varchar = true)", [str(files)]
    ).fetchall()[0][0]


def event_rows(data_dir: Path) -> int:
    """Rows of all the day files in data_dir."""
    return csv_rows(f"{data_dir}/{EVENTS_GLOB}")


def assert_reconciled(run: DbtRun, data_dir: Path) -> None:
    events_in = run.query("select rows_in from audit.reconciliation where source_table = 'events'")
    assert events_in == [(event_rows(data_dir),)]
    assert run.query("select bool_and(is_reconciled), count(*) from audit.reconciliation")[0] == (True, 5)


@dataclass
class Shop:
    """The incremental warehouse the tests share, and the data folder its builds read."""

    generated: Path
    days: list[Path]
    first_run: int  # the days of the first run: days[:first_run]
    spare_day: Path
    grown_day: Path
    data_dir: Path
    work_dir: Path
    tmp: Path
    runs: list[DbtRun] = field(default_factory=list)

    def build(self, *args: str) -> DbtRun:
        run = build(self.work_dir, self.data_dir, *WITHOUT_UNIT_TESTS, *args)
        self.runs.append(run)
        return run


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One small generated shop, events as one CSV file per day (about 2 months)."""
    return generate_daily_shop(tmp_path_factory.mktemp("generated"), customers=1500, seed=7, months=2)


@pytest.fixture(scope="module")
def executor() -> Iterator[ThreadPoolExecutor]:
    with ThreadPoolExecutor(max_workers=2) as pool:
        yield pool


def with_session_continued(first_run_days: list[Path], day: Path, out_dir: Path) -> Path:
    """A copy of `day` with one more visit, 10 minutes after the last event of the first run.

    Loaded by the next run, it continues the session of that event (the timeout is 30
    minutes), which began in the first run: its summary must be rebuilt, not duplicated.
    """
    # the latest well-formed event of a known customer (the generator adds defects)
    [(customer_id, last_at)] = duckdb.execute(
        """
        select events.customer_id, try_cast(events.event_timestamp as timestamp) as event_at
        from read_csv(?, header = true, all_varchar = true) as events
        inner join read_csv(?, header = true, all_varchar = true) as customers
            on events.customer_id = customers.customer_id
        where
            json_valid(events.event_data)
            and (events.event_data ->> 'event_type') = 'visit'
            and event_at < current_date
        order by event_at desc, events.event_id
        limit 1
        """,
        [[str(file) for file in first_run_days], str(day.parents[1] / "customers.csv")],
    ).fetchall()
    event_id = duckdb.execute(
        "select max(try_cast(event_id as bigint)) + 1 from read_csv(?, header = true, all_varchar = true)",
        [str(day.parent / "*.csv")],
    ).fetchall()[0][0]
    continued_at = (last_at + timedelta(minutes=10)).isoformat(sep=" ")
    copy = out_dir / day.name
    text = day.read_text()
    with copy.open("w", newline="") as out:
        out.write(text if text.endswith("\n") else text + "\n")
        csv.writer(out, lineterminator="\n").writerow(
            [event_id, customer_id, json.dumps({"event_type": "visit"}), continued_at]
        )
    return copy


@pytest.fixture(scope="module")
def shop(generated: Path, tmp_path_factory: pytest.TempPathFactory) -> Shop:
    day_files = sorted((generated / "events").glob("*.csv"))
    assert len(day_files) > 30, day_files
    # the last day with events is held back: test_a_grown_file_is_reloaded appends its
    # rows to the day with events before it (a day without events is a header-only file)
    with_events = [day for day in day_files if csv_rows(day) > 0]
    spare_day, grown_day = with_events[-1], with_events[-2]
    days = [day for day in day_files if day != spare_day]
    first_run = len(days) // 2
    tmp = tmp_path_factory.mktemp("incremental")
    (tmp / "crafted").mkdir()
    days[first_run] = with_session_continued(days[:first_run], days[first_run], tmp / "crafted")
    return Shop(
        generated=generated,
        days=days,
        first_run=first_run,
        spare_day=spare_day,
        grown_day=grown_day,
        # a folder name with a quote and a space: every path the SQL reads is quoted
        data_dir=tmp / "O'Brien shop",
        work_dir=tmp / "build",
        tmp=tmp,
    )


@pytest.fixture(scope="module")
def reference(
    shop: Shop, executor: ThreadPoolExecutor, tmp_path_factory: pytest.TempPathFactory
) -> Future[DbtRun]:
    """The reference: one `dbt build` of all the days (tables only), started in the background."""
    root = tmp_path_factory.mktemp("reference")
    data_dir = make_data_dir(root / "data", shop.generated, shop.days)
    return executor.submit(build, root / "build", data_dir, *TABLES_ONLY)


def continue_from(shop: Shop) -> None:
    """The tests after the first continue in its warehouse: they run only after it."""
    if not shop.runs:
        pytest.skip("continues the warehouse of the previous test: run the whole module")
    assert shop.runs[-1].returncode == 0, "the previous test's last build failed"


def in_parallel(executor: ThreadPoolExecutor, *calls: Callable[[], DbtRun]) -> list[DbtRun]:
    return [future.result() for future in [executor.submit(call) for call in calls]]


def test_daily_incremental_loads_equal_a_full_build(shop: Shop, reference: Future[DbtRun]) -> None:
    make_data_dir(shop.data_dir, shop.generated, shop.days[:shop.first_run])
    assert_ok(shop.build())  # the first run: a full build, beside the reference build
    rest = shop.days[shop.first_run:]
    for batch in [rest[:1], rest[1:3], rest[3:]]:
        assert batch
        add_days(shop.data_dir, batch)
        assert_ok(shop.build())
    last = shop.runs[-1]

    reference_run = assert_ok(reference.result())
    assert_same_warehouse(last, reference_run)
    assert_reconciled(last, shop.data_dir)

    # the crafted visit joined a session that began in the first run
    loads_of_session = last.query(
        "select count(distinct loaded_at) from intermediate.int_events_sessionized where session_id = "
        "(select session_id from intermediate.int_events_sessionized "
        "where event_id = (select max(event_id) from intermediate.int_events_sessionized))"
    )[0][0]
    assert loads_of_session == 2

    # the later runs were incremental: rows loaded by earlier runs kept their load time
    for model in [
        "staging.base_shopsmart__events",
        "intermediate.int_events_sessionized",
        "intermediate.int_sessions_summarized",
        "intermediate.int_cart_products_summarized",
    ]:
        assert f"incremental model {model}" in last.output, model
    # (each of the four runs loaded only the new day files, so one load time per run)
    load_times = last.query("select count(distinct loaded_at) from staging.base_shopsmart__events")[0][0]
    assert load_times > 1
    assert load_times == len(shop.runs)


def test_a_grown_file_is_reloaded(shop: Shop, executor: ThreadPoolExecutor) -> None:
    continue_from(shop)
    # the export of the last day with events is re-run later with more rows: the next
    # day's rows, header only once
    grown = shop.data_dir / "events" / shop.grown_day.name
    rows_before = event_rows(shop.data_dir)
    text = shop.grown_day.read_text()
    extra = shop.spare_day.read_text().split("\n", 1)[1]
    grown.unlink()  # a symlink: the generated file stays as it was
    grown.write_text(text + ("" if text.endswith("\n") else "\n") + extra)
    assert event_rows(shop.data_dir) == rows_before + csv_rows(shop.spare_day) > rows_before

    incremental, full = in_parallel(
        executor,
        shop.build,
        lambda: build(shop.tmp / "grown_full_build", shop.data_dir, *TABLES_ONLY),
    )
    shop.runs.append(incremental)
    assert_ok(incremental)
    assert_ok(full)
    assert_same_warehouse(incremental, full)
    assert_reconciled(incremental, shop.data_dir)
    # only the grown file (the last with rows) was reloaded; the earlier days kept their load time
    reloaded_files, reloaded_rows = incremental.query(
        "select count(distinct source_file), count(*) from staging.base_shopsmart__events "
        "where loaded_at = (select max(loaded_at) from staging.base_shopsmart__events)"
    )[0]
    assert (reloaded_files, reloaded_rows) == (1, csv_rows(grown))


def test_a_removed_file_fails_with_a_clear_message(shop: Shop) -> None:
    continue_from(shop)
    removed = shop.data_dir / "events" / shop.days[len(shop.days) // 3].name
    assert csv_rows(removed) > 0  # it was loaded
    removed.unlink()
    assert not os.path.lexists(removed)

    failed = shop.build()
    assert failed.returncode != 0, failed.output[-5000:]
    assert removed.name in failed.output, failed.output[-5000:]
    assert "is no longer in the source" in failed.output, failed.output[-5000:]
    assert "--full-refresh" in failed.output, failed.output[-5000:]

    rebuilt = assert_ok(shop.build("--full-refresh"))
    assert_reconciled(rebuilt, shop.data_dir)
    assert not rebuilt.query(
        f"select 1 from staging.base_shopsmart__events where source_file like '%{removed.name}'"
    )

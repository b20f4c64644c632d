"""The daily build (scripts/build_daily.sh) builds what reads new files, and gives a full build's warehouse.

A shop's daily job runs the script after the day's export: `dbt source freshness`
records when each table's files were last written, and `dbt build --select
source_status:fresher+ state:modified+` builds only what reads a table written since
the last recorded build. On one small generated shop (events as daily CSV files,
copied so that each file's modification time is when it arrived), this module checks:

- the first run, with no record, builds everything but the unit tests;
- later runs leave out the models tagged model_check (the lifetime-value holdout
  calibration), which the full build refreshes;
- after a new day file arrives, the next run builds the event models and what reads
  them, not the orders, line items, customers or products chains, and its marts, audit
  tables and event models equal a full `dbt build` of the same files; the segment
  history (customer_features_monthly, incremental) keeps its month ends before the
  earlier analysis date;
- a run with nothing new builds nothing;
- each of these subset builds over a complete warehouse leaves it 'complete'
  (audit.build_status);
- a new orders file that turns one successful order into a failed one rebuilds the
  orders chain and the funnel sessions (incremental: the session of that order is
  built again) and the segment history from the as-of date that counted the order,
  not the events, with the marts of a full build.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pytest

from dbt_project import (
    PROJECT_DIR, TABLES_ONLY, DbtRun, assert_same_warehouse, dbt, generate_daily_shop, latest_build_status, run,
)

SCRIPT = PROJECT_DIR / "scripts" / "build_daily.sh"
TABLE_FILES = ["customers.csv", "orders.csv", "line_items.csv", "products.csv"]


def shop_env(data_dir: Path) -> dict[str, str]:
    return {
        "SHOPSMART_DATA_DIR": str(data_dir),
        "SHOPSMART_EVENTS_PATH": "events/*.csv",
        "SHOPSMART_FILE_FORMAT": "csv",
    }


def daily(work_dir: Path, data_dir: Path) -> DbtRun:
    completed = run([str(SCRIPT)], work_dir, shop_env(data_dir))
    assert completed.returncode == 0, completed.output[-5000:]
    return completed


def fail_order(orders_csv: Path, order_id: str) -> None:
    """Write the orders file again with the status of one order set to failed."""
    with orders_csv.open(newline="") as handle:
        rows = list(csv.reader(handle))
    status = rows[0].index("status")
    changed = [row[:status] + ["failed"] + row[status + 1:] if row[0] == order_id else row for row in rows]
    assert changed != rows, order_id
    with orders_csv.open("w", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(changed)


def built_nodes(work_dir: Path) -> dict[str, str]:
    """The nodes the last dbt command ran, by resource type and name: {name: resource type}."""
    results = json.loads((work_dir / "target" / "run_results.json").read_text())["results"]
    return {result["unique_id"].split(".")[-1]: result["unique_id"].split(".")[0] for result in results}


def built_models(work_dir: Path) -> set[str]:
    return {name for name, kind in built_nodes(work_dir).items() if kind == "model"}


def history_built_from(output: str) -> str:
    """The first as-of date that an incremental run of customer_features_monthly built again (its log)."""
    (built_from,) = re.findall(r"customer_features_monthly: building the as-of dates from (\d{4}-\d{2}-\d{2}) on", output)
    return built_from


def analysis_date(completed: DbtRun) -> str:
    [(date,)] = completed.query("select cast(analysis_date as varchar) from intermediate.int_analysis_dates_resolved")
    return date


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small generated shop, events as one CSV file per day (one month)."""
    return generate_daily_shop(tmp_path_factory.mktemp("generated"), customers=400, seed=11, months=1)


def test_the_daily_build_builds_what_reads_new_files(generated: Path, tmp_path: Path) -> None:
    days = sorted((generated / "events").glob("*.csv"))
    # the generator's last day is headroom without events: hold out the last with events
    with_events = [day for day in days if len(day.read_text().splitlines()) > 1]
    new_day = with_events[-1]
    data_dir = tmp_path / "data"
    (data_dir / "events").mkdir(parents=True)
    for name in TABLE_FILES:
        shutil.copy(generated / name, data_dir / name)
    for day in days:
        if day != new_day:
            shutil.copy(day, data_dir / "events" / day.name)
    work_dir = tmp_path / "daily"

    first = daily(work_dir, data_dir)
    assert "No record of an earlier build" in first.output
    nodes = built_nodes(work_dir)
    assert {"base_shopsmart__orders", "base_shopsmart__events", "customer_segments",
            "clv_holdout_calibration"} <= set(nodes)
    assert "unit_test" not in nodes.values()

    # the day's export arrives: copied, so its modification time is now
    first_analysis_date = analysis_date(first)
    shutil.copy(new_day, data_dir / "events" / new_day.name)
    second = daily(work_dir, data_dir)
    models = built_models(work_dir)
    # the segment history keeps the month ends before the earlier analysis date: nothing before it changed
    assert history_built_from(second.output) >= first_analysis_date, (first_analysis_date, second.output[-3000:])
    assert {
        "base_shopsmart__events", "int_events_sessionized", "int_sessions_summarized",
        "funnel_sessions", "customer_rfm", "quarantine", "reconciliation",
    } <= models, models
    unchanged = {"base_shopsmart__orders", "base_shopsmart__line_items", "base_shopsmart__customers",
                 "base_shopsmart__products", "order_items", "stg_shopsmart__orders"}
    assert not unchanged & models, unchanged & models
    # the model check (tag model_check) is left to the full build
    assert not {"clv_holdout_inputs", "clv_holdout_calibration"} & models, models
    assert latest_build_status(second) == "complete"

    full = dbt("build", tmp_path / "full", shop_env(data_dir), *TABLES_ONLY)
    assert full.returncode == 0, full.output[-5000:]
    assert_same_warehouse(second, full)

    daily(work_dir, data_dir)
    assert not built_models(work_dir), "nothing arrived, yet models were built"

    # a new orders export corrects one successful order, reached in a funnel session, to failed
    (order_id,) = second.query(
        "select checkouts.order_id from marts.funnel_sessions as funnel "
        "inner join intermediate.int_events_sessionized as checkouts "
        "on funnel.session_id = checkouts.session_id "
        "and checkouts.event_at = funnel.first_successful_checkout_at and checkouts.event_type = 'checkout' "
        "order by checkouts.order_id limit 1"
    )[0]
    [(order_counted_at,)] = second.query(
        "select cast(min(month_end) as varchar) from marts.customer_activity_monthly as activity "
        "inner join marts.orders using (customer_id) "
        f"where orders.order_id = '{order_id}' and activity.month_end > cast(orders.checked_out_at as date)"
    )
    fail_order(data_dir / "orders.csv", order_id)
    third = daily(work_dir, data_dir)
    # the segment history is built again from the as-of date that first counted the corrected order
    assert history_built_from(third.output) == order_counted_at, (order_counted_at, third.output[-3000:])
    assert {"base_shopsmart__orders", "order_items", "customer_rfm", "funnel_sessions"} <= built_models(work_dir)
    assert "base_shopsmart__events" not in built_models(work_dir)
    assert latest_build_status(third) == "complete"
    corrected = dbt("build", tmp_path / "corrected", shop_env(data_dir), *TABLES_ONLY)
    assert corrected.returncode == 0, corrected.output[-5000:]
    assert_same_warehouse(third, corrected)
    assert third.query(
        "select count(*) from marts.funnel_sessions as funnel "
        "inner join intermediate.int_events_sessionized as checkouts using (session_id) "
        f"where checkouts.order_id = '{order_id}' and funnel.reached_successful_order"
    ) == [(0,)]

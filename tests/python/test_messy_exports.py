"""Messy exports on small shops written by the tests: conflicting duplicates and rejected parents."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from dbt_project import PROJECT_DIR, DbtRun, dbt

COLUMNS = {
    "customers": ["customer_id", "device_id", "location", "currency"],
    "orders": ["order_id", "customer_id", "status", "checked_out_at"],
    "line_items": ["line_item_id", "order_id", "item_id", "quantity"],
    "products": ["id", "name", "price"],
    "events": ["event_id", "customer_id", "event_data", "event_timestamp"],
}


def event(event_type: str, **payload: object) -> str:
    return json.dumps({"event_type": event_type, **payload})


# One product with a price that is not whole cents, the same order exported twice
# (a failed attempt and the success, at the same time), a customer exported twice
# (once without a location).
MESSY_SHOP = {
    "customers": [
        ["c1", "d1", "Nigeria", "NGN"],
        ["c2", "d2", "", "KES"],
        ["c2", "d2", "Kenya", "KES"],
    ],
    "products": [["1", "Mug", "10.00"], ["2", "Lamp", "129.999"]],
    "orders": [
        ["o1", "c1", "success", "2024-03-30 10:00:00"],
        ["o1", "c1", "failed", "2024-03-30 10:00:00"],
        ["o2", "c2", "success", "2024-03-31 09:00:00"],
    ],
    "line_items": [["1", "o1", "1", "2"], ["2", "o1", "2", "1"], ["3", "o2", "2", "3"]],
    "events": [
        ["1", "c1", event("visit"), "2024-03-30 09:50:00"],
        ["2", "c1", event("add_to_cart", item_id=2, quantity=1), "2024-03-30 09:52:00"],
        ["3", "c1", event("add_to_cart", item_id=1, quantity=2), "2024-03-30 09:53:00"],
        ["4", "c1", event("checkout", order_id="o1", status="success"), "2024-03-30 10:00:00"],
    ],
}


def write_shop(directory: Path, tables: dict[str, list[list[str]]]) -> Path:
    """The tables as the CSV files a shop exports, one per table."""
    directory.mkdir(parents=True, exist_ok=True)
    for table, rows in tables.items():
        with (directory / f"{table}.csv").open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(COLUMNS[table])
            writer.writerows(rows)
    return directory


def build_shop(work_dir: Path, data_dir: Path, *select: str) -> DbtRun:
    """`dbt build` of the shop in data_dir into work_dir: of `select` and its tests (cautious), else everything."""
    selection = ["--select", *select, "--indirect-selection", "cautious"] if select else []
    run = dbt("build", work_dir, {"SHOPSMART_DATA_DIR": str(data_dir)}, *selection)
    assert run.returncode == 0, run.output[-5000:]
    return run


@pytest.fixture(scope="module")
def messy_build(tmp_path_factory: pytest.TempPathFactory) -> DbtRun:
    work_dir = tmp_path_factory.mktemp("messy")
    data_dir = write_shop(work_dir / "export", MESSY_SHOP)
    return build_shop(
        work_dir, data_dir, "resource_type:seed", "+quarantine", "+reconciliation", "conflicting_duplicate_keys"
    )


def quarantined(run: DbtRun, table: str) -> dict[str, tuple]:
    return {
        key: tuple(rest)
        for key, *rest in run.query(
            "select source_key, reason_code, parent_table, parent_key, parent_reason, kept_raw_values "
            f"from audit.quarantine where source_table = '{table}'"
        )
    }


def test_a_conflicting_order_keeps_the_success_and_points_to_it(messy_build: DbtRun) -> None:
    assert messy_build.query("select order_id, status from staging.stg_shopsmart__orders order by 1") == [
        ("o1", "success"),
        ("o2", "success"),
    ]
    reason, parent_table, _, _, kept = quarantined(messy_build, "orders")["o1"]
    assert (reason, parent_table) == ("conflicting_duplicate", None)
    assert json.loads(kept) == {
        "order_id": "o1", "customer_id": "c1", "status": "success", "checked_out_at": "2024-03-30 10:00:00",
    }


def test_a_conflicting_customer_keeps_the_complete_row(messy_build: DbtRun) -> None:
    assert messy_build.query(
        "select location from staging.stg_shopsmart__customers where customer_id = 'c2'"
    ) == [("Kenya",)]
    reason, _, _, _, kept = quarantined(messy_build, "customers")["c2"]
    assert reason == "conflicting_duplicate"
    assert json.loads(kept)["location"] == "Kenya"


def test_the_build_warns_with_the_number_of_conflicting_keys(messy_build: DbtRun) -> None:
    assert "WARN 2 conflicting_duplicate_keys" in messy_build.output


def test_rows_of_a_rejected_product_name_it_and_its_reason(messy_build: DbtRun) -> None:
    assert quarantined(messy_build, "products") == {"2": ("excess_price_decimals", None, None, None, None)}
    cascaded = ("parent_rejected", "products", "2", "excess_price_decimals", None)
    assert quarantined(messy_build, "line_items") == {"2": cascaded, "3": cascaded}
    # the cart event of the same product is treated as its line items are
    assert quarantined(messy_build, "events") == {"2": cascaded}


def test_every_row_is_accepted_or_quarantined(messy_build: DbtRun) -> None:
    rows = {
        table: (rows_in, accepted, held)
        for table, rows_in, accepted, held in messy_build.query(
            "select source_table, rows_in, rows_accepted, rows_quarantined from audit.reconciliation"
        )
    }
    assert rows == {
        "customers": (3, 2, 1),
        "products": (2, 1, 1),
        "orders": (3, 2, 1),
        "line_items": (3, 1, 2),
        "events": (4, 3, 1),
    }


COURSE_DIR = PROJECT_DIR.parent / "shared" / "data" / "shopsmart_course"
# the marts of web events, one row per session or day: empty without events
EVENT_MARTS = ["marts.funnel_sessions", "marts.cart_sessions", "marts.daily_visits", "marts.funnel_daily"]


def course_shop(directory: Path, events: str | None) -> Path:
    """The course data set's four tables, with `events` as the events file's text (None: no file)."""
    directory.mkdir(parents=True, exist_ok=True)
    for table in ("customers", "orders", "line_items", "products"):
        shutil.copy(COURSE_DIR / f"{table}.csv", directory / f"{table}.csv")
    if events is not None:
        (directory / "events.csv").write_text(events)
    return directory


@pytest.fixture(scope="module")
def course_without_events(tmp_path_factory: pytest.TempPathFactory) -> DbtRun:
    work_dir = tmp_path_factory.mktemp("course")
    data_dir = course_shop(work_dir / "export", ",".join(COLUMNS["events"]) + "\n")
    return build_shop(work_dir, data_dir)


def test_a_shop_without_events_gets_every_other_mart(course_without_events: DbtRun) -> None:
    run = course_without_events
    assert "Source table shopsmart.events has no rows. The build goes on without web events" in run.output
    assert run.query("select count(*) from marts.customers") == [(10_000,)]
    assert run.query("select count(*) from marts.customer_segments") == [(10_000,)]
    assert run.query("select sum(orders) from marts.customers") == [(9_165,)]
    for mart in EVENT_MARTS:
        assert run.query(f"select count(*) from {mart}") == [(0,)], mart
    # the per-customer marts keep every customer, with no visits
    assert run.query("select count(*), max(visits) from marts.customer_visit_frequency") == [(10_000, 0)]
    assert run.query(
        "select rows_in, rows_accepted, rows_quarantined from audit.reconciliation where source_table = 'events'"
    ) == [(0, 0, 0)]


def test_the_course_buyers_and_segments_make_sense_without_events(course_without_events: DbtRun) -> None:
    run = course_without_events
    # the course orders are all of one day: tied recency scores 3, not 1 (Lost)
    assert run.query("select count(*) from marts.customer_rfm where rfm_segment = 'Lost'") == [(0,)]
    assert run.query("select min(r_score), max(r_score) from marts.customer_rfm where has_purchased") == [(3, 3)]
    # no visit and no cart: no segment can be window shoppers
    assert run.query("select count(*) from marts.customer_segments where segment_name = 'Window shoppers'") == [(0,)]
    # orders of one day: no repeat purchase, so neither lifetime-value model is fitted and every buyer says why
    assert run.query(
        "select model_name, fit_status, count(value) from diagnostics.clv_model_parameters group by all order by 1"
    ) == [("bg_nbd", "too_few_buyers", 0), ("gamma_gamma", "too_few_repeat_buyers", 0)]
    [(buyers,)] = run.query("select count(*) from marts.customer_rfm where has_purchased")
    assert buyers > 1000
    assert run.query(
        "select prediction_status, count(*), count(probability_active), count(lifetime_value_usd)"
        " from marts.customer_lifetime_value group by all order by prediction_status"
    ) == [("no_purchase", 10_000 - buyers, 0, 0), ("not_fitted", buyers, 0, 0)]
    # the holdout calibration builds too: no buyer before its cut-off, nothing fitted, every bucket empty
    calibration = run.query(
        "select frequency_bucket, customers, predicted_purchases, actual_purchases, fit_status"
        " from diagnostics.clv_holdout_calibration order by bucket_order"
    )
    assert [row[0] for row in calibration] == ["0", "1", "2", "3", "4", "5", "6+", "total"]
    assert {row[1:] for row in calibration} == {(0, None, 0, "too_few_buyers")}
    # the orders of that day are all in the holdout, as purchases of customers the calibration does not predict
    assert run.query(
        "select count(*) filter (where has_purchased), count(*) filter (where holdout_purchase_days > 0)"
        " from diagnostics.clv_holdout_inputs"
    ) == [(0, buyers)]


def course_events(customer_ids: list[str]) -> str:
    """A small events file: each customer visits twice on one day, the second visit fills a cart."""
    lines = [",".join(COLUMNS["events"])]
    for number, customer_id in enumerate(customer_ids):
        # two sessions per customer: 09:00 and, after more than the session timeout, 11:00
        for event_id, event_type, payload, at in [
            (3 * number + 1, "visit", {}, "2024-03-28 09:00:00"),
            (3 * number + 2, "visit", {}, "2024-03-28 11:00:00"),
            (3 * number + 3, "add_to_cart", {"item_id": 1, "quantity": 1}, "2024-03-28 11:05:00"),
        ]:
            payload_text = event(event_type, **payload).replace('"', '""')
            lines.append(f'{event_id},{customer_id},"{payload_text}",{at}')
    return "\n".join(lines) + "\n"


VISITORS = 50


@pytest.fixture(scope="module")
def course_with_events(tmp_path_factory: pytest.TempPathFactory) -> DbtRun:
    work_dir = tmp_path_factory.mktemp("course_events")
    with (COURSE_DIR / "customers.csv").open(newline="") as handle:
        customer_ids = [row["customer_id"] for row in csv.DictReader(handle)][:VISITORS]
    data_dir = course_shop(work_dir / "export", course_events(customer_ids))
    return build_shop(
        work_dir, data_dir, "+customer_segments", "+customer_visit_frequency", "+funnel_sessions", "+reconciliation"
    )


def test_the_course_marts_make_sense_with_a_small_events_file(course_with_events: DbtRun) -> None:
    run = course_with_events
    assert run.query(
        "select rows_in, rows_accepted, rows_quarantined from audit.reconciliation where source_table = 'events'"
    ) == [(3 * VISITORS, 3 * VISITORS, 0)]
    # every visitor: 2 visits in 2 sessions; everyone else: none
    assert run.query(
        "select visits, sessions, count(*) from marts.customer_visit_frequency group by all order by visits"
    ) == [(0, 0, 10_000 - VISITORS), (2, 2, VISITORS)]
    assert run.query("select count(*), count(distinct customer_id) from marts.funnel_sessions") == [
        (2 * VISITORS, VISITORS)
    ]
    # the visits do not change the buyers' tied recency: still not Lost
    assert run.query("select count(*) from marts.customer_rfm where rfm_segment = 'Lost'") == [(0,)]
    # a segment named for browsing and carts is one whose typical member browsed and filled a cart
    segments = run.query(
        "select segment_name, median(features.visits), median(features.add_to_cart_events), count(*) "
        "from marts.customer_segments as segments "
        "inner join marts.customer_features as features using (customer_id) group by segment_name"
    )
    assert sum(customers for *_, customers in segments) == 10_000
    for name, median_visits, median_carts, _ in segments:
        if name.startswith("Window shoppers"):
            assert median_visits > 0 and median_carts > 0, segments


@pytest.mark.parametrize(("events", "message"), [
    (None, "Source table shopsmart.events: no file at "),
    ("", "Source table shopsmart.events: only empty files (0 bytes) at "),
])
def test_a_missing_or_0_byte_events_file_builds_without_events(
    events: str | None, message: str, tmp_path: Path
) -> None:
    data_dir = course_shop(tmp_path / "export", events)
    run = build_shop(tmp_path, data_dir, "+reconciliation")
    assert message in run.output
    assert run.query("select rows_in from audit.reconciliation where source_table = 'events'") == [(0,)]

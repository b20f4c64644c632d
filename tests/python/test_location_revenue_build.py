"""End-to-end checks of the location, revenue and cohort marts on the embedded sample.

Figures are recomputed in Python from the rows the core marts are built from
(staging tables and the reference seed files), without the marts' SQL, and
compared with what the marts hold.
"""

from __future__ import annotations

import csv
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
import yaml

from dbt_project import PROJECT_DIR, DbtRun

CENT = Decimal("0.01")
UNKNOWN = "Unknown"


def project_var(name: str) -> object:
    with (PROJECT_DIR / "dbt_project.yml").open() as handle:
        return yaml.safe_load(handle)["vars"][name]


def month_of(moment: datetime) -> date:
    return date(moment.year, moment.month, 1)


def months_between(first: date, last: date) -> list[date]:
    months, current = [], first
    while current <= last:
        months.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months


@dataclass
class Shop:
    """The sample shop recomputed from staging rows and the reference seeds."""

    country_of: dict[str, str]
    region_of: dict[str, str]
    orders: list[tuple[str, str, str, datetime, Decimal, Decimal]]  # id, customer, status, at, capped, raw
    visits: list[tuple[str, datetime]]  # customer, at

    @property
    def successful(self) -> list[tuple[str, str, str, datetime, Decimal, Decimal]]:
        return [order for order in self.orders if order[2] == "success"]


@pytest.fixture(scope="module")
def shop(sample_build: DbtRun) -> Shop:
    with (PROJECT_DIR / "seeds" / "reference" / "country_regions.csv").open(newline="") as handle:
        reference = {row["country_name"]: row["region"] or UNKNOWN for row in csv.DictReader(handle)}

    customers = sample_build.query("select customer_id, location from staging.stg_shopsmart__customers")
    country_of = {c: (loc if loc in reference else UNKNOWN) for c, loc in customers}
    region_of = {c: reference.get(loc, UNKNOWN) for c, loc in customers}

    prices = dict(sample_build.query("select product_id, price from staging.stg_shopsmart__products"))
    factor = Decimal(str(project_var("price_outlier_factor")))
    median = Decimal(statistics.median(prices.values()))
    cap = (median * factor).quantize(CENT, ROUND_HALF_UP)
    capped = {pid: cap if price > factor * median else price for pid, price in prices.items()}

    capped_totals: dict[str, Decimal] = defaultdict(Decimal)
    raw_totals: dict[str, Decimal] = defaultdict(Decimal)
    for order_id, product_id, quantity in sample_build.query(
        "select order_id, product_id, quantity from staging.stg_shopsmart__line_items"
    ):
        capped_totals[order_id] += capped[product_id] * quantity
        raw_totals[order_id] += prices[product_id] * quantity

    orders = [
        (order_id, customer_id, status, at, capped_totals[order_id], raw_totals[order_id])
        for order_id, customer_id, status, at in sample_build.query(
            "select order_id, customer_id, status, checked_out_at from staging.stg_shopsmart__orders"
        )
        if customer_id in country_of
    ]
    visits = sample_build.query(
        "select customer_id, event_at from staging.stg_shopsmart__events where event_type = 'visit'"
    )
    assert orders and visits
    return Shop(country_of, region_of, orders, visits)


def test_revenue_and_customers_per_country_match_a_recount(sample_build: DbtRun, shop: Shop) -> None:
    # per country: customers, orders of any status, successful revenue capped and raw
    expected: dict[str, list] = defaultdict(lambda: [0, 0, Decimal(0), Decimal(0)])
    for country in shop.country_of.values():
        expected[country][0] += 1
    for _, customer_id, status, _, capped, raw in shop.orders:
        row = expected[shop.country_of[customer_id]]
        row[1] += 1
        if status == "success":
            row[2] += capped
            row[3] += raw

    marts = {
        country: [customers, orders, revenue, revenue_raw]
        for country, customers, orders, revenue, revenue_raw in sample_build.query(
            "select country, customers, orders, revenue_usd, revenue_usd_uncapped from marts.location_summary_by_country"
        )
    }
    assert marts == dict(expected)


def test_revenue_per_region_matches_a_recount(sample_build: DbtRun, shop: Shop) -> None:
    expected: Counter = Counter()
    for _, customer_id, _, _, capped, _ in shop.successful:
        expected[shop.region_of[customer_id]] += capped
    marts = dict(
        sample_build.query("select region, revenue_usd from marts.location_summary_by_region where revenue_usd > 0")
    )
    assert marts == dict(expected)


def test_location_totals_add_up_to_the_shop(sample_build: DbtRun) -> None:
    [(customers, revenue, revenue_raw)] = sample_build.query(
        "select count(*), sum(lifetime_revenue_usd), sum(lifetime_revenue_usd_uncapped) from marts.customers"
    )
    [(orders_revenue,)] = sample_build.query("select sum(total_amount_usd) from marts.orders where is_successful")
    assert revenue == orders_revenue > 0
    for mart in ("marts.location_summary_by_country", "marts.location_summary_by_region"):
        [(mart_customers, mart_revenue, mart_revenue_raw)] = sample_build.query(
            f"select sum(customers), sum(revenue_usd), sum(revenue_usd_uncapped) from {mart}"
        )
        assert (mart_customers, mart_revenue, mart_revenue_raw) == (customers, revenue, revenue_raw), mart


def test_every_customer_is_in_exactly_one_country(sample_build: DbtRun, shop: Shop) -> None:
    staged = Counter(c for (c,) in sample_build.query("select customer_id from staging.stg_shopsmart__customers"))
    assert staged and max(staged.values()) == 1
    per_country = Counter(shop.country_of.values())
    marts = dict(sample_build.query("select country, customers from marts.location_summary_by_country"))
    assert marts == dict(per_country)
    assert sum(marts.values()) == len(staged)


def test_monthly_revenue_matches_a_recount_with_every_month(sample_build: DbtRun, shop: Shop) -> None:
    months = months_between(month_of(min(o[3] for o in shop.orders)), month_of(max(o[3] for o in shop.orders)))
    expected = {month: [0, 0, 0, 0, Decimal(0), set()] for month in months}
    column = {"success": 1, "failed": 2, "cancelled": 3}
    for _, customer_id, status, at, capped, _ in shop.orders:
        row = expected[month_of(at)]
        row[0] += 1
        row[column[status]] += 1
        if status == "success":
            row[4] += capped
            row[5].add(customer_id)
    expected_rows = [(month, *row[:5], len(row[5])) for month, row in expected.items()]

    marts = sample_build.query(
        "select order_month, orders, successful_orders, failed_orders, cancelled_orders, revenue_usd,"
        " buying_customers from marts.monthly_revenue order by order_month"
    )
    assert marts == expected_rows

    yearly = sample_build.query(
        "select order_year, orders, revenue_usd from marts.yearly_orders order by order_year"
    )
    by_year: dict[int, list] = defaultdict(lambda: [0, Decimal(0)])
    for month, orders, _, _, _, revenue, _ in expected_rows:
        by_year[month.year][0] += orders
        by_year[month.year][1] += revenue
    assert yearly == [(year, *values) for year, values in sorted(by_year.items())]


def test_cohort_sizes_sum_to_buyers_and_visitors(sample_build: DbtRun) -> None:
    [(buyers, visitors)] = sample_build.query(
        "select count(case when is_buyer then 1 end), count(first_visit_at) from marts.customers"
    )
    sizes = dict(
        sample_build.query(
            "select cohort_type, sum(cohort_size) from marts.cohort_retention"
            " where months_since = 0 group by cohort_type"
        )
    )
    assert sizes == {"first_order": buyers, "first_visit": visitors}
    assert buyers > 0


def test_order_cohort_retention_matches_a_recount(sample_build: DbtRun, shop: Shop) -> None:
    active_months: dict[str, set[date]] = defaultdict(set)
    for _, customer_id, _, at, _, _ in shop.successful:
        active_months[customer_id].add(month_of(at))
    last_month = month_of(max([o[3] for o in shop.orders] + [at for _, at in shop.visits]))

    expected = []
    cohorts: dict[date, list[str]] = defaultdict(list)
    for customer_id, months in active_months.items():
        cohorts[min(months)].append(customer_id)
    for cohort_month, members in sorted(cohorts.items()):
        for months_since, month in enumerate(months_between(cohort_month, last_month)):
            active = sum(1 for c in members if month in active_months[c])
            rate = (Decimal(active) / len(members)).quantize(Decimal("0.0001"), ROUND_HALF_UP)
            expected.append((cohort_month, months_since, len(members), active, rate))

    marts = sample_build.query(
        "select cohort_month, months_since, cohort_size, active_customers, retention_rate"
        " from marts.cohort_retention where cohort_type = 'first_order' order by cohort_month, months_since"
    )
    assert marts == expected

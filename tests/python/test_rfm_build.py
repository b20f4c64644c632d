"""End-to-end checks of the RFM marts (customer_rfm, customer_features) on the embedded sample.

Each figure is recomputed in Python from staging and the core `orders` mart (whose
totals test_marts_build checks against the raw files), without the marts' SQL, and
compared with what the marts hold.
"""

from __future__ import annotations

import csv
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import pytest

from dbt_project import PROJECT_DIR, DbtRun

CENT = Decimal("0.01")
SCORE_LEVELS = 5
RFM_SEGMENTS_SEED = PROJECT_DIR / "seeds" / "reference" / "rfm_segments.csv"


@dataclass
class Customer:
    orders: list[tuple[str, datetime, Decimal, Decimal, int]] = field(default_factory=list)

    @property
    def purchases(self) -> list[tuple[str, datetime, Decimal, Decimal, int]]:
        return [order for order in self.orders if order[0] == "success"]


def months_between(first: date, last: date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month


def least_squares_slope(values: list[Decimal]) -> float:
    xs = range(len(values))
    mean_x = sum(xs) / len(values)
    mean_y = float(sum(values)) / len(values)
    covariance = sum((x - mean_x) * (float(y) - mean_y) for x, y in zip(xs, values))
    variance = sum((x - mean_x) ** 2 for x in xs)
    return covariance / variance


def expected_scores(values: dict[str, float]) -> dict[str, int]:
    """Quintile score of each value from its mid-rank (pandas rank(method='average'), 1 = lowest value).

    score = ceil(5 * (midrank - 0.5) / n), computed in whole numbers on twice the mid-rank
    (an integer, since a mid-rank is a multiple of 0.5): ceil(5 * (2 * midrank - 1) / (2 * n)).
    """
    series = pd.Series(values, dtype="float64")
    twice_midrank = series.rank(method="average") * 2
    assert (twice_midrank == twice_midrank.round()).all()
    n = len(series)
    return {key: -(-SCORE_LEVELS * (int(twice) - 1) // (2 * n)) for key, twice in twice_midrank.items()}


@pytest.fixture(scope="module")
def analysis_date(sample_build: DbtRun) -> date:
    [(latest_event_at, latest_order_at)] = sample_build.query(
        "select (select max(event_at) from staging.stg_shopsmart__events),"
        " (select max(checked_out_at) from staging.stg_shopsmart__orders)"
    )
    return max(latest_event_at, latest_order_at).date() + timedelta(days=1)


@pytest.fixture(scope="module")
def customers(sample_build: DbtRun) -> dict[str, Customer]:
    """Every staged customer with their orders: status, checkout time, capped and raw USD total, units."""
    result = {
        customer_id: Customer()
        for (customer_id,) in sample_build.query("select customer_id from staging.stg_shopsmart__customers")
    }
    totals = {
        order_id: (capped, raw)
        for order_id, capped, raw in sample_build.query(
            "select order_id, total_amount_usd, total_amount_usd_uncapped from marts.orders"
        )
    }
    units: Counter = Counter()
    for order_id, quantity in sample_build.query(
        "select order_id, quantity from staging.stg_shopsmart__line_items"
    ):
        units[order_id] += quantity
    for order_id, customer_id, status, checked_out_at in sample_build.query(
        "select order_id, customer_id, status, checked_out_at from staging.stg_shopsmart__orders"
    ):
        if customer_id in result:
            capped, raw = totals[order_id]
            result[customer_id].orders.append((status, checked_out_at, capped, raw, units[order_id]))
    return result


def mart_rows(run: DbtRun, mart: str, columns: str) -> dict[str, tuple]:
    rows = run.query(f"select customer_id, {columns} from marts.{mart}")
    ids = Counter(row[0] for row in rows)
    repeated = [customer_id for customer_id, n in ids.items() if n > 1]
    assert not repeated, f"{mart}: customers on more than one row, e.g. {repeated[:3]}"
    return {row[0]: row[1:] for row in rows}


def test_the_analysis_date_is_the_day_after_the_latest_activity(sample_build: DbtRun, analysis_date: date) -> None:
    [(resolved, from_var)] = sample_build.query(
        "select analysis_date, is_set_by_var from intermediate.int_analysis_dates_resolved"
    )
    assert (resolved, from_var) == (analysis_date, False)
    in_mart = {d for (d,) in sample_build.query("select distinct analysis_date from marts.customer_rfm")}
    assert in_mart == {analysis_date}


def test_every_customer_appears_once_in_the_rfm_marts(sample_build: DbtRun, customers: dict[str, Customer]) -> None:
    assert len(customers) > 0
    for mart in ("customer_rfm", "customer_features"):
        assert mart_rows(sample_build, mart, "1").keys() == customers.keys(), mart


def test_recency_frequency_and_monetary_match_a_recount(
    sample_build: DbtRun, customers: dict[str, Customer], analysis_date: date
) -> None:
    marts = mart_rows(
        sample_build,
        "customer_rfm",
        "recency_days, frequency, monetary_usd, monetary_usd_uncapped, has_purchased, rfm_segment",
    )
    features = mart_rows(sample_build, "customer_features", "recency_days, frequency, monetary_usd, has_purchased")
    expected = {}
    for customer_id, customer in customers.items():
        purchases = customer.purchases
        if purchases:
            last = max(checked_out_at for _, checked_out_at, *_ in purchases)
            expected[customer_id] = (
                (analysis_date - last.date()).days,
                len(purchases),
                sum((capped for *_, capped, _, _ in purchases), Decimal(0)),
                sum((raw for *_, raw, _ in purchases), Decimal(0)),
                True,
            )
        else:
            expected[customer_id] = (None, 0, Decimal(0), Decimal(0), False)
    assert sum(1 for row in expected.values() if row[4]) > 0
    wrong = {k: (marts[k][:5], v) for k, v in expected.items() if marts[k][:5] != v}
    assert not wrong, f"{len(wrong)} customers differ (mart, recomputed), e.g. {list(wrong.items())[:3]}"
    wrong_features = {k: (features[k], v) for k, v in expected.items() if features[k] != (v[0], v[1], v[2], v[4])}
    assert not wrong_features, f"customer_features differs from the recount, e.g. {list(wrong_features.items())[:3]}"
    # customers without a purchase have their own segment
    assert {marts[k][5] for k, v in expected.items() if not v[4]} == {"No purchase"}


def test_expected_scores_follow_the_midrank_rule() -> None:
    # the rule itself, on values whose scores are worked out by hand
    assert expected_scores({"a": 7.0, "b": 7.0, "c": 7.0}) == {"a": 3, "b": 3, "c": 3}
    assert expected_scores({"only": 1.0}) == {"only": 3}
    # ten values: untied positions p score ceil((p - 0.5) / 2); 2 ties at positions 2-4 (mid-rank 3)
    ten = dict(zip("abcdefghij", [1.0, 2, 2, 2, 5, 6, 7, 8, 9, 10]))
    assert list(expected_scores(ten).values()) == [1, 2, 2, 2, 3, 3, 4, 4, 5, 5]
    # seven values tied at the top (positions 4-10, mid-rank 7): ceil(6.5 / 2) = 4
    mostly = dict(zip("abcdefghij", [1.0, 2, 3] + [9.0] * 7))
    assert list(expected_scores(mostly).values()) == [1, 1, 2] + [4] * 7


def test_scores_follow_the_quintile_rule_and_never_fall_as_values_rise(sample_build: DbtRun) -> None:
    rows = sample_build.query(
        "select customer_id, recency_days, frequency, monetary_usd, r_score, f_score, m_score"
        " from marts.customer_rfm where has_purchased"
    )
    n = len(rows)
    for name, value_index, score_index, sign in (("R", 1, 4, -1), ("F", 2, 5, 1), ("M", 3, 6, 1)):
        # a higher value is better, except for recency, where fewer days is better
        values = {row[0]: sign * float(row[value_index]) for row in rows}
        scores = {row[0]: row[score_index] for row in rows}
        assert scores == expected_scores(values), name

        by_value = sorted(rows, key=lambda row: sign * float(row[value_index]))
        for lower, higher in zip(by_value, by_value[1:]):
            assert lower[score_index] <= higher[score_index], (name, lower, higher)
            if lower[value_index] == higher[value_index]:
                assert lower[score_index] == higher[score_index], (name, lower, higher)

        counts = Counter(scores.values())
        assert set(counts) <= set(range(1, SCORE_LEVELS + 1)), name
        if name in ("R", "M"):
            # few ties on the sample: every score holds close to a fifth of the buyers
            shares = [counts[s] / n for s in range(1, SCORE_LEVELS + 1)]
            assert all(abs(share - 1 / SCORE_LEVELS) <= 0.02 for share in shares), (name, counts)


def test_segments_follow_the_seed_grid(sample_build: DbtRun) -> None:
    with RFM_SEGMENTS_SEED.open(newline="") as handle:
        grid = {(int(row["r_score"]), int(row["f_score"])): row["rfm_segment"] for row in csv.DictReader(handle)}
    assert len(grid) == SCORE_LEVELS * SCORE_LEVELS
    rows = sample_build.query("select r_score, f_score, rfm_segment from marts.customer_rfm where has_purchased")
    wrong = [row for row in rows if grid[(row[0], row[1])] != row[2]]
    assert not wrong, wrong[:5]


def test_order_features_match_a_recount(
    sample_build: DbtRun, customers: dict[str, Customer], analysis_date: date
) -> None:
    marts = mart_rows(
        sample_build,
        "customer_features",
        "orders, total_items, cancellation_rate, failure_rate, average_order_value_usd,"
        " monthly_spend_usd, spend_trend_usd_per_month, days_since_first_purchase",
    )
    trends = 0
    for customer_id, customer in customers.items():
        orders, total_items, cancellation_rate, failure_rate, aov, monthly, trend, days = marts[customer_id]
        statuses = Counter(status for status, *_ in customer.orders)
        purchases = customer.purchases
        assert orders == len(customer.orders), customer_id
        assert total_items == sum(order[4] for order in purchases), customer_id
        if customer.orders:
            assert cancellation_rate == pytest.approx(statuses["cancelled"] / len(customer.orders)), customer_id
            assert failure_rate == pytest.approx(statuses["failed"] / len(customer.orders)), customer_id
        else:
            assert (cancellation_rate, failure_rate) == (None, None), customer_id
        if not purchases:
            assert (aov, monthly, trend, days) == (None, None, None, None), customer_id
            continue

        monetary = sum((order[2] for order in purchases), Decimal(0))
        assert aov == (monetary / len(purchases)).quantize(CENT, ROUND_HALF_UP), customer_id

        first = min(order[1] for order in purchases).date()
        assert days == (analysis_date - first).days, customer_id
        months = max(Decimal(days) / (Decimal("365.25") / 12), Decimal(1))
        assert monthly == (monetary / months).quantize(CENT, ROUND_HALF_UP), customer_id

        # the trend over an explicit series of calendar months, months without spend at 0
        spend = [Decimal(0)] * (months_between(first, analysis_date) + 1)
        for order in purchases:
            spend[months_between(first, order[1].date())] += order[2]
        if len(spend) < 2:
            assert trend is None, customer_id
        else:
            trends += 1
            assert math.isclose(trend, least_squares_slope(spend), rel_tol=1e-9, abs_tol=1e-6), customer_id
    assert trends > 0


def test_add_to_cart_events_match_a_recount(sample_build: DbtRun, analysis_date: date) -> None:
    expected: defaultdict[str, int] = defaultdict(int)
    for customer_id, event_at in sample_build.query(
        "select customer_id, event_at from staging.stg_shopsmart__events where event_type = 'add_to_cart'"
    ):
        if event_at.date() < analysis_date:
            expected[customer_id] += 1
    assert sum(expected.values()) > 0
    marts = mart_rows(sample_build, "customer_features", "add_to_cart_events")
    assert {k: v for k, (v,) in marts.items() if v} == dict(expected)

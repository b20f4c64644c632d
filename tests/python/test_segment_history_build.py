"""End-to-end checks of the segment history on the embedded sample.

The features as of a month end are recounted in Python from the `orders` mart, and
the transitions from the history's rows, without the history marts' SQL.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal

from dbt_project import DbtRun


def month_ends(run: DbtRun) -> list[dt.date]:
    return [row[0] for row in run.query("select distinct month_end from marts.customer_segment_history order by 1")]


def next_month_end(month_end: dt.date) -> dt.date:
    """The last day of the month after the one that ends on ``month_end``."""
    first_of_next = month_end + dt.timedelta(days=1)
    return (first_of_next + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def test_month_ends_are_consecutive_and_end_at_the_analysis_date(sample_build: DbtRun) -> None:
    dates = month_ends(sample_build)
    ((analysis_date,),) = sample_build.query("select analysis_date from intermediate.int_analysis_dates_resolved")
    assert dates[-1] == analysis_date
    assert all((date + dt.timedelta(days=1)).day == 1 for date in dates[:-1])
    assert [next_month_end(date) for date in dates[:-2]] == dates[1:-1]
    # the last month end is the last one before the analysis date
    assert dates[-2] < analysis_date <= next_month_end(dates[-2])


def test_features_as_of_a_month_end_match_a_recount_from_the_orders(sample_build: DbtRun) -> None:
    month_end = month_ends(sample_build)[len(month_ends(sample_build)) // 2]
    cutoff = dt.datetime.combine(month_end, dt.time())
    expected: dict[str, list] = defaultdict(lambda: [0, Decimal(0), None])
    for customer_id, amount, checked_out_at in sample_build.query(
        "select customer_id, total_amount_usd, checked_out_at from marts.orders where is_successful"
    ):
        if checked_out_at < cutoff:
            figures = expected[customer_id]
            figures[0] += 1
            figures[1] += amount
            figures[2] = max(figures[2] or checked_out_at, checked_out_at)
    rows = sample_build.query(
        "select customer_id, frequency, monetary_usd, recency_days from marts.customer_features_monthly "
        f"where month_end = date '{month_end.isoformat()}'"
    )
    assert rows
    for customer_id, frequency, monetary_usd, recency_days in rows:
        count, spend, last = expected.get(customer_id, [0, Decimal(0), None])
        assert (frequency, monetary_usd) == (count, spend), customer_id
        assert recency_days == (None if last is None else (month_end - last.date()).days), customer_id
    # every buyer of that day is in the history
    assert set(expected) <= {row[0] for row in rows}


def test_nearest_centroid_agrees_with_k_means_on_the_analysis_date(sample_build: DbtRun) -> None:
    ((agreement, customers),) = sample_build.query(
        "select avg(cast(segment_id = nearest_segment_id as integer)), count(*) "
        "from marts.customer_segment_history where is_analysis_date"
    )
    ((segmented,),) = sample_build.query("select count(*) from marts.customer_segments")
    assert customers == segmented
    assert agreement >= 0.99


def test_transitions_match_a_recount_of_the_history(sample_build: DbtRun) -> None:
    dates = month_ends(sample_build)
    segment_at: dict[tuple[str, dt.date], str] = {
        (customer_id, month_end): name
        for customer_id, month_end, name in sample_build.query(
            "select customer_id, month_end, segment_name from marts.customer_segment_history"
        )
    }
    expected: Counter[tuple[dt.date, str, str]] = Counter()
    for previous, current in zip(dates, dates[1:], strict=False):
        for (customer_id, month_end), name in segment_at.items():
            if month_end == current:
                expected[(current, segment_at.get((customer_id, previous), "New customer"), name)] += 1
    actual = {
        (month_end, from_segment, to_segment): customers
        for month_end, from_segment, to_segment, customers in sample_build.query(
            "select month_end, from_segment, to_segment, customers from marts.segment_transitions "
            "where segmentation = 'kmeans'"
        )
    }
    assert actual == dict(expected)

"""The MetricFlow saved queries (models/semantic/_semantic__saved_queries.yml) as a user runs them.

Each runs as the README shows it, `mf query --saved-query <name> --decimals 2
--order ...`, and its printed table is read back: money in fixed point to the cent
(not 1.63527e+06), rows in the order asked, and figures equal to SQL written
independently over the marts of the sample build, to the cent.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from dbt_project import DbtRun
from test_semantic_layer import MetricFlow, mf  # noqa: F401  (the module's mf fixture)

CENTS = re.compile(r"-?\d+\.\d{2}")


def printed_table(text: str) -> list[dict[str, str]]:
    """The rows of the table `mf query` prints: a header, a rule of dashes, then one line per row."""
    lines = text.splitlines()
    (rule_at,) = [i for i, line in enumerate(lines) if line and set(line) <= {"-", " "}]
    spans = [m.span() for m in re.finditer(r"-+", lines[rule_at])]
    def cells(line: str) -> list[str]:
        return [line[start:end].strip() for start, end in spans]
    header = cells(lines[rule_at - 1])
    return [dict(zip(header, cells(line))) for line in lines[rule_at + 1:] if line.strip()]


def saved_query(mf: MetricFlow, name: str, *args: str) -> list[dict[str, str]]:  # noqa: F811
    completed = mf("query", "--saved-query", name, "--decimals", "2", "--quiet", *args)
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output
    rows = printed_table(completed.stdout)
    assert rows, output
    for row in rows:
        assert CENTS.fullmatch(row["revenue"]), row
        # a ratio over no successful order is null, printed empty
        if row.get("successful_orders") != "0":
            assert CENTS.fullmatch(row["average_order_value"]), row
    return rows


def cents(text: str) -> Decimal:
    return Decimal(text)


def assert_same_figures(
    answer: dict, expected: dict, money: tuple[str, ...], counts: tuple[str, ...]
) -> None:
    assert set(answer) == set(expected)
    for key, row in answer.items():
        want = expected[key]
        for column in money:
            assert cents(row[column]) == want[column], (key, column, row[column], want[column])
        for column in counts:
            assert int(row[column]) == want[column], (key, column, row[column], want[column])
        # MetricFlow divides unrounded and prints to the cent; the SQL quotient rounds the same
        quotient = want["revenue"] / want["successful_orders"]
        assert abs(cents(row["average_order_value"]) - quotient) <= Decimal("0.005"), key


def by_key(rows: list[tuple], key_width: int, columns: tuple[str, ...]) -> dict:
    return {row[:key_width] if key_width > 1 else row[0]: dict(zip(columns, row[key_width:])) for row in rows}


SUCCESSFUL_REVENUE = "sum(case when orders.status = 'success' then orders.total_amount_usd else 0 end)"


def assert_same_figures_as_grouped_orders(
    run: DbtRun, answer: dict, mart: str, keys: tuple[str, ...]
) -> None:
    """`answer`'s rows with a successful order equal SQL over the orders by their customer's `keys` in `mart`.

    `answer` maps the group (a tuple of the keys, or the one key alone) to the
    saved query's row; a group without a successful order has no row in the SQL.
    """
    columns = ("revenue", "successful_orders", "active_customers")
    expected = by_key(run.query(
        f"select {', '.join(f'per_customer.{key}' for key in keys)}, {SUCCESSFUL_REVENUE},"
        " count(*) filter (where orders.status = 'success'),"
        " count(distinct orders.customer_id) filter (where orders.status = 'success')"
        " from marts.orders as orders"
        f" inner join marts.{mart} as per_customer on orders.customer_id = per_customer.customer_id"
        " group by all having count(*) filter (where orders.status = 'success') > 0"
    ), len(keys), columns)
    assert_same_figures(
        {key: row for key, row in answer.items() if int(row["successful_orders"]) > 0},
        expected, ("revenue",), columns[1:],
    )


def test_revenue_by_month_equals_the_orders_and_the_monthly_revenue_mart(mf: MetricFlow, sample_build: DbtRun) -> None:  # noqa: F811
    rows = saved_query(mf, "revenue_by_month", "--order", "metric_time__month")
    months = [date.fromisoformat(row["metric_time__month"][:10]) for row in rows]
    assert months == sorted(months) and len(set(months)) == len(months) >= 6
    answer = dict(zip(months, rows))
    columns = ("revenue", "order_count", "successful_orders", "active_customers")
    from_orders = by_key(sample_build.query(
        f"select cast(date_trunc('month', orders.checked_out_at) as date), {SUCCESSFUL_REVENUE}, count(*),"
        " count(*) filter (where orders.status = 'success'),"
        " count(distinct orders.customer_id) filter (where orders.status = 'success')"
        " from marts.orders as orders group by all"
    ), 1, columns)
    assert_same_figures(answer, from_orders, ("revenue",), columns[1:])
    mart = by_key(sample_build.query(
        "select order_month, revenue_usd, orders, successful_orders, buying_customers"
        " from marts.monthly_revenue where orders > 0"
    ), 1, columns)
    assert_same_figures(answer, mart, ("revenue",), columns[1:])
    (total,) = sample_build.query("select sum(revenue_usd) from marts.monthly_revenue")[0]
    assert sum(cents(row["revenue"]) for row in rows) == total


def test_revenue_by_segment_adds_up_the_orders_of_each_kmeans_segment(mf: MetricFlow, sample_build: DbtRun) -> None:  # noqa: F811
    # without --order: the saved query's own order, segment 1 first
    rows = saved_query(mf, "revenue_by_segment")
    ids = [int(row["customer__segment_id"]) for row in rows]
    assert ids == sorted(ids) and len(ids) >= 2
    answer = {(int(row["customer__segment_id"]), row["customer__segment_name"]): row for row in rows}
    assert_same_figures_as_grouped_orders(
        sample_build, answer, "customer_segments", ("segment_id", "segment_name")
    )
    (total,) = sample_build.query("select sum(revenue_usd) from marts.monthly_revenue")[0]
    assert sum(cents(row["revenue"]) for row in rows) == total


def test_revenue_by_rfm_segment_adds_up_the_orders_of_each_rfm_segment(mf: MetricFlow, sample_build: DbtRun) -> None:  # noqa: F811
    rows = saved_query(mf, "revenue_by_rfm_segment", "--order", "-revenue,customer__rfm_segment")
    revenues = [cents(row["revenue"]) for row in rows]
    assert revenues == sorted(revenues, reverse=True)
    answer = {row["customer__rfm_segment"]: row for row in rows}
    assert answer["Champions"] and cents(answer["Champions"]["revenue"]) > 0
    assert_same_figures_as_grouped_orders(sample_build, answer, "customer_rfm", ("rfm_segment",))
    # segments whose customers' orders all failed or were cancelled: zero revenue
    assert all(cents(row["revenue"]) == 0 for row in rows if int(row["successful_orders"]) == 0)


def test_revenue_by_country_equals_the_location_summary_by_country_mart(mf: MetricFlow, sample_build: DbtRun) -> None:  # noqa: F811
    rows = saved_query(mf, "revenue_by_country", "--order", "-revenue,customer__country_iso_alpha2")
    revenues = [cents(row["revenue"]) for row in rows]
    assert revenues == sorted(revenues, reverse=True) and len(rows) >= 10
    answer = {row["customer__country_iso_alpha2"]: row for row in rows}
    assert len(answer) == len(rows)
    columns = ("revenue", "order_count", "successful_orders", "active_customers")
    mart = by_key(sample_build.query(
        "select country_iso_alpha2, revenue_usd, orders, successful_orders, buyers"
        " from marts.location_summary_by_country where orders > 0"
    ), 1, columns)
    assert_same_figures(answer, mart, ("revenue",), columns[1:])
    name_of = dict(sample_build.query("select distinct country_iso_alpha2, location from marts.customers"))
    assert {iso: row["customer__location"] for iso, row in answer.items()} == {iso: name_of[iso] for iso in answer}
    (total,) = sample_build.query("select sum(revenue_usd) from marts.monthly_revenue")[0]
    assert sum(revenues) == total


def test_the_table_reader_keeps_names_with_spaces_and_right_aligned_numbers() -> None:
    text = (
        "customer__location        revenue\n"
        "------------------------  ----------\n"
        "United States of America  3772986.54\n"
        "Chile                        2309.79\n"
    )
    assert printed_table(text) == [
        {"customer__location": "United States of America", "revenue": "3772986.54"},
        {"customer__location": "Chile", "revenue": "2309.79"},
    ]

"""The marts built on the UCI Online Retail file through the one source switch.

The whole project is built with ONLINE_RETAIL_PATH set, so the conformed models
read online_retail and every mart above them is built from it. Each figure is
recomputed from the raw file with the documented acceptance rules of
test_online_retail (classify), independently of the models' SQL.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import pytest

from dbt_project import DbtRun, dbt
from test_online_retail import CENT, Line, classify, read_lines, retail_file


@dataclass(frozen=True)
class MartsBuild:
    run: DbtRun
    seconds: float
    accepted: list[Line]

    def invoices(self, invoice_type: str) -> set[str]:
        return {line.invoice for line in self.accepted if line.invoice_type == invoice_type}

    def amounts(self, invoice_type: str) -> dict[str, Decimal]:
        """Per invoice of the type: the exact sum of units x unit price of its accepted lines.

        Line.quantity is signed as exported (negative on cancellation lines); the
        value of a cancellation is counted positive, beside revenue.
        """
        totals: dict[str, Decimal] = defaultdict(Decimal)
        for line in self.accepted:
            if line.invoice_type == invoice_type:
                totals[line.invoice] += abs(line.quantity) * line.unit_price
        return dict(totals)

    def customer_of(self) -> dict[str, str]:
        return {line.invoice: line.customer_id for line in self.accepted}


@pytest.fixture(scope="module")
def marts_build(tmp_path_factory: pytest.TempPathFactory) -> MartsBuild:
    """`dbt build` of the whole project with the source switch on the UCI file."""
    path = retail_file()
    work_dir = tmp_path_factory.mktemp("online_retail_marts")
    now = dt.datetime.now()
    started = time.monotonic()
    run = dbt("build", work_dir, {"ONLINE_RETAIL_PATH": str(path)})
    seconds = time.monotonic() - started
    assert run.returncode == 0, run.output[-5000:]
    print(f"\nfull dbt build on {path.name}: {seconds:.1f} s")
    reasons, lines = classify(read_lines(path), now)
    accepted = [lines[number] for number, reason in reasons.items() if reason is None]
    return MartsBuild(run, seconds, accepted)


def test_customers_are_the_accepted_customer_ids(marts_build: MartsBuild) -> None:
    customers = marts_build.run.query("select customer_id, currency from marts.customers")
    assert {c for c, _ in customers} == {line.customer_id for line in marts_build.accepted}
    assert len(customers) == len({line.customer_id for line in marts_build.accepted}) > 4_000
    assert {currency for _, currency in customers} == {"GBP"}


def test_orders_are_the_accepted_invoices(marts_build: MartsBuild) -> None:
    orders = dict(marts_build.run.query("select order_id, status from marts.orders"))
    purchases, cancellations = marts_build.invoices("purchase"), marts_build.invoices("cancellation")
    assert set(orders) == purchases | cancellations
    assert {o for o, status in orders.items() if status == "cancelled"} == cancellations
    assert {o for o, status in orders.items() if status == "success"} == purchases
    assert all(order.startswith("C") for order in cancellations) and len(cancellations) > 3_000


def test_order_totals_in_pounds_are_exact_to_the_cent(marts_build: MartsBuild) -> None:
    """Each order's total in GBP is its lines' exact amount rounded once; revenue is their sum."""
    totals = dict(marts_build.run.query("select order_id, total_amount_local from marts.orders"))
    expected = {
        invoice: amount.quantize(CENT, ROUND_HALF_UP)
        for invoice_type in ("purchase", "cancellation")
        for invoice, amount in marts_build.amounts(invoice_type).items()
    }
    assert totals == expected
    purchase_revenue = sum(marts_build.amounts("purchase").values())
    (revenue,) = marts_build.run.query("select sum(lifetime_revenue_local) from marts.customers")[0]
    assert revenue == sum(expected[i] for i in marts_build.invoices("purchase"))
    assert abs(revenue - purchase_revenue) < CENT * len(marts_build.invoices("purchase")) / 2


def test_cancellations_are_reported_beside_revenue(marts_build: MartsBuild) -> None:
    owner = marts_build.customer_of()
    cancelled = Counter(owner[i] for i in marts_build.invoices("cancellation"))
    cancelled_value: dict[str, Decimal] = defaultdict(Decimal)
    revenue: dict[str, Decimal] = defaultdict(Decimal)
    for invoice, amount in marts_build.amounts("cancellation").items():
        cancelled_value[owner[invoice]] += amount.quantize(CENT, ROUND_HALF_UP)
    for invoice, amount in marts_build.amounts("purchase").items():
        revenue[owner[invoice]] += amount.quantize(CENT, ROUND_HALF_UP)
    rows = marts_build.run.query(
        "select customer_id, cancelled_orders, cancelled_order_value_local, lifetime_revenue_local, net_revenue_local"
        " from marts.customers"
    )
    assert {c: (n, value, life, net) for c, n, value, life, net in rows} == {
        c: (cancelled[c], cancelled_value[c], revenue[c], revenue[c] - cancelled_value[c]) for c, *_ in rows
    }


def test_rfm_frequency_is_distinct_purchase_invoices(marts_build: MartsBuild) -> None:
    owner = marts_build.customer_of()
    purchases = Counter(owner[i] for i in marts_build.invoices("purchase"))
    frequency = dict(marts_build.run.query("select customer_id, frequency from marts.customer_rfm"))
    assert {c: f for c, f in frequency.items() if f} == dict(purchases)
    assert set(frequency) == {line.customer_id for line in marts_build.accepted}


def test_event_marts_are_empty(marts_build: MartsBuild) -> None:
    """The source has no web events: nothing is invented for the marts that need them."""
    run = marts_build.run
    for relation in ("intermediate.int_events_conformed", "marts.funnel_daily", "marts.daily_visits"):
        assert run.query(f"select count(*) from {relation}") == [(0,)], relation
    visits = run.query("select count(*), sum(visits), count(first_visit_at) from marts.customer_visit_frequency")
    assert visits == [(len({line.customer_id for line in marts_build.accepted}), 0, 0)]


def test_segments_cover_every_customer_in_order_of_spend(marts_build: MartsBuild) -> None:
    """customer_segments on this source: every customer in one segment, ids by mean spend, descending."""
    run = marts_build.run
    segment_of = dict(run.query("select customer_id, segment_id from marts.customer_segments"))
    assert set(segment_of) == {line.customer_id for line in marts_build.accepted}
    (chosen_k,) = run.query("select k from marts.segment_model_diagnostics where is_chosen")[0]
    assert sorted(set(segment_of.values())) == list(range(1, chosen_k + 1))
    # purchase revenue per customer in pounds, from the raw lines: one exchange rate
    # converts it to the USD the segments are ordered by, so the order is the same
    owner = marts_build.customer_of()
    spend: dict[str, Decimal] = defaultdict(Decimal)
    for invoice, amount in marts_build.amounts("purchase").items():
        spend[owner[invoice]] += amount.quantize(CENT, ROUND_HALF_UP)
    members = Counter(segment_of.values())
    total = defaultdict(Decimal)
    for customer, segment in segment_of.items():
        total[segment] += spend[customer]
    means = [total[segment] / members[segment] for segment in range(1, chosen_k + 1)]
    assert means == sorted(means, reverse=True) and len(set(means)) == chosen_k, means


def test_the_lifetime_value_calibration_is_computed_and_printed(marts_build: MartsBuild) -> None:
    """clv_holdout_calibration on the UCI file: every bucket, the actual purchase days recounted from the raw lines."""
    run = marts_build.run
    rows = run.query(
        "select frequency_bucket, customers, predicted_purchases, actual_purchases, predicted_to_actual_ratio,"
        " mean_probability_active, fit_status, fitted_customers, bg_nbd_r, bg_nbd_alpha, bg_nbd_a, bg_nbd_b,"
        " cutoff_date, analysis_date from diagnostics.clv_holdout_calibration order by bucket_order"
    )
    assert [row[0] for row in rows] == ["0", "1", "2", "3", "4", "5", "6+", "total"]
    *_, total = rows
    _, buyers, predicted, actual, _, _, status, fitted, r, alpha, a, b, cutoff, analysis = total
    assert status == "fitted" and fitted == buyers and (analysis - cutoff).days == 90
    # the actual purchase days recounted from the accepted purchase lines: an invoice is bought at its first line's
    # time, and the buyers before the cut-off are those with a purchase day before it
    invoiced: dict[str, dt.datetime] = {}
    for line in marts_build.accepted:
        if line.invoice_type == "purchase":
            invoiced[line.invoice] = min(invoiced.get(line.invoice, line.invoiced_at), line.invoiced_at)
    owner = marts_build.customer_of()
    days: dict[str, set[dt.date]] = defaultdict(set)
    for invoice, at in invoiced.items():
        days[owner[invoice]].add(at.date())
    before = {c for c, bought in days.items() if min(bought) < cutoff}
    assert buyers == len(before) > 3_000
    assert actual == sum(1 for c in before for day in days[c] if cutoff <= day < analysis)
    assert sum(row[1] for row in rows[:-1]) == buyers and sum(row[3] for row in rows[:-1]) == actual
    assert predicted > 0
    print(f"\nclv_holdout_calibration on the UCI file, holdout {cutoff} to {analysis} (excluded),"
          f" BG/NBD r={r:.4f} alpha={alpha:.3f} a={a:.3g} b={b:.4f}, {fitted} buyers fitted:")
    print("bucket  customers  predicted  actual  ratio  mean p_alive")
    for bucket, customers, bucket_predicted, bucket_actual, ratio, alive, *_ in rows:
        ratio_text = "" if ratio is None else f"{ratio:.3f}"
        print(f"{bucket:>6}  {customers:9}  {bucket_predicted:9.1f}  {bucket_actual:6}  {ratio_text:>5}  {alive:.3f}")


def test_the_segment_history_builds_without_web_events(marts_build: MartsBuild) -> None:
    """customer_segment_history on this source: every month end of the invoices, no visits, both transitions."""
    run = marts_build.run
    customers = {line.customer_id for line in marts_build.accepted}
    at_analysis_date = run.query(
        "select count(*), sum(visits + sessions + add_to_cart_events) from marts.customer_segment_history "
        "where is_analysis_date"
    )
    assert at_analysis_date == [(len(customers), 0)]
    month_ends = [row[0] for row in run.query(
        "select distinct month_end from marts.customer_segment_history where not is_analysis_date order by 1"
    )]
    # invoices from 2010-12-01 to 2011-12-09: December 2010 to November 2011, then the analysis date
    assert (month_ends[0], month_ends[-1], len(month_ends)) == (dt.date(2010, 12, 31), dt.date(2011, 11, 30), 12)
    moved = dict(run.query("select segmentation, sum(customers) from marts.segment_transitions group by 1"))
    (later_rows,) = run.query(
        "select count(*) from marts.customer_segment_history where month_end > date '2010-12-31'"
    )[0]
    assert moved == {"kmeans": later_rows, "rfm": later_rows}

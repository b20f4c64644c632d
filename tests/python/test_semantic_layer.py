"""The MetricFlow semantic layer (models/semantic) on the sample build.

`mf` reads the semantic manifest from <project>/target, so each check runs it in a
folder that links the project's dbt_project.yml and profiles.yml and the sample
build's target folder, against the sample warehouse. Its answers are compared with
the marts and with figures recomputed in Python from mart rows.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from dbt_project import PROJECT_DIR, DbtRun

MF = Path(sys.executable).parent / "mf"


class MetricFlow:
    def __init__(self, run: DbtRun, project: Path) -> None:
        self.run = run
        self.project = project
        self.calls = 0

    def __call__(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SHOPSMART_", "DBT_"))}
        env["SHOPSMART_DUCKDB_PATH"] = str(self.run.database)
        env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
        return subprocess.run(
            [str(MF), *args], cwd=self.project, env=env, capture_output=True, text=True, check=False
        )

    def query(self, metrics: str, group_by: str) -> list[dict[str, str]]:
        self.calls += 1
        out = self.project / f"query_{self.calls}.csv"
        completed = self("query", "--metrics", metrics, "--group-by", group_by, "--csv", str(out), "--quiet")
        assert completed.returncode == 0 and out.is_file(), completed.stdout + completed.stderr
        with out.open(newline="") as handle:
            return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def mf(sample_build: DbtRun, tmp_path_factory: pytest.TempPathFactory) -> MetricFlow:
    project = tmp_path_factory.mktemp("mf_project")
    for name in ("dbt_project.yml", "profiles.yml"):
        (project / name).symlink_to(PROJECT_DIR / name)
    target = sample_build.database.parent / "target"
    assert (target / "semantic_manifest.json").is_file()
    (project / "target").symlink_to(target)
    return MetricFlow(sample_build, project)


def month_of(text: str) -> date:
    return date.fromisoformat(text[:10])


def test_validate_configs_passes_against_the_warehouse(mf: MetricFlow) -> None:
    completed = mf("validate-configs")
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output
    assert "Successfully validated the semantics of built manifest (ERRORS: 0" in output
    assert "Successfully validated metrics against data warehouse (ERRORS: 0" in output


def test_monthly_metrics_match_the_revenue_and_funnel_marts(mf: MetricFlow, sample_build: DbtRun) -> None:
    answer = {
        month_of(row["metric_time__month"]): row
        for row in mf.query(
            "revenue,order_count,average_order_value,active_customers,conversion_rate", "metric_time__month"
        )
    }
    monthly = sample_build.query(
        "select order_month, orders, successful_orders, buying_customers, revenue_usd,"
        " average_order_value_usd from marts.monthly_revenue where orders > 0"
    )
    assert set(answer) == {row[0] for row in monthly}
    for month, orders, successful_orders, buying_customers, revenue, average_order_value in monthly:
        row = answer[month]
        assert Decimal(row["revenue"]) == revenue, month
        assert int(row["order_count"]) == orders, month
        assert int(row["active_customers"]) == buying_customers, month
        # MetricFlow divides unrounded; the mart rounds the same quotient to the cent
        mf_average = Decimal(row["average_order_value"])
        assert abs(mf_average - revenue / successful_orders) < Decimal("1e-6"), month
        assert abs(mf_average - average_order_value) <= Decimal("0.005"), month

    # conversion over a month = the month's sessions with a successful order / with a visit
    funnel = defaultdict(lambda: [0, 0])
    for day, visits, successes in sample_build.query(
        "select date_day, visit_sessions, successful_order_sessions from marts.funnel_daily"
    ):
        funnel[day.replace(day=1)][0] += visits
        funnel[day.replace(day=1)][1] += successes
    months_with_visits = {month for month, (visits, _) in funnel.items() if visits > 0}
    assert months_with_visits <= set(answer)
    for month in months_with_visits:
        visits, successes = funnel[month]
        assert float(answer[month]["conversion_rate"]) == pytest.approx(successes / visits, abs=1e-9), month


def test_revenue_by_rfm_segment_adds_up_each_segments_orders(mf: MetricFlow, sample_build: DbtRun) -> None:
    answer = {
        row["customer__rfm_segment"]: Decimal(row["revenue"])
        for row in mf.query("revenue", "customer__rfm_segment")
    }
    segment_of = dict(sample_build.query("select customer_id, rfm_segment from marts.customer_rfm"))
    expected: dict[str, Decimal] = defaultdict(Decimal)
    for customer_id, status, total in sample_build.query(
        "select customer_id, status, total_amount_usd from marts.orders"
    ):
        expected[segment_of[customer_id]] += total if status == "success" else Decimal(0)
    assert answer == dict(expected)
    assert answer["No purchase"] == 0
    assert answer["Champions"] > 0
    (total,) = sample_build.query("select sum(revenue_usd) from marts.monthly_revenue")[0]
    assert sum(answer.values()) == total


def segment_revenue(run: DbtRun, keys: str) -> dict[tuple, Decimal]:
    """Revenue of successful orders by `keys` (SQL expressions over orders and their customer's segment)."""
    rows = run.query(
        f"select {keys}, sum(case when orders.status = 'success' then orders.total_amount_usd else 0 end)"
        " from marts.orders as orders"
        " inner join marts.customer_segments as segments on orders.customer_id = segments.customer_id"
        " group by all"
    )
    return {tuple(row[:-1]): row[-1] for row in rows}


def test_revenue_by_kmeans_segment_and_month_matches_orders_joined_to_segments(
    mf: MetricFlow, sample_build: DbtRun
) -> None:
    # MetricFlow starts from the orders and joins each order's customer to its
    # segment: a segment whose customers never ordered has no row
    expected = segment_revenue(sample_build, "segments.segment_id, segments.segment_name")
    answer = {
        (int(row["customer__segment_id"]), row["customer__segment_name"]): Decimal(row["revenue"])
        for row in mf.query("revenue", "customer__segment_id,customer__segment_name")
    }
    assert answer == expected
    assert len([revenue for revenue in answer.values() if revenue > 0]) >= 2
    (total,) = sample_build.query("select sum(revenue_usd) from marts.monthly_revenue")[0]
    assert sum(answer.values()) == total

    # by month and segment: each month's revenue split over the segments
    by_month = segment_revenue(
        sample_build, "cast(date_trunc('month', orders.checked_out_at) as date), segments.segment_name"
    )
    answer_by_month = {
        (month_of(row["metric_time__month"]), row["customer__segment_name"]): Decimal(row["revenue"])
        for row in mf.query("revenue", "metric_time__month,customer__segment_name")
    }
    assert answer_by_month == by_month


def test_retention_curve_weights_cohorts_by_size(mf: MetricFlow, sample_build: DbtRun) -> None:
    answer = {
        int(row["cohort_period__months_since"]): float(row["retention_rate"])
        for row in mf.query("retention_rate", "cohort_period__months_since")
    }
    active, members = defaultdict(int), defaultdict(int)
    for months_since, cohort_size, active_customers in sample_build.query(
        "select months_since, cohort_size, active_customers from marts.cohort_retention"
        " where cohort_type = 'first_order'"
    ):
        active[months_since] += active_customers
        members[months_since] += cohort_size
    assert set(answer) == set(members)
    assert answer[0] == 1
    for months_since, rate in answer.items():
        assert rate == pytest.approx(active[months_since] / members[months_since], abs=1e-9), months_since


def test_time_spine_covers_every_day_of_the_data_without_gaps(sample_build: DbtRun) -> None:
    manifest = json.loads((sample_build.database.parent / "target" / "manifest.json").read_text())
    (spine,) = [
        node["relation_name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["name"] == "time_spine_daily"
    ]
    first, last, days = sample_build.query(f"select min(date_day), max(date_day), count(*) from {spine}")[0]
    assert days == (last - first).days + 1
    (first_data, last_data) = sample_build.query(
        "select min(occurred_at), max(occurred_at) from ("
        " select checked_out_at as occurred_at from marts.orders"
        " union all select started_at from marts.funnel_sessions)"
    )[0]
    assert first <= first_data.date() and last_data.date() <= last

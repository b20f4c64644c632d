"""End-to-end checks of the core and visit marts on the embedded sample.

Each check recomputes a figure without the marts' SQL (from the raw sample files,
or from staging with Python) and compares it with what the marts hold.
"""

from __future__ import annotations

import csv
import json
import shutil
import statistics
from collections import Counter, defaultdict
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
import yaml

from dbt_project import DBT, PROJECT_DIR, DbtRun
from dbt_project import run as run_command
from test_mart_columns import INTEGER_TYPES, is_count

SAMPLE_DIR = PROJECT_DIR / "seeds" / "shopsmart_sample"
CENT = Decimal("0.01")


def project_var(name: str) -> object:
    """A var's default from dbt_project.yml, the value the sample build uses."""
    with (PROJECT_DIR / "dbt_project.yml").open() as handle:
        return yaml.safe_load(handle)["vars"][name]


def normalized(value: str | None) -> str:
    # the seed loads an empty field as null; the quarantine writes null as JSON null
    return "" if value is None else value


def accepted_rows(run: DbtRun, table: str, columns: list[str]) -> list[dict[str, str]]:
    """The rows of seeds/shopsmart_sample/raw_<table>.csv that staging accepted.

    A row is rejected when the quarantine holds a row with the same raw values; the
    match is by multiset, so of two identical rows with one quarantined copy
    (duplicate_row), the other stays.
    """
    with (SAMPLE_DIR / f"raw_{table}.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    quarantined = Counter(
        tuple(normalized(values.get(column)) for column in columns)
        for values in (
            json.loads(raw)
            for (raw,) in run.query(
                f"select raw_values from audit.quarantine where source_table = '{table}'"
            )
        )
    )
    accepted = []
    for row in rows:
        key = tuple(normalized(row[column]) for column in columns)
        if quarantined[key] > 0:
            quarantined[key] -= 1
        else:
            accepted.append(row)
    assert not +quarantined, f"quarantined {table} rows not found in the sample file: {+quarantined}"
    (staged,) = run.query(f"select count(*) from staging.stg_shopsmart__{table}")[0]
    assert len(accepted) == staged, f"{table}: {len(accepted)} rows recomputed, {staged} in staging"
    return accepted


@pytest.fixture(scope="module")
def expected_order_totals(sample_build: DbtRun) -> dict[str, tuple[str, Decimal, Decimal]]:
    """Per accepted order: status, total in USD at catalogue prices, total with outliers capped.

    Recomputed from the raw sample files alone: a price is an outlier when it is
    more than price_outlier_factor times the median catalogue price, and is then
    capped at that multiple of the median, rounded to the cent.
    """
    products = {
        int(row["id"].strip()): Decimal(row["price"].strip()).quantize(CENT, ROUND_HALF_UP)
        for row in accepted_rows(sample_build, "products", ["id", "name", "price"])
    }
    orders = {
        row["order_id"].strip(): row["status"].strip().lower()
        for row in accepted_rows(sample_build, "orders", ["order_id", "customer_id", "status", "checked_out_at"])
    }
    line_items = accepted_rows(sample_build, "line_items", ["line_item_id", "order_id", "item_id", "quantity"])

    factor = Decimal(str(project_var("price_outlier_factor")))
    median = statistics.median(products.values())
    cap = (median * factor).quantize(CENT, ROUND_HALF_UP)
    capped = {pid: cap if price > factor * median else price for pid, price in products.items()}

    raw_totals: dict[str, Decimal] = defaultdict(Decimal)
    capped_totals: dict[str, Decimal] = defaultdict(Decimal)
    for row in line_items:
        order_id, product_id, quantity = row["order_id"].strip(), int(row["item_id"].strip()), int(row["quantity"].strip())
        raw_totals[order_id] += products[product_id] * quantity
        capped_totals[order_id] += capped[product_id] * quantity
    return {order_id: (status, raw_totals[order_id], capped_totals[order_id]) for order_id, status in orders.items()}


def test_order_totals_match_the_raw_files(
    sample_build: DbtRun, expected_order_totals: dict[str, tuple[str, Decimal, Decimal]]
) -> None:
    marts = {
        order_id: (status, raw, capped)
        for order_id, status, raw, capped in sample_build.query(
            "select order_id, status, total_amount_usd_uncapped, total_amount_usd from marts.orders"
        )
    }
    assert marts.keys() == expected_order_totals.keys()
    wrong = {k: (marts[k], v) for k, v in expected_order_totals.items() if marts[k] != v}
    assert not wrong, f"{len(wrong)} orders differ (mart, recomputed), e.g. {list(wrong.items())[:3]}"


def test_successful_revenue_matches_the_raw_files(
    sample_build: DbtRun, expected_order_totals: dict[str, tuple[str, Decimal, Decimal]]
) -> None:
    successful = [(raw, capped) for status, raw, capped in expected_order_totals.values() if status == "success"]
    expected_raw = sum((raw for raw, _ in successful), Decimal(0))
    expected_capped = sum((capped for _, capped in successful), Decimal(0))
    assert expected_raw > 0

    [(orders_raw, orders_capped)] = sample_build.query(
        "select sum(total_amount_usd_uncapped), sum(total_amount_usd) from marts.orders where is_successful"
    )
    [(customers_raw, customers_capped)] = sample_build.query(
        "select sum(lifetime_revenue_usd_uncapped), sum(lifetime_revenue_usd) from marts.customers"
    )
    [(items_raw, items_capped)] = sample_build.query(
        "select sum(line_total_usd_uncapped), sum(line_total_usd) from marts.order_items where is_successful_order"
    )
    assert orders_raw == customers_raw == items_raw == expected_raw
    assert orders_capped == customers_capped == items_capped == expected_capped
    # the cap only ever lowers revenue, and the raw figure is kept beside it
    assert expected_capped <= expected_raw


def test_every_customer_appears_once_in_the_customer_marts(sample_build: DbtRun) -> None:
    staged = Counter(c for (c,) in sample_build.query("select customer_id from staging.stg_shopsmart__customers"))
    assert staged and max(staged.values()) == 1
    for mart in ("marts.customers", "marts.customer_visit_frequency"):
        in_mart = Counter(c for (c,) in sample_build.query(f"select customer_id from {mart}"))
        assert in_mart == staged, mart


def test_sessions_match_a_recount_with_the_timeout_rule(sample_build: DbtRun) -> None:
    timeout = timedelta(minutes=float(project_var("session_timeout_minutes")))
    events = sample_build.query(
        "select customer_id, event_at, event_id from staging.stg_shopsmart__events order by customer_id, event_at, event_id"
    )
    expected: Counter = Counter()
    previous: tuple[str, object] | None = None
    for customer_id, event_at, _ in events:
        if previous is None or previous[0] != customer_id or event_at - previous[1] > timeout:
            expected[customer_id] += 1
        previous = (customer_id, event_at)
    assert sum(expected.values()) > 0

    [(sessions,)] = sample_build.query("select count(*) from intermediate.int_sessions_summarized")
    assert sessions == sum(expected.values())
    per_customer = {
        customer_id: n
        for customer_id, n in sample_build.query(
            "select customer_id, sessions from marts.customer_visit_frequency where sessions > 0"
        )
    }
    assert per_customer == dict(expected)


def test_visit_pattern_marts_add_up(sample_build: DbtRun) -> None:
    [(visits, sessions, first_day, last_day)] = sample_build.query(
        "select"
        " (select count(*) from staging.stg_shopsmart__events where event_type = 'visit'),"
        " (select count(*) from intermediate.int_sessions_summarized),"
        " (select min(cast(event_at as date)) from staging.stg_shopsmart__events),"
        " (select max(cast(event_at as date)) from staging.stg_shopsmart__events)"
    )
    [(days, daily_visits, daily_sessions, first, last)] = sample_build.query(
        "select count(*), sum(visits), sum(sessions), min(date_day), max(date_day) from marts.daily_visits"
    )
    assert (first, last) == (first_day, last_day)
    assert days == (last_day - first_day).days + 1
    assert (daily_visits, daily_sessions) == (visits, sessions)

    [(cells, grid_visits, grid_sessions)] = sample_build.query(
        "select count(*), sum(visits), sum(sessions) from marts.visits_by_weekday_hour"
    )
    assert (cells, grid_visits, grid_sessions) == (7 * 24, visits, sessions)

    [(customer_visits,)] = sample_build.query("select sum(visits) from marts.customer_visit_frequency")
    assert customer_visits == visits


# --- column types of the built marts (see test_mart_columns for the declared ones) ---


def built_columns(run: DbtRun, schemas: tuple[str, ...]) -> dict[tuple[str, str], dict[str, str]]:
    """(schema, table) -> {column: type as the contracts write it, e.g. decimal(18,2)}.

    DuckDB reports text columns as varchar; the contracts write them string (its alias,
    and the name Spark accepts without a length).
    """
    columns: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for schema, table, column, data_type in run.query(
        "select table_schema, table_name, column_name, data_type from information_schema.columns"
        f" where table_schema in ({', '.join(repr(s) for s in schemas)}) order by ordinal_position"
    ):
        written = data_type.lower().replace(" ", "")
        columns[(schema, table)][column] = "string" if written == "varchar" else written
    return columns


def test_built_marts_have_their_declared_columns_and_types(sample_build: DbtRun) -> None:
    """Every column of marts (and diagnostics) is declared with the type it has, Python models included.

    dbt enforces the contracts of the SQL marts when it builds them; customer_segments
    and segment_model_fits are Python models, whose types only this check covers.
    """
    manifest = json.loads((sample_build.database.parent / "target" / "manifest.json").read_text())
    declared = {
        (node["schema"], node["alias"]): {name: column.get("data_type") for name, column in node["columns"].items()}
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["schema"] in ("marts", "diagnostics")
    }
    built = built_columns(sample_build, ("marts", "diagnostics"))
    assert ("marts", "customer_segments") in built and ("diagnostics", "segment_model_fits") in built
    assert {relation: dict(columns) for relation, columns in built.items()} == declared


def test_counts_in_the_marts_are_integers(sample_build: DbtRun) -> None:
    counts = {
        f"{table}.{column}": data_type
        for (_, table), columns in built_columns(sample_build, ("marts",)).items()
        for column, data_type in columns.items()
        if is_count(column)
    }
    assert len(counts) > 50
    assert {name: data_type for name, data_type in counts.items() if data_type not in INTEGER_TYPES} == {}


def test_a_mart_whose_sql_changes_a_type_fails_its_contract(sample_build: DbtRun, tmp_path: Path) -> None:
    """Declaring customers.orders as varchar, while its SQL yields a bigint, fails `dbt run`, naming the column."""
    project = tmp_path / "project"
    shutil.copytree(
        PROJECT_DIR, project,
        ignore=shutil.ignore_patterns(".git", ".venv", "target", "logs", "exports", "build", ".bench_cache", "*.duckdb*", "__pycache__"),
    )
    properties = project / "models" / "marts" / "core" / "_core__models.yml"
    text = properties.read_text()
    declared = "      - name: orders\n        data_type: bigint\n"
    assert text.count(declared) == 1
    properties.write_text(text.replace(declared, "      - name: orders\n        data_type: varchar\n"))
    work_dir = tmp_path / "run"
    work_dir.mkdir()
    shutil.copy(sample_build.database, work_dir / "warehouse.duckdb")
    failed = run_command(
        [str(DBT), "run", "--project-dir", str(project), "--profiles-dir", str(project), "--select", "customers"],
        work_dir,
    )
    assert failed.returncode != 0
    assert "contract" in failed.output and "orders" in failed.output, failed.output[-3000:]

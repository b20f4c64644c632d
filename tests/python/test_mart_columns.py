"""The marts' columns are safe in a dashboard: declared, typed, named by what they hold.

Read from the manifest of `dbt parse` (no build): every mart has an enforced
contract (the SQL ones; dbt cannot enforce one on a Python model), every column a
data_type and a description; money columns say their currency, the uncapped ones
say so, counts are integers and timestamps are documented as UTC. The same rules
on the built warehouse are in test_marts_build.
"""

from __future__ import annotations

import re

import pytest


MART_SCHEMA = "marts"
#: Python marts: dbt enforces contracts on SQL models only (a Python model with an
#: enforced contract fails to parse), so their declared types are checked on the build.
PYTHON_MARTS = {"customer_segments", "customer_lifetime_value", "customer_segment_history"}
#: Words that make a column name a money column, unless EXCLUDED says otherwise.
MONEY_WORDS = re.compile(r"revenue|amount|total|price|value|monetary|spend")
#: Not amounts although their names hold a money word: flags, currency codes,
#: scores, ranks, shares, indexes, rates and counts (total_items).
NOT_MONEY = re.compile(r"^(is|has)_|_currency$|score|rank|share|index|_rate$|_items$")
#: How a money column ends: its currency (_usd, _local), then _uncapped for the
#: figures before the outlier price cap; _usd_per_<unit> is a rate in US dollars.
MONEY_SUFFIX = re.compile(r"_(usd|local)(_uncapped)?$|_usd_per_[a-z]+$")
#: Column names that count things (orders, customers, sessions, ...): integers.
COUNT_NAME = re.compile(
    r"(^|_)(orders|customers|sessions|visits|events|visitors|buyers|items|units|countries|size|count)$"
    r"|^(units|products)_(added|removed|sold)$|^items_bought$|^frequency$|^k$"
)
INTEGER_TYPES = {"integer", "bigint"}
#: What the description of an uncapped figure says.
UNCAPPED_WARNING = re.compile(r"not capped|before any price cap")
#: The type names the contracts use, the same on DuckDB and Spark (string, not varchar:
#: Spark needs a length for varchar).
PORTABLE_TYPE = re.compile(r"^(string|integer|bigint|double|boolean|date|timestamp|decimal\(\d+,\d+\))$")


def is_count(name: str) -> bool:
    """A count, not an average of one (mean_visits) or a rate (visits_per_week)."""
    return bool(COUNT_NAME.search(name)) and not name.startswith(("mean_", "median_")) and "_per_" not in name


def is_money(name: str) -> bool:
    return bool(MONEY_WORDS.search(name)) and not NOT_MONEY.search(name)


@pytest.fixture(scope="module")
def manifest(sample_manifest: dict) -> dict:
    return sample_manifest


@pytest.fixture(scope="module")
def marts(manifest: dict) -> dict[str, dict]:
    models = {
        node["name"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["schema"] == MART_SCHEMA
    }
    assert {"customers", "orders", "order_items", "customer_segments"} <= models.keys()
    return models


def mart_columns(marts: dict[str, dict]) -> list[tuple[str, str, dict]]:
    return [(model, name, column) for model, node in marts.items() for name, column in node["columns"].items()]


def test_every_sql_mart_has_an_enforced_contract(marts: dict[str, dict]) -> None:
    languages = {name: node["language"] for name, node in marts.items()}
    assert {name for name, language in languages.items() if language == "python"} == PYTHON_MARTS
    unenforced = [name for name, node in marts.items() if name not in PYTHON_MARTS and not node["contract"]["enforced"]]
    assert unenforced == []


def test_every_mart_column_has_a_portable_type_and_a_description(marts: dict[str, dict]) -> None:
    assert all(node["columns"] for node in marts.values())
    untyped = [f"{m}.{c}: {col.get('data_type')}" for m, c, col in mart_columns(marts)
               if not PORTABLE_TYPE.match(col.get("data_type") or "")]
    undescribed = [f"{m}.{c}" for m, c, col in mart_columns(marts) if not col["description"].strip()]
    assert (untyped, undescribed) == ([], [])


def test_marts_are_public_in_one_owned_group(manifest: dict, marts: dict[str, dict]) -> None:
    groups = {group["name"]: group for group in manifest["groups"].values()}
    assert all(group["owner"].get("email") for group in groups.values())
    assert {(node["access"], node["group"]) for node in marts.values()} == {("public", "marketing_analytics")}
    others = [
        node for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["schema"] != MART_SCHEMA
    ]
    assert {node["access"] for node in others} <= {"private", "protected"}
    assert {node["access"] for node in others if node["schema"] in ("staging", "intermediate")} == {"private"}


def test_no_mart_column_is_named_raw(marts: dict[str, dict]) -> None:
    """Figures before the price cap end in _uncapped; a `_raw` column beside a capped one is picked by mistake."""
    assert [f"{m}.{c}" for m, c, _ in mart_columns(marts) if c.endswith("_raw")] == []


def test_money_columns_say_their_currency(marts: dict[str, dict]) -> None:
    money = [(m, c, column) for m, c, column in mart_columns(marts) if is_money(c)]
    assert {"customers.lifetime_revenue_local", "order_items.unit_price_local", "orders.total_amount_usd"} <= {
        f"{m}.{c}" for m, c, _ in money
    }
    assert [f"{m}.{c}" for m, c, _ in money if not MONEY_SUFFIX.search(c)] == []
    assert [f"{m}.{c}" for m, c, column in money if not column["data_type"].startswith("decimal")
            and not c.endswith("_per_month")] == []


def test_uncapped_and_local_columns_warn_in_their_description(marts: dict[str, dict]) -> None:
    uncapped = [f"{m}.{c}" for m, c, column in mart_columns(marts)
                if c.endswith("_uncapped") and not UNCAPPED_WARNING.search(" ".join(column["description"].split()))]
    assert uncapped == []
    # a mart with local-currency money says which column to sum instead
    for name, node in marts.items():
        description = " ".join(node["description"].split())
        assert "Money:" in description, name
        if any(column.endswith(("_local", "_local_uncapped")) for column in node["columns"]):
            assert "do not sum" in description and "_usd`" in description, name


def test_counts_are_declared_as_integers(marts: dict[str, dict]) -> None:
    counts = [(m, c, column) for m, c, column in mart_columns(marts) if is_count(c)]
    assert len(counts) > 50
    assert [f"{m}.{c}: {column['data_type']}" for m, c, column in counts
            if column["data_type"] not in INTEGER_TYPES] == []


def test_timestamps_are_timestamps_documented_as_utc(marts: dict[str, dict]) -> None:
    times = [(m, c, column) for m, c, column in mart_columns(marts) if c.endswith("_at")]
    assert len(times) > 15
    assert [f"{m}.{c}" for m, c, column in times if column["data_type"] != "timestamp"] == []
    assert [f"{m}.{c}" for m, c, column in mart_columns(marts)
            if column["data_type"] == "timestamp" and "UTC" not in column["description"]] == []


def test_no_text_blob_in_the_marts(marts: dict[str, dict]) -> None:
    """JSON text (the segment centroids) lives in the diagnostics schema, which BI tools do not read."""
    assert [f"{m}.{c}" for m, c, _ in mart_columns(marts) if c.endswith("_json")] == []

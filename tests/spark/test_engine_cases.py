"""The dispatched helpers mean the same on DuckDB and on Spark, on the cases where the engines differ.

The payload's numbers are compared as base_shopsmart__events reads them (present or
not, and their integer), since the engines spell a non-finite number's text apart
(DuckDB keeps 'inf' as written, Spark writes 'Infinity'); both reject it alike.

Each helper of macros/cross_db and macros/staging/parsing.sql is compiled by dbt for
both targets (`dbt compile --inline`) over a table of probe texts, and the compiled
SQL runs on an in-memory DuckDB and on the Spark session: same input, same output
(JSON accepted or rejected, values read, casts, time zones). The seeds' apostrophes
and empty cells are checked on the Spark build itself.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from pyspark.sql import SparkSession

from shopsmart.spark_runner import naive_utc

from conftest import PROJECT_DIR, SPARK_DIR

DBT = Path(sys.executable).parent / "dbt"

#: JSON texts on which Spark's reader and DuckDB's disagree unless the helpers make them agree.
JSON_PROBES = [
    '{"event_type":"visit","timestamp":"2024-01-01 10:00:00"}',
    '{"event_type":"add_to_cart","item_id":7,"quantity":2}',
    '{"event_type":"checkout","order_id":"o1","status":"success","quantity":2.0}',
    '{"event_type":"visit","item_id":{"a":[1,2]}}',
    '{"event_type":"visit","item_id":null}',
    "{'event_type':'visit'}",  # single quotes: Spark's default reader accepts them
    "{event_type:\"visit\"}",  # unquoted key
    '{"event_type":"visit"} trailing',  # Spark stops at the end of the first value
    '{"event_type":"visit"}]',
    '{"event_type":"visit"}{"a":1}',
    '{"event_type":"visit",}',  # DuckDB accepts a trailing comma
    '{"event_type":"visit","item_id":[1,2,]}',
    '{"event_type":"visit","quantity":NaN}',  # and NaN / Infinity
    '{"event_type":"visit","quantity":-Infinity}',
    '{"event_type":"visit","quantity":inf}',
    '{"event_type":"visit","quantity":+Infinity}',
    '{"event_type":"visit","quantity":01}',
    '{"event_type":"visit"',
    '{"event_type":"vi\nsit"}',  # a raw line break in a string
    '{"event_type":"visit","s":"\\ud800"}',  # a lone surrogate escape
    '{"event_type":"visit","s":"\\ud83d\\ude00"}',
    '{"event_type":"visit","s":"Cote d\'Ivoire, \\"quoted\\""}',
    "[1,2]",
    '"visit"',
    "42",
    "null",
    "",
    "   ",
    "not json",
    None,
]

#: Texts for the number, cast and timestamp parsers.
VALUE_PROBES = [
    "17850", " 3 ", "-6", "+4", "17850.0", "17850.", "1.5", "2.50", "129.990", "129.999", "1e3", "0x10",
    "1_000", "1,234.50", "$499.99", "499.99 €", "", "  ", "abc", "12\n", None,
    "2024-03-30 10:00:00", "2024-03-30T09:00:00Z", "2024-03-30 10:00:00+01:00", "2024-03-30 10:00:00+0100",
    "2024-03-30 10:00:00+01", "2024-07-15 10:00:00", "2024-01-15 10:00:00.123456", "2024-03-30",
    "2024-03-30 10:00", "2024", "2024-03", "10:00:00", "2024-13-01 00:00:00", "2024-02-30 00:00:00",
    "30/03/2024 10:00", "2024-03-30 25:00:00",
]

JSON_KEYS = ["event_type", "item_id", "quantity", "order_id", "status"]

JSON_TEMPLATE = """
{%- set keys = """ + json.dumps(JSON_KEYS) + """ -%}
with extracted as (
    select
        id,
        {{ json_is_valid('x') }} as is_valid,
        {{ json_extract_texts('case when ' ~ json_is_valid('x') ~ ' then x end', keys) }} as extracted_values,
        {{ json_object_text({'raw': 'x', 'id': 'id'}) }} as object_text
    from probes
)
select
    id,
    is_valid,
    {%- for key in ['event_type', 'order_id', 'status'] %}
    {{ json_extracted_text('extracted_values', keys, key) }} as {{ key }}_text,
    {%- endfor %}
    {#- the numbers as base_shopsmart__events reads them: whether there is one, and its integer #}
    {%- for key in ['item_id', 'quantity'] %}
    {{ json_extracted_text('extracted_values', keys, key) }} is null as {{ key }}_is_null,
    {{ parse_integer(json_extracted_text('extracted_values', keys, key)) }} as {{ key }},
    {%- endfor %}
    object_text
from extracted
"""

VALUE_TEMPLATE = """
select
    id,
    {{ parse_integer('x') }} as integer_value,
    {{ parse_decimal('x', 2) }} as decimal_value,
    {{ decimal_text_shape('x') }} as decimal_shape,
    {{ parse_timestamp_utc('x') }} as utc_timestamp,
    {{ dbt.safe_cast('trim(x)', 'numeric(18, 3)') }} as safe_decimal,
    {{ text_is_digits('x') }} as is_digits
from probes
"""

CALENDAR_TEMPLATE = """
with bounds as (
    select cast('2024-01-29' as date) as first_day, cast('2024-03-02' as date) as last_day
),
days as ({{ day_series('bounds', 'first_day', 'last_day') }}),
months as ({{ month_series('bounds', 'first_day', 'last_day') }})
select
    'day' as series,
    date_day as day,
    {{ day_of_week_iso('date_day') }} as iso_day
from days
union all
select 'month' as series, date_month as day, {{ day_of_week_iso('date_month') }} as iso_day from months
"""


#: Separates the templates in one inline query, so that each engine compiles them all at once.
SPLIT = "-- next template --"
#: The compilations: (target, time zone) -> the templates compiled in that setting.
SETTINGS = {
    ("dev", "UTC"): ["json", "values", "calendar"],
    ("spark", "UTC"): ["json", "values", "calendar"],
    ("dev", "Europe/Berlin"): ["values"],
    ("spark", "Europe/Berlin"): ["values"],
}
TEMPLATES = {"json": JSON_TEMPLATE, "values": VALUE_TEMPLATE, "calendar": CALENDAR_TEMPLATE}


def compile_inline(sql: str, target: str, time_zone: str) -> str:
    """The SQL dbt compiles from `sql` for `target` (dev: DuckDB, spark) with var shopsmart_time_zone."""
    # each compilation in a folder of its own: its own dbt files, DuckDB file and Spark metastore
    work = SPARK_DIR.parent / f"spark_compile_{target}_{time_zone.replace('/', '_')}"
    environment = {
        **os.environ,
        "DBT_TARGET": target,
        "DBT_TARGET_PATH": str(work),
        "SHOPSMART_DUCKDB_PATH": str(work / "compile.duckdb"),
        "SHOPSMART_SPARK_DIR": str(work),
    }
    work.mkdir(parents=True, exist_ok=True)
    command = [
        str(DBT), "--no-populate-cache", "compile", "--quiet", "--output", "json", "--inline", sql,
        "--vars", json.dumps({"shopsmart_time_zone": time_zone}),
    ]
    done = subprocess.run(command, cwd=PROJECT_DIR, env=environment, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(done.stdout[done.stdout.index("{"):])["compiled"]


@pytest.fixture(scope="module")
def compiled() -> dict[tuple[str, str, str], str]:
    """Every template compiled for both engines and both time zones, two dbt runs at a time (one a core)."""
    def compile_setting(setting: tuple[str, str]) -> list[str]:
        names = SETTINGS[setting]
        sql = f"\n{SPLIT}\n".join(TEMPLATES[name] for name in names)
        return compile_inline(sql, *setting).split(SPLIT)

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = dict(zip(SETTINGS, pool.map(compile_setting, SETTINGS), strict=True))
    return {
        (target, zone, name): text
        for (target, zone), texts in results.items()
        for name, text in zip(SETTINGS[(target, zone)], texts, strict=True)
    }


def probes_table(texts: list[str | None]) -> pa.Table:
    return pa.table({"id": pa.array(range(len(texts)), pa.int64()), "x": pa.array(texts, pa.string())})


def on_duckdb(sql: str, texts: list[str | None]) -> list[dict]:
    with duckdb.connect() as connection:
        connection.register("probes", probes_table(texts))
        return connection.sql(f"select * from ({sql}) order by all").arrow().read_all().to_pylist()


def on_spark(spark: SparkSession, sql: str, texts: list[str | None]) -> list[dict]:
    spark.createDataFrame(probes_table(texts)).createOrReplaceTempView("probes")
    result = spark.sql(f"select * from ({sql}) order by all")
    return naive_utc(result.toArrow()).to_pylist()


def compare(texts: list[str | None], duck_rows: list[dict], spark_rows: list[dict]) -> list[str]:
    differences = []
    for duck_row, spark_row in zip(duck_rows, spark_rows, strict=True):
        for column in duck_row:
            if duck_row[column] != spark_row[column]:
                probe = texts[duck_row["id"]] if "id" in duck_row else None
                differences.append(f"{probe!r} {column}: DuckDB {duck_row[column]!r}, Spark {spark_row[column]!r}")
    return differences


@pytest.fixture(scope="module")
def json_rows(spark: SparkSession, compiled: dict) -> tuple[list[dict], list[dict]]:
    return (
        on_duckdb(compiled[("dev", "UTC", "json")], JSON_PROBES),
        on_spark(spark, compiled[("spark", "UTC", "json")], JSON_PROBES),
    )


def test_json_helpers_agree(json_rows: tuple[list[dict], list[dict]]) -> None:
    duck_rows, spark_rows = json_rows
    assert compare(JSON_PROBES, duck_rows, spark_rows) == []


def test_json_validity_is_not_vacuous(json_rows: tuple[list[dict], list[dict]]) -> None:
    """The probes hold both kinds: well-formed payloads are read, Spark's lenient cases are rejected."""
    valid = {JSON_PROBES[row["id"]]: row["is_valid"] for row in json_rows[1]}
    assert valid['{"event_type":"add_to_cart","item_id":7,"quantity":2}'] is True
    assert valid["{'event_type':'visit'}"] is False
    assert valid['{"event_type":"visit"} trailing'] is False
    assert valid[""] is False
    by_text = {JSON_PROBES[row["id"]]: row for row in json_rows[1]}
    assert by_text['{"event_type":"add_to_cart","item_id":7,"quantity":2}']["quantity"] == 2
    assert by_text['{"event_type":"visit","s":"Cote d\'Ivoire, \\"quoted\\""}']["event_type_text"] == "visit"


@pytest.mark.parametrize("time_zone", ["UTC", "Europe/Berlin"])
def test_value_parsers_agree(spark: SparkSession, compiled: dict, time_zone: str) -> None:
    duck_rows = on_duckdb(compiled[("dev", time_zone, "values")], VALUE_PROBES)
    spark_rows = on_spark(spark, compiled[("spark", time_zone, "values")], VALUE_PROBES)
    assert compare(VALUE_PROBES, duck_rows, spark_rows) == []
    by_text = {VALUE_PROBES[row["id"]]: row for row in spark_rows}
    # '1.5' is no integer on either engine (a plain cast on Spark, ANSI off, reads 1; DuckDB's rounds to 2)
    assert by_text["1.5"]["integer_value"] is None
    assert by_text["1.5"]["safe_decimal"] == Decimal("1.500") and by_text["abc"]["safe_decimal"] is None
    assert by_text["129.990"]["decimal_value"] == Decimal("129.99")
    assert by_text["1,234.50"]["decimal_shape"] == "thousands_separator"
    assert by_text["2024-03-30 10:00:00+01:00"]["utc_timestamp"] == dt.datetime(2024, 3, 30, 9, 0)
    local = by_text["2024-07-15 10:00:00"]["utc_timestamp"]
    assert local == dt.datetime(2024, 7, 15, 8 if time_zone == "Europe/Berlin" else 10, 0)


def test_calendar_helpers_agree(spark: SparkSession, compiled: dict) -> None:
    duck_rows = on_duckdb(compiled[("dev", "UTC", "calendar")], [])
    spark_rows = on_spark(spark, compiled[("spark", "UTC", "calendar")], [])
    assert duck_rows == spark_rows
    assert len([row for row in spark_rows if row["series"] == "day"]) == 34  # 29 Jan to 2 Mar 2024, a leap year
    assert [row["day"] for row in spark_rows if row["series"] == "month"] == [
        dt.date(2024, 1, 1), dt.date(2024, 2, 1), dt.date(2024, 3, 1)
    ]
    assert spark_rows[0]["iso_day"] == 1  # 2024-01-29 was a Monday


def test_seeds_keep_apostrophes_and_empty_cells(spark: SparkSession) -> None:
    """dbt-spark's own loader would fail on Cote d'Ivoire and load empty cells as the text 'None'."""
    regions = spark.table("reference.country_regions").toPandas()
    assert regions["country_name"].str.contains("'").any()
    texts = regions.select_dtypes(include="object")
    assert not (texts == "None").any().any()
    assert regions.isna().any().any()

"""The Spark build of the embedded sample equals the DuckDB build, table for table and row for row.

Every mart (the segments and lifetime values of the Python models included), the
diagnostics, the quarantine, the reconciliation and the reference seeds: the same
columns in the same order and the same rows after sorting, money and every other
decimal exactly (to the cent), timestamps and dates exactly, text exactly; doubles
to 1e-9 relative, except the lifetime-value models' output, whose MAP fit agrees
to 1e-6 relative between two runs on one engine already. The column loaded_at (when
a build loaded the row) is the build's time and is left out.
"""

from __future__ import annotations

import math

import duckdb
import pandas as pd
import pyarrow as pa
import pytest
from pyspark.sql import SparkSession

from shopsmart.spark_runner import naive_utc

from conftest import spark_manifest

#: The schemas compared: every mart, the models' diagnostics, the audit models and the seeds.
COMPARED_SCHEMAS = ("marts", "diagnostics", "audit", "reference")
#: Doubles of the lifetime-value models, fitted by MAP: as close as two runs on one engine.
FITTED = {"clv_model_parameters", "customer_lifetime_value", "clv_holdout_calibration"}
#: When the build loaded a row (the incremental event marts): the time of each build, not data.
BUILD_TIME_COLUMNS = {"loaded_at"}


def compared_relations() -> list[str]:
    relations = [
        f"{node['schema']}.{node['alias']}"
        for node in spark_manifest()["nodes"].values()
        if node["resource_type"] in ("model", "seed")
        and node["schema"] in COMPARED_SCHEMAS
        and node["config"].get("enabled", True)
    ]
    return sorted(relations)


def as_frame(table: pa.Table) -> pd.DataFrame:
    """Arrow as pandas with decimals kept as Python Decimals (exact) and timestamps without a zone."""
    return naive_utc(table).to_pandas(types_mapper=None)


def sort_key(value: object) -> tuple:
    """Nulls last, numbers by value (doubles to 9 digits, so that a last-digit difference sorts alike)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return (2, "")
    if isinstance(value, float):
        return (0, f"{value:.9g}")
    return (1, str(value))


def sorted_rows(frame: pd.DataFrame) -> list[tuple]:
    rows = [tuple(None if pd.isna(v) is True else v for v in row) for row in frame.itertuples(index=False)]
    return sorted(rows, key=lambda row: tuple(sort_key(value) for value in row))


def values_agree(left: object, right: object, relative: float) -> bool:
    if left is None or right is None:
        return left is None and right is None
    if isinstance(left, float) or isinstance(right, float):
        return math.isclose(float(left), float(right), rel_tol=relative, abs_tol=1e-12)
    return left == right


@pytest.mark.parametrize("relation", compared_relations())
def test_spark_table_equals_duckdb_table(relation: str, duck: duckdb.DuckDBPyConnection, spark: SparkSession) -> None:
    duck_frame = as_frame(duck.sql(f"select * from {relation}").arrow().read_all())
    spark_frame = as_frame(spark.table(relation).toArrow())
    duck_frame = duck_frame.drop(columns=[c for c in duck_frame.columns if c in BUILD_TIME_COLUMNS])
    spark_frame = spark_frame.drop(columns=[c for c in spark_frame.columns if c in BUILD_TIME_COLUMNS])

    assert list(spark_frame.columns) == list(duck_frame.columns), f"{relation}: columns differ"
    assert len(spark_frame) == len(duck_frame), f"{relation}: {len(spark_frame)} rows on Spark, {len(duck_frame)} on DuckDB"
    relative = 1e-6 if relation.split(".")[1] in FITTED else 1e-9
    columns = list(duck_frame.columns)
    for spark_row, duck_row in zip(sorted_rows(spark_frame), sorted_rows(duck_frame), strict=True):
        differing = [
            f"{column}: Spark {s!r}, DuckDB {d!r}"
            for column, s, d in zip(columns, spark_row, duck_row, strict=True)
            if not values_agree(s, d, relative)
        ]
        assert not differing, f"{relation}: a row differs ({'; '.join(differing)})\nSpark:  {spark_row}\nDuckDB: {duck_row}"


def test_every_compared_schema_has_tables() -> None:
    """The comparison is not vacuous: each schema holds tables in the Spark build's manifest."""
    schemas = {relation.split(".")[0] for relation in compared_relations()}
    assert schemas == set(COMPARED_SCHEMAS)
    assert {"marts.customer_segments", "audit.quarantine", "audit.reconciliation"} <= set(compared_relations())

"""The Spark tests (`make spark-test`): they read the Spark build of the embedded sample
(`make spark`, under target/spark) and the DuckDB build of the same sample (`make dbt-test`,
target/test.duckdb), and open a Spark session of their own on the same warehouse."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from pyspark.sql import SparkSession

from shopsmart.spark_runner import spark_session, spark_settings

PROJECT_DIR = Path(__file__).resolve().parents[2]
#: The Spark build's directory, as the Makefile sets it (SHOPSMART_SPARK_DIR).
SPARK_DIR = PROJECT_DIR / os.environ.get("SHOPSMART_SPARK_DIR", "target/spark")
DUCKDB_PATH = PROJECT_DIR / os.environ.get("SHOPSMART_DUCKDB_PATH", "target/test.duckdb")


def spark_manifest() -> dict:
    path = SPARK_DIR / "dbt" / "manifest.json"
    if not path.is_file():
        pytest.fail(f"{path}: no Spark build; run `make spark` first", pytrace=False)
    return json.loads(path.read_text())


@pytest.fixture(scope="session")
def spark() -> Iterator[SparkSession]:
    os.chdir(PROJECT_DIR)  # the warehouse and metastore paths of profiles.yml are relative to it
    session = spark_session(spark_settings(PROJECT_DIR / "profiles.yml"))
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def duck() -> Iterator[duckdb.DuckDBPyConnection]:
    if not DUCKDB_PATH.is_file():
        pytest.fail(f"{DUCKDB_PATH}: no DuckDB build of the sample; run `make dbt-test` first", pytrace=False)
    with duckdb.connect(str(DUCKDB_PATH), read_only=True) as connection:
        yield connection

"""shopsmart.spark_runner's own rules, without a Spark session: settings, inputs, clear errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pytest

from shopsmart.spark_runner import MODELS, SparkStepError, load_nodes, main, naive_utc, spark_settings

from conftest import PROJECT_DIR, SPARK_DIR, spark_manifest


def test_settings_are_the_spark_outputs_rendered_with_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOPSMART_SPARK_MASTER", "local[1]")
    monkeypatch.setenv("SHOPSMART_SPARK_DIR", "/tmp/elsewhere")
    settings = spark_settings(PROJECT_DIR / "profiles.yml")
    assert settings["spark.master"] == "local[1]"
    assert settings["spark.sql.warehouse.dir"] == "/tmp/elsewhere/warehouse"
    assert settings["spark.sql.session.timeZone"] == "UTC"
    assert settings["spark.sql.ansi.enabled"] == "false"  # as dbt-spark sets every session it opens


def test_an_output_that_is_not_spark_is_refused() -> None:
    with pytest.raises(SparkStepError, match="no spark output named 'dev'"):
        spark_settings(PROJECT_DIR / "profiles.yml", target="dev")


def test_without_a_manifest_the_step_says_what_to_run_first(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["--manifest", str(tmp_path / "manifest.json")]) == 1
    assert "dbt build --selector spark" in capsys.readouterr().err


def test_every_python_model_of_the_project_has_a_step() -> None:
    """A new dbt Python model must get its function in shopsmart.spark_runner.MODELS."""
    python_models = {
        node["name"]
        for node in spark_manifest()["nodes"].values()
        if node["resource_type"] == "model" and node["language"] == "python"
    }
    assert python_models == set(MODELS)


def test_the_step_reads_each_models_table_and_declared_types() -> None:
    nodes = load_nodes(SPARK_DIR / "dbt" / "manifest.json")
    assert nodes["customer_segments"].relation == "marts.customer_segments"
    assert nodes["customer_lifetime_value"].column_types["lifetime_value_usd"] == "decimal(18,2)"


def test_timestamps_come_back_without_a_zone_as_on_duckdb() -> None:
    zoned = pa.table({"at": pa.array([dt.datetime(2024, 3, 30, 9, 0)], pa.timestamp("us", tz="UTC"))})
    naive = naive_utc(zoned)
    assert naive.schema.field("at").type == pa.timestamp("us")
    assert naive.column("at").to_pylist() == [dt.datetime(2024, 3, 30, 9, 0)]

"""The dbt Python models of the project, run on the Spark target.

dbt-spark runs Python models only on Databricks. On any other Spark (the
``session`` method of profiles.yml's ``spark`` output, a Thrift server), this
step runs between the two SQL parts of the Spark build (``make spark-test``):

    dbt build --selector spark                # everything not built from a Python model
    python -m shopsmart.spark_runner          # the Python models' tables, this module
    dbt build --selector spark_after_python   # what is built from them, and their tests

It reads each Python model's inputs from the Spark warehouse, calls the same
functions of shopsmart.segmentation and shopsmart.clv as the dbt Python model does,
with the model's config from dbt's manifest (target/manifest.json, written by the
first step), and writes the result to the model's table, its columns cast to the
types its yml declares. The Spark session is the one profiles.yml describes.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import yaml
from pyspark.sql import DataFrame, SparkSession

from shopsmart.clv import ClvConfig, fit_parameters, lifetime_value_table, predict_lifetime_value
from shopsmart.clv.calibration import holdout_calibration
from shopsmart.segmentation import SegmentationConfig, arrow_to_pandas, assign_segments, select_model
from shopsmart.segmentation.history import HISTORY_INPUT_COLUMNS, history_sql, todays_scaling

#: The profile and output of profiles.yml whose Spark session this step opens.
PROFILE = "shopsmart_analytics"
TARGET = "spark"


class SparkStepError(RuntimeError):
    """The step cannot run: no manifest, no Spark output, or an input table missing."""


@dataclass(frozen=True)
class ModelNode:
    """What the step needs of a dbt model: its table, its config and its columns' declared types."""

    name: str
    relation: str
    config: Mapping[str, Any]
    column_types: Mapping[str, str]


def load_nodes(manifest_path: Path) -> dict[str, ModelNode]:
    """Every model of the manifest by name (the project's model names are unique)."""
    if not manifest_path.is_file():
        raise SparkStepError(
            f"{manifest_path}: no dbt manifest; run `DBT_TARGET=spark dbt build --selector spark` first"
        )
    manifest = json.loads(manifest_path.read_text())
    nodes = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model":
            continue
        types = {name: column["data_type"] for name, column in node["columns"].items() if column.get("data_type")}
        nodes[node["name"]] = ModelNode(
            name=node["name"],
            relation=f"{node['schema']}.{node['alias']}",
            config=node["config"],
            column_types=types,
        )
    return nodes


def spark_settings(profiles_path: Path, target: str = TARGET) -> dict[str, str]:
    """The server_side_parameters of the profile's `target` output, rendered as dbt renders them."""
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined)
    environment.globals["env_var"] = lambda name, default=None: os.environ.get(name, default)
    # dbt's type filters: the rendered text is read as YAML below, which types it
    for name in ("as_bool", "as_native", "as_number", "as_text"):
        environment.filters[name] = lambda value: value
    rendered = yaml.safe_load(environment.from_string(profiles_path.read_text()).render())
    output = rendered.get(PROFILE, {}).get("outputs", {}).get(target)
    if not output or output.get("type") != "spark":
        raise SparkStepError(f"{profiles_path}: profile {PROFILE} has no spark output named {target!r}")
    settings = {str(key): str(value) for key, value in output.get("server_side_parameters", {}).items()}
    # dbt-spark turns ANSI mode off in every session it opens; the step reads the same way
    settings["spark.sql.ansi.enabled"] = "false"
    return settings


def spark_session(settings: Mapping[str, str]) -> SparkSession:
    builder = SparkSession.builder.enableHiveSupport()
    for key, value in settings.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


class SparkStep:
    """Reads a model's inputs from the warehouse and writes its table."""

    def __init__(self, spark: SparkSession, nodes: Mapping[str, ModelNode]) -> None:
        self.spark = spark
        self.nodes = nodes

    def table(self, name: str) -> DataFrame:
        """The built table of model `name`, or SparkStepError naming it when it is missing."""
        relation = self.nodes[name].relation
        if not self.spark.catalog.tableExists(relation):
            raise SparkStepError(
                f"{relation} (model {name}) is not in the Spark warehouse; "
                "build it first: DBT_TARGET=spark dbt build --selector spark"
            )
        return self.spark.table(relation)

    def pandas(self, name: str) -> pd.DataFrame:
        """Model `name` as the pandas frame the dbt Python model reads (via Arrow, as on DuckDB)."""
        return arrow_to_pandas(naive_utc(self.table(name).toArrow()))

    def write(self, node: ModelNode, data: pd.DataFrame | pa.Table | DataFrame) -> int:
        """Replaces the table of `node` with `data`, each declared column cast to its type; its row count."""
        frame = data if isinstance(data, DataFrame) else self.spark.createDataFrame(as_arrow(data))
        columns = [
            f"cast(`{column}` as {node.column_types[column]}) as `{column}`"
            if column in node.column_types
            else f"`{column}`"
            for column in frame.columns
        ]
        typed = frame.selectExpr(*columns)
        schema = node.relation.split(".")[0]
        self.spark.sql(f"create schema if not exists {schema}")
        typed.write.mode("overwrite").format("parquet").saveAsTable(node.relation)
        return self.spark.table(node.relation).count()


def naive_utc(table: pa.Table) -> pa.Table:
    """Spark's timestamps as DuckDB returns them: UTC without a time zone."""
    for index, field in enumerate(table.schema):
        if pa.types.is_timestamp(field.type) and field.type.tz is not None:
            naive = pc.cast(pc.local_timestamp(table.column(index)), pa.timestamp(field.type.unit))
            table = table.set_column(index, field.name, naive)
    return table


def as_arrow(data: pd.DataFrame | pa.Table) -> pa.Table:
    return data if isinstance(data, pa.Table) else pa.Table.from_pandas(data, preserve_index=False)


# One function per dbt Python model, each calling what its models/marts/**/<name>.py calls.


def segment_model_fits(step: SparkStep, node: ModelNode) -> pd.DataFrame:
    config = SegmentationConfig.from_mapping(node.config.get("segmentation"))
    return select_model(step.pandas("customer_features"), config)


def customer_segments(step: SparkStep, node: ModelNode) -> pd.DataFrame:
    config = SegmentationConfig.from_mapping(node.config.get("segmentation"))
    return assign_segments(step.pandas("customer_features"), step.pandas("segment_model_fits"), config)


def customer_segment_history(step: SparkStep, node: ModelNode) -> DataFrame:
    """As assign_history, with Spark running the generated select (history_sql) over the history rows."""
    config = SegmentationConfig.from_mapping(node.config.get("segmentation"))
    features = step.pandas("customer_features")
    history = step.table("customer_features_monthly")
    missing = [column for column in (*HISTORY_INPUT_COLUMNS, *config.features) if column not in history.columns]
    if missing:
        raise SparkStepError(f"customer_features_monthly: missing column(s) {', '.join(missing)}")
    labels = step.table("customer_segments").select("customer_id", "segment_id", "segment_name")
    scaler, centroids = todays_scaling(features, arrow_to_pandas(labels.toArrow()), config)
    renamed = labels.selectExpr("customer_id as labelled_customer_id", "segment_id as labelled_segment_id")
    labelled = history.join(renamed, history["customer_id"] == renamed["labelled_customer_id"], how="left")
    view = "customer_segment_history__rows"
    labelled.createOrReplaceTempView(view)
    return step.spark.sql(history_sql(scaler, centroids, view))


def clv_model_parameters(step: SparkStep, node: ModelNode) -> pd.DataFrame:
    config = ClvConfig.from_mapping(node.config.get("clv"))
    return fit_parameters(step.pandas("customer_clv_inputs"), config)


def customer_lifetime_value(step: SparkStep, node: ModelNode) -> pa.Table:
    config = ClvConfig.from_mapping(node.config.get("clv"))
    inputs = step.pandas("customer_clv_inputs")
    return lifetime_value_table(predict_lifetime_value(inputs, step.pandas("clv_model_parameters"), config))


def clv_holdout_calibration(step: SparkStep, node: ModelNode) -> pd.DataFrame:
    config = ClvConfig.from_mapping(node.config.get("clv"))
    holdout_days = int(str(node.config.get("holdout_days")).strip())
    return holdout_calibration(step.pandas("clv_holdout_inputs"), config, holdout_days)


#: The Python models in build order (each after the models it reads).
MODELS: dict[str, Callable[[SparkStep, ModelNode], pd.DataFrame | pa.Table | DataFrame]] = {
    "segment_model_fits": segment_model_fits,
    "customer_segments": customer_segments,
    "customer_segment_history": customer_segment_history,
    "clv_model_parameters": clv_model_parameters,
    "customer_lifetime_value": customer_lifetime_value,
    "clv_holdout_calibration": clv_holdout_calibration,
}


def run(step: SparkStep, names: list[str]) -> None:
    for name in names:
        started = time.monotonic()
        rows = step.write(step.nodes[name], MODELS[name](step, step.nodes[name]))
        print(f"spark_runner: {step.nodes[name].relation}: {rows} rows in {time.monotonic() - started:.1f}s", flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m shopsmart.spark_runner",
        description="Build the tables of the dbt Python models on the Spark target, between the SQL models.",
    )
    parser.add_argument("--manifest", type=Path, default=Path("target/manifest.json"))
    parser.add_argument("--profiles", type=Path, default=Path("profiles.yml"))
    parser.add_argument("--target", default=TARGET, help="the spark output of profiles.yml (default spark)")
    parser.add_argument(
        "--models", nargs="+", choices=list(MODELS), default=list(MODELS), help="only these, in build order"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        nodes = load_nodes(args.manifest)
        step = SparkStep(spark_session(spark_settings(args.profiles, args.target)), nodes)
        run(step, [name for name in MODELS if name in args.models])
    except SparkStepError as error:
        print(f"spark_runner: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The segment history: customers as of past dates, in today's segments.

``customer_features_monthly`` recomputes the segmentation features of every customer
as of each month end (and the analysis date). ``assign_history`` puts each of those
rows in one of today's segments without refitting: the features are scaled with the
:class:`~shopsmart.segmentation.features.FeatureScaler` fitted on today's
``customer_features`` (today's fill values, means and standard deviations), and each
row goes to the nearest of today's centroids, the mean scaled features of each
``segment_id`` of ``customer_segments``. So a segment keeps its id and name through
the history, and a customer moves when their behaviour moves.

On the analysis-date rows the label of ``customer_segments`` (K-Means) wins; the
nearest centroid is kept beside it (``nearest_segment_id``), so the agreement of
the two can be measured.

The scaler and the centroids come from today's customers (one row each, in pandas);
the history's rows, customers x month ends, are scaled and assigned in DuckDB by SQL
generated from them (``history_sql``), so its size never goes through Python.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from .arrow import arrow_to_pandas
from .config import SegmentationConfig
from .features import FeatureScaler, by_customer, require_columns, sql_double

#: Columns of customer_features_monthly that the history needs beside the features.
HISTORY_INPUT_COLUMNS: tuple[str, ...] = ("customer_id", "month_end", "is_analysis_date", "rfm_segment")

#: Whole-number features (nullable) of the history, written as integers.
INTEGER_COLUMNS: frozenset[str] = frozenset(
    {
        "recency_days",
        "frequency",
        "m_score",
        "r_score",
        "f_score",
        "visits",
        "sessions",
        "total_items",
        "add_to_cart_events",
    }
)


def segment_centroids(
    features: pd.DataFrame, segments: pd.DataFrame, config: SegmentationConfig
) -> pd.DataFrame:
    """Today's centroids: one row per segment_id of ``segments``, ordered by it.

    Columns segment_id, segment_name, then one per configured feature: the mean of
    the customers' features scaled as today's ``features`` are (``FeatureScaler``
    fitted on them).
    """
    return todays_scaling(features, segments, config)[1]


def todays_scaling(
    features: pd.DataFrame, segments: pd.DataFrame, config: SegmentationConfig
) -> tuple[FeatureScaler, pd.DataFrame]:
    """The FeatureScaler fitted on today's ``features`` and the centroids it gives
    (:func:`segment_centroids`), the scaler fitted once: what :func:`history_sql` needs."""
    features = by_customer(features)
    scaler = FeatureScaler.fit(features, config)
    return scaler, _centroids(scaler, features, segments)


def assign_history(
    history: duckdb.DuckDBPyRelation,
    features: pd.DataFrame,
    segments: duckdb.DuckDBPyRelation,
    config: SegmentationConfig,
) -> duckdb.DuckDBPyRelation:
    """``customer_segment_history``: each row of ``history`` in its nearest segment of today.

    ``history`` (customer_features_monthly) has customer_id, month_end,
    is_analysis_date, rfm_segment and the configured features; ``features`` is today's
    customer_features, ``segments`` today's customer_segments. The scaler and the
    centroids are fitted in pandas on today's customers; the rows of ``history``, which
    grow with customers x months, are scaled and assigned by DuckDB (SQL from
    :func:`history_sql`), so they never pass through Python. The rows are not sorted:
    the table is a set, and sorting customers x months would only cost time.
    """
    require_columns(history.columns, (*HISTORY_INPUT_COLUMNS, *config.features), "segment history")
    require_columns(segments.columns, ("customer_id", "segment_id", "segment_name"), "customer segments")
    labels = segments.select("customer_id, segment_id, segment_name")
    scaler, centroids = todays_scaling(features, arrow_to_pandas(labels.arrow()), config)
    labelled = history.set_alias("history").join(
        labels.select("customer_id as labelled_customer_id, segment_id as labelled_segment_id").set_alias("labels"),
        "history.customer_id = labels.labelled_customer_id",
        how="left",
    )
    return labelled.query("history_rows", history_sql(scaler, centroids, "history_rows"))


def history_sql(scaler: FeatureScaler, centroids: pd.DataFrame, table: str) -> str:
    """The select of ``customer_segment_history`` over ``table``, in SQL that DuckDB and Spark both run.

    ``table`` has the history's columns plus labelled_segment_id, the segment of
    customer_segments (null for a customer it does not have). Each row is scaled as
    :meth:`FeatureScaler.transform` does (:meth:`FeatureScaler.sql_expressions`) and
    goes to the nearest centroid (squared Euclidean distance in double precision, a tie
    to the first centroid, as ``argmin``); on the analysis date the label wins.
    """
    if len(centroids) == 0:
        raise ValueError("customer_segments: no segment to assign the history to")
    segment_ids = [int(segment_id) for segment_id in centroids["segment_id"]]
    centre_rows = centroids[list(scaler.features)].to_numpy(dtype=np.float64)
    scaled = ",\n        ".join(
        f"cast({expression} as double) as scaled_{index}"
        for index, expression in enumerate(scaler.sql_expressions())
    )
    distances = ",\n        ".join(
        " + ".join(
            f"(scaled_{index} - {sql_double(centre)}) * (scaled_{index} - {sql_double(centre)})"
            for index, centre in enumerate(centre_row)
        )
        + f" as distance_{position}"
        for position, centre_row in enumerate(centre_rows)
    )
    # least() of one argument is not valid everywhere: a single segment is its own minimum
    columns = [f"distance_{position}" for position in range(len(segment_ids))]
    minimum = f"least({', '.join(columns)})" if len(columns) > 1 else columns[0]
    nearest = " ".join(
        f"when {column} = shortest_distance then {segment_id}"
        for column, segment_id in zip(columns, segment_ids, strict=True)
    )
    names = " ".join(
        f"when {segment_id} then {_sql_text(name)}"
        for segment_id, name in zip(segment_ids, centroids["segment_name"], strict=True)
    )
    feature_columns = ",\n    ".join(f"{_output_cast(name)} as {name}" for name in scaler.features)
    return f"""
with scaled as (
    select
        *,
        {scaled}
    from {table}
),

distances as (
    select
        *,
        {distances}
    from scaled
),

shortest as (
    select
        *,
        {minimum} as shortest_distance
    from distances
),

nearest as (
    select
        *,
        case {nearest} end as nearest_segment_id
    from shortest
),

labelled as (
    select
        *,
        case
            when is_analysis_date and labelled_segment_id is not null then labelled_segment_id
            else nearest_segment_id
        end as segment_id
    from nearest
)

select
    cast(customer_id as string) as customer_id,
    month_end,
    is_analysis_date,
    cast(segment_id as bigint) as segment_id,
    case segment_id {names} end as segment_name,
    cast(nearest_segment_id as bigint) as nearest_segment_id,
    rfm_segment,
    {feature_columns}
from labelled
"""


def _output_cast(name: str) -> str:
    """The history's type of a feature: whole numbers as bigint, money as decimal(18,2), others double."""
    if name in INTEGER_COLUMNS:
        return f"cast(round({name}) as bigint)"
    if name.endswith("_usd"):
        return f"cast({name} as decimal(18, 2))"
    return f"cast({name} as double)"


def _sql_text(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _centroids(scaler: FeatureScaler, features: pd.DataFrame, segments: pd.DataFrame) -> pd.DataFrame:
    require_columns(segments.columns, ("customer_id", "segment_id", "segment_name"), "customer segments")
    scaled = pd.DataFrame(scaler.transform(features).astype(np.float64), columns=list(scaler.features))
    scaled["customer_id"] = features["customer_id"].astype(str).to_numpy()
    labels = segments[["customer_id", "segment_id", "segment_name"]].assign(
        customer_id=segments["customer_id"].astype(str)
    )
    joined = scaled.merge(labels, on="customer_id", how="inner", validate="one_to_one")
    if len(joined) != len(labels):
        raise ValueError(
            f"customer segments: {len(labels) - len(joined)} customer(s) not in customer features; "
            "rebuild customer_segments"
        )
    centroids = joined.groupby(["segment_id", "segment_name"], sort=True)[list(scaler.features)].mean()
    centroids = centroids.reset_index()
    if centroids["segment_id"].duplicated().any():
        raise ValueError("customer segments: a segment_id has more than one segment_name")
    return centroids.astype({"segment_id": np.int64})

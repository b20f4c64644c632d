"""Tests of shopsmart.segmentation.history: past rows in today's segments, without refitting."""

from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pandas as pd
import pytest

from shopsmart.segmentation import (
    FeatureScaler,
    MissingFeatureError,
    SegmentationConfig,
    assign_history,
    segment_centroids,
)

#: Two features, no log, no fill: the scaling is plain standardisation, easy to check by hand.
CONFIG = SegmentationConfig(features=("frequency", "visits"), log_features=(), fill_with_max=())

#: Today: a and b are "Big" (frequency 10, visits 0 and 2), c and d are "Small" (frequency 0).
TODAY = pd.DataFrame(
    {
        "customer_id": ["a", "b", "c", "d"],
        "frequency": [10, 10, 0, 0],
        "visits": [0, 2, 0, 2],
    }
)
SEGMENTS = pd.DataFrame(
    {
        "customer_id": ["a", "b", "c", "d"],
        "segment_id": [1, 1, 2, 2],
        "segment_name": ["Big", "Big", "Small", "Small"],
    }
)
MONTH_END = dt.date(2024, 1, 31)
ANALYSIS_DATE = dt.date(2024, 2, 15)


def history(rows: list[tuple[str, dt.date, bool, int, int]]) -> pd.DataFrame:
    """A history frame from (customer_id, month_end, is_analysis_date, frequency, visits) rows."""
    frame = pd.DataFrame(rows, columns=["customer_id", "month_end", "is_analysis_date", "frequency", "visits"])
    return frame.assign(rfm_segment="No purchase")


def assign(
    rows: pd.DataFrame, today: pd.DataFrame, segments: pd.DataFrame, config: SegmentationConfig
) -> pd.DataFrame:
    """assign_history over DuckDB relations of the frames, as the dbt model calls it, back as pandas
    ordered by customer_id and month_end (the table itself is not sorted)."""
    connection = duckdb.connect()
    relation = assign_history(connection.from_df(rows), today, connection.from_df(segments), config)
    return relation.order("customer_id, month_end").df()


def test_centroids_are_the_mean_scaled_features_of_each_segment() -> None:
    centroids = segment_centroids(TODAY, SEGMENTS, CONFIG)
    # frequency: mean 5, sd 5 -> Big 1, Small -1; visits: mean 1, sd 1, each segment averages 0
    assert centroids["segment_id"].tolist() == [1, 2]
    assert centroids["segment_name"].tolist() == ["Big", "Small"]
    np.testing.assert_allclose(centroids[["frequency", "visits"]].to_numpy(), [[1.0, 0.0], [-1.0, 0.0]], atol=1e-6)


def test_a_row_equal_to_a_centroid_is_assigned_to_it() -> None:
    # (10, 1) scales to (1, 0), Big's centroid; (0, 1) to (-1, 0), Small's
    result = assign(
        history([("a", MONTH_END, False, 0, 1), ("c", MONTH_END, False, 10, 1)]), TODAY, SEGMENTS, CONFIG
    )
    assert result.set_index("customer_id")["segment_name"].to_dict() == {"a": "Small", "c": "Big"}
    assert result["segment_id"].tolist() == [2, 1]
    assert result["nearest_segment_id"].tolist() == [2, 1]


def test_scaling_is_todays_not_the_historys() -> None:
    # Scaled on their own, frequencies 4 and 6 would become -1 and 1, the two centroids. With
    # today's scaling (mean 5, sd 5) they are -0.2 and 0.2: today's midpoint 5 splits them.
    result = assign(
        history([("a", MONTH_END, False, 4, 1), ("b", MONTH_END, False, 6, 1)]), TODAY, SEGMENTS, CONFIG
    )
    assert result["segment_name"].tolist() == ["Small", "Big"]
    # the same history far above today's range still goes to Big: nothing is refitted
    far = assign(
        history([("a", MONTH_END, False, 100, 1), ("b", MONTH_END, False, 120, 1)]), TODAY, SEGMENTS, CONFIG
    )
    assert far["segment_name"].tolist() == ["Big", "Big"]


def test_scaler_is_the_one_fitted_on_todays_features() -> None:
    scaler = FeatureScaler.fit(TODAY, CONFIG)
    np.testing.assert_allclose(scaler.means, [5.0, 1.0])
    np.testing.assert_allclose(scaler.scales, [5.0, 1.0])


def test_analysis_date_rows_keep_customer_segments_label() -> None:
    # a's row on the analysis date looks Small, but K-Means put a in Big: the label wins there,
    # the nearest centroid is kept beside it; at the month end the nearest centroid decides
    rows = history([("a", MONTH_END, False, 0, 1), ("a", ANALYSIS_DATE, True, 0, 1)])
    result = assign(rows, TODAY, SEGMENTS, CONFIG)
    assert result["segment_name"].tolist() == ["Small", "Big"]
    assert result["segment_id"].tolist() == [2, 1]
    assert result["nearest_segment_id"].tolist() == [2, 2]
    assert result["is_analysis_date"].tolist() == [False, True]


def test_every_row_comes_back_with_features_and_rfm_segment() -> None:
    rows = history([("b", ANALYSIS_DATE, True, 10, 2), ("a", ANALYSIS_DATE, True, 10, 0), ("a", MONTH_END, False, 0, 0)])
    connection = duckdb.connect()
    relation = assign_history(connection.from_df(rows), TODAY, connection.from_df(SEGMENTS), CONFIG)
    result = relation.df()
    assert list(result.columns) == [
        "customer_id",
        "month_end",
        "is_analysis_date",
        "segment_id",
        "segment_name",
        "nearest_segment_id",
        "rfm_segment",
        "frequency",
        "visits",
    ]
    assert relation.select("customer_id, month_end").order("customer_id, month_end").fetchall() == [
        ("a", MONTH_END),
        ("a", ANALYSIS_DATE),
        ("b", ANALYSIS_DATE),
    ]
    types = dict(zip(relation.columns, map(str, relation.types), strict=True))
    assert (types["segment_id"], types["nearest_segment_id"], types["frequency"]) == ("BIGINT",) * 3
    assert (result["rfm_segment"] == "No purchase").all()


def test_missing_recency_is_filled_with_todays_largest() -> None:
    # recency of a non-buyer means "longer ago than anyone": today's largest recency (100),
    # which is the Lapsed centroid here
    config = SegmentationConfig(features=("recency_days",), log_features=(), fill_with_max=("recency_days",))
    today = pd.DataFrame({"customer_id": ["a", "b"], "recency_days": [10, 100]})
    segments = pd.DataFrame({"customer_id": ["a", "b"], "segment_id": [1, 2], "segment_name": ["Fresh", "Lapsed"]})
    rows = pd.DataFrame(
        {
            "customer_id": ["a"],
            "month_end": [MONTH_END],
            "is_analysis_date": [False],
            "rfm_segment": ["No purchase"],
            "recency_days": pd.array([None], dtype="Int64"),
        }
    )
    assert assign(rows, today, segments, config)["segment_name"].tolist() == ["Lapsed"]


def test_a_tie_goes_to_the_first_centroid() -> None:
    # frequency 0 and 2 today: mean 1, sd 1, centroids -1 (Low) and 1 (High); frequency 1 scales to 0,
    # as far from both, and goes to Low, the first; 1.9 scales to 0.9, nearer High
    config = SegmentationConfig(features=("frequency",), log_features=(), fill_with_max=())
    today = pd.DataFrame({"customer_id": ["a", "b"], "frequency": [0, 2]})
    segments = pd.DataFrame({"customer_id": ["a", "b"], "segment_id": [1, 2], "segment_name": ["Low", "High"]})
    rows = pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "month_end": [MONTH_END, MONTH_END],
            "is_analysis_date": [False, False],
            "rfm_segment": ["No purchase", "No purchase"],
            "frequency": [1.0, 1.9],
        }
    )
    assert assign(rows, today, segments, config)["segment_name"].tolist() == ["Low", "High"]


def test_sql_scaling_equals_transform() -> None:
    # the SQL that scales the history gives transform's float32 values: fills, signed logs, scaling
    config = SegmentationConfig(
        features=("recency_days", "monetary_usd", "spend_trend_usd_per_month"),
        log_features=("monetary_usd", "spend_trend_usd_per_month"),
        fill_with_max=("recency_days",),
    )
    generator = np.random.default_rng(7)
    frame = pd.DataFrame(
        {
            "recency_days": pd.array([*generator.integers(0, 400, 200), None], dtype="Int64"),
            "monetary_usd": [*np.round(generator.lognormal(5, 2, 200), 2), None],
            "spend_trend_usd_per_month": [*generator.normal(0, 300, 200), None],
        }
    )
    scaler = FeatureScaler.fit(frame.assign(customer_id=range(len(frame))), config)
    selected = ", ".join(f"{expression} as scaled_{index}" for index, expression in enumerate(scaler.sql_expressions()))
    connection = duckdb.connect()
    scaled = connection.from_df(frame).query("frame", f"select {selected} from frame").fetchnumpy()
    in_sql = np.column_stack([scaled[f"scaled_{index}"] for index in range(len(config.features))])
    assert in_sql.dtype == np.float32
    np.testing.assert_array_equal(in_sql, scaler.transform(frame))


def test_segment_names_are_quoted_in_sql() -> None:
    segments = SEGMENTS.assign(segment_name=["Big", "Big", "Shop'n'go", "Shop'n'go"])
    result = assign(history([("c", MONTH_END, False, 0, 1)]), TODAY, segments, CONFIG)
    assert result["segment_name"].tolist() == ["Shop'n'go"]


def test_missing_columns_are_named() -> None:
    with pytest.raises(MissingFeatureError, match="visits"):
        assign(history([("a", MONTH_END, False, 1, 1)]).drop(columns="visits"), TODAY, SEGMENTS, CONFIG)
    with pytest.raises(MissingFeatureError, match="segment_name"):
        segment_centroids(TODAY, SEGMENTS.drop(columns="segment_name"), CONFIG)


def test_a_segmented_customer_missing_from_todays_features_is_an_error() -> None:
    extra = pd.concat([SEGMENTS, pd.DataFrame({"customer_id": ["z"], "segment_id": [2], "segment_name": ["Small"]})])
    with pytest.raises(ValueError, match="not in customer features"):
        segment_centroids(TODAY, extra, CONFIG)


def test_money_goes_to_arrow_as_decimal_to_the_cent() -> None:
    from decimal import Decimal

    import pyarrow as pa

    from shopsmart.segmentation import pandas_to_arrow

    table = pandas_to_arrow(pd.DataFrame({"monetary_usd": [12.3456, 0.1 + 0.2], "frequency": [1, 2]}))
    assert table.schema.field("monetary_usd").type == pa.decimal128(18, 2)
    assert table.column("monetary_usd").to_pylist() == [Decimal("12.35"), Decimal("0.30")]
    assert table.schema.field("frequency").type == pa.int64()


def test_a_single_segment_takes_every_row() -> None:
    segments = SEGMENTS.assign(segment_id=1, segment_name="Everyone")
    rows = history([("a", MONTH_END, False, 0, 1), ("c", MONTH_END, False, 100, 9)])
    assert assign(rows, TODAY, segments, CONFIG)["segment_name"].tolist() == ["Everyone", "Everyone"]

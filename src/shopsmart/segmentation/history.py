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
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .config import SegmentationConfig
from .features import FeatureScaler, MissingFeatureError, by_customer

#: Columns of the history that identify a row and hold its segments, in output order.
HISTORY_ID_COLUMNS: tuple[str, ...] = (
    "customer_id",
    "month_end",
    "is_analysis_date",
    "segment_id",
    "segment_name",
    "nearest_segment_id",
    "rfm_segment",
)

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
    features = by_customer(features)
    return _centroids(FeatureScaler.fit(features, config), features, segments)


def assign_history(
    history: pd.DataFrame,
    features: pd.DataFrame,
    segments: pd.DataFrame,
    config: SegmentationConfig,
) -> pd.DataFrame:
    """``customer_segment_history``: each row of ``history`` in its nearest segment of today.

    ``history`` has customer_id, month_end, is_analysis_date, rfm_segment and the
    configured features; ``features`` is today's customer_features, ``segments``
    today's customer_segments. Rows come back ordered by customer_id and month_end.
    """
    _require(history, ("customer_id", "month_end", "is_analysis_date", "rfm_segment"), "segment history")
    features = by_customer(features)
    scaler = FeatureScaler.fit(features, config)
    centroids = _centroids(scaler, features, segments)
    history = history.sort_values(["customer_id", "month_end"], kind="stable").reset_index(drop=True)
    nearest = centroids["segment_id"].to_numpy()[
        nearest_centroid(scaler.transform(history), centroids[list(config.features)].to_numpy())
    ]
    current = _segment_ids_by_customer(segments)
    is_analysis_date = history["is_analysis_date"].astype(bool).to_numpy()
    labelled = history["customer_id"].astype(str).map(current).to_numpy()
    segment_ids = np.where(is_analysis_date & ~pd.isna(labelled), labelled, nearest).astype(np.int64)
    names = dict(zip(centroids["segment_id"], centroids["segment_name"], strict=True))
    result = pd.DataFrame(
        {
            "customer_id": history["customer_id"].astype(str).to_numpy(),
            "month_end": history["month_end"].to_numpy(),
            "is_analysis_date": is_analysis_date,
            "segment_id": segment_ids,
            "segment_name": [names[segment_id] for segment_id in segment_ids],
            "nearest_segment_id": nearest.astype(np.int64),
            "rfm_segment": history["rfm_segment"].to_numpy(),
        }
    )
    for name in config.features:
        column = pd.to_numeric(history[name])
        result[name] = column.round().astype("Int64") if name in INTEGER_COLUMNS else column.astype("float64")
    return result


def nearest_centroid(matrix: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    """Index of the nearest centroid (Euclidean) of each row; a tie goes to the first centroid."""
    if len(centroids) == 0:
        raise ValueError("customer_segments: no segment to assign the history to")
    rows = np.asarray(matrix, dtype=np.float64)
    distances = np.column_stack(
        [((rows - centroid) ** 2).sum(axis=1) for centroid in np.asarray(centroids, dtype=np.float64)]
    )
    return distances.argmin(axis=1)


def _centroids(scaler: FeatureScaler, features: pd.DataFrame, segments: pd.DataFrame) -> pd.DataFrame:
    _require(segments, ("customer_id", "segment_id", "segment_name"), "customer segments")
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


def _segment_ids_by_customer(segments: pd.DataFrame) -> dict[str, int]:
    return dict(zip(segments["customer_id"].astype(str), segments["segment_id"].astype(np.int64), strict=True))


def _require(frame: pd.DataFrame, columns: tuple[str, ...], what: str) -> None:
    missing = [name for name in columns if name not in frame.columns]
    if missing:
        raise MissingFeatureError(f"{what}: column(s) {missing} not found; available: {sorted(frame.columns)}")

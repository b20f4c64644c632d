"""From customer features to the matrix that K-Means clusters.

The transformation, per feature, in this order:

1. Imputation. A missing value means "none of it" (no order, so no average order
   value, no cancellation rate, no spending trend) and becomes 0, except for the
   features listed in ``fill_with_max`` (recency), where it means "longer ago than
   any customer" and becomes the largest value observed. A feature missing for every
   customer becomes 0.
2. Log transform of the skewed features (``log_features``): ``sign(x) * log1p(|x|)``,
   which is ``log1p`` for the usual non-negative amounts and counts and keeps the sign
   of a spending trend.
3. Standard scaling: minus the mean, divided by the population standard deviation. A
   constant feature (standard deviation 0) is only centred, so it is 0 everywhere and
   has no influence on the clusters.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from .arrow import arrow_to_pandas
from .config import SegmentationConfig


class MissingFeatureError(KeyError):
    """The input frame lacks a configured feature column."""

    def __str__(self) -> str:
        return str(self.args[0])


def signed_log1p(values: np.ndarray) -> np.ndarray:
    """``sign(x) * log1p(|x|)``: ``log1p`` for x >= 0, odd-symmetric below 0."""
    return np.sign(values) * np.log1p(np.abs(values))


@dataclass(frozen=True)
class FeatureScaler:
    """The fitted transformation of :mod:`shopsmart.segmentation.features`."""

    features: tuple[str, ...]
    logged: np.ndarray
    fill_values: np.ndarray
    means: np.ndarray
    scales: np.ndarray

    @classmethod
    def fit(cls, frame: pd.DataFrame, config: SegmentationConfig) -> FeatureScaler:
        raw = raw_features(frame, config.features)
        logged = np.array([name in config.log_features for name in config.features])
        fill_values = np.zeros(len(config.features))
        for index, name in enumerate(config.features):
            column = raw[:, index]
            if name in config.fill_with_max and not np.isnan(column).all():
                fill_values[index] = np.nanmax(column)
        shaped = _shape(raw, fill_values, logged)
        deviations = shaped.std(axis=0)
        scales = np.where(deviations > 0, deviations, 1.0)
        return cls(config.features, logged, fill_values, shaped.mean(axis=0), scales)

    def transform(self, frame: pd.DataFrame) -> np.ndarray:
        """The scaled matrix, one row per row of ``frame``, as float32."""
        shaped = _shape(raw_features(frame, self.features), self.fill_values, self.logged)
        return ((shaped - self.means) / self.scales).astype(np.float32)

    def sql_expressions(self) -> list[str]:
        """SQL computing :meth:`transform`'s columns, one expression per feature, for DuckDB and Spark.

        Each expression reads the feature's column and gives the same float32 value as
        ``transform``: the fill value for a null, ``sign(x) * ln(1 + |x|)`` for a logged
        feature, then minus the mean, divided by the scale. The fitted figures are
        written as text cast to double, so they reach SQL exactly.
        """
        expressions = []
        for index, name in enumerate(self.features):
            value = f"coalesce(cast({name} as double), {sql_double(self.fill_values[index])})"
            if self.logged[index]:
                value = f"sign({value}) * ln(1 + abs({value}))"
            mean, scale = sql_double(self.means[index]), sql_double(self.scales[index])
            expressions.append(f"cast(({value} - {mean}) / {scale} as float)")
        return expressions


def by_customer(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame ordered by customer_id, so that samples and fits do not depend on input order."""
    require_columns(frame.columns, ("customer_id",), "customer features")
    if frame["customer_id"].is_monotonic_increasing:
        return frame.reset_index(drop=True)
    return frame.sort_values("customer_id", kind="stable").reset_index(drop=True)


def require_columns(available: list[str] | pd.Index, columns: tuple[str, ...], what: str) -> None:
    """Raise MissingFeatureError naming the ``columns`` that ``what`` lacks (its columns: ``available``)."""
    missing = [name for name in columns if name not in available]
    if missing:
        raise MissingFeatureError(f"{what}: column(s) {missing} not found; available: {sorted(available)}")


def raw_features(frame: pd.DataFrame, features: tuple[str, ...]) -> np.ndarray:
    """The feature columns as float64 (decimals and nullable integers included), nulls as NaN."""
    require_columns(frame.columns, features, "customer features")
    return np.column_stack(
        [pd.to_numeric(frame[name]).astype("float64").to_numpy(na_value=np.nan) for name in features]
    )


def scaling_input(
    relation: duckdb.DuckDBPyRelation, config: SegmentationConfig, also: tuple[str, ...] = ()
) -> pd.DataFrame:
    """customer_id, the configured features and the columns ``also`` of ``relation``, as pandas.

    ``relation`` is customer_features; a column named twice is read once.

    Only what :meth:`FeatureScaler.fit` and :meth:`FeatureScaler.transform` read, with
    :func:`by_customer`, and what the caller names besides (e.g. the profile columns
    that name the segments): at 10,000,000 customers the mart's other columns, text
    among them, would hold gigabytes more in pandas.
    """
    columns = tuple(dict.fromkeys(("customer_id", *config.features, *also)))
    require_columns(relation.columns, columns, "customer features")
    return arrow_to_pandas(relation.select(*[duckdb.ColumnExpression(name) for name in columns]).arrow())


def sql_double(value: float) -> str:
    """``value`` as an SQL double (text cast to double) that parses back to the same float."""
    return f"cast('{float(value)!r}' as double)"


def _shape(raw: np.ndarray, fill_values: np.ndarray, logged: np.ndarray) -> np.ndarray:
    """Steps 1 and 2 of the transformation: imputation, then the log of the logged columns."""
    imputed = np.where(np.isnan(raw), fill_values, raw)
    return np.where(logged, signed_log1p(imputed), imputed)

"""Settings of the customer segmentation, with their defaults and validation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, Final

#: Columns of ``customer_features`` clustered by default: recency, frequency and monetary
#: value with the RFM monetary score (a rank, robust to a few huge orders), and three
#: measures of engagement. Visits and sessions are nearly equal in the shop's data, so
#: engagement weighs about twice as much as any other single feature.
DEFAULT_FEATURES: Final[tuple[str, ...]] = (
    "recency_days",
    "frequency",
    "monetary_usd",
    "m_score",
    "visits",
    "sessions",
    "total_items",
    "add_to_cart_events",
)

#: Skewed features, log-transformed before scaling: the money amounts, which span several
#: orders of magnitude. Counts (orders, visits, items) stay linear.
DEFAULT_LOG_FEATURES: Final[tuple[str, ...]] = (
    "monetary_usd",
    "average_order_value_usd",
    "monthly_spend_usd",
    "spend_trend_usd_per_month",
)

#: Features whose missing value means "longer ago than anyone": filled with the largest
#: observed value. Every other missing value means "none of it" and is filled with 0.
DEFAULT_FILL_WITH_MAX: Final[tuple[str, ...]] = ("recency_days", "days_since_first_purchase")


class SegmentationConfigError(ValueError):
    """A segmentation setting is missing, of the wrong type or out of range."""


@dataclass(frozen=True)
class SegmentationConfig:
    """How customers are segmented.

    ``features`` are clustered after imputation (:data:`DEFAULT_FILL_WITH_MAX` rule),
    a signed ``log1p`` for the ``log_features`` among them, and standard scaling.
    Every k from ``k_min`` to ``k_max`` is fitted on a random sample of
    ``selection_sample_size`` customers; ``k`` pins the number of segments.
    """

    features: tuple[str, ...] = DEFAULT_FEATURES
    log_features: tuple[str, ...] = DEFAULT_LOG_FEATURES
    fill_with_max: tuple[str, ...] = DEFAULT_FILL_WITH_MAX
    k_min: int = 2
    k_max: int = 8
    k: int | None = None
    random_state: int = 42
    selection_sample_size: int = 10_000
    n_init: int = 3

    def __post_init__(self) -> None:
        if not self.features:
            raise SegmentationConfigError("features: at least one feature is needed")
        if len(set(self.features)) != len(self.features):
            raise SegmentationConfigError(f"features: duplicate names in {list(self.features)}")
        if not 2 <= self.k_min <= self.k_max:
            raise SegmentationConfigError(
                f"k range: need 2 <= k_min <= k_max, got k_min={self.k_min}, k_max={self.k_max}"
            )
        if self.k is not None and self.k < 2:
            raise SegmentationConfigError(f"k: a pinned number of segments must be at least 2, got {self.k}")
        if self.selection_sample_size < 2 * self.k_max:
            raise SegmentationConfigError(
                f"selection_sample_size: must be at least 2 * k_max = {2 * self.k_max}, "
                f"got {self.selection_sample_size}"
            )
        if self.n_init < 1:
            raise SegmentationConfigError(f"n_init: must be at least 1, got {self.n_init}")

    @property
    def candidate_ks(self) -> tuple[int, ...]:
        """Every k evaluated: the range, plus a pinned k outside it."""
        ks = set(range(self.k_min, self.k_max + 1))
        if self.k is not None:
            ks.add(self.k)
        return tuple(sorted(ks))

    @classmethod
    def from_mapping(cls, settings: Mapping[str, Any] | None) -> SegmentationConfig:
        """Build from a mapping such as a dbt model's config; absent or null keys keep their default.

        A pinned ``k`` may come as text (a rendered dbt var): '' or 'none' mean not pinned.
        """
        settings = dict(settings or {})
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(settings) - known)
        if unknown:
            raise SegmentationConfigError(f"unknown segmentation settings {unknown}; known: {sorted(known)}")
        values: dict[str, Any] = {}
        for name, value in settings.items():
            if value is None:
                continue
            if name in ("features", "log_features", "fill_with_max"):
                values[name] = _names(name, value)
            elif name == "k":
                values[name] = _optional_int(name, value)
            else:
                values[name] = _int(name, value)
        return cls(**values)


def _names(name: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str) or not all(isinstance(item, str) for item in value):
        raise SegmentationConfigError(f"{name}: expected a list of column names, got {value!r}")
    return tuple(value)


def _int(name: str, value: Any) -> int:
    if isinstance(value, bool):
        raise SegmentationConfigError(f"{name}: expected an integer, got {value!r}")
    try:
        number = int(str(value).strip())
    except ValueError:
        raise SegmentationConfigError(f"{name}: expected an integer, got {value!r}") from None
    return number


def _optional_int(name: str, value: Any) -> int | None:
    if isinstance(value, str) and value.strip().lower() in ("", "none", "null"):
        return None
    return _int(name, value)

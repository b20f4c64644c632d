"""Stable segment ids and human-readable names.

Ids: segments are numbered 1..k by mean monetary value, descending; ties go to the
higher mean frequency, then the lower mean recency (a segment without any recency
last), then the larger segment, then the smaller centroid coordinates in feature
order. The same data therefore always gives the same ids, whatever K-Means' own
cluster numbers are.

Names: each segment gets an archetype from its medians against the customer base,
by the first rule that applies (buyers are customers with ``has_purchased``):

1. fewer than half of its customers bought: "Window shoppers" when its members
   browsed and filled carts, that is its median visits are above 0 and at least the
   median of all customers, and its median add-to-cart events are above 0 (their
   marketing action retargets the products left in the cart); else "Dormant sign-ups"
   (customers who never visited, or whose visits never reached a cart, as on a shop
   without web events);
2. median frequency of at most 1 order: "One-time buyers";
3. median monetary value at least the 75th percentile of buyers ("high value"):
   "High-value loyal" when its median recency is at most the buyers' median recency
   ("recent"), else "At-risk big spenders";
4. not recent: "Lapsed customers";
5. median average order value below the buyers' median: "Bargain hunters", else
   "Regular buyers".

A segment's name is its archetype; when several segments share an archetype, the
second and later (by id) get " 2", " 3", ... appended, so names are unique.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from .features import require_columns

#: Columns of customer_features that ordering and naming read.
PROFILE_COLUMNS: Final[tuple[str, ...]] = (
    "has_purchased",
    "recency_days",
    "frequency",
    "monetary_usd",
    "average_order_value_usd",
    "visits",
    "add_to_cart_events",
)

ARCHETYPES: Final[tuple[str, ...]] = (
    "High-value loyal",
    "At-risk big spenders",
    "Regular buyers",
    "Bargain hunters",
    "Lapsed customers",
    "One-time buyers",
    "Window shoppers",
    "Dormant sign-ups",
)


def profile_frame(features: pd.DataFrame) -> pd.DataFrame:
    """The profile columns as float64 (booleans as 0/1), nulls as NaN."""
    require_columns(features.columns, PROFILE_COLUMNS, "customer features (to order and name segments)")
    return pd.DataFrame(
        {name: pd.to_numeric(features[name]).astype("float64") for name in PROFILE_COLUMNS},
        index=features.index,
    )


def segment_order(profiles: pd.DataFrame, labels: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    """``order[i]`` is the K-Means cluster number that gets segment id ``i + 1``."""
    grouped = profiles.groupby(labels)
    means = grouped.mean()
    sizes = grouped.size()
    keys = [
        (
            -_or(means.at[cluster, "monetary_usd"], -np.inf),
            -_or(means.at[cluster, "frequency"], -np.inf),
            _or(means.at[cluster, "recency_days"], np.inf),
            -sizes[cluster],
            tuple(centroids[cluster]),
            cluster,
        )
        for cluster in means.index
    ]
    return np.array([key[-1] for key in sorted(keys)])


def _or(value: float, missing: float) -> float:
    """``value``, or ``missing`` when it is NaN (a segment without any value sorts last)."""
    return missing if np.isnan(value) else float(value)


def archetype(segment: pd.DataFrame, population: pd.DataFrame) -> str:
    """The archetype of one segment's customers against all customers (module docstring)."""
    buyers = population[population["has_purchased"] > 0]
    segment_buyers = segment[segment["has_purchased"] > 0]
    if segment["has_purchased"].mean() < 0.5:
        return "Window shoppers" if browsed_and_filled_carts(segment, population) else "Dormant sign-ups"
    if segment["frequency"].median() <= 1:
        return "One-time buyers"
    recent = segment_buyers["recency_days"].median() <= buyers["recency_days"].median()
    if segment["monetary_usd"].median() >= buyers["monetary_usd"].quantile(0.75):
        return "High-value loyal" if recent else "At-risk big spenders"
    if not recent:
        return "Lapsed customers"
    if segment_buyers["average_order_value_usd"].median() < buyers["average_order_value_usd"].median():
        return "Bargain hunters"
    return "Regular buyers"


def browsed_and_filled_carts(segment: pd.DataFrame, population: pd.DataFrame) -> bool:
    """Whether a segment's typical member visited (at least as often as the typical customer) and added to a cart.

    Medians above 0 are required: when most customers never visited (a shop without web
    events), the population median is 0 and "at least the median" alone holds for anyone.
    """
    median_visits = segment["visits"].median()
    visited = median_visits > 0 and median_visits >= population["visits"].median()
    return bool(visited and segment["add_to_cart_events"].median() > 0)


def unique_names(archetypes: list[str]) -> list[str]:
    """Archetypes made unique by numbering repeats: [A, B, A] -> [A, B, A 2]."""
    seen: dict[str, int] = {}
    names = []
    for name in archetypes:
        seen[name] = seen.get(name, 0) + 1
        names.append(name if seen[name] == 1 else f"{name} {seen[name]}")
    return names

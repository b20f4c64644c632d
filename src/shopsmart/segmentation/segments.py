"""Assign every customer to a segment of the chosen model.

The chosen k's centroids from the selection (fitted on the sample) start one K-Means
run over all customers, so the segments are the selected model refined on the whole
customer base: when the sample holds every customer, that run stops at once and the
selection's clustering is kept as it is; on a larger base it costs a few passes over
the data instead of a second full model search.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from sklearn.decomposition import PCA

from .config import SegmentationConfig
from .features import FeatureScaler, by_customer
from .naming import archetype, profile_frame, segment_order, unique_names
from .selection import fit_kmeans, select_model

SEGMENT_COLUMNS = [
    "customer_id",
    "segment_id",
    "segment_name",
    "segment_archetype",
    "distance_to_centroid",
    "pca_1",
    "pca_2",
]


def chosen_centroids(diagnostics: pd.DataFrame, n_features: int) -> np.ndarray:
    """Centroids of the diagnostics row flagged is_chosen, checked against the feature count."""
    chosen = diagnostics[diagnostics["is_chosen"].astype(bool)]
    if len(chosen) != 1:
        raise ValueError(f"segment_model_fits: expected one chosen k, found {len(chosen)}")
    centroids = np.asarray(json.loads(chosen["centroids_json"].iloc[0]), dtype=np.float32)
    if centroids.ndim != 2 or centroids.shape != (int(chosen["k"].iloc[0]), n_features):
        raise ValueError(
            f"segment_model_fits: centroids of shape {centroids.shape} do not match "
            f"k = {int(chosen['k'].iloc[0])} and {n_features} features; rebuild the diagnostics"
        )
    return centroids


def projection(matrix: np.ndarray) -> np.ndarray:
    """The customers on the first two principal components (0 where there is no such component)."""
    if not (matrix.std(axis=0) > 0).any():
        return np.zeros((len(matrix), 2), dtype=matrix.dtype)
    components = min(2, matrix.shape[1])
    projected = PCA(n_components=components, svd_solver="covariance_eigh").fit_transform(matrix)
    if components < 2:
        projected = np.column_stack([projected, np.zeros(len(matrix), dtype=projected.dtype)])
    return projected


def assign_segments(
    features: pd.DataFrame, diagnostics: pd.DataFrame, config: SegmentationConfig
) -> pd.DataFrame:
    """``customer_segments``: one row per row of ``features``, ordered by customer_id."""
    features = by_customer(features)
    scaler = FeatureScaler.fit(features, config)
    matrix = scaler.transform(features)
    centroids = chosen_centroids(diagnostics, len(config.features))
    model = fit_kmeans(matrix, len(centroids), config, init=centroids)
    labels = model.labels_
    profiles = profile_frame(features)
    order = segment_order(profiles, labels, model.cluster_centers_)
    segment_ids = np.empty(len(order), dtype=np.int64)
    segment_ids[order] = np.arange(1, len(order) + 1)
    archetypes = [archetype(profiles[labels == cluster], profiles) for cluster in order]
    names = unique_names(archetypes)
    distances = np.linalg.norm(matrix - model.cluster_centers_[labels], axis=1)
    projected = projection(matrix)
    ids = segment_ids[labels]
    return pd.DataFrame(
        {
            "customer_id": features["customer_id"].astype(str).to_numpy(),
            "segment_id": ids,
            "segment_name": np.array(names, dtype=object)[ids - 1],
            "segment_archetype": np.array(archetypes, dtype=object)[ids - 1],
            "distance_to_centroid": distances.astype(np.float64),
            "pca_1": projected[:, 0].astype(np.float64),
            "pca_2": projected[:, 1].astype(np.float64),
        },
        columns=SEGMENT_COLUMNS,
    )


def segment_customers(features: pd.DataFrame, config: SegmentationConfig) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Model selection and assignment in one call: (diagnostics, segments)."""
    features = by_customer(features)
    diagnostics = select_model(features, config)
    return diagnostics, assign_segments(features, diagnostics, config)

"""Model selection: how many segments.

Every candidate k is fitted with K-Means on one fixed-size random sample of the
customers (``selection_sample_size``, all of them when there are fewer), so the cost
of the selection does not grow with the customer base; the only full pass over the
customers is the scaling and the final fit of the chosen k. For each k the
diagnostics record the inertia (within-cluster sum of squares on the sample, for the
elbow curve) and the mean silhouette on the sample.

Choice of k: the pinned k when one is given; otherwise the k with the highest
silhouette, the smaller k on a tie (silhouettes equal to 4 decimal places). A k whose
silhouette is undefined (fewer than two distinct clusters, e.g. constant features) is
never chosen unless no k has one, and then k_min is.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import pairwise_distances_chunked

from .config import SegmentationConfig
from .features import FeatureScaler, by_customer

DIAGNOSTIC_COLUMNS = ["k", "inertia", "silhouette", "sample_size", "is_chosen", "centroids_json"]


def sample_rows(n_rows: int, size: int, random_state: int) -> np.ndarray:
    """Sorted positions of a uniform random sample of ``size`` rows (every row when n_rows <= size)."""
    if n_rows <= size:
        return np.arange(n_rows)
    return np.sort(np.random.default_rng(random_state).choice(n_rows, size=size, replace=False))


def fit_kmeans(matrix: np.ndarray, k: int, config: SegmentationConfig, init: np.ndarray | None = None) -> KMeans:
    """K-Means with the configured seed; from ``init`` (one run) when given, else k-means++."""
    model = KMeans(
        n_clusters=k,
        init="k-means++" if init is None else init,
        n_init=config.n_init if init is None else 1,
        random_state=config.random_state,
    )
    with warnings.catch_warnings():
        # fewer distinct points than k (e.g. constant features) is handled by the silhouette rule
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(matrix)


def silhouettes(matrix: np.ndarray, labelings: list[np.ndarray]) -> list[float]:
    """Mean silhouette of each labeling of the rows of ``matrix``, as sklearn's ``silhouette_score``.

    sklearn computes every pair's Euclidean distance again for each labeling; here each
    chunk of distances (the chunks ``silhouette_score`` uses) is computed once and
    summed per cluster for every labeling, with sklearn's own arithmetic, so each
    result equals ``silhouette_score(matrix, labels)`` to the bit. NaN where the
    silhouette is undefined (fewer than 2 clusters, or as many clusters as rows).
    """
    encoded = [np.unique(labels, return_inverse=True)[1] for labels in labelings]
    sizes = [np.bincount(labels) for labels in encoded]

    def reduce(distances: np.ndarray, start: int) -> tuple[np.ndarray, np.ndarray]:
        """Per row of the chunk and labeling: summed distance to its own cluster, mean to the nearest other."""
        rows = np.arange(len(distances))
        per_cluster = [np.zeros((len(distances), len(size)), dtype=distances.dtype) for size in sizes]
        for i in rows:
            weights = distances[i].astype(np.float64)  # as np.bincount converts them, once for every labeling
            for labels, size, sums in zip(encoded, sizes, per_cluster):
                sums[i] += np.bincount(labels, weights=weights, minlength=len(size))
        own = np.empty((len(distances), len(encoded)), dtype=distances.dtype)
        nearest = np.empty((len(distances), len(encoded)), dtype=distances.dtype)
        for j, (labels, size, sums) in enumerate(zip(encoded, sizes, per_cluster)):
            index = (rows, labels[start : start + len(distances)])
            own[:, j] = sums[index]
            sums[index] = np.inf
            sums /= size
            nearest[:, j] = sums.min(axis=1)
        return own, nearest

    chunks = list(pairwise_distances_chunked(matrix, reduce_func=reduce))
    own = np.concatenate([chunk[0] for chunk in chunks])
    nearest = np.concatenate([chunk[1] for chunk in chunks])
    return [
        _mean_silhouette(np.ascontiguousarray(own[:, j]), np.ascontiguousarray(nearest[:, j]), labels, size)
        for j, (labels, size) in enumerate(zip(encoded, sizes))
    ]


def _mean_silhouette(own: np.ndarray, nearest: np.ndarray, labels: np.ndarray, size: np.ndarray) -> float:
    """The mean of the rows' silhouettes (sklearn's ``silhouette_samples``), NaN when undefined."""
    if len(size) < 2 or len(size) >= len(labels):
        return float("nan")
    with np.errstate(divide="ignore", invalid="ignore"):
        own /= (size - 1).take(labels, mode="clip")
        rows = nearest - own
        rows /= np.maximum(own, nearest)
    return float(np.mean(np.nan_to_num(rows)))


def evaluate_ks(matrix: np.ndarray, config: SegmentationConfig) -> pd.DataFrame:
    """Inertia, silhouette and centroids of every candidate k, fitted on the selection sample.

    Candidates larger than the sample minus one are skipped (a silhouette needs a
    point more than there are clusters).
    """
    rows = sample_rows(len(matrix), config.selection_sample_size, config.random_state)
    sample = matrix[rows]
    models = {k: fit_kmeans(sample, k, config) for k in config.candidate_ks if k < len(sample)}
    scores = silhouettes(sample, [model.labels_ for model in models.values()]) if models else []
    records = [
        {
            "k": k,
            "inertia": float(model.inertia_),
            "silhouette": score,
            "sample_size": len(sample),
            "centroids_json": json.dumps(model.cluster_centers_.astype(float).tolist()),
        }
        for (k, model), score in zip(models.items(), scores)
    ]
    return pd.DataFrame.from_records(records, columns=[c for c in DIAGNOSTIC_COLUMNS if c != "is_chosen"])


def choose_k(diagnostics: pd.DataFrame, config: SegmentationConfig) -> int:
    """The pinned k, or the k of highest silhouette (module docstring)."""
    if config.k is not None:
        return config.k
    scored = diagnostics.dropna(subset=["silhouette"])
    if scored.empty:
        return int(diagnostics["k"].min())
    best = scored.assign(score=scored["silhouette"].round(4)).sort_values(["score", "k"], ascending=[False, True])
    return int(best["k"].iloc[0])


def select_model(features: pd.DataFrame, config: SegmentationConfig) -> pd.DataFrame:
    """``segment_model_fits``: one row per candidate k with its centroids, the chosen one flagged."""
    if len(features) < config.k_min + 1:
        raise ValueError(
            f"customer features: {len(features)} customer(s), segmentation needs at least k_min + 1 = "
            f"{config.k_min + 1}"
        )
    features = by_customer(features)
    matrix = FeatureScaler.fit(features, config).transform(features)
    diagnostics = evaluate_ks(matrix, config)
    if config.k is not None and config.k not in set(diagnostics["k"]):
        raise ValueError(f"k: pinned k = {config.k} needs more than {config.k} customers, got {len(features)}")
    chosen = choose_k(diagnostics, config)
    diagnostics["is_chosen"] = diagnostics["k"] == chosen
    return diagnostics[DIAGNOSTIC_COLUMNS]

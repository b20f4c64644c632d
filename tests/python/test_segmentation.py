"""Tests of the segmentation module (shopsmart.segmentation) on synthetic customers."""

from __future__ import annotations

import json
from decimal import Decimal

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from sklearn.datasets import make_blobs
import sklearn
from sklearn.metrics import adjusted_rand_score, silhouette_score

from shopsmart.segmentation import (
    PROFILE_COLUMNS,
    FeatureScaler,
    MissingFeatureError,
    SegmentationConfig,
    SegmentationConfigError,
    arrow_to_pandas,
    assign_segments,
    choose_k,
    scaling_input,
    segment_customers,
    select_model,
)
from shopsmart.segmentation.naming import archetype, profile_frame, unique_names
from shopsmart.segmentation.selection import sample_rows, silhouettes

# Five behaviours, far apart, with the archetype the naming rules should give each:
# (archetype, customers, has_purchased, recency_days, frequency, order value, m_score,
#  visits, items per order, add_to_cart_events)
GROUPS = [
    ("High-value loyal", 60, True, 15, 9, 2000.0, 5, 12, 2, 20),
    ("Bargain hunters", 90, True, 20, 6, 40.0, 2, 8, 6, 14),
    ("Lapsed customers", 70, True, 300, 3, 150.0, 3, 5, 1, 6),
    ("One-time buyers", 110, True, 150, 1, 150.0, 1, 2, 1, 2),
    ("Window shoppers", 80, False, None, 0, None, None, 10, 0, 4),
]


def customers(seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """Customer features of the five GROUPS with some noise, and each customer's group number."""
    rng = np.random.default_rng(seed)
    frames, groups = [], []
    for number, group in enumerate(GROUPS):
        _, size, bought, recency, frequency, order_value, m_score, visits, items, carts = group
        value = np.zeros(size) if order_value is None else order_value * rng.uniform(0.8, 1.25, size)
        visit_counts = visits + rng.integers(-1, 2, size)
        frames.append(
            pd.DataFrame(
                {
                    "has_purchased": np.full(size, bought),
                    "recency_days": pd.array(
                        [None] * size if recency is None else rng.integers(recency - 10, recency + 10, size),
                        dtype="Int64",
                    ),
                    "frequency": np.full(size, frequency),
                    "monetary_usd": np.round(value * frequency, 2),
                    "average_order_value_usd": np.where(bought, np.round(value, 2), np.nan),
                    "m_score": pd.array([m_score] * size, dtype="Int64"),
                    "visits": visit_counts,
                    "sessions": visit_counts,
                    "total_items": frequency * items + rng.integers(0, 2, size) * (frequency > 0),
                    "add_to_cart_events": carts + rng.integers(-1, 2, size),
                }
            )
        )
        groups.append(np.full(size, number))
    frame = pd.concat(frames, ignore_index=True)
    frame.insert(0, "customer_id", [f"c{index:05d}" for index in range(len(frame))])
    return frame, np.concatenate(groups)


def blob_customers(centers: int, seed: int) -> tuple[pd.DataFrame, np.ndarray, SegmentationConfig]:
    """make_blobs points as three untransformed features of customers, with their blob numbers."""
    points, blobs = make_blobs(n_samples=600, centers=centers, n_features=3, cluster_std=0.6, random_state=seed)
    frame = pd.DataFrame(points, columns=["recency_days", "frequency", "monetary_usd"])
    frame.insert(0, "customer_id", [f"b{index:04d}" for index in range(len(frame))])
    frame["has_purchased"] = True
    frame["average_order_value_usd"] = 1.0
    frame["visits"] = 1
    frame["add_to_cart_events"] = 1
    config = SegmentationConfig(features=("recency_days", "frequency", "monetary_usd"), log_features=())
    return frame, blobs, config


@pytest.fixture(scope="module")
def segmented() -> tuple[pd.DataFrame, np.ndarray, pd.DataFrame, pd.DataFrame]:
    frame, groups = customers()
    diagnostics, segments = segment_customers(frame, SegmentationConfig())
    return frame, groups, diagnostics, segments


# --- model selection -------------------------------------------------------------------


@pytest.mark.parametrize(("centers", "seed"), [(3, 1), (4, 2), (6, 3)])
def test_selection_finds_the_number_of_blobs(centers: int, seed: int) -> None:
    frame, blobs, config = blob_customers(centers, seed)
    diagnostics, segments = segment_customers(frame, config)
    assert diagnostics["k"].tolist() == list(range(2, 9))
    assert diagnostics.loc[diagnostics["is_chosen"], "k"].tolist() == [centers]
    labels = segments.set_index("customer_id").loc[frame["customer_id"], "segment_id"]
    assert adjusted_rand_score(blobs, labels) == pytest.approx(1.0)


def test_diagnostics_describe_every_k(segmented: tuple) -> None:
    frame, _, diagnostics, _ = segmented
    assert diagnostics["is_chosen"].sum() == 1
    assert (diagnostics["sample_size"] == len(frame)).all()
    # the within-cluster sum of squares falls as k grows (the elbow curve)
    assert diagnostics["inertia"].is_monotonic_decreasing
    assert diagnostics["silhouette"].between(-1, 1).all()
    for k, centroids in zip(diagnostics["k"], diagnostics["centroids_json"]):
        assert np.asarray(json.loads(centroids)).shape == (k, len(SegmentationConfig().features))


def test_chosen_k_has_the_best_silhouette_and_recovers_the_groups(segmented: tuple) -> None:
    _, groups, diagnostics, segments = segmented
    best = diagnostics.loc[diagnostics["silhouette"].idxmax(), "k"]
    assert diagnostics.loc[diagnostics["is_chosen"], "k"].item() == best == len(GROUPS)
    assert adjusted_rand_score(groups, segments["segment_id"]) == pytest.approx(1.0)


def test_choose_k_prefers_the_smaller_k_on_a_tie() -> None:
    diagnostics = pd.DataFrame({"k": [2, 3, 4, 5], "silhouette": [0.41, 0.52001, 0.51998, np.nan]})
    assert choose_k(diagnostics, SegmentationConfig()) == 3


def test_choose_k_without_any_silhouette_takes_k_min() -> None:
    diagnostics = pd.DataFrame({"k": [3, 4], "silhouette": [np.nan, np.nan]})
    assert choose_k(diagnostics, SegmentationConfig(k_min=3)) == 3


def test_pinned_k_overrides_the_rule(segmented: tuple) -> None:
    frame, _, _, _ = segmented
    diagnostics, segments = segment_customers(frame, SegmentationConfig(k=3))
    assert diagnostics.loc[diagnostics["is_chosen"], "k"].tolist() == [3]
    assert sorted(segments["segment_id"].unique()) == [1, 2, 3]


def test_pinned_k_outside_the_range_is_evaluated_too(segmented: tuple) -> None:
    frame, _, _, _ = segmented
    diagnostics = select_model(frame, SegmentationConfig(k_min=2, k_max=4, k=6))
    assert diagnostics["k"].tolist() == [2, 3, 4, 6]
    assert diagnostics.loc[diagnostics["is_chosen"], "k"].tolist() == [6]


def test_selection_runs_on_a_fixed_size_sample() -> None:
    frame, _ = customers()
    diagnostics = select_model(frame, SegmentationConfig(selection_sample_size=150, k_max=4))
    assert (diagnostics["sample_size"] == 150).all()
    rows = sample_rows(len(frame), 150, 42)
    assert len(np.unique(rows)) == 150 and np.array_equal(rows, sample_rows(len(frame), 150, 42))
    assert not np.array_equal(rows, sample_rows(len(frame), 150, 43))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("working_memory_mb", [1, 1024])
def test_silhouettes_of_several_labelings_are_sklearns(dtype: type, working_memory_mb: int) -> None:
    # one pass over the distances for every k must give silhouette_score's figures to the bit, whether the
    # distances come in one chunk or in many (working_memory), with a one-point cluster among them
    rng = np.random.default_rng(7)
    matrix = rng.normal(size=(600, 5)).astype(dtype)
    labelings = [rng.integers(0, k, len(matrix)) for k in (2, 3, 5, 8)]
    labelings[1][0] = 9  # a cluster of one point: its silhouette is 0
    with sklearn.config_context(working_memory=working_memory_mb):
        expected = [silhouette_score(matrix, labels) for labels in labelings]
        assert silhouettes(matrix, labelings) == expected


def test_silhouettes_are_nan_where_undefined() -> None:
    matrix = np.arange(8, dtype=np.float32).reshape(4, 2)
    scores = silhouettes(matrix, [np.zeros(4, dtype=int), np.arange(4), np.array([0, 0, 1, 1])])
    assert np.isnan(scores[0]) and np.isnan(scores[1])
    assert scores[2] == silhouette_score(matrix, [0, 0, 1, 1])


def test_too_few_customers_fail_clearly() -> None:
    frame, _ = customers()
    with pytest.raises(ValueError, match="2 customer"):
        select_model(frame.head(2), SegmentationConfig())


# --- determinism and ids ---------------------------------------------------------------


def test_same_data_gives_the_same_segments_whatever_the_row_order(segmented: tuple) -> None:
    frame, _, diagnostics, segments = segmented
    shuffled = frame.sample(frac=1.0, random_state=5)
    again_diagnostics, again = segment_customers(shuffled, SegmentationConfig())
    pd.testing.assert_frame_equal(again_diagnostics, diagnostics)
    pd.testing.assert_frame_equal(again, segments)
    assert segments["customer_id"].is_monotonic_increasing


def test_segment_ids_follow_mean_monetary_value_descending(segmented: tuple) -> None:
    frame, _, _, segments = segmented
    joined = segments.merge(frame, on="customer_id")
    means = joined.groupby("segment_id")["monetary_usd"].mean()
    assert means.index.tolist() == list(range(1, len(GROUPS) + 1))
    assert means.is_monotonic_decreasing


def test_ids_do_not_depend_on_kmeans_cluster_numbers(segmented: tuple) -> None:
    # another seed numbers the K-Means clusters differently; the segment ids stay the same
    frame, _, _, segments = segmented
    _, other = segment_customers(frame, SegmentationConfig(random_state=7))
    pd.testing.assert_series_equal(other["segment_id"], segments["segment_id"])


def test_names_come_from_the_centroids(segmented: tuple) -> None:
    _, groups, _, segments = segmented
    expected = [GROUPS[number][0] for number in groups]
    # segments are ordered by customer_id, which follows the group order in `customers`
    assert segments["segment_name"].tolist() == expected
    assert segments["segment_archetype"].tolist() == expected


def test_repeated_archetypes_get_numbered_names() -> None:
    assert unique_names(["One-time buyers", "Bargain hunters", "One-time buyers", "One-time buyers"]) == [
        "One-time buyers",
        "Bargain hunters",
        "One-time buyers 2",
        "One-time buyers 3",
    ]


def test_at_risk_and_dormant_archetypes() -> None:
    population = pd.DataFrame(
        {
            "has_purchased": [1.0] * 6 + [0.0] * 4,
            "recency_days": [10, 20, 30, 40, 300, 320] + [np.nan] * 4,
            "frequency": [5, 5, 4, 4, 6, 6, 0, 0, 0, 0],
            "monetary_usd": [100, 120, 90, 110, 9000, 9500, 0, 0, 0, 0],
            "average_order_value_usd": [20, 24, 22, 27, 1500, 1580] + [np.nan] * 4,
            "visits": [6, 6, 5, 5, 7, 7, 1, 1, 9, 9],
            "add_to_cart_events": [4, 4, 3, 3, 5, 5, 1, 1, 6, 6],
        }
    )
    assert archetype(population.iloc[4:6], population) == "At-risk big spenders"
    assert archetype(population.iloc[6:8], population) == "Dormant sign-ups"
    assert archetype(population.iloc[8:10], population) == "Window shoppers"
    assert archetype(population.iloc[0:4], population) == "Bargain hunters"


def non_buyers_and_buyers(visits: list[int], carts: list[int]) -> pd.DataFrame:
    """Profiles of customers who never bought (one per visits/carts pair), then four buyers who visited 3 times."""
    non_buyers = len(visits)
    return pd.DataFrame(
        {
            "has_purchased": [0.0] * non_buyers + [1.0] * 4,
            "recency_days": [np.nan] * non_buyers + [10.0, 20.0, 30.0, 40.0],
            "frequency": [0.0] * non_buyers + [2.0, 2.0, 3.0, 3.0],
            "monetary_usd": [0.0] * non_buyers + [100.0, 120.0, 90.0, 110.0],
            "average_order_value_usd": [np.nan] * non_buyers + [50.0, 60.0, 30.0, 37.0],
            "visits": [float(v) for v in visits] + [3.0] * 4,
            "add_to_cart_events": [float(c) for c in carts] + [2.0] * 4,
        }
    )


def test_non_buyers_who_never_visited_are_not_window_shoppers() -> None:
    # a shop without web events: nobody visited, so the population's median visits is 0
    # and "at least the median" holds for everyone; nobody browsed a cart to retarget
    population = non_buyers_and_buyers([0] * 12, [0] * 12).assign(visits=0.0, add_to_cart_events=0.0)
    assert population["visits"].median() == 0
    assert archetype(population.iloc[:12], population) == "Dormant sign-ups"
    # nor when a few of the segment visited but its typical member did not
    few = non_buyers_and_buyers([0] * 9 + [5, 6, 7], [0] * 9 + [2, 2, 3])
    assert archetype(few.iloc[:12], few) == "Dormant sign-ups"


def test_non_buyers_who_visited_and_filled_carts_are_window_shoppers() -> None:
    population = non_buyers_and_buyers([4, 5, 5, 6], [1, 2, 2, 3])
    # median visits 5 against the population's 3.5 (4, 5, 5, 6 and four buyers' 3), carts 2
    assert archetype(population.iloc[:4], population) == "Window shoppers"
    # a segment with some buyers, but fewer than half, is named by its browsing too
    mixed = population.iloc[[0, 1, 2, 4]]
    assert archetype(mixed, population) == "Window shoppers"


def test_non_buyers_who_visited_without_carts_are_dormant() -> None:
    # they came often, but nothing was ever added to a cart: there is no cart to retarget
    population = non_buyers_and_buyers([6, 7, 7, 8], [0, 0, 0, 0])
    assert archetype(population.iloc[:4], population) == "Dormant sign-ups"


def test_non_buyers_who_visited_less_than_the_typical_customer_are_dormant() -> None:
    # they visited (median 1) and carted, but less than the median customer (3)
    population = non_buyers_and_buyers([1, 1, 1, 1], [1, 1, 1, 1])
    assert population["visits"].median() == 2
    assert archetype(population.iloc[:4], population) == "Dormant sign-ups"


def test_a_shop_without_web_events_gets_no_window_shoppers(segmented: tuple) -> None:
    # the synthetic customers with every visit, session and cart set to 0 (as the Online
    # Retail source has them): the non-buyers are segmented, but not named Window shoppers
    frame, groups, _, _ = segmented
    no_events = frame.assign(visits=0, sessions=0, add_to_cart_events=0)
    _, segments = segment_customers(no_events, SegmentationConfig())
    assert "Window shoppers" not in set(segments["segment_archetype"])
    non_buyers = segments.loc[~no_events["has_purchased"].to_numpy(), "segment_archetype"]
    assert set(non_buyers) == {"Dormant sign-ups"}


def test_profiles_need_the_cart_column() -> None:
    frame, _ = customers()
    with pytest.raises(KeyError, match="add_to_cart_events"):
        profile_frame(frame.drop(columns="add_to_cart_events"))


# --- features: transformation, constant and missing values -----------------------------


def test_transformation_is_impute_log_then_standardise() -> None:
    frame = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c", "d"],
            "recency_days": [10.0, 30.0, None, 50.0],
            "monetary_usd": [0.0, 99.0, 999.0, None],
            "spend_trend_usd_per_month": [-9.0, 0.0, 9.0, None],
        }
    )
    config = SegmentationConfig(
        features=("recency_days", "monetary_usd", "spend_trend_usd_per_month"),
        log_features=("monetary_usd", "spend_trend_usd_per_month"),
        fill_with_max=("recency_days",),
    )
    scaled = FeatureScaler.fit(frame, config).transform(frame)
    recency = np.array([10.0, 30.0, 50.0, 50.0])  # missing: the largest value
    monetary = np.log([1.0, 100.0, 1000.0, 1.0])  # missing: 0, then log(1 + x)
    trend = np.array([-np.log(10.0), 0.0, np.log(10.0), 0.0])  # the sign is kept
    for column, values in enumerate([recency, monetary, trend]):
        expected = (values - values.mean()) / values.std()
        np.testing.assert_allclose(scaled[:, column], expected, rtol=1e-5, atol=1e-6)


def test_decimal_and_nullable_integer_columns_are_read() -> None:
    frame = pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "monetary_usd": [Decimal("10.50"), None],
            "frequency": pd.array([3, None], dtype="Int64"),
        }
    )
    config = SegmentationConfig(features=("monetary_usd", "frequency"), log_features=())
    scaled = FeatureScaler.fit(frame, config).transform(frame)
    np.testing.assert_allclose(scaled, [[1.0, 1.0], [-1.0, -1.0]])


def test_a_constant_feature_does_not_change_the_segments(segmented: tuple) -> None:
    frame, _, _, segments = segmented
    config = SegmentationConfig(features=SegmentationConfig().features + ("cancellation_rate",))
    diagnostics, with_constant = segment_customers(frame.assign(cancellation_rate=0.25), config)
    assert np.isfinite(diagnostics["silhouette"]).all()
    pd.testing.assert_series_equal(with_constant["segment_id"], segments["segment_id"])


def test_a_feature_missing_for_everyone_is_constant(segmented: tuple) -> None:
    frame, _, _, segments = segmented
    config = SegmentationConfig(features=SegmentationConfig().features + ("spend_trend_usd_per_month",))
    _, with_missing = segment_customers(frame.assign(spend_trend_usd_per_month=np.nan), config)
    pd.testing.assert_series_equal(with_missing["segment_id"], segments["segment_id"])


def test_all_features_constant_gives_one_segment_without_crashing() -> None:
    frame, _ = customers()
    config = SegmentationConfig(features=("visits",), log_features=(), k_max=4)
    diagnostics, segments = segment_customers(frame.assign(visits=3), config)
    assert diagnostics["silhouette"].isna().all()
    assert diagnostics.loc[diagnostics["is_chosen"], "k"].tolist() == [2]
    assert segments["segment_id"].between(1, 2).all() and segments["pca_2"].eq(0).all()


def test_missing_feature_column_is_named() -> None:
    frame, _ = customers()
    with pytest.raises(MissingFeatureError, match="visits_per_week"):
        select_model(frame, SegmentationConfig(features=("recency_days", "visits_per_week")))
    with pytest.raises(MissingFeatureError, match=r"\['customer_id'\] not found"):
        select_model(frame.drop(columns="customer_id"), SegmentationConfig())


def test_scaling_input_reads_customer_id_the_features_and_the_columns_named_only() -> None:
    frame, _ = customers()
    config = SegmentationConfig()
    connection = duckdb.connect()
    connection.register("customer_features", frame.assign(rfm_segment="Champions"))
    relation = connection.table("customer_features")
    read = scaling_input(relation, config)
    assert list(read.columns) == ["customer_id", *config.features]
    diagnostics = select_model(read, config)
    pd.testing.assert_frame_equal(diagnostics, select_model(frame, config))
    # the profile columns besides, each once (some are features too)
    profiled = scaling_input(relation, config, also=PROFILE_COLUMNS)
    assert list(profiled.columns) == list(dict.fromkeys(["customer_id", *config.features, *PROFILE_COLUMNS]))
    pd.testing.assert_frame_equal(
        assign_segments(profiled, diagnostics, config), assign_segments(frame, diagnostics, config)
    )
    with pytest.raises(MissingFeatureError, match=r"\['visits_per_week'\] not found; available: .*rfm_segment"):
        scaling_input(relation, SegmentationConfig(features=("recency_days", "visits_per_week")))


def test_centroids_of_another_feature_list_are_rejected(segmented: tuple) -> None:
    frame, _, diagnostics, _ = segmented
    with pytest.raises(ValueError, match="rebuild the diagnostics"):
        assign_segments(frame, diagnostics, SegmentationConfig(features=("recency_days", "frequency")))


# --- settings and inputs ---------------------------------------------------------------


def test_config_from_a_dbt_config_mapping() -> None:
    config = SegmentationConfig.from_mapping(
        {"features": ["recency_days", "visits"], "k_min": 3, "k_max": "6", "k": None, "random_state": 1}
    )
    assert config.features == ("recency_days", "visits")
    assert (config.k_min, config.k_max, config.k, config.random_state) == (3, 6, None, 1)
    assert SegmentationConfig.from_mapping({"k": "5"}).k == 5
    assert SegmentationConfig.from_mapping({"k": ""}).k is None
    assert SegmentationConfig.from_mapping(None) == SegmentationConfig()


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"k_min": 1}, "k_min"),
        ({"k_min": 5, "k_max": 4}, "k_max"),
        ({"k": 1}, "at least 2"),
        ({"k": "many"}, "integer"),
        ({"features": "recency_days"}, "list of column names"),
        ({"features": []}, "at least one feature"),
        ({"selection_sample_size": 10}, "selection_sample_size"),
        ({"clusters": 4}, "unknown segmentation settings"),
    ],
)
def test_bad_settings_fail_clearly(settings: dict, message: str) -> None:
    with pytest.raises(SegmentationConfigError, match=message):
        SegmentationConfig.from_mapping(settings)


@pytest.mark.parametrize("as_reader", [False, True])
def test_arrow_input_becomes_pandas_with_float_money(as_reader: bool) -> None:
    table = pa.table(
        {
            "customer_id": ["a", "b"],
            "monetary_usd": pa.array([Decimal("1.25"), None], pa.decimal128(18, 2)),
            "frequency": pa.array([2, None], pa.int32()),
        }
    )
    data = pa.RecordBatchReader.from_batches(table.schema, table.to_batches()) if as_reader else table
    frame = arrow_to_pandas(data)
    assert frame["monetary_usd"].dtype == np.float64
    assert frame["monetary_usd"].iloc[0] == 1.25 and np.isnan(frame["monetary_usd"].iloc[1])
    assert frame["customer_id"].tolist() == ["a", "b"]

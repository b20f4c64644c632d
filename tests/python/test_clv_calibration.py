"""Tests of the holdout calibration (shopsmart.clv.calibration) on small frames with obvious answers."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from shopsmart.clv import ClvConfig, ClvConfigError
from shopsmart.clv.calibration import holdout_calibration
from shopsmart.clv.model import library_frame, predict_purchases

CUTOFF, ANALYSIS = dt.date(2024, 4, 2), dt.date(2024, 7, 1)
BUCKETS = ["0", "1", "2", "3", "4", "5", "6+", "total"]


def stationary_shop(customers: int = 2000, holdout: int = 90, seed: int = 1) -> pd.DataFrame:
    """clv_holdout_inputs-shaped rows of a shop whose customers buy at a constant rate and never leave.

    Each customer has a gamma-distributed daily rate and a first purchase day 60 to 400
    days before the cut-off; purchases are a Poisson process, counted per distinct day,
    before the cut-off (the summary) and in the `holdout` days after it.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for number in range(customers):
        age = int(rng.integers(60, 400))
        rate = rng.gamma(0.8, 1 / 30)
        times = np.cumsum(rng.exponential(1 / rate, 200))
        days = np.unique(np.floor(times[times < age + holdout]))
        before, after = days[days < age], days[days >= age]
        before = np.concatenate([[0.0], before[before > 0]])  # the first purchase is on day 0
        rows.append({
            "customer_id": f"c{number:05d}", "has_purchased": True, "frequency": len(before) - 1,
            "recency_days": int(before[-1]), "t_days": age, "monetary_value_usd": None,
            "holdout_purchase_days": len(after), "cutoff_date": CUTOFF, "analysis_date": ANALYSIS,
        })
    return pd.DataFrame(rows)


def small_shop() -> pd.DataFrame:
    """Three buyers with 0, 1 and 7 repeat days, one who first bought in the holdout, one who never bought."""
    return pd.DataFrame({
        "customer_id": ["once", "twice", "often", "new", "never"],
        "has_purchased": [True, True, True, False, False],
        "frequency": [0, 1, 7, None, None], "recency_days": [0, 30, 80, None, None],
        "t_days": [50, 60, 90, None, None], "monetary_value_usd": [None, 20.0, 30.0, None, None],
        "holdout_purchase_days": [0, 1, 4, 2, 0],
        "cutoff_date": [CUTOFF] * 5, "analysis_date": [ANALYSIS] * 5,
    })


def test_a_stationary_shop_is_predicted_within_a_tenth() -> None:
    shop = stationary_shop()
    calibration = holdout_calibration(shop, ClvConfig(), 90).set_index("frequency_bucket")
    total = calibration.loc["total"]
    assert total["customers"] == 2000 and total["actual_purchases"] == shop["holdout_purchase_days"].sum()
    assert total["fit_status"] == "fitted"
    assert 0.9 < total["predicted_to_actual_ratio"] < 1.1, total
    # who bought more before buys more after, in the prediction as in fact
    buckets = calibration.loc[["0", "1", "2", "6+"]]
    per_customer = buckets["predicted_purchases"] / buckets["customers"]
    assert per_customer.is_monotonic_increasing


def test_every_bucket_has_a_row_and_the_buckets_add_up() -> None:
    calibration = holdout_calibration(small_shop(), ClvConfig(), 91)
    assert calibration["frequency_bucket"].tolist() == BUCKETS
    assert calibration["bucket_order"].tolist() == list(range(8))
    assert calibration["customers"].tolist() == [1, 1, 0, 0, 0, 0, 1, 3]
    # only the buyers before the cut-off: the customer who first bought in the holdout is not predicted
    assert calibration["actual_purchases"].tolist() == [0, 1, 0, 0, 0, 0, 4, 5]
    assert set(calibration["holdout_days"]) == {91}
    assert set(calibration["cutoff_date"]) == {CUTOFF} and set(calibration["analysis_date"]) == {ANALYSIS}
    buckets, total = calibration.iloc[:-1], calibration.iloc[-1]
    assert buckets["predicted_purchases"].sum() == pytest.approx(total["predicted_purchases"])
    assert (calibration["predicted_purchases"] >= 0).all()
    assert calibration["difference"].tolist() == pytest.approx(
        (calibration["predicted_purchases"] - calibration["actual_purchases"]).tolist())
    # an empty bucket predicts nothing and has no mean probability; no actual purchase, no ratio
    assert calibration.loc[2, "predicted_purchases"] == 0 and np.isnan(calibration.loc[2, "mean_probability_active"])
    assert calibration["predicted_to_actual_ratio"].isna().tolist() == [True, False, True, True, True, True,
                                                                       False, False]


def test_without_a_repeat_purchase_before_the_cut_off_nothing_is_predicted_but_the_actuals_are_counted() -> None:
    shop = small_shop().assign(frequency=[0, 0, 0, None, None], recency_days=[0, 0, 0, None, None])
    calibration = holdout_calibration(shop, ClvConfig(), 90)
    assert set(calibration["fit_status"]) == {"too_few_buyers"} and set(calibration["fitted_customers"]) == {0}
    columns = ["predicted_purchases", "difference", "predicted_to_actual_ratio", "mean_probability_active",
               "bg_nbd_r", "bg_nbd_alpha", "bg_nbd_a", "bg_nbd_b"]
    assert calibration[columns].isna().all().all()
    assert calibration.set_index("frequency_bucket").loc[["0", "total"], "customers"].tolist() == [3, 3]
    assert calibration.set_index("frequency_bucket").loc["total", "actual_purchases"] == 5


def test_a_shop_without_customers_has_empty_buckets() -> None:
    calibration = holdout_calibration(small_shop().iloc[:0], ClvConfig(), 90)
    assert calibration["frequency_bucket"].tolist() == BUCKETS
    assert (calibration["customers"] == 0).all() and calibration["predicted_purchases"].isna().all()


def test_a_recent_frequent_buyer_is_more_likely_active_than_one_who_stopped_long_ago() -> None:
    pair = library_frame(pd.DataFrame({
        "customer_id": ["recent", "stopped"], "has_purchased": [True, True], "frequency": [10, 10],
        "recency_days": [360, 60], "t_days": [365, 365], "monetary_value_usd": [10.0, 10.0],
    }))
    predicted = predict_purchases(pair, pd.Series({"r": 0.7, "alpha": 60.0, "a": 0.5, "b": 3.0}), (90,))
    recent, stopped = predicted["probability_active"]
    assert recent > 0.9 > 0.1 > stopped
    more, fewer = predicted["expected_purchases_90d"]
    assert more > fewer >= 0


def test_the_holdout_is_a_whole_number_of_days() -> None:
    for days in (0, -5, 1.5, True):
        with pytest.raises(ClvConfigError, match="holdout_days"):
            holdout_calibration(small_shop(), ClvConfig(), days)


def test_on_the_pole_of_the_default_prior_a_one_time_buyer_gets_the_no_dropout_limit() -> None:
    """a -> 0 with a + b = 1 (no dropout, where MAP fits of BG/NBD land on the UCI data): (r + x) t / (alpha + T)."""
    frame = library_frame(pd.DataFrame({
        "customer_id": ["once", "thrice"], "has_purchased": [True, True], "frequency": [0, 3],
        "recency_days": [0, 50], "t_days": [100, 200], "monetary_value_usd": [None, 10.0],
    }))
    predicted = predict_purchases(frame, pd.Series({"r": 0.65, "alpha": 58.0, "a": 1e-22, "b": 1.0}), (90,))
    assert predicted["expected_purchases_90d"].tolist() == pytest.approx([0.65 * 90 / 158, 3.65 * 90 / 258])
    assert predicted["probability_active"].tolist() == pytest.approx([1.0, 1.0])

"""Tests of the lifetime-value module (shopsmart.clv) on synthetic customers.

The synthetic shop has buyers whose purchase days follow a BG/NBD-like process
(each buys at their own rate until they drop out), a few customers who never
bought, and one-time buyers.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from shopsmart.clv import (
    ClvConfig,
    ClvConfigError,
    ClvInputError,
    fit_parameters,
    lifetime_value_table,
    predict_lifetime_value,
)
from shopsmart.clv import model as clv_model
from shopsmart.clv.model import fit_sample, library_frame

PREDICTIONS = ["probability_active", "expected_purchases_30d", "expected_purchases_90d",
               "expected_purchases_365d", "expected_order_value_usd", "lifetime_value_usd"]


def synthetic_inputs(buyers: int = 400, never_bought: int = 20, seed: int = 0) -> pd.DataFrame:
    """customer_clv_inputs-shaped rows: buyers with a purchase rate and a dropout day, then non-buyers."""
    rng = np.random.default_rng(seed)
    rows = []
    for number in range(buyers):
        age = int(rng.integers(60, 720))
        rate = rng.gamma(0.8, 1 / 40)  # purchase days per day
        alive_for = min(age, int(rng.geometric(0.004)))
        days = np.unique(np.floor(np.cumsum(rng.exponential(1 / rate, 60))))
        days = days[days < alive_for]
        spend = rng.gamma(4, 25) * rng.uniform(0.7, 1.3, len(days))
        rows.append({
            "customer_id": f"b{number:05d}", "has_purchased": True, "frequency": len(days),
            "recency_days": int(days[-1]) if len(days) else 0, "t_days": age,
            "monetary_value_usd": round(float(spend.mean()), 2) if len(days) else None,
        })
    rows += [{"customer_id": f"n{number:05d}", "has_purchased": False, "frequency": None, "recency_days": None,
              "t_days": None, "monetary_value_usd": None} for number in range(never_bought)]
    frame = pd.DataFrame(rows)
    return frame.astype({"frequency": "Int64", "recency_days": "Int64", "t_days": "Int64",
                         "monetary_value_usd": "Float64"})


@pytest.fixture(scope="module")
def inputs() -> pd.DataFrame:
    return synthetic_inputs()


@pytest.fixture(scope="module")
def parameters(inputs: pd.DataFrame) -> pd.DataFrame:
    return fit_parameters(inputs, ClvConfig())


@pytest.fixture(scope="module")
def predictions(inputs: pd.DataFrame, parameters: pd.DataFrame) -> pd.DataFrame:
    return predict_lifetime_value(inputs, parameters, ClvConfig())


def test_one_row_per_customer_in_input_order(inputs: pd.DataFrame, predictions: pd.DataFrame) -> None:
    assert predictions["customer_id"].tolist() == inputs["customer_id"].tolist()


def test_probabilities_are_probabilities(predictions: pd.DataFrame) -> None:
    active = predictions["probability_active"].dropna()
    assert len(active) == 400 and active.between(0, 1).all()


def test_expected_purchases_grow_with_the_horizon(predictions: pd.DataFrame) -> None:
    buyers = predictions.dropna(subset=["expected_purchases_30d"])
    assert len(buyers) == 400
    assert (buyers["expected_purchases_30d"] >= 0).all()
    assert (buyers["expected_purchases_30d"] <= buyers["expected_purchases_90d"]).all()
    assert (buyers["expected_purchases_90d"] <= buyers["expected_purchases_365d"]).all()


def test_a_frequent_recent_buyer_is_worth_more_than_one_who_bought_once_long_ago(
    parameters: pd.DataFrame,
) -> None:
    pair = pd.DataFrame({
        "customer_id": ["frequent_recent", "once_long_ago"], "has_purchased": [True, True],
        "frequency": [12, 0], "recency_days": [360, 0], "t_days": [365, 365],
        "monetary_value_usd": [80.0, None],
    })
    frequent, once = predict_lifetime_value(pair, parameters, ClvConfig()).to_dict("records")
    for horizon in ("30d", "90d", "365d"):
        assert frequent[f"expected_purchases_{horizon}"] > once[f"expected_purchases_{horizon}"]
    assert frequent["lifetime_value_usd"] > once["lifetime_value_usd"]


def test_customers_who_never_bought_get_nulls_and_the_reason(predictions: pd.DataFrame) -> None:
    never = predictions[predictions["customer_id"].str.startswith("n")]
    assert len(never) == 20
    assert set(never["prediction_status"]) == {"no_purchase"}
    assert never[PREDICTIONS].isna().all().all()
    buyers = predictions[predictions["customer_id"].str.startswith("b")]
    assert buyers[PREDICTIONS].notna().all().all()
    assert "no_purchase" not in set(buyers["prediction_status"])


def test_one_time_buyers_get_the_population_mean_spend(
    inputs: pd.DataFrame, parameters: pd.DataFrame, predictions: pd.DataFrame
) -> None:
    one_time = predictions[(inputs["frequency"] == 0).fillna(False).to_numpy()]
    assert len(one_time) > 10
    assert set(one_time["prediction_status"]) == {"population_mean_spend"}
    p, q, v = parameters.set_index("parameter").loc[["p", "q", "v"], "value"]
    assert one_time["expected_order_value_usd"].to_numpy() == pytest.approx(p * v / (q - 1))
    repeat = predictions[(inputs["frequency"] > 0).fillna(False).to_numpy()]
    assert set(repeat["prediction_status"]) == {"predicted"}
    assert repeat["expected_order_value_usd"].nunique() > 100


def test_the_same_input_gives_the_same_output(inputs: pd.DataFrame, predictions: pd.DataFrame) -> None:
    again = fit_parameters(inputs.sample(frac=1, random_state=7), ClvConfig())
    pd.testing.assert_frame_equal(again, fit_parameters(inputs, ClvConfig()))
    pd.testing.assert_frame_equal(predict_lifetime_value(inputs, again, ClvConfig()), predictions)


def test_fits_at_the_same_time_in_two_threads_equal_the_fit_alone(
    inputs: pd.DataFrame, parameters: pd.DataFrame
) -> None:
    # dbt runs Python models in threads of one process: clv_model_parameters and clv_holdout_calibration
    # fit at the same time in a build, and must give the same bits as a fit alone
    with ThreadPoolExecutor(max_workers=2) as pool:
        fits = list(pool.map(lambda _: fit_parameters(inputs, ClvConfig()), range(2)))
    for fit in fits:
        pd.testing.assert_frame_equal(fit, parameters, check_exact=True)


def test_predictions_are_the_librarys_own_for_each_customer(
    inputs: pd.DataFrame, parameters: pd.DataFrame, predictions: pd.DataFrame
) -> None:
    """Predicting each distinct history once and scaling by spend gives pymc-marketing's per-customer figures."""
    repeated = pd.concat([inputs, inputs.assign(customer_id="r" + inputs["customer_id"])], ignore_index=True)
    twice = predict_lifetime_value(repeated, parameters, ClvConfig())
    buyers = library_frame(inputs[inputs["has_purchased"]])
    # pymc-marketing through the module, which sets PyTensor's compile cache before importing it
    bg_nbd = clv_model._with_parameters(
        clv_model.BetaGeoModel(), clv_model._fitted_values(parameters, "bg_nbd"), buyers.head(2)
    )
    spend = predictions.set_index("customer_id").loc[buyers["customer_id"], "expected_order_value_usd"].to_numpy()
    expected = {
        "probability_active": clv_model._values(bg_nbd.expected_probability_alive(buyers)),
        "expected_purchases_90d": clv_model._values(bg_nbd.expected_purchases(buyers, future_t=90)),
        "lifetime_value_usd": clv_model._values(clv_model.customer_lifetime_value(
            transaction_model=bg_nbd, data=buyers.assign(future_spend=spend), future_t=12, discount_rate=0.01,
        )),
    }
    for frame in (predictions, twice.iloc[len(inputs):].assign(customer_id=lambda f: f["customer_id"].str[1:])):
        actual = frame.set_index("customer_id").loc[buyers["customer_id"]]
        for column, values in expected.items():
            np.testing.assert_allclose(actual[column].to_numpy(), values, rtol=1e-9, err_msg=column)


def test_the_fit_sample_is_bounded_and_does_not_depend_on_row_order(inputs: pd.DataFrame) -> None:
    config = ClvConfig(fit_sample_size=150)
    sample = fit_sample(inputs, config)
    assert len(sample) == 150 and sample["customer_id"].is_unique
    assert sample["customer_id"].str.startswith("b").all()
    assert fit_sample(inputs.iloc[::-1], config)["customer_id"].tolist() == sample["customer_id"].tolist()
    parameters = fit_parameters(inputs, config)
    assert set(parameters["fitted_customers"][parameters["model_name"] == "bg_nbd"]) == {150}
    assert set(parameters["eligible_customers"]) == {400}
    # fewer buyers than the bound: all of them
    assert len(fit_sample(inputs, ClvConfig())) == 400


def test_fitting_bg_nbd_alone_gives_its_parameters_of_the_full_fit(
    inputs: pd.DataFrame, parameters: pd.DataFrame
) -> None:
    alone = fit_parameters(inputs, ClvConfig(), models=("bg_nbd",))
    assert set(alone["model_name"]) == {"bg_nbd"}
    pd.testing.assert_frame_equal(alone, parameters[parameters["model_name"] == "bg_nbd"].reset_index(drop=True))


def test_the_discount_lowers_the_lifetime_value(inputs: pd.DataFrame, parameters: pd.DataFrame) -> None:
    undiscounted = predict_lifetime_value(inputs, parameters, ClvConfig(monthly_discount_rate=0.0))
    discounted = predict_lifetime_value(inputs, parameters, ClvConfig(monthly_discount_rate=0.05))
    longer = predict_lifetime_value(inputs, parameters, ClvConfig(horizon_months=24))
    buyers = undiscounted["lifetime_value_usd"].notna()
    assert (discounted["lifetime_value_usd"][buyers] < undiscounted["lifetime_value_usd"][buyers]).all()
    assert (longer["lifetime_value_usd"][buyers] > discounted["lifetime_value_usd"][buyers]).all()
    assert set(longer["horizon_months"]) == {24}


def test_a_missing_column_fails_clearly(inputs: pd.DataFrame) -> None:
    with pytest.raises(ClvInputError, match=r"customer_clv_inputs: missing columns \['t_days'\]"):
        fit_parameters(inputs.drop(columns="t_days"), ClvConfig())
    with pytest.raises(ClvInputError, match=r"clv_model_parameters: gamma_gamma misses the parameters \['q'\]"):
        predict_lifetime_value(inputs, fit_parameters(inputs, ClvConfig()).query("parameter != 'q'"), ClvConfig())


def test_without_repeat_buyers_nothing_is_fitted_and_buyers_get_nulls_with_the_reason(inputs: pd.DataFrame) -> None:
    one_timers = inputs[(inputs["frequency"] == 0).fillna(True)]
    parameters = fit_parameters(one_timers, ClvConfig())
    assert set(parameters["fit_status"]) == {"too_few_buyers", "too_few_repeat_buyers"}
    assert parameters["value"].isna().all() and (parameters["fitted_customers"] == 0).all()
    predictions = predict_lifetime_value(one_timers, parameters, ClvConfig())
    bought = one_timers["has_purchased"].to_numpy()
    assert set(predictions["prediction_status"][bought]) == {"not_fitted"}
    assert set(predictions["prediction_status"][~bought]) == {"no_purchase"}
    assert predictions[PREDICTIONS].isna().all().all()


def test_with_one_repeat_buyer_purchases_are_predicted_but_not_spend(inputs: pd.DataFrame) -> None:
    repeat = inputs[(inputs["frequency"] > 0).fillna(False)].head(1)
    few = pd.concat([repeat, inputs[(inputs["frequency"] == 0).fillna(False)]])
    parameters = fit_parameters(few, ClvConfig())
    assert parameters.groupby("model_name")["fit_status"].first().to_dict() == {
        "bg_nbd": "fitted", "gamma_gamma": "too_few_repeat_buyers"}
    predictions = predict_lifetime_value(few, parameters, ClvConfig())
    assert set(predictions["prediction_status"]) == {"no_spend_estimate"}
    assert predictions["expected_purchases_365d"].notna().all()
    assert predictions[["expected_order_value_usd", "lifetime_value_usd"]].isna().all().all()


def test_config_from_a_dbt_config() -> None:
    config = ClvConfig.from_mapping({"fit_sample_size": "1000", "monthly_discount_rate": "0.02", "random_state": None})
    assert config == ClvConfig(fit_sample_size=1000, monthly_discount_rate=0.02)
    with pytest.raises(ClvConfigError, match="unknown clv settings"):
        ClvConfig.from_mapping({"horizon": 12})
    with pytest.raises(ClvConfigError, match="horizon_months"):
        ClvConfig.from_mapping({"horizon_months": 0})
    with pytest.raises(ClvConfigError, match="expected an integer"):
        ClvConfig.from_mapping({"fit_sample_size": "many"})


def test_the_table_holds_money_as_cents(predictions: pd.DataFrame) -> None:
    table = lifetime_value_table(predictions)
    assert table.schema.field("lifetime_value_usd").type == pa.decimal128(18, 2)
    assert table.schema.field("expected_purchases_30d").type == pa.float64()
    value = table.column("lifetime_value_usd")[0].as_py()
    assert value == Decimal(str(round(predictions["lifetime_value_usd"].iloc[0], 2)))


def test_without_a_population_mean_one_time_buyers_get_the_repeat_buyers_mean_spend(
    inputs: pd.DataFrame, parameters: pd.DataFrame, predictions: pd.DataFrame
) -> None:
    heavy_tail = parameters.assign(value=parameters["value"].where(parameters["parameter"] != "q", 0.8))
    heavy = predict_lifetime_value(inputs, heavy_tail, ClvConfig())
    one_time = (inputs["frequency"] == 0).fillna(False).to_numpy()
    assert set(heavy["prediction_status"][one_time]) == {"repeat_buyer_mean_spend"}
    repeat_mean = inputs.loc[(inputs["frequency"] > 0).fillna(False), "monetary_value_usd"].astype(float).mean()
    assert heavy["expected_order_value_usd"][one_time].to_numpy() == pytest.approx(repeat_mean)
    # the lifetime value is that spend times the same discounted purchases as with the population mean
    ratio = heavy["lifetime_value_usd"][one_time] / predictions["lifetime_value_usd"][one_time]
    spend_ratio = heavy["expected_order_value_usd"][one_time] / predictions["expected_order_value_usd"][one_time]
    assert ratio.to_numpy() == pytest.approx(spend_ratio.to_numpy())

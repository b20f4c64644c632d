"""BG/NBD repeat purchases and Gamma-Gamma spend per customer, with pymc-marketing.

``fit_parameters`` fits both models by maximum a posteriori (MAP) on a sample of the
buyers and returns their parameters (``clv_model_parameters``);
``predict_lifetime_value`` predicts every customer from those parameters
(``customer_lifetime_value``). The inputs are one row per customer, in the library's
terms (``customer_clv_inputs``): frequency = repeat purchase days, recency_days =
days from the first to the last purchase day, t_days = days from the first purchase
day to the analysis date, monetary_value_usd = mean spend of the repeat purchase days.
"""

from __future__ import annotations

import warnings
from typing import Final

import arviz as az
import numpy as np
import pandas as pd
import xarray as xr
from pymc_marketing.clv import BetaGeoModel, GammaGammaModel

from shopsmart.segmentation.selection import sample_rows

from .config import ClvConfig

INPUT_COLUMNS: Final[tuple[str, ...]] = (
    "customer_id", "has_purchased", "frequency", "recency_days", "t_days", "monetary_value_usd",
)
BG_NBD: Final[str] = "bg_nbd"
GAMMA_GAMMA: Final[str] = "gamma_gamma"
MODEL_PARAMETERS: Final[dict[str, tuple[str, ...]]] = {BG_NBD: ("a", "b", "alpha", "r"), GAMMA_GAMMA: ("p", "q", "v")}
#: Days ahead of the analysis date for which expected purchases are predicted.
PURCHASE_HORIZONS_DAYS: Final[tuple[int, ...]] = (30, 90, 365)

NO_PURCHASE: Final[str] = "no_purchase"
POPULATION_MEAN_SPEND: Final[str] = "population_mean_spend"
PREDICTED: Final[str] = "predicted"
#: A fitted Gamma-Gamma q of 1 or less: the population's mean spend does not exist (heavy tail).
NO_SPEND_ESTIMATE: Final[str] = "no_spend_estimate"


class ClvInputError(ValueError):
    """The inputs miss a column, or hold too few buyers to fit a model."""


def fit_parameters(inputs: pd.DataFrame, config: ClvConfig) -> pd.DataFrame:
    """The MAP parameters of BG/NBD (a, b, alpha, r) and Gamma-Gamma (p, q, v), one row per parameter.

    Both are fitted on the same uniform sample of at most ``config.fit_sample_size``
    buyers, drawn from the buyers ordered by customer_id; Gamma-Gamma on the sample's
    repeat buyers with a positive mean spend.
    """
    sample = fit_sample(inputs, config)
    spenders = sample[(sample["frequency"] > 0) & (sample["monetary_value"] > 0)]
    if len(spenders) < 2:
        raise ClvInputError(
            "customer_clv_inputs: the Gamma-Gamma spend model needs at least 2 repeat buyers with a positive "
            f"monetary_value_usd in the fit sample, got {len(spenders)}"
        )
    fits = {BG_NBD: (BetaGeoModel(), sample), GAMMA_GAMMA: (GammaGammaModel(), spenders)}
    rows = []
    for name, (model, data) in fits.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            model.fit(data, method="map", progressbar=False, seed=config.random_state)
        rows += [
            {"model_name": name, "parameter": parameter, "value": float(model.fit_result[parameter].item()),
             "fitted_customers": len(data), "eligible_customers": int(inputs["has_purchased"].sum())}
            for parameter in MODEL_PARAMETERS[name]
        ]
    return pd.DataFrame(rows).astype({"fitted_customers": "int64", "eligible_customers": "int64"})


def fit_sample(inputs: pd.DataFrame, config: ClvConfig) -> pd.DataFrame:
    """The buyers a fit uses, in the library's column names: all of them, or a sample of fit_sample_size."""
    buyers = library_frame(inputs[inputs["has_purchased"]].sort_values("customer_id", kind="stable"))
    if len(buyers) < 2:
        raise ClvInputError(f"customer_clv_inputs: the BG/NBD model needs at least 2 buyers, got {len(buyers)}")
    return buyers.iloc[sample_rows(len(buyers), config.fit_sample_size, config.random_state)].reset_index(drop=True)


def library_frame(inputs: pd.DataFrame) -> pd.DataFrame:
    """Buyers' inputs renamed to pymc-marketing's columns; a missing mean spend (no repeat purchase) is 0."""
    missing = sorted(set(INPUT_COLUMNS) - set(inputs.columns))
    if missing:
        raise ClvInputError(f"customer_clv_inputs: missing columns {missing}")
    return pd.DataFrame({
        "customer_id": inputs["customer_id"].to_numpy(),
        "frequency": inputs["frequency"].to_numpy(dtype=float),
        "recency": inputs["recency_days"].to_numpy(dtype=float),
        "T": inputs["t_days"].to_numpy(dtype=float),
        "monetary_value": inputs["monetary_value_usd"].astype(float).fillna(0.0).to_numpy(),
    })


def predict_lifetime_value(inputs: pd.DataFrame, parameters: pd.DataFrame, config: ClvConfig) -> pd.DataFrame:
    """One row per customer of ``inputs``: probability active, expected purchases, spend and lifetime value.

    Customers who never bought get nulls and prediction_status 'no_purchase'. Buyers
    without a repeat purchase day (or whose repeat days spent nothing) get BG/NBD
    predictions and, as expected spend per order, the Gamma-Gamma population mean
    ('population_mean_spend'); repeat buyers get their own expected spend ('predicted').
    When the fitted q is 1 or less that mean does not exist: those buyers get null spend
    and lifetime value ('no_spend_estimate').
    """
    buyers = library_frame(inputs[inputs["has_purchased"]])
    predictions = pd.DataFrame({"customer_id": buyers["customer_id"]})
    if len(buyers):
        bg_nbd = _with_parameters(BetaGeoModel(), parameters, BG_NBD, buyers.head(2))
        gamma_gamma = _with_parameters(GammaGammaModel(), parameters, GAMMA_GAMMA, None)
        predictions["probability_active"] = _values(bg_nbd.expected_probability_alive(buyers))
        for days in PURCHASE_HORIZONS_DAYS:
            predictions[f"expected_purchases_{days}d"] = _values(bg_nbd.expected_purchases(buyers, future_t=days))
        predictions["expected_order_value_usd"] = _values(gamma_gamma.expected_customer_spend(buyers))
        predictions["lifetime_value_usd"] = _values(gamma_gamma.expected_customer_lifetime_value(
            transaction_model=bg_nbd, data=buyers.copy(), future_t=config.horizon_months,
            discount_rate=config.monthly_discount_rate, time_unit="D",
        ))
        q = parameters.loc[parameters["parameter"] == "q", "value"].item()
        population = POPULATION_MEAN_SPEND if q > 1 else NO_SPEND_ESTIMATE
        predictions["prediction_status"] = np.where(buyers["monetary_value"] > 0, PREDICTED, population)
        undefined = predictions["prediction_status"] == NO_SPEND_ESTIMATE
        predictions.loc[undefined, ["expected_order_value_usd", "lifetime_value_usd"]] = np.nan
    result = inputs[["customer_id"]].merge(predictions, on="customer_id", how="left", validate="one_to_one")
    result["prediction_status"] = result["prediction_status"].fillna(NO_PURCHASE).astype(str)
    result["horizon_months"] = np.int64(config.horizon_months)
    result["monthly_discount_rate"] = float(config.monthly_discount_rate)
    return result[["customer_id", "prediction_status", "probability_active",
                   *[f"expected_purchases_{days}d" for days in PURCHASE_HORIZONS_DAYS],
                   "expected_order_value_usd", "lifetime_value_usd", "horizon_months", "monthly_discount_rate"]]


def _with_parameters(model, parameters: pd.DataFrame, name: str, data: pd.DataFrame | None):
    """A model of pymc-marketing holding the given parameters as its (one-draw, MAP) posterior.

    BG/NBD's predictions read the built model's coordinates, so it is built on a couple
    of rows (no compilation); Gamma-Gamma's read the posterior alone.
    """
    values = parameters[parameters["model_name"] == name].set_index("parameter")["value"]
    missing = sorted(set(MODEL_PARAMETERS[name]) - set(values.index))
    if missing:
        raise ClvInputError(f"clv_model_parameters: {name} misses the parameters {missing}")
    if data is not None:
        model.build_model(data)
    model.idata = az.InferenceData(posterior=xr.Dataset(
        {parameter: (("chain", "draw"), [[float(values[parameter])]]) for parameter in MODEL_PARAMETERS[name]}
    ))
    return model


def _values(array: xr.DataArray) -> np.ndarray:
    """One value per customer from a MAP (one chain, one draw) prediction."""
    return array.squeeze(("chain", "draw"), drop=True).transpose("customer_id").to_numpy()

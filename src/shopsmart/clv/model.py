"""BG/NBD repeat purchases and Gamma-Gamma spend per customer, with pymc-marketing.

``fit_parameters`` fits both models by maximum a posteriori (MAP) on a sample of the
buyers and returns their parameters (``clv_model_parameters``);
``predict_lifetime_value`` predicts every customer from those parameters
(``customer_lifetime_value``). The inputs are one row per customer, in the library's
terms (``customer_clv_inputs``): frequency = repeat purchase days, recency_days =
days from the first to the last purchase day, t_days = days from the first purchase
day to the analysis date, monetary_value_usd = mean spend of the repeat purchase days.

A shop whose data cannot support a model still builds: a model without enough
buyers is not fitted (``fit_status``, null parameters), and the customers it would
have predicted get null predictions with the reason in ``prediction_status``.
"""

from __future__ import annotations

import threading
import warnings
from typing import Final

import arviz as az
import numpy as np
import pandas as pd
import xarray as xr
from pymc_marketing.clv import BetaGeoModel, GammaGammaModel
from pymc_marketing.clv.utils import customer_lifetime_value

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
#: The purchase history BG/NBD predicts from, in pymc-marketing's column names.
HISTORY_COLUMNS: Final[tuple[str, ...]] = ("frequency", "recency", "T")
#: Expected purchases over the lifetime-value horizon, each month discounted.
DISCOUNTED_PURCHASES: Final[str] = "discounted_purchases"
#: How close to 1 a + b may come before the predictions move b off the pole (see _off_the_pole).
POLE_GAP: Final[float] = 1e-9
#: One pymc model built or fitted at a time in this process. dbt runs Python models in threads
#: of one process, and two MAP fits at the same time (clv_model_parameters and
#: clv_holdout_calibration in a build) gave parameters that differed in the ninth digit from
#: run to run: pymc and PyTensor keep process-wide state while they build and compile a model.
PYMC_LOCK: Final = threading.Lock()
PREDICTION_COLUMNS: Final[tuple[str, ...]] = (
    "probability_active", *[f"expected_purchases_{days}d" for days in PURCHASE_HORIZONS_DAYS],
    "expected_order_value_usd", "lifetime_value_usd",
)

# fit_status of clv_model_parameters
FITTED: Final[str] = "fitted"
#: BG/NBD: fewer than 2 buyers, or no buyer with a repeat purchase day, in the fit sample.
TOO_FEW_BUYERS: Final[str] = "too_few_buyers"
#: Gamma-Gamma: fewer than 2 repeat buyers with a positive mean spend in the fit sample.
TOO_FEW_REPEAT_BUYERS: Final[str] = "too_few_repeat_buyers"

# prediction_status of customer_lifetime_value
PREDICTED: Final[str] = "predicted"
POPULATION_MEAN_SPEND: Final[str] = "population_mean_spend"
#: Gamma-Gamma gives no finite positive spend (a fitted q <= 1 has no population mean).
REPEAT_BUYER_MEAN_SPEND: Final[str] = "repeat_buyer_mean_spend"
#: Gamma-Gamma was not fitted: purchases are predicted, spend and lifetime value are null.
NO_SPEND_ESTIMATE: Final[str] = "no_spend_estimate"
#: BG/NBD was not fitted: every prediction is null.
NOT_FITTED: Final[str] = "not_fitted"
NO_PURCHASE: Final[str] = "no_purchase"


class ClvInputError(ValueError):
    """The inputs or the parameters miss a column or a parameter."""


def fit_parameters(
    inputs: pd.DataFrame, config: ClvConfig, models: tuple[str, ...] = (BG_NBD, GAMMA_GAMMA)
) -> pd.DataFrame:
    """The MAP parameters of BG/NBD (a, b, alpha, r) and Gamma-Gamma (p, q, v), one row per parameter.

    Both are fitted on the same uniform sample of at most ``config.fit_sample_size``
    buyers, drawn from the buyers ordered by customer_id; Gamma-Gamma on the sample's
    repeat buyers with a positive mean spend. A model with too few customers to fit
    gets null values and says why in fit_status. ``models`` names the models fitted
    (both by default; the holdout calibration needs BG/NBD only).
    """
    sample = fit_sample(inputs, config)
    spenders = sample[(sample["frequency"] > 0) & (sample["monetary_value"] > 0)]
    fits = {
        BG_NBD: (BetaGeoModel, sample, FITTED if len(sample) >= 2 and (sample["frequency"] > 0).any()
                 else TOO_FEW_BUYERS),
        GAMMA_GAMMA: (GammaGammaModel, spenders, FITTED if len(spenders) >= 2 else TOO_FEW_REPEAT_BUYERS),
    }
    rows = []
    for name in models:
        model_class, data, status = fits[name]
        values = _map_fit(model_class(), data, MODEL_PARAMETERS[name], config) if status == FITTED else {}
        rows += [
            {"model_name": name, "parameter": parameter, "value": values.get(parameter), "fit_status": status,
             "fitted_customers": len(data) if status == FITTED else 0,
             "eligible_customers": int(inputs["has_purchased"].sum())}
            for parameter in MODEL_PARAMETERS[name]
        ]
    return pd.DataFrame(rows).astype({"value": "float64", "fitted_customers": "int64", "eligible_customers": "int64"})


def _map_fit(model, data: pd.DataFrame, names: tuple[str, ...], config: ClvConfig) -> dict[str, float]:
    """The named parameters of ``model`` fitted by MAP on ``data``."""
    with PYMC_LOCK, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        model.fit(data, method="map", progressbar=False, seed=config.random_state)
    return {parameter: float(model.fit_result[parameter].item()) for parameter in names}


def fit_sample(inputs: pd.DataFrame, config: ClvConfig) -> pd.DataFrame:
    """The buyers a fit uses, in the library's column names: all of them, or a sample of fit_sample_size."""
    buyers = library_frame(inputs[inputs["has_purchased"]].sort_values("customer_id", kind="stable"))
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

    prediction_status says what each row holds:

    - 'predicted': a repeat buyer with spend, its own Gamma-Gamma expected spend;
    - 'population_mean_spend': a buyer without a repeat purchase day with spend (a
      one-time buyer), the Gamma-Gamma population mean p v / (q - 1);
    - 'repeat_buyer_mean_spend': a buyer for whom Gamma-Gamma gives no finite positive
      spend (a fitted q <= 1 has no population mean), the mean spend of all repeat
      buyers instead;
    - 'no_spend_estimate': Gamma-Gamma was not fitted: purchases predicted, null spend
      and lifetime value;
    - 'not_fitted': BG/NBD was not fitted: every prediction null;
    - 'no_purchase': never bought: every prediction null.
    """
    buyers = library_frame(inputs[inputs["has_purchased"]])
    predictions = pd.DataFrame({"customer_id": buyers["customer_id"], "prediction_status": NOT_FITTED})
    bg_nbd_values = _fitted_values(parameters, BG_NBD)
    if len(buyers) and bg_nbd_values is not None:
        purchases = predict_purchases(buyers, bg_nbd_values, PURCHASE_HORIZONS_DAYS, lifetime=config)
        spend, status = _expected_spend(buyers, parameters)
        for column in PREDICTION_COLUMNS[:-2]:
            predictions[column] = purchases[column].to_numpy()
        predictions["expected_order_value_usd"] = spend
        predictions["prediction_status"] = status
        predictions["lifetime_value_usd"] = spend * purchases[DISCOUNTED_PURCHASES].to_numpy()
    result = inputs[["customer_id"]].merge(predictions, on="customer_id", how="left", validate="one_to_one")
    result = result.reindex(columns=["customer_id", "prediction_status", *PREDICTION_COLUMNS])
    result[list(PREDICTION_COLUMNS)] = result[list(PREDICTION_COLUMNS)].astype("float64")
    result["prediction_status"] = result["prediction_status"].fillna(NO_PURCHASE).astype(str)
    result["horizon_months"] = np.int64(config.horizon_months)
    result["monthly_discount_rate"] = float(config.monthly_discount_rate)
    return result


def predict_purchases(
    buyers: pd.DataFrame, values: pd.Series, horizons_days: tuple[int, ...], lifetime: ClvConfig | None = None,
) -> pd.DataFrame:
    """BG/NBD's predictions for each buyer (library columns), in the order of ``buyers``.

    Columns: probability_active, expected_purchases_<days>d for each horizon and, with
    ``lifetime``, the discounted purchases of its lifetime-value horizon
    (pymc-marketing's customer_lifetime_value at a spend of 1 per purchase; lifetime
    value is linear in spend). Buyers with the same history (frequency, recency, T)
    get the same predictions, so each distinct history is predicted once: a million
    buyers have about a hundred thousand.
    """
    histories = buyers[list(HISTORY_COLUMNS)].drop_duplicates(ignore_index=True)
    histories.insert(0, "customer_id", np.arange(len(histories)))
    bg_nbd = _with_parameters(BetaGeoModel(), _off_the_pole(values), histories.head(2))
    histories["probability_active"] = _values(bg_nbd.expected_probability_alive(histories))
    for days in horizons_days:
        histories[f"expected_purchases_{days}d"] = _values(bg_nbd.expected_purchases(histories, future_t=days))
    if lifetime is not None:
        histories[DISCOUNTED_PURCHASES] = _values(customer_lifetime_value(
            transaction_model=bg_nbd, data=histories.assign(future_spend=1.0), future_t=lifetime.horizon_months,
            discount_rate=lifetime.monthly_discount_rate, time_unit="D",
        ))
    return buyers[list(HISTORY_COLUMNS)].merge(
        histories.drop(columns="customer_id"), on=list(HISTORY_COLUMNS), how="left", validate="many_to_one",
    )


def _off_the_pole(values: pd.Series) -> pd.Series:
    """BG/NBD parameters with b moved at most POLE_GAP so that a + b is not 1.

    At a + b = 1 (the lower bound of the default prior's a + b, where MAP fits land
    on data without visible dropout, such as the UCI file) a one-time buyer's
    hypergeometric function sits on its pole and pymc-marketing's expected purchases
    are NaN; just off it they are the finite no-dropout limit (r + x) t / (alpha + T).
    """
    if abs(values["a"] + values["b"] - 1) >= POLE_GAP:
        return values
    moved = values.copy()
    moved["b"] = 1 - values["a"] + POLE_GAP
    return moved


def _expected_spend(buyers: pd.DataFrame, parameters: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each buyer's expected spend per purchase day and its prediction_status."""
    gamma_gamma_values = _fitted_values(parameters, GAMMA_GAMMA)
    if gamma_gamma_values is None:
        return np.full(len(buyers), np.nan), np.full(len(buyers), NO_SPEND_ESTIMATE, dtype=object)
    gamma_gamma = _with_parameters(GammaGammaModel(), gamma_gamma_values, None)
    spent = (buyers["frequency"] > 0) & (buyers["monetary_value"] > 0)
    # repeat days that spent nothing tell Gamma-Gamma nothing: such buyers get the population mean, as one-time buyers
    with np.errstate(divide="ignore", invalid="ignore"):
        spend = _values(gamma_gamma.expected_customer_spend(
            buyers.assign(frequency=buyers["frequency"].where(spent, 0))
        ))
    status = np.where(spent, PREDICTED, POPULATION_MEAN_SPEND).astype(object)
    undefined = ~(np.isfinite(spend) & (spend > 0))
    spend[undefined] = buyers.loc[spent, "monetary_value"].mean()
    status[undefined] = REPEAT_BUYER_MEAN_SPEND
    return spend, status


def _fitted_values(parameters: pd.DataFrame, name: str) -> pd.Series | None:
    """A model's fitted parameter values by name; None when the model was not fitted."""
    rows = parameters[parameters["model_name"] == name].set_index("parameter")
    missing = sorted(set(MODEL_PARAMETERS[name]) - set(rows.index))
    if missing:
        raise ClvInputError(f"clv_model_parameters: {name} misses the parameters {missing}")
    if (rows["fit_status"] != FITTED).any():
        return None
    return rows["value"]


def _with_parameters(model, values: pd.Series, data: pd.DataFrame | None):
    """A model of pymc-marketing holding the given parameters as its (one-draw, MAP) posterior.

    BG/NBD's predictions read the built model's coordinates, so it is built on a couple
    of rows (no compilation); Gamma-Gamma's read the posterior alone.
    """
    if data is not None:
        with PYMC_LOCK:
            model.build_model(data)
    model.idata = az.InferenceData(posterior=xr.Dataset(
        {parameter: (("chain", "draw"), [[float(values[parameter])]]) for parameter in values.index}
    ))
    return model


def _values(array: xr.DataArray) -> np.ndarray:
    """One value per customer from a MAP (one chain, one draw) prediction."""
    return array.squeeze(("chain", "draw"), drop=True).transpose("customer_id").to_numpy()

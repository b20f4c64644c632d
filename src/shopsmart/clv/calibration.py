"""How well BG/NBD predicts purchases it has not seen: a holdout calibration, pandas in, pandas out.

``holdout_calibration`` reads the customers' history as of a cut-off
(``clv_holdout_inputs``: the same summary inputs as customer_clv_inputs, as of the
analysis date minus the holdout, and each customer's actual purchase days in the
holdout), fits BG/NBD on the buyers before the cut-off with :func:`fit_parameters`
(the same bounded sample as clv_model_parameters), predicts each buyer's expected
purchase days over the holdout and compares predicted with actual per frequency
bucket and in total (``clv_holdout_calibration``).

The prediction is the one customer_lifetime_value makes (``predict_purchases``:
pymc-marketing's, each distinct history once).
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from .config import ClvConfig, ClvConfigError
from .model import BG_NBD, FITTED, MODEL_PARAMETERS, fit_parameters, library_frame, predict_purchases

#: Buyers are bucketed by their repeat purchase days before the cut-off: 0, 1, ...,
#: TOP_BUCKET - 1, and TOP_BUCKET or more.
TOP_BUCKET: Final[int] = 6
TOTAL: Final[str] = "total"
CALIBRATION_COLUMNS: Final[tuple[str, ...]] = (
    "frequency_bucket", "bucket_order", "min_frequency", "customers", "predicted_purchases", "actual_purchases",
    "difference", "predicted_to_actual_ratio", "mean_probability_active", "holdout_days", "fit_status",
    "fitted_customers", "bg_nbd_r", "bg_nbd_alpha", "bg_nbd_a", "bg_nbd_b", "cutoff_date", "analysis_date",
)


def holdout_calibration(inputs: pd.DataFrame, config: ClvConfig, holdout_days: int) -> pd.DataFrame:
    """Predicted and actual holdout purchase days of the buyers before the cut-off, per bucket and in total.

    ``inputs`` is one row per customer as of the cut-off (customer_clv_inputs'
    columns) with ``holdout_purchase_days``, the purchase days in the holdout.
    One row per bucket ('0' to '5', '6+': repeat purchase days before the cut-off),
    every bucket present even when empty, then the row 'total'. When BG/NBD cannot
    be fitted (fit_status not 'fitted') the predictions are null and the actual
    figures are still counted.
    """
    if isinstance(holdout_days, bool) or int(holdout_days) != holdout_days or holdout_days < 1:
        raise ClvConfigError(f"holdout_days: must be a whole number of days, 1 or more, got {holdout_days!r}")
    buyers = inputs[inputs["has_purchased"].astype(bool)]
    frame = library_frame(buyers)
    actual = buyers["holdout_purchase_days"].to_numpy(dtype=np.int64)

    parameters = fit_parameters(inputs, config, models=(BG_NBD,))
    bg_nbd = parameters[parameters["model_name"] == BG_NBD].set_index("parameter")
    fit_status = str(bg_nbd["fit_status"].iloc[0])
    values = bg_nbd.loc[list(MODEL_PARAMETERS[BG_NBD]), "value"].astype(float) if fit_status == FITTED else None
    predicted = alive = None
    if values is not None:
        purchases = predict_purchases(frame, values, (holdout_days,))
        predicted = purchases[f"expected_purchases_{holdout_days}d"].to_numpy()
        alive = purchases["probability_active"].to_numpy()

    buckets = np.minimum(frame["frequency"].to_numpy(), TOP_BUCKET).astype(np.int64)
    rows = [_row(str(bucket) if bucket < TOP_BUCKET else f"{TOP_BUCKET}+", bucket, bucket, buckets == bucket,
                 predicted, actual, alive) for bucket in range(TOP_BUCKET + 1)]
    rows.append(_row(TOTAL, TOP_BUCKET + 1, 0, np.ones(len(frame), dtype=bool), predicted, actual, alive))
    result = pd.DataFrame(rows)
    result["holdout_days"] = np.int64(holdout_days)
    result["fit_status"] = fit_status
    result["fitted_customers"] = np.int64(bg_nbd["fitted_customers"].iloc[0])
    for name in ("r", "alpha", "a", "b"):
        result[f"bg_nbd_{name}"] = np.nan if values is None else values[name]
    for column in ("cutoff_date", "analysis_date"):
        result[column] = inputs[column].iloc[0] if len(inputs) else None
    return result.reindex(columns=list(CALIBRATION_COLUMNS)).astype({
        "bucket_order": "int64", "min_frequency": "int64", "customers": "int64", "actual_purchases": "int64",
        "predicted_purchases": "float64", "difference": "float64", "predicted_to_actual_ratio": "float64",
        "mean_probability_active": "float64", "bg_nbd_r": "float64", "bg_nbd_alpha": "float64",
        "bg_nbd_a": "float64", "bg_nbd_b": "float64",
    })


def _row(label: str, order: int, lowest: int, members: np.ndarray, predicted: np.ndarray | None,
         actual: np.ndarray, alive: np.ndarray | None) -> dict[str, object]:
    """One row of the calibration: the members' customers, predicted and actual purchase days."""
    customers = int(members.sum())
    total_predicted = np.nan if predicted is None else float(predicted[members].sum())
    total_actual = int(actual[members].sum())
    return {
        "frequency_bucket": label, "bucket_order": order, "min_frequency": lowest, "customers": customers,
        "predicted_purchases": total_predicted, "actual_purchases": total_actual,
        "difference": total_predicted - total_actual,
        "predicted_to_actual_ratio": total_predicted / total_actual if total_actual else np.nan,
        "mean_probability_active": float(alive[members].mean()) if customers and alive is not None else np.nan,
    }

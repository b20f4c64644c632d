"""clv_holdout_calibration: BG/NBD's predicted against actual purchases in a holdout.

The logic lives in shopsmart.clv.calibration (holdout_calibration); this model
fetches clv_holdout_inputs as Arrow, reads the settings from its yml config and
returns one row per frequency bucket and one in total. It is written to the
diagnostics schema, not marts.
"""

from shopsmart.clv import ClvConfig
from shopsmart.clv.calibration import holdout_calibration
from shopsmart.segmentation import arrow_to_pandas


def model(dbt, session):
    config = ClvConfig.from_mapping(dbt.config.get("clv"))
    holdout_days = int(str(dbt.config.get("holdout_days")).strip())
    inputs = arrow_to_pandas(dbt.ref("clv_holdout_inputs").arrow())
    return holdout_calibration(inputs, config, holdout_days)

"""clv_model_parameters: BG/NBD and Gamma-Gamma fitted by MAP on a sample of the buyers.

The logic lives in shopsmart.clv (fit_parameters); this model fetches
customer_clv_inputs as Arrow, reads the settings from its yml config and returns one
row per parameter. It is written to the diagnostics schema, not marts.
"""

from shopsmart.clv import ClvConfig, fit_parameters
from shopsmart.segmentation import arrow_to_pandas


def model(dbt, session):
    config = ClvConfig.from_mapping(dbt.config.get("clv"))
    inputs = arrow_to_pandas(dbt.ref("customer_clv_inputs").arrow())
    return fit_parameters(inputs, config)

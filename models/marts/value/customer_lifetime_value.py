"""customer_lifetime_value: every customer's expected purchases, spend and lifetime value.

The logic lives in shopsmart.clv (predict_lifetime_value); this model fetches
customer_clv_inputs and the parameters of clv_model_parameters as Arrow, reads the
settings from its yml config and returns one row per customer (money as decimals).
"""

from shopsmart.clv import ClvConfig, lifetime_value_table, predict_lifetime_value
from shopsmart.segmentation import arrow_to_pandas


def model(dbt, session):
    config = ClvConfig.from_mapping(dbt.config.get("clv"))
    inputs = arrow_to_pandas(dbt.ref("customer_clv_inputs").arrow())
    parameters = arrow_to_pandas(dbt.ref("clv_model_parameters").arrow())
    return lifetime_value_table(predict_lifetime_value(inputs, parameters, config))

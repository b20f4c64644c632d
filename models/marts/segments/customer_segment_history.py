"""customer_segment_history: every customer as of every month end, in today's segments.

The logic lives in shopsmart.segmentation (assign_history); this model reads the
settings from its yml config and today's customer_features (customer_id and the
features only: scaling_input), and returns the DuckDB relation that scales and
assigns the rows of customer_features_monthly, so that the history (customers x
months) is computed by DuckDB, not in pandas.
"""

from shopsmart.segmentation import SegmentationConfig, assign_history, scaling_input


def model(dbt, session):
    config = SegmentationConfig.from_mapping(dbt.config.get("segmentation"))
    features = scaling_input(dbt.ref("customer_features"), config)
    return assign_history(dbt.ref("customer_features_monthly"), features, dbt.ref("customer_segments"), config)

"""customer_segment_history: every customer as of every month end, in today's segments.

The logic lives in shopsmart.segmentation (assign_history); this model fetches its
inputs as Arrow, reads the settings from its yml config and returns one row per
customer and month end, as Arrow with money as decimal(18,2).
"""

from shopsmart.segmentation import SegmentationConfig, arrow_to_pandas, assign_history, pandas_to_arrow


def model(dbt, session):
    config = SegmentationConfig.from_mapping(dbt.config.get("segmentation"))
    history = arrow_to_pandas(dbt.ref("customer_features_monthly").arrow())
    features = arrow_to_pandas(dbt.ref("customer_features").arrow())
    segments = arrow_to_pandas(dbt.ref("customer_segments").arrow())
    return pandas_to_arrow(assign_history(history, features, segments, config))

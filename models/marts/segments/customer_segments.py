"""customer_segments: every customer in a segment of the model chosen in segment_model_fits.

The logic lives in shopsmart.segmentation (assign_segments); this model fetches its
inputs as Arrow (from customer_features only customer_id, the features and the
profile columns that order and name the segments: scaling_input), reads the settings
from its yml config and returns one row per customer.
"""

from shopsmart.segmentation import (
    PROFILE_COLUMNS,
    SegmentationConfig,
    arrow_to_pandas,
    assign_segments,
    scaling_input,
)


def model(dbt, session):
    config = SegmentationConfig.from_mapping(dbt.config.get("segmentation"))
    features = scaling_input(dbt.ref("customer_features"), config, also=PROFILE_COLUMNS)
    fits = arrow_to_pandas(dbt.ref("segment_model_fits").arrow())
    return assign_segments(features, fits, config)

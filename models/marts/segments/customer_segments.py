"""customer_segments: every customer in a segment of the model chosen in segment_model_fits.

The logic lives in shopsmart.segmentation (assign_segments); this model fetches its
inputs as Arrow, reads the settings from its yml config and returns one row per
customer.
"""

from shopsmart.segmentation import SegmentationConfig, arrow_to_pandas, assign_segments


def model(dbt, session):
    config = SegmentationConfig.from_mapping(dbt.config.get("segmentation"))
    features = arrow_to_pandas(dbt.ref("customer_features").arrow())
    fits = arrow_to_pandas(dbt.ref("segment_model_fits").arrow())
    return assign_segments(features, fits, config)

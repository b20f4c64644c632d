"""Model selection for customer_segments: K-Means fitted for every candidate k.

The logic lives in shopsmart.segmentation (select_model); this model fetches
customer_id and the features of customer_features (scaling_input), reads the
settings from its yml config and returns one row per k with its fitted centroids.
It is written to the diagnostics schema, not marts: its centroids are a JSON text
blob for customer_segments, not a figure for BI tools, which read the selection
curves from segment_model_diagnostics.
"""

from shopsmart.segmentation import SegmentationConfig, scaling_input, select_model


def model(dbt, session):
    config = SegmentationConfig.from_mapping(dbt.config.get("segmentation"))
    features = scaling_input(dbt.ref("customer_features"), config)
    return select_model(features, config)

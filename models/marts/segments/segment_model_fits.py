"""Model selection for customer_segments: K-Means fitted for every candidate k.

The logic lives in shopsmart.segmentation (select_model); this model fetches
customer_features as Arrow, reads the settings from its yml config and returns
one row per k with its fitted centroids. It is written to the diagnostics schema,
not marts: its centroids are a JSON text blob for customer_segments, not a figure
for BI tools, which read the selection curves from segment_model_diagnostics.
"""

from shopsmart.segmentation import SegmentationConfig, arrow_to_pandas, select_model


def model(dbt, session):
    config = SegmentationConfig.from_mapping(dbt.config.get("segmentation"))
    features = arrow_to_pandas(dbt.ref("customer_features").arrow())
    return select_model(features, config)

"""K-Means customer segmentation: pandas in, pandas out.

``select_model`` fits every candidate k on a sample and returns the diagnostics
(``segment_model_fits``); ``assign_segments`` puts every customer in a segment
of the chosen model (``customer_segments``); ``segment_customers`` does both;
``assign_history`` puts the customers of past month ends in today's segments
(``customer_segment_history``), from ``segment_centroids``: it takes and returns
DuckDB relations, since that history grows with customers x months.
``scaling_input`` fetches from customer_features only the columns that the
scaling reads, and those the caller names (``PROFILE_COLUMNS``, which order and
name the segments). The dbt Python models in models/marts/segments/ only fetch
their inputs and call these.
"""

from .arrow import arrow_to_pandas, pandas_to_arrow
from .config import SegmentationConfig, SegmentationConfigError
from .features import FeatureScaler, MissingFeatureError, scaling_input
from .history import assign_history, history_sql, segment_centroids
from .naming import PROFILE_COLUMNS
from .segments import assign_segments, segment_customers
from .selection import choose_k, select_model

__all__ = [
    "PROFILE_COLUMNS",
    "FeatureScaler",
    "MissingFeatureError",
    "SegmentationConfig",
    "SegmentationConfigError",
    "arrow_to_pandas",
    "assign_history",
    "assign_segments",
    "choose_k",
    "history_sql",
    "pandas_to_arrow",
    "scaling_input",
    "segment_centroids",
    "segment_customers",
    "select_model",
]

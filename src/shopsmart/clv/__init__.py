"""Customer lifetime value: BG/NBD repeat purchases and Gamma-Gamma spend, pandas in, pandas out.

``fit_parameters`` fits both models on a sample of buyers (``clv_model_parameters``);
``predict_lifetime_value`` predicts every customer from the fitted parameters
(``customer_lifetime_value``). The dbt Python models in models/marts/value/ only
fetch their inputs and call these.

PyTensor's compile cache is set to target/pytensor (see compile_cache) before
pymc-marketing, and so pytensor, is first imported.
"""

from .compile_cache import COMPILE_CACHE_DIR, use_project_compile_cache

use_project_compile_cache()

from .arrow import lifetime_value_table  # noqa: E402
from .config import ClvConfig, ClvConfigError  # noqa: E402
from .model import ClvInputError, fit_parameters, predict_lifetime_value  # noqa: E402

__all__ = [
    "COMPILE_CACHE_DIR",
    "ClvConfig",
    "ClvConfigError",
    "ClvInputError",
    "fit_parameters",
    "lifetime_value_table",
    "predict_lifetime_value",
    "use_project_compile_cache",
]

"""Where PyTensor keeps the C code it compiles for the model fits.

PyTensor compiles each model's log-probability and gradient with the C compiler and
caches the result; a warm cache saves most of a fit's time. The cache folder is read
once, when pytensor is first imported, so :func:`use_project_compile_cache` must run
before that (``shopsmart.clv`` calls it on import).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

#: The cache folder, relative to the directory dbt (or pytest) runs in: the project's target/.
COMPILE_CACHE_DIR: Final[Path] = Path("target") / "pytensor"


def use_project_compile_cache(cache_dir: Path = COMPILE_CACHE_DIR) -> None:
    """Point PyTensor's compile cache at ``cache_dir`` (absolute), unless the user set PYTENSOR_FLAGS."""
    if os.environ.get("PYTENSOR_FLAGS"):
        return
    os.environ["PYTENSOR_FLAGS"] = f"base_compiledir={cache_dir.resolve()}"

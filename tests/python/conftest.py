from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from dbt_project import DbtRun, dbt, parse_manifest  # noqa: E402


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> DbtRun:
    """`dbt build` of the whole project on the embedded sample, as a new user runs it."""
    run = dbt("build", tmp_path_factory.mktemp("sample_build"))
    assert run.returncode == 0, run.output[-5000:]
    return run


@pytest.fixture(scope="session")
def sample_manifest(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The manifest of `dbt parse` of the default build (the embedded sample), parsed once; read, never changed."""
    return parse_manifest(tmp_path_factory.mktemp("parse_sample"))

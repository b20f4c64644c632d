"""Generate the dbt docs site of a built warehouse with scripts/build_docs.sh, once per test session."""

from __future__ import annotations

import functools
import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from dbt_project import DBT, PROJECT_DIR

BUILD_DOCS = PROJECT_DIR / "scripts" / "build_docs.sh"


@dataclass(frozen=True)
class DocsSite:
    index_html: Path
    # manifest.json and catalog.json of the generation
    target_dir: Path

    def manifest(self) -> dict:
        return json.loads((self.target_dir / "manifest.json").read_text())

    def catalog(self) -> dict:
        return json.loads((self.target_dir / "catalog.json").read_text())


@functools.cache
def generate_docs_site(database: Path) -> DocsSite:
    """Run the docs command on the warehouse `database`, beside it; the same site for every caller."""
    work_dir = database.parent / "docs_site"
    site_dir = work_dir / "site"
    target_dir = work_dir / "target"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPSMART_")}
    env.update(
        SHOPSMART_DUCKDB_PATH=str(database),
        DBT=str(DBT),
        DBT_TARGET_PATH=str(target_dir),
        DBT_LOG_PATH=str(work_dir / "logs"),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
    )
    completed = subprocess.run(
        [str(BUILD_DOCS), str(site_dir)],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, (completed.stdout + completed.stderr)[-5000:]
    return DocsSite(site_dir / "index.html", target_dir)

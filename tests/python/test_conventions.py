"""Quality gates: the project's conventions and its documentation, checked on the sample build.

The artifacts are those of the docs command (scripts/build_docs.sh) run on the
sample warehouse: manifest.json for what the project declares, catalog.json for
the columns that really exist.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path, PurePosixPath

import pytest
import yaml

from dbt_project import PROJECT_DIR, DbtRun
from docs_site import DocsSite, generate_docs_site

DBT_BOUNCER = Path(sys.executable).parent / "dbt-bouncer"
BOUNCER_CONFIG = PROJECT_DIR / "dbt-bouncer.yml"
DOCUMENTED_TYPES = {"model", "seed", "source", "snapshot", "exposure"}


@pytest.fixture(scope="module")
def docs_site(sample_build: DbtRun) -> DocsSite:
    return generate_docs_site(sample_build.database)


def documented_resources(manifest: dict) -> dict[str, dict]:
    resources = {**manifest["nodes"], **manifest["sources"], **manifest["exposures"]}
    return {uid: node for uid, node in resources.items() if node["resource_type"] in DOCUMENTED_TYPES}


def layer(model: dict) -> str:
    """The model's layer: its folder under models/, or `segments` for models/marts/segments."""
    parts = PurePosixPath(model["original_file_path"]).parts
    return "segments" if parts[1:3] == ("marts", "segments") else parts[1]


def test_dbt_bouncer_conventions_hold(docs_site: DocsSite, tmp_path: Path) -> None:
    """dbt-bouncer with the project's dbt-bouncer.yml: names by layer, lineage, tests, docs."""
    config = yaml.safe_load(BOUNCER_CONFIG.read_text())
    config["dbt_artifacts_dir"] = str(docs_site.target_dir)
    config_file = tmp_path / "dbt-bouncer.yml"
    config_file.write_text(yaml.safe_dump(config, sort_keys=False))
    completed = subprocess.run(
        [str(DBT_BOUNCER), "run", "--config-file", str(config_file), "--show-all-failures"],
        cwd=PROJECT_DIR,
        env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, (completed.stdout + completed.stderr)[-8000:]


def test_documentation_coverage_is_complete(docs_site: DocsSite) -> None:
    """Every source, seed, model and exposure, and every column of them, has a description."""
    manifest, catalog = docs_site.manifest(), docs_site.catalog()
    resources = documented_resources(manifest)
    items: list[tuple[str, bool]] = []
    for uid, node in resources.items():
        items.append((uid, bool(node["description"].strip())))
        for name, column in node.get("columns", {}).items():
            items.append((f"{uid}.{name}", bool(column["description"].strip())))
    # columns that exist in the warehouse but are not declared in a properties file
    for uid, entry in {**catalog["nodes"], **catalog["sources"]}.items():
        if uid not in resources:
            continue
        declared = {name.lower() for name in resources[uid].get("columns", {})}
        for name in entry["columns"]:
            if name.lower() not in declared:
                items.append((f"{uid}.{name} (not in its properties file)", False))
    # a table the catalog does not know could hide undeclared columns
    for uid, node in resources.items():
        if node["resource_type"] in {"model", "seed", "source", "snapshot"}:
            in_catalog = uid in catalog["nodes"] or uid in catalog["sources"]
            items.append((f"{uid} (in the warehouse catalog)", in_catalog))

    undocumented = [name for name, documented in items if not documented]
    coverage = 100 * (len(items) - len(undocumented)) / len(items)
    assert undocumented == [], f"documentation coverage {coverage:.1f}%"
    assert {node["resource_type"] for node in resources.values()} >= {"model", "seed", "source", "exposure"}


def test_shared_descriptions_are_written_once(docs_site: DocsSite) -> None:
    """A column description used by several models or sources lives in one docs block.

    Reads the properties files themselves: a description written out (not a
    `{{ doc(...) }}` reference) must not appear word for word on another column.
    """
    manifest = docs_site.manifest()
    files: dict[Path, set[str]] = defaultdict(set)
    for node in manifest["nodes"].values():
        if node["resource_type"] == "model" and node.get("patch_path"):
            files[PROJECT_DIR / node["patch_path"].split("://", 1)[1]].add(node["name"])
    for source in manifest["sources"].values():
        files[PROJECT_DIR / source["original_file_path"]].add(source["name"])

    written_out: dict[str, list[str]] = defaultdict(list)
    for path, names in files.items():
        properties = yaml.safe_load(path.read_text())
        tables = [model for model in properties.get("models") or [] if model["name"] in names]
        for source in properties.get("sources") or []:
            tables += [table for table in source.get("tables") or [] if table["name"] in names]
        for table in tables:
            for column in table.get("columns") or []:
                description = " ".join(str(column.get("description", "")).split())
                if description and "doc(" not in description:
                    written_out[description].append(f"{path.relative_to(PROJECT_DIR)}: {table['name']}.{column['name']}")

    repeated = {text: places for text, places in written_out.items() if len(places) > 1}
    assert repeated == {}, "\n".join(f"{text!r}: {places}" for text, places in repeated.items())


def test_lineage_is_coloured_by_layer(docs_site: DocsSite) -> None:
    """Every model has its layer's node colour in dbt docs, and no two layers share one."""
    colours: dict[str, set[str | None]] = defaultdict(set)
    for node in docs_site.manifest()["nodes"].values():
        if node["resource_type"] == "model":
            colours[layer(node)].add(node["config"]["docs"]["node_color"])
    assert {"staging", "intermediate", "marts"} <= colours.keys()
    uncoloured = [name for name, layer_colours in colours.items() if None in layer_colours]
    assert uncoloured == []
    assert all(len(layer_colours) == 1 for layer_colours in colours.values()), colours
    distinct = {colour for layer_colours in colours.values() for colour in layer_colours}
    assert len(distinct) == len(colours), colours

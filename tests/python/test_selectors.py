"""The named selections of selectors.yml (`dbt build --selector <name>`).

What each selector must take is derived from the parsed project, not from
selectors.yml: the folder of each model (its fqn in the manifest), the lineage
(the manifest's parent_map) and the tags of the data tests. `dbt ls` only parses,
so nothing is built.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from dbt_project import PROJECT_DIR, dbt, parse_manifest

MART_AREAS = sorted(p.name for p in (PROJECT_DIR / "models" / "marts").iterdir() if p.is_dir())


@dataclass
class Project:
    """The project parsed in work_dir (partial parsing makes each `dbt ls` after the first quick)."""

    work_dir: Path
    env: dict[str, str]
    manifest: dict

    def ls(self, selector: str, *args: str) -> set[str]:
        """The unique ids `dbt ls --selector <selector> <args>` lists."""
        run = dbt(
            "ls", self.work_dir, self.env, "--selector", selector, *args,
            "--output", "json", "--output-keys", "unique_id", "--quiet",
        )
        assert run.returncode == 0, run.output[-3000:]
        return {json.loads(line)["unique_id"] for line in run.output.splitlines() if line.startswith("{")}

    def nodes(self, resource_type: str) -> dict[str, dict]:
        """The enabled nodes of a type (the tests of the other source's models stay, disabled)."""
        return {
            uid: n for uid, n in self.manifest["nodes"].items()
            if n["resource_type"] == resource_type and n["config"]["enabled"]
        }

    def models_in(self, *folder: str) -> set[str]:
        """The models whose folder under models/ starts with `folder` (fqn after the project name)."""
        return {
            uid for uid, node in self.nodes("model").items()
            if tuple(node["fqn"][1:1 + len(folder)]) == folder
        }

    def model_ancestors(self, models: set[str]) -> set[str]:
        """Every model that `models` are built from, directly or not (not `models` themselves)."""
        parent_map = self.manifest["parent_map"]
        seen: set[str] = set()
        todo = [p for m in models for p in parent_map[m]]
        while todo:
            node = todo.pop()
            if node not in seen:
                seen.add(node)
                todo += parent_map.get(node, [])
        return {n for n in seen if n.startswith("model.")} - models


def parse(work_dir: Path, env: dict[str, str]) -> Project:
    return Project(work_dir, env, parse_manifest(work_dir, env))


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The ShopSmart source, the default build."""
    return parse(tmp_path_factory.mktemp("selectors_shopsmart"), {})


@pytest.fixture(scope="module")
def online_retail_project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The online_retail source selected (parsing does not read the file)."""
    return parse(tmp_path_factory.mktemp("selectors_online_retail"), {"ONLINE_RETAIL_PATH": "lint-only.csv"})


def test_every_selector_has_a_description_and_every_mart_folder_a_selector(project: Project) -> None:
    selectors = yaml.safe_load((PROJECT_DIR / "selectors.yml").read_text())["selectors"]
    assert [s["name"] for s in selectors if len(str(s.get("description", "")).split()) < 5] == []
    names = {s["name"] for s in selectors}
    assert {"staging", "audit", "no_slow_tests"} <= names
    assert {f"marts_{area}" for area in MART_AREAS} <= names
    # the folders of models/marts are the areas of the marts dbt parsed
    assert MART_AREAS == sorted({n["fqn"][2] for n in project.nodes("model").values() if n["fqn"][1] == "marts"})
    assert len(MART_AREAS) >= 8


@pytest.mark.parametrize("source", ["shopsmart", "online_retail"])
def test_staging_selects_every_staging_model_of_the_selected_source_and_nothing_else(
    source: str, project: Project, online_retail_project: Project
) -> None:
    parsed = project if source == "shopsmart" else online_retail_project
    expected = parsed.models_in("staging")
    assert expected and expected == parsed.models_in("staging", source)
    names = {parsed.manifest["nodes"][uid]["name"] for uid in expected}
    assert any(n.startswith(f"base_{source}__") for n in names), names
    assert any(n.startswith(f"stg_{source}__") for n in names), names
    assert parsed.ls("staging", "--resource-type", "model") == expected


@pytest.mark.parametrize("area", MART_AREAS)
def test_an_area_selects_its_marts_and_what_they_and_their_tests_need_only(area: str, project: Project) -> None:
    area_marts = project.models_in("marts", area)
    assert area_marts
    # the data tests of the area's yml files, e.g. a relationships test to another area's mart
    area_tests = {
        uid for uid, node in project.nodes("test").items()
        if node["original_file_path"].startswith(f"models/marts/{area}/")
    }
    assert area_tests
    upstream = project.model_ancestors(area_marts | area_tests)
    selected = project.ls(f"marts_{area}", "--resource-type", "model")
    assert area_marts <= selected
    # another area's mart only when this area's marts or tests read it, never one that reads them
    other_marts = (project.models_in("marts") - area_marts) & selected
    assert other_marts <= upstream, sorted(other_marts - upstream)
    assert selected == area_marts | upstream, (sorted(selected - area_marts - upstream), sorted((area_marts | upstream) - selected))
    assert project.models_in("staging") & upstream


def test_audit_selects_the_quarantine_and_reconciliation_their_parents_and_the_audit_tests(project: Project) -> None:
    audit_models = project.models_in("audit")
    assert {project.manifest["nodes"][uid]["name"] for uid in audit_models} >= {"quarantine", "reconciliation"}
    selected = project.ls("audit")
    models = {uid for uid in selected if uid.startswith("model.")}
    assert models == audit_models | project.model_ancestors(audit_models)
    assert not project.models_in("marts") & models
    audit_tests = {
        uid for uid, node in project.nodes("test").items()
        if node["original_file_path"].startswith("tests/audit/")
        or set(node["depends_on"]["nodes"]) & audit_models
    }
    assert audit_tests and audit_tests <= selected


def test_no_slow_tests_selects_everything_but_the_data_tests_tagged_slow(project: Project) -> None:
    tests = project.nodes("test")
    slow = {uid for uid, node in tests.items() if "slow" in node["tags"]}
    assert len(slow) >= 3, "no data test is tagged slow"
    selected = project.ls("no_slow_tests")
    assert not slow & selected, sorted(slow & selected)
    assert set(tests) - slow <= selected
    every_model = set(project.nodes("model"))
    assert every_model <= selected
    assert set(project.nodes("seed")) <= selected
    assert set(project.manifest["unit_tests"]) <= selected
    assert project.ls("no_slow_tests", "--resource-type", "model") == every_model

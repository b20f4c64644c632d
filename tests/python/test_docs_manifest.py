"""What the docs site shows, checked on the manifest of `dbt parse` (no build needed).

- every macro of the project and each of its arguments has a description;
- no semantic model, metric or saved query shares its name with a model, seed or
  source table, so the lineage graph never shows two nodes of one name;
- each mart's description opens with a sentence that says what one row is,
  without naming an internal (int_, stg_, base_) model;
- the landing page (the `__overview__` docs block) names only what exists;
- each staging base model has one parent per table it reads: the embedded
  sample is the source's tables, not a seed beside the source.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from dbt_project import PROJECT_DIR, parse_manifest

PROJECT = "shopsmart_analytics"

# `{% macro name(args) %}` or `{% test name(args) %}`, the arguments up to the
# closing parenthesis of the signature (defaults may hold brackets and strings)
SIGNATURE = re.compile(r"\{%-?\s*(?:macro|test)\s+(\w+)\s*\(")


def signature_arguments(macro_sql: str) -> list[str]:
    """The argument names of the first macro or test signature in `macro_sql`."""
    match = SIGNATURE.search(macro_sql)
    assert match, macro_sql[:200]
    depth, quote, current, parts = 0, None, "", []
    for char in macro_sql[match.end():]:
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}" and depth:
            depth -= 1
        elif char == ")":
            break
        elif char == "," and not depth:
            parts.append(current)
            current = ""
            continue
        current += char
    parts.append(current)
    names = [part.split("=")[0].strip() for part in parts]
    return [name for name in names if name]


@pytest.fixture(scope="module")
def manifest(sample_manifest: dict) -> dict:
    """The manifest of the default build (the embedded sample)."""
    return sample_manifest


def test_signature_arguments_reads_defaults_with_brackets_and_strings() -> None:
    sql = "{% macro m(a, b=[], c={'x': 'y,z'}, d=none, e='(') -%} x {%- endmacro %}"
    assert signature_arguments(sql) == ["a", "b", "c", "d", "e"]
    assert signature_arguments("{% test t(model, expression, column_name=none) %}") == [
        "model", "expression", "column_name"
    ]
    assert signature_arguments("{% macro none_at_all() %}{% endmacro %}") == []


def test_every_project_macro_and_argument_is_described(manifest: dict) -> None:
    macros = [m for m in manifest["macros"].values() if m["package_name"] == PROJECT]
    # the dispatched implementations (default__, duckdb__) and the generic tests are project macros too
    assert len(macros) >= 90, len(macros)
    assert any(m["name"].startswith("duckdb__") for m in macros)
    assert any(m["name"].startswith("test_") for m in macros)

    undescribed = sorted(m["name"] for m in macros if not m["description"].strip())
    assert undescribed == [], f"{len(undescribed)} of {len(macros)} macros have no description: {undescribed}"

    problems = []
    for macro in macros:
        declared = signature_arguments(macro["macro_sql"])
        documented = [argument["name"] for argument in macro["arguments"]]
        if documented != declared:
            problems.append(f"{macro['name']}: arguments {declared}, documented {documented}")
        problems += [
            f"{macro['name']}.{argument['name']}: no description"
            for argument in macro["arguments"]
            if not argument["description"].strip()
        ]
        problems += [
            f"{macro['name']}.{argument['name']}: no type"
            for argument in macro["arguments"]
            if not (argument.get("type") or "").strip()
        ]
    assert problems == []


def lineage_node_names(manifest: dict) -> set[str]:
    """The names of the models, seeds, snapshots, source tables and exposures of the lineage graph."""
    return {
        node["name"]
        for node in [*manifest["nodes"].values(), *manifest["sources"].values(), *manifest["exposures"].values()]
        if node["resource_type"] in {"model", "seed", "snapshot", "source", "exposure"}
    }


def test_semantic_models_do_not_share_a_name_with_a_node(manifest: dict) -> None:
    semantic = {model["name"] for model in manifest["semantic_models"].values()}
    assert len(semantic) >= 6, semantic
    assert semantic & lineage_node_names(manifest) == set()
    # each semantic model still reads the mart it is named after
    for model in manifest["semantic_models"].values():
        assert model["name"].startswith("sem_"), model["name"]
        (parent,) = model["depends_on"]["nodes"]
        assert parent == f"model.{PROJECT}.{model['name'].removeprefix('sem_')}", (model["name"], parent)


@pytest.mark.parametrize("kind", ["metrics", "saved_queries"])
def test_metrics_and_saved_queries_do_not_share_a_name_with_a_node(kind: str, manifest: dict) -> None:
    # a metric `orders` beside the `orders` mart showed two nodes `orders` in the lineage graph
    names = {node["name"] for node in manifest[kind].values()}
    assert len(names) >= (10 if kind == "metrics" else 4), names
    assert sorted(names & lineage_node_names(manifest)) == []


# A sentence ends at a full stop followed by a capital letter or a column name
# (`months_in_data says ...`): "e.g. the", "i.e. the" and "1 = Monday ... 7 = Sunday"
# do not end one.
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z]|[a-z]+_\w+ )")
INTERNAL_MODEL = re.compile(r"\b(?:int|stg|base)_\w+")


def first_sentence(description: str) -> str:
    return SENTENCE_END.split(" ".join(description.split()), maxsplit=1)[0]


def test_first_sentence_reads_text_up_to_the_first_full_stop_before_a_capital() -> None:
    assert first_sentence("One row per day (1 = Monday ... 7 = Sunday), e.g. a\n  week. Then more.") == (
        "One row per day (1 = Monday ... 7 = Sunday), e.g. a week."
    )
    assert first_sentence("One row per year. months_in_data says how many months.") == "One row per year."
    assert INTERNAL_MODEL.findall("(int_orders_conformed), stg_x, base_y__z; database_size, customers") == [
        "int_orders_conformed", "stg_x", "base_y__z"
    ]


def test_each_mart_description_opens_with_what_one_row_is(manifest: dict) -> None:
    # an analyst reads the first sentence on the docs site: what one row is and what
    # the mart is for, not the intermediate model it reads (that comes at the end)
    marts = {
        node["name"]: node["description"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["original_file_path"].startswith("models/marts/")
    }
    assert len(marts) >= 24, sorted(marts)
    openings = {name: first_sentence(description) for name, description in marts.items()}
    assert sorted(name for name, opening in openings.items() if "one row per" not in opening.lower()) == []
    assert {name: INTERNAL_MODEL.findall(opening) for name, opening in openings.items()
            if INTERNAL_MODEL.search(opening)} == {}


# Words in backticks on the landing page that are not names of the project's
# resources: schemas, file names, selectors and prefixes.
OVERVIEW_WORDS = {"raw", "reference", "staging", "intermediate", "marts", "audit", "semantic", "default__", "duckdb__"}


def project_names(manifest: dict) -> set[str]:
    """Every name a reader may look up on the site: nodes (disabled ones too), sources, macros, metrics, vars."""
    nodes = [*manifest["nodes"].values(), *[n for ns in manifest["disabled"].values() for n in ns]]
    names = {node["name"] for node in nodes}
    for source in manifest["sources"].values():
        names |= {source["source_name"], source["name"], source["identifier"]}
    for kind in ("macros", "exposures", "metrics", "semantic_models"):
        names |= {node["name"] for node in manifest[kind].values()}
    # the sources of the source not selected are disabled
    names |= {node["source_name"] for ns in manifest["disabled"].values() for node in ns if "source_name" in node}
    return names


def test_overview_replaces_the_welcome_page_and_names_only_what_exists(manifest: dict) -> None:
    overview = manifest["docs"].get(f"doc.{PROJECT}.__overview__")
    assert overview and overview["package_name"] == PROJECT
    text = overview["block_contents"]
    assert "Welcome!" not in text
    # the layers, the two sources and the marts to start from
    for word in ("base", "intermediate", "quarantine", "reconciliation", "semantic", "ONLINE_RETAIL_PATH",
                 "customer_rfm", "customer_segments", "monthly_revenue", "cohort_retention",
                 "funnel_sessions", "location_summary"):
        assert word in text, word

    known = project_names(manifest) | OVERVIEW_WORDS
    project_vars = set(yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())["vars"])
    known |= project_vars | {"shopsmart_data_dir", "online_retail_path"}  # set from the environment
    # every backticked name: a selector's (`+customer_segments`, `source:shopsmart+`) or a
    # plain one; file names, commands and templates (`base_<source>__<table>`) are left out
    named = set()
    for quoted in re.findall(r"`([^`]+)`", text):
        name = re.sub(r"^source:", "", quoted.strip("+"))
        if re.fullmatch(r"[a-z][a-z0-9_]*", name):
            named.add(name)
    assert len(named) > 40, sorted(named)
    assert sorted(named - known) == []


# The builds whose lineage differs: the embedded sample, the shop's own files, and
# the online_retail file (parsing reads no file, so the paths need not exist).
SOURCE_SWITCHES = {
    "sample": {},
    "own_files": {"SHOPSMART_DATA_DIR": "/nonexistent/shop"},
    "online_retail": {"ONLINE_RETAIL_PATH": "/nonexistent/online_retail.csv.gz"},
}


def relation_of(manifest: dict, unique_id: str) -> tuple[str, str]:
    """The (schema, table) a parent stands for: a source's table, a seed's or model's relation."""
    if unique_id.startswith("source."):
        node = manifest["sources"][unique_id]
        return node["schema"], node["identifier"]
    node = manifest["nodes"][unique_id]
    return node["schema"], node["alias"]


@pytest.mark.parametrize("switch", SOURCE_SWITCHES)
def test_each_base_model_has_one_parent_per_table_it_reads(
    switch: str, manifest: dict, tmp_path: Path
) -> None:
    if switch != "sample":
        manifest = parse_manifest(tmp_path, SOURCE_SWITCHES[switch])
    base_models = {
        uid: node for uid, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and node["name"].startswith("base_")
    }
    assert len(base_models) == (1 if switch == "online_retail" else 5), sorted(base_models)
    for uid, node in base_models.items():
        parents = manifest["parent_map"][uid]
        assert sorted(parents) == sorted(set(node["depends_on"]["nodes"])), uid
        # the source table the base model checks is a parent, once
        (source,) = [parent for parent in parents if parent.startswith("source.")]
        assert source.rsplit(".", 1)[-1] == node["name"].split("__", 1)[1] or switch == "online_retail", uid
        tables = [relation_of(manifest, parent) for parent in parents]
        assert len(tables) == len(set(tables)), (uid, sorted(zip(tables, parents)))
        # no seed stands for a source table: a seed parent is a reference seed
        seeds = [manifest["nodes"][parent] for parent in parents if parent.startswith("seed.")]
        assert all(seed["original_file_path"].startswith("seeds/reference/") for seed in seeds), (uid, seeds)
    # nothing else reads the sample's tables as seeds either
    sample_seeds = [
        uid for uid, node in manifest["nodes"].items()
        if node["resource_type"] == "seed" and "shopsmart_sample" in node["original_file_path"]
    ]
    assert sample_seeds == []

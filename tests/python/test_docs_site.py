"""The generated docs site, opened as a user opens it: the single index.html from disk, in headless Chromium.

The test searches for a model, opens its page and its lineage graph, saves a
screenshot and fails on a blank page, a JavaScript error, or a lineage graph that
does not show the model's lineage from the sources to the exposures.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from browser import chromium, watch_errors
from dbt_project import DbtRun
from docs_site import DocsSite, generate_docs_site

# The model whose page and lineage the test opens.
MODEL = "customer_segments"
PROJECT = "shopsmart_analytics"

# The dbt docs application requests two of its own template expressions as URLs
# before Angular fills them in (an <img src="{{ getIcon(...) }}"> of its file tree
# and its favicon's `${require(...)}`). Those loads fail on every dbt docs site;
# any other failed load or console error fails the test.
DBT_DOCS_TEMPLATE_URL = re.compile(r"%7B%7B%20getIcon\(|\$%7Brequire\(")

# Pixels drawn on the graph's node layer (cytoscape draws nodes and labels there).
NODE_LAYER_PIXELS = """() => {
    const canvas = document.querySelector('canvas[data-id="layer2-node"]');
    if (!canvas || canvas.width === 0 || canvas.height === 0) return 0;
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let drawn = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) drawn += 1;
    return drawn;
}"""

# The nodes of the lineage graph as the docs application holds them.
GRAPH_NODES = """() => angular.element(document.body).injector().get('graph').graph.elements
    .filter(element => element.group === 'nodes' && !element.data.hidden)
    .map(element => ({
        id: element.data.id,
        node_color: element.data.docs ? element.data.docs.node_color : null,
    }))"""


def lineage(manifest: dict, unique_id: str) -> set[str]:
    """The model's ancestors and descendants among models, seeds, sources and exposures."""
    kinds = ("model.", "seed.", "source.", "exposure.")
    found = set()
    for edges in (manifest["parent_map"], manifest["child_map"]):
        pending = [unique_id]
        while pending:
            for node in edges.get(pending.pop(), []):
                if node.startswith(kinds) and node not in found:
                    found.add(node)
                    pending.append(node)
    return found


def template_noise(url: str) -> bool:
    return bool(DBT_DOCS_TEMPLATE_URL.search(url))


@pytest.fixture(scope="module")
def docs_site(sample_build: DbtRun) -> DocsSite:
    return generate_docs_site(sample_build.database)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


def test_docs_site_shows_the_model_and_its_lineage(
    docs_site: DocsSite, browser: Browser, tmp_path: Path
) -> None:
    manifest = docs_site.manifest()
    model_id = f"model.{PROJECT}.{MODEL}"
    model = manifest["nodes"][model_id]
    expected_lineage = lineage(manifest, model_id)
    # the sources that models read (audit.build_status is written and read by hooks only)
    sources = {
        source for source in manifest["sources"]
        if any(child.startswith("model.") for child in manifest["child_map"][source])
    }
    assert len(sources) >= 5, sources
    # the lineage runs from every source that models read to at least one consumer
    assert sources <= expected_lineage
    assert any(node.startswith("exposure.") for node in expected_lineage)

    page = browser.new_page(viewport={"width": 1600, "height": 1000}, device_scale_factor=2)
    problems = watch_errors(page, ignore=template_noise)
    page.goto(docs_site.index_html.as_uri())

    # not blank: the navigation tree is drawn
    expect(page.get_by_placeholder("Search for models...")).to_be_visible()
    visible_text = page.locator("body").inner_text()
    assert "Sources" in visible_text and "Projects" in visible_text, visible_text[:500]
    # the landing page is the project's overview (models/_docs/__overview__.md), not dbt's stock one
    expect(page.get_by_role("heading", name="ShopSmart customer analytics")).to_be_visible()
    assert "Welcome!" not in page.locator("body").inner_text()

    page.get_by_placeholder("Search for models...").fill(MODEL)
    result = (
        page.locator(".result-body h4")
        .filter(has=page.locator("small", has_text=re.compile(r"^model$")))
        .filter(has=page.get_by_text(MODEL, exact=True))
    )
    expect(result).to_have_count(1)
    result.click()

    expect(page).to_have_url(re.compile(re.escape(f"#!/model/{model_id}") + "$"))
    expect(page.locator("h1").first).to_contain_text(MODEL)
    opening_words = " ".join(model["description"].replace("`", "").split()[:6])
    expect(page.get_by_text(opening_words).filter(visible=True).first).to_be_visible()

    page.get_by_title("View Lineage Graph").click()
    page.locator("[title='View Fullscreen']:visible").click()
    page.wait_for_function(f"({NODE_LAYER_PIXELS})() > 0")
    # move the pointer off the fullscreen button so that its tooltip closes
    page.mouse.move(800, 150)
    expect(page.locator(".tooltip")).to_have_count(0)
    screenshot = tmp_path / f"{MODEL}_lineage.png"
    page.screenshot(path=str(screenshot))

    graph = {node["id"]: node["node_color"] for node in page.evaluate(GRAPH_NODES)}
    assert model_id in graph
    assert expected_lineage <= graph.keys(), sorted(expected_lineage - graph.keys())
    # every model in the graph has its layer's colour
    model_colors = {node: color for node, color in graph.items() if node.startswith("model.")}
    assert all(model_colors.values()), [node for node, color in model_colors.items() if not color]
    assert graph[model_id] == model["config"]["docs"]["node_color"]

    selector = page.locator(".launcher-window input").first
    expect(selector).to_have_value(f"+{MODEL}+")

    assert screenshot.stat().st_size > 0
    assert problems == []
    page.close()

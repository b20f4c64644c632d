"""The customer report, opened as a marketer opens it: index.html from disk, in headless Chromium.

`shopsmart-report` runs on the warehouse of the sample build. The page must show
every chart, drawn, with its caption; headline figures equal to what SQL over the
orders, customers and funnel_sessions marts gives; one profile row per segment with
its recommended action; and load nothing from elsewhere. On a warehouse whose web
marts are empty, as a source without web events (UCI Online Retail) leaves them, the
web charts give way to a note and the rest still renders.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import Browser, Page, expect

from browser import chromium, watch_errors
from dbt_project import DbtRun

REPORT = Path(sys.executable).parent / "shopsmart-report"

# Every chart of the page, in its order.
CHART_IDS = [
    "segment_profiles",
    "segment_projection",
    "segment_rfm_3d",
    "rfm_distribution",
    "location",
    "visit_patterns",
    "funnel",
    "cohort_retention",
    "segment_selection",
]
WEB_CHART_IDS = ["visit_patterns", "funnel"]
NOT_APPLICABLE = "not applicable: this source has no web events"

IMAGE_DRAWN = "img => img.complete && img.naturalWidth > 0 && img.naturalHeight > 0"
FIGURE_VALUES = """elements => Object.fromEntries(elements.map(
    element => [element.dataset.figure, element.querySelector('dd').dataset.value]
))"""


def run_report(database: Path, out: Path) -> Path:
    """index.html of `shopsmart-report` on database, written to out."""
    completed = subprocess.run(
        [str(REPORT), "--database", str(database), "--out", str(out)],
        capture_output=True, text=True, check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return out / "index.html"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


def open_page(browser: Browser, index_html: Path) -> tuple[Page, list[str], list[str]]:
    """The page opened from disk, the problems it reports and the URLs it requests."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    problems = watch_errors(page)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(index_html.as_uri())
    expect(page.locator("h1")).to_have_text("ShopSmart customer report")
    return page, problems, requests


def expect_chart_drawn(page: Page, chart_id: str) -> None:
    figure = page.locator(f'figure[data-chart="{chart_id}"]')
    image = figure.locator("img")
    expect(image).to_have_count(1)
    image.scroll_into_view_if_needed()
    expect(image).to_be_visible()
    assert image.evaluate(IMAGE_DRAWN), f"{chart_id}: the image is not decoded"
    assert image.get_attribute("alt"), chart_id
    expect(figure.locator("figcaption")).not_to_be_empty()


def test_report_page_shows_every_chart_the_overview_and_the_profiles(
    sample_build: DbtRun, browser: Browser, tmp_path: Path
) -> None:
    index_html = run_report(sample_build.database, tmp_path / "report")
    page, problems, requests = open_page(browser, index_html)

    charts = page.locator("figure[data-chart]").evaluate_all("elements => elements.map(e => e.dataset.chart)")
    assert charts == CHART_IDS
    for chart_id in CHART_IDS:
        expect_chart_drawn(page, chart_id)

    # the headline figures, computed here from the orders, customers and sessions
    [(customers, buyers, orders, revenue, visit_sessions, converted_sessions)] = sample_build.query(
        """
        select
            (select count(*) from marts.customers),
            (select count(distinct customer_id) from marts.orders where status = 'success'),
            (select count(*) from marts.orders where status = 'success'),
            (select sum(total_amount_usd) from marts.orders where status = 'success'),
            (select count(*) from marts.funnel_sessions where reached_visit),
            (select count(*) from marts.funnel_sessions where reached_successful_order)
        """
    )
    assert customers > 0 and orders > 0 and visit_sessions > 0
    shown = page.locator("[data-figure]").evaluate_all(FIGURE_VALUES)
    assert set(shown) == {"customers", "buyers", "orders", "revenue_usd", "average_order_value_usd",
                          "conversion_rate"}
    assert int(shown["customers"]) == customers
    assert int(shown["buyers"]) == buyers
    assert int(shown["orders"]) == orders
    assert Decimal(shown["revenue_usd"]) == revenue
    average = (revenue / orders).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert Decimal(shown["average_order_value_usd"]) == average
    assert float(shown["conversion_rate"]) == pytest.approx(converted_sessions / visit_sessions)
    expect(page.locator('[data-figure="revenue_usd"] dd')).to_have_text(f"${revenue:,.2f}")
    expect(page.locator('[data-figure="customers"] dd')).to_have_text(f"{customers:,}")

    # one profile row per segment, in segment order, each with its recommended action
    segments = [name for (name,) in sample_build.query(
        "select segment_name from marts.segment_profiles order by segment_id")]
    table = page.locator('table[data-table="segment_profiles"]')
    expect(table.locator("tbody tr")).to_have_count(len(segments))
    assert table.locator('td[data-column="segment_name"]').all_inner_texts() == segments
    actions = table.locator('td[data-column="recommended_action"]').all_inner_texts()
    assert len(actions) == len(segments) and all(action.strip() for action in actions), actions

    screenshot = tmp_path / "report.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 0
    # self-contained: the page itself and its embedded images, nothing else
    assert {url for url in requests if not url.startswith("data:")} == {index_html.as_uri()}
    assert problems == []
    page.close()


def without_web_events(database: Path, copy: Path) -> Path:
    """A copy of the warehouse with the web marts as a source without web events leaves them."""
    shutil.copyfile(database, copy)
    with duckdb.connect(str(copy)) as connection:
        connection.execute(
            """
            delete from marts.funnel_sessions;
            delete from marts.funnel_daily;
            update marts.visits_by_weekday_hour set visits = 0, sessions = 0, visitors = 0;
            delete from marts.cohort_retention where cohort_type = 'first_visit';
            """
        )
    return copy


def test_report_page_without_web_events_notes_the_web_charts(
    sample_build: DbtRun, browser: Browser, tmp_path: Path
) -> None:
    database = without_web_events(sample_build.database, tmp_path / "no_web_events.duckdb")
    out = tmp_path / "report"
    out.mkdir()
    # a funnel picture left by a report on another source
    (out / "funnel.png").write_bytes(b"stale")
    index_html = run_report(database, out)
    page, problems, _requests = open_page(browser, index_html)

    charts = page.locator("figure[data-chart]").evaluate_all("elements => elements.map(e => e.dataset.chart)")
    assert charts == CHART_IDS
    for chart_id in CHART_IDS:
        if chart_id in WEB_CHART_IDS:
            figure = page.locator(f'figure[data-chart="{chart_id}"]')
            expect(figure.locator("img")).to_have_count(0)
            expect(figure).to_contain_text(NOT_APPLICABLE)
            assert not (out / f"{chart_id}.png").exists(), chart_id
        else:
            expect_chart_drawn(page, chart_id)
    conversion = page.locator('[data-figure="conversion_rate"] dd')
    expect(conversion).to_have_text(NOT_APPLICABLE)
    assert conversion.get_attribute("data-value") == ""
    assert int(page.locator('[data-figure="orders"] dd').get_attribute("data-value")) > 0
    assert problems == []
    page.close()

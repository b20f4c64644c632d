"""The customer report, opened as a marketer opens it: index.html from disk, in headless Chromium.

`shopsmart-report` runs on the warehouse of the sample build, its marts exported
to Parquet beside the report as `make build` does. The page must lead with the
segments (who, how many, share of the revenue, recommended action, a link to an
audience file that exists and holds the segment's customers), show the as-of date,
every chart drawn with its caption, the technical charts only in the appendix at
the end, retention months not over by the analysis date marked too recent, headline
figures equal to what SQL over the orders, customers and funnel_sessions marts
gives, load nothing from elsewhere, and fit a phone 390 px wide without sideways
scrolling. On a warehouse whose web marts are empty, as a source without web
events (UCI Online Retail) leaves them, the web charts give way to a note and the
rest still renders. An audience file that is missing or from another build is not
linked.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from urllib.parse import unquote, urlparse

import duckdb
import pytest
from playwright.sync_api import Browser, Page, expect

from browser import chromium, watch_errors
from dbt_project import DbtRun

BIN = Path(sys.executable).parent
REPORT = BIN / "shopsmart-report"
EXPORT = BIN / "shopsmart-export-marts"

# Every chart of the page, in its order; the technical ones are the appendix's.
APPENDIX_CHART_IDS = ["segment_selection", "segment_projection", "segment_rfm_3d"]
CHART_IDS = [
    "segment_shares",
    "segment_profiles",
    "segment_transitions",
    "rfm_distribution",
    "location",
    "visit_patterns",
    "funnel",
    "cohort_retention",
    *APPENDIX_CHART_IDS,
]
WEB_CHART_IDS = ["visit_patterns", "funnel"]
NOT_APPLICABLE = "not applicable: this source has no web events"
PHONE = {"width": 390, "height": 844}

IMAGE_DRAWN = "img => img.complete && img.naturalWidth > 0 && img.naturalHeight > 0"
FIGURE_VALUES = """elements => Object.fromEntries(elements.map(
    element => [element.dataset.figure, element.querySelector('dd').dataset.value]
))"""
CHART_IDS_IN = "elements => elements.map(e => e.dataset.chart)"
# the ids of the page's top-level sections, in order
SECTION_IDS = "() => [...document.body.children].filter(e => e.tagName === 'SECTION').map(e => e.id)"


def run_report(database: Path, out: Path, exports: Path) -> Path:
    """index.html of `shopsmart-report` on database, written to out, linking the export in exports."""
    completed = subprocess.run(
        [str(REPORT), "--database", str(database), "--out", str(out), "--exports", str(exports)],
        capture_output=True, text=True, check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return out / "index.html"


def export_marts(database: Path, out: Path) -> Path:
    completed = subprocess.run(
        [str(EXPORT), "--database", str(database), "--out", str(out)], capture_output=True, text=True, check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def report(sample_build: DbtRun, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report of the sample build in site/report/, its marts exported to site/exports/ (as make build does)."""
    site = tmp_path_factory.mktemp("site")
    exports = export_marts(sample_build.database, site / "exports")
    return run_report(sample_build.database, site / "report", exports)


def open_page(browser: Browser, index_html: Path, viewport: dict[str, int] | None = None
              ) -> tuple[Page, list[str], list[str]]:
    """The page opened from disk, the problems it reports and the URLs it requests."""
    page = browser.new_page(viewport=viewport or {"width": 1400, "height": 1000})
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


def expected_analysis_date(build: DbtRun) -> dt.date:
    """The default analysis date: the day after the latest order or event of the data."""
    [(latest,)] = build.query(
        """
        select greatest(
            (select max(checked_out_at) from marts.orders),
            (select max(event_at) from staging.stg_shopsmart__events)
        )
        """
    )
    return latest.date() + dt.timedelta(days=1)


def test_report_page_leads_with_the_segments_and_shows_every_chart_and_the_overview(
    sample_build: DbtRun, browser: Browser, report: Path, tmp_path: Path
) -> None:
    page, problems, requests = open_page(browser, report)

    # the segments come first, the appendix last, holding the technical charts and only there
    sections = page.evaluate(SECTION_IDS)
    assert sections[0] == "segments" and sections[-1] == "appendix", sections
    assert page.locator("h2").first.inner_text() == page.locator("#segments > h2").inner_text()
    charts = page.locator("figure[data-chart]").evaluate_all(CHART_IDS_IN)
    assert charts == CHART_IDS
    assert page.locator("#appendix figure[data-chart]").evaluate_all(CHART_IDS_IN) == APPENDIX_CHART_IDS
    for chart_id in CHART_IDS:
        expect_chart_drawn(page, chart_id)

    # the as-of date, in words a reader reads
    analysis_date = expected_analysis_date(sample_build)
    as_of = page.locator("[data-as-of]")
    assert as_of.get_attribute("data-as-of") == analysis_date.isoformat()
    expect(as_of).to_contain_text(f"{analysis_date.day} {analysis_date:%B %Y}")
    expect(page.locator("#definitions")).to_contain_text("capped prices")

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

    screenshot = tmp_path / "report.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 0
    # self-contained: the page itself and its embedded images, nothing else
    assert {url for url in requests if not url.startswith("data:")} == {report.as_uri()}
    assert problems == []
    page.close()


def segments_by_sql(build: DbtRun) -> list[tuple[int, str, int, str, float, float]]:
    """Per segment id: name, customers, the seed's action for its archetype, its share of the revenue
    of successful orders before the analysis date, from the orders themselves, and the sum of its
    customers' lifetime values."""
    analysis_date = expected_analysis_date(build)
    return build.query(
        f"""
        with
        revenue as (
            select customer_id, sum(total_amount_usd) as revenue_usd
            from marts.orders
            where status = 'success' and checked_out_at < date '{analysis_date.isoformat()}'
            group by customer_id
        ),
        per_segment as (
            select
                segments.segment_id,
                min(segments.segment_name) as segment_name,
                count(*) as customers,
                min(actions.recommended_action) as recommended_action,
                coalesce(sum(revenue.revenue_usd), 0) as revenue_usd,
                cast(sum(clv.lifetime_value_usd) as double) as lifetime_value_usd
            from marts.customer_segments as segments
            inner join reference.segment_actions as actions
                on segments.segment_archetype = actions.segment_archetype
            left join revenue
                on segments.customer_id = revenue.customer_id
            left join marts.customer_lifetime_value as clv
                on segments.customer_id = clv.customer_id
            group by segments.segment_id
        )
        select
            segment_id, segment_name, customers, recommended_action,
            cast(revenue_usd / sum(revenue_usd) over () as double) as revenue_share,
            lifetime_value_usd
        from per_segment
        order by segment_id
        """
    )


def test_each_segment_says_who_how_many_its_worth_what_to_do_and_links_its_audience(
    sample_build: DbtRun, browser: Browser, report: Path
) -> None:
    page, problems, _requests = open_page(browser, report)
    segments = segments_by_sql(sample_build)
    cards = page.locator("#segments article[data-segment]")
    expect(cards).to_have_count(len(segments))
    for card, (segment_id, name, customers, action, revenue_share, lifetime_value) in zip(
        cards.all(), segments, strict=True
    ):
        assert card.get_attribute("data-segment") == str(segment_id)
        expect(card.locator('[data-field="segment_name"]')).to_have_text(name)
        expect(card.locator('[data-field="who"]')).not_to_be_empty()
        expect(card.locator('[data-field="customers"]')).to_contain_text(f"{customers:,}")
        expect(card.locator('[data-field="revenue_share"]')).to_contain_text(f"{revenue_share:.1%} of the revenue")
        expect(card.locator('[data-field="recommended_action"]')).to_have_text(action)
        expect(card.locator('[data-field="lifetime_value"]')).to_contain_text(
            f"${lifetime_value:,.0f} expected over the next 12 months" if lifetime_value is not None
            else "no prediction"
        )

        # the audience link is relative (the report and the export folder move together) and resolves
        # to a file holding the segment's customers
        link = card.locator(f'a[data-audience="{segment_id}"]')
        expect(link).to_have_count(1)
        href = link.get_attribute("href")
        assert not href.startswith(("/", "file:")), href
        target = Path(unquote(urlparse(link.evaluate("a => a.href")).path))
        assert target.is_file(), target
        with duckdb.connect() as connection:
            [(rows,)] = connection.execute(
                "select count(*) from read_parquet(?) where segment_id = ?", [str(target), segment_id]
            ).fetchall()
        assert rows == customers, (segment_id, rows, customers)
    assert problems == []
    page.close()


def test_retention_months_not_over_by_the_analysis_date_are_marked_too_recent(
    sample_build: DbtRun, browser: Browser, report: Path
) -> None:
    analysis_date = expected_analysis_date(sample_build)
    cells = sample_build.query(
        f"""
        select
            strftime(cohort_month, '%Y-%m'),
            months_since,
            cast(retention_rate as double),
            activity_month + interval 1 month > date '{analysis_date.isoformat()}' as too_recent
        from marts.cohort_retention
        where cohort_type = 'first_order'
        """
    )
    # the sample ends inside a month: its cells exist in the mart, with a low retention so far
    assert any(too_recent for *_cell, too_recent in cells)
    assert any(not too_recent and months > 0 for _month, months, _rate, too_recent in cells)

    page, problems, _requests = open_page(browser, report)
    table = page.locator('table[data-table="cohort_retention"]')
    expect(table).to_have_count(1)
    checked = 0
    for cohort, months_since, rate, too_recent in cells:
        row = table.locator(f'tr[data-cohort="{cohort}"]')
        if row.count() == 0:  # an older cohort than the table shows
            continue
        cell = row.locator(f'td[data-months-since="{months_since}"]')
        if too_recent:
            assert cell.get_attribute("data-too-recent") is not None, (cohort, months_since)
            assert cell.get_attribute("data-rate") is None, (cohort, months_since)
            expect(cell).to_have_text("too recent")
        else:
            assert float(cell.get_attribute("data-rate")) == pytest.approx(rate), (cohort, months_since)
            expect(cell).to_have_text(f"{rate:.0%}")
        checked += 1
    assert checked > 0
    expect(page.locator('figure[data-chart="cohort_retention"] figcaption')).to_contain_text("too recent")
    assert problems == []
    page.close()


def test_the_transition_table_shows_where_each_segments_customers_were_a_month_later(
    sample_build: DbtRun, browser: Browser, report: Path
) -> None:
    """Recounted from customer_segment_history: each customer at each as-of date and the next one."""
    moves = sample_build.query(
        """
        with
        dates as (
            select month_end, lead(month_end) over (order by month_end) as next_month_end
            from (select distinct month_end from marts.customer_segment_history)
        ),
        pairs as (
            select before.segment_id as from_id, before.segment_name as from_name,
                   after.segment_id as to_id, after.segment_name as to_name
            from marts.customer_segment_history as before
            inner join dates on before.month_end = dates.month_end
            inner join marts.customer_segment_history as after
                on before.customer_id = after.customer_id and after.month_end = dates.next_month_end
        )
        select
            from_id || '. ' || from_name,
            to_id || '. ' || to_name,
            count(*) * 1.0 / sum(count(*)) over (partition by from_id)
        from pairs
        group by from_id, from_name, to_id, to_name
        """
    )
    assert len({source for source, _target, _share in moves}) > 1
    assert any(source != target for source, target, _share in moves), "nobody moved"

    page, problems, _requests = open_page(browser, report)
    table = page.locator('table[data-table="segment_transitions"]')
    expect(table).to_have_count(1)
    shown = {
        (cell.evaluate("td => td.parentElement.dataset.from"), cell.get_attribute("data-to")):
            float(cell.get_attribute("data-share"))
        for cell in table.locator("td[data-share]").all()
    }
    expected = {(source, target): float(share) for source, target, share in moves}
    assert {move for move, share in shown.items() if share > 0} == set(expected)
    for move, share in expected.items():
        assert shown[move] == pytest.approx(share), move
    assert problems == []
    page.close()


def test_report_page_fits_a_phone_without_sideways_scrolling(browser: Browser, report: Path) -> None:
    page, problems, _requests = open_page(browser, report, PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # the charts are sized to the screen, and the segments come first on it too
    widths = page.locator("figure[data-chart] img").evaluate_all(
        "images => images.map(img => img.getBoundingClientRect().right)")
    assert widths and max(widths) <= PHONE["width"], widths
    expect(page.locator("#segments article[data-segment]").first).to_be_in_viewport()
    # a table wider than the phone scrolls inside its own box
    table = page.locator('table[data-table="cohort_retention"]')
    page.locator('figure[data-chart="cohort_retention"] summary').click()
    expect(table).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
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
    index_html = run_report(database, out, export_marts(database, tmp_path / "exports"))
    page, problems, _requests = open_page(browser, index_html)

    charts = page.locator("figure[data-chart]").evaluate_all(CHART_IDS_IN)
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


def test_an_audience_file_missing_or_from_another_build_is_not_linked(
    sample_build: DbtRun, browser: Browser, report: Path, tmp_path: Path
) -> None:
    [(segments,)] = sample_build.query("select count(distinct segment_id) from marts.customer_segments")
    # another build's export: one customer fewer in segment 1
    stale = tmp_path / "stale" / "marts" / "customer_segments.parquet"
    stale.parent.mkdir(parents=True)
    current = report.parent.parent / "exports" / "marts" / "customer_segments.parquet"
    with duckdb.connect() as connection:
        connection.execute(
            f"copy (select * from read_parquet('{current}') where segment_id <> 1 or customer_id <> "
            f"(select min(customer_id) from read_parquet('{current}') where segment_id = 1)) to '{stale}'"
        )
    for exports, reason in ((tmp_path / "stale", "another build"), (tmp_path / "none", "not exported")):
        index_html = run_report(sample_build.database, tmp_path / f"report_{exports.name}", exports)
        page, problems, _requests = open_page(browser, index_html)
        expect(page.locator("a[data-audience]")).to_have_count(0)
        missing = page.locator("[data-audience-missing]")
        expect(missing).to_have_count(segments)
        expect(missing.first).to_contain_text(reason)
        assert problems == []
        page.close()

"""The report's self-contained HTML page for marketers, its charts (charts.py) written as PNG.

The page leads with the segments in plain words (who they are, how many, their
share of the revenue, what to do, their audience file), then the shop's headline
figures and charts, what the figures mean, and an appendix with the technical
charts of the segmentation. Each chart is a <figure data-chart="ID">, its PNG
embedded as a data URI. A chart that needs web events is replaced by a note when
the source has none (UCI Online Retail).
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from .audience import AudienceFile, relative_href
from .charts import (
    TOO_RECENT,
    cohort_retention_chart,
    funnel_chart,
    location_chart,
    profile_chart,
    projection_chart,
    rfm_chart,
    rfm_distribution_chart,
    save_chart,
    segment_colour,
    segment_shares_chart,
    segment_transitions_chart,
    selection_chart,
    transition_shares,
    visit_patterns_chart,
)
from .data import AsOf, Overview, ReportData, cohort_grid
from .wording import long_date, money, typical_customer, who_they_are


@dataclass(frozen=True)
class Chart:
    """One chart of the page: its id (data-chart, and the PNG's file name), title, caption and drawing."""

    chart_id: str
    title: str
    caption: str
    draw: Callable[[ReportData], Figure]
    needs_web_events: bool = False
    #: The chart's figures as an HTML table under it, for exact values and screen readers.
    table: Callable[[ReportData], str] | None = None

    @property
    def file_name(self) -> str:
        return f"{self.chart_id}.png"


def transitions_table(data: ReportData) -> str:
    """The transition shares: a row per segment at a month end, a column per segment a month later."""
    shares = transition_shares(data)
    head = "".join(f"<th>{html.escape(str(label))}</th>" for label in shares.columns)
    rows = "".join(
        f'<tr data-from="{html.escape(str(source))}"><th>{html.escape(str(source))}</th>'
        + "".join("<td></td>" if pd.isna(share) else
                  f'<td data-to="{html.escape(str(target))}" data-share="{float(share)!r}">{float(share):.0%}</td>'
                  for target, share in row.items())
        + "</tr>"
        for source, row in shares.iterrows()
    )
    return (f'<details><summary>The figures as a table</summary><div class="table-scroll">'
            f'<table data-table="segment_transitions"><thead><tr><th>segment at a month end / a month later</th>'
            f"{head}</tr></thead><tbody>{rows}</tbody></table></div></details>")


#: The charts of the segment section, after the segments themselves.
SEGMENT_CHARTS = (
    Chart("segment_shares", "Who brings the revenue, now and next",
          "Each segment's share of the customers (light bar), of the revenue so far (solid bar) and of the "
          "expected lifetime value, the predicted spend of the coming months (hatched bar), in the segment's "
          "colour.", segment_shares_chart),
    Chart("segment_profiles", "How the segments behave",
          "The average customer of each segment. Darker means more than the other segments have, column by "
          "column; for days since the last order, darker means longer ago. The value is printed in each cell.",
          profile_chart),
    Chart("segment_transitions", "How customers move between segments",
          "Each row is a segment at a month end; each cell, the share of its customers in each segment at the "
          "next month end (the last move ends on the analysis date), summed over the whole history. Past "
          "segments are today's segments applied to the customers' figures as of each month end. The "
          "diagonal is the customers who stayed; darker = more.", segment_transitions_chart,
          table=transitions_table),
)

def retention_cell(offset: int, rate: float, too_recent: bool) -> str:
    """One cell of the retention table: the rate, "too recent", or empty without a figure."""
    if too_recent:
        return (f'<td class="too-recent" data-months-since="{offset}" data-too-recent title="{TOO_RECENT}">'
                "too recent</td>")
    if pd.isna(rate):
        return f'<td data-months-since="{offset}"></td>'
    return f'<td data-months-since="{offset}" data-rate="{float(rate)!r}">{float(rate):.0%}</td>'


def cohort_table(data: ReportData) -> str:
    """Retention by first-order month (rows) and months since (columns), too recent cells marked, in a scroll box."""
    rates, too_recent = cohort_grid(data.cohorts, data.as_of.analysis_date)
    sizes = data.cohorts.drop_duplicates("cohort_month").set_index("cohort_month")["cohort_size"]
    head = "".join(f"<th>{int(offset)}</th>" for offset in rates.columns)
    rows = "".join(
        f'<tr data-cohort="{pd.Timestamp(month):%Y-%m}"><th>{pd.Timestamp(month):%Y-%m} ({int(sizes[month]):,})</th>'
        + "".join(retention_cell(int(offset), rates.at[month, offset], bool(too_recent.at[month, offset]))
                  for offset in rates.columns)
        + "</tr>"
        for month in rates.index
    )
    return (f'<details><summary>The figures as a table</summary><div class="table-scroll">'
            f'<table data-table="cohort_retention"><thead><tr><th>first-order month (customers) / months since</th>'
            f"{head}</tr></thead><tbody>{rows}</tbody></table></div></details>")


#: The charts of the whole shop.
SHOP_CHARTS = (
    Chart("rfm_distribution", "RFM segments",
          "Customers and revenue per RFM segment, from the recency and frequency scores (1 to 5) of each buyer; "
          "'No purchase' are the customers without a successful order.", rfm_distribution_chart),
    Chart("location", "Where the customers are",
          "The countries with the most revenue: customers (buyers, with a successful order, in the darker bar) "
          "and revenue in US dollars.", location_chart),
    Chart("visit_patterns", "When customers visit",
          "Visit events over the whole history by day of the week and hour of the day: the darker, the busier.",
          visit_patterns_chart, needs_web_events=True),
    Chart("funnel", "Website funnel",
          "Web sessions reaching each step in order: visit, add to cart, checkout, successful order.",
          funnel_chart, needs_web_events=True),
    Chart("cohort_retention", "Do first-time buyers come back?",
          "Customers grouped by the month of their first successful order; each cell is the share of them "
          "with a successful order that many months later (darker = more). Hatched cells are "
          f"{TOO_RECENT}: that month had not ended by the analysis date.", cohort_retention_chart,
          table=cohort_table),
)

#: The technical charts of the segmentation, in the appendix at the end.
APPENDIX_CHARTS = (
    Chart("segment_selection", "How the number of segments was chosen",
          "K-Means was fitted for every number of segments k; the dashed line marks the k used, by default the "
          "one with the highest silhouette (the best separated segments).", selection_chart),
    Chart("segment_projection", "Customers on two principal components",
          "Each dot is a customer of a fixed random sample, in its segment's colour: customers close together "
          "behave alike.", projection_chart),
    Chart("segment_rfm_3d", "Recency, orders and spend in 3-D",
          "The buyers of the sample by days since their last order, number of orders and spend (log scale), "
          "in their segment's colour.", rfm_chart),
)

#: Every chart, in the order of the page.
CHARTS = SEGMENT_CHARTS + SHOP_CHARTS + APPENDIX_CHARTS

NOT_APPLICABLE = "not applicable: this source has no web events"


def overview_figures(overview: Overview) -> list[tuple[str, str, str, str]]:
    """Each headline figure as (id, label, exact value, text shown); empty value when not applicable."""
    average = overview.average_order_value_usd
    rate = overview.conversion_rate
    return [
        ("customers", "customers", str(overview.customers), f"{overview.customers:,}"),
        ("buyers", "buyers (with a successful order)", str(overview.buyers), f"{overview.buyers:,}"),
        ("orders", "successful orders", str(overview.orders), f"{overview.orders:,}"),
        ("revenue_usd", "revenue (capped prices)", str(overview.revenue_usd), f"${overview.revenue_usd:,.2f}"),
        ("average_order_value_usd", "average order value",
         "" if average is None else str(average), "-" if average is None else f"${average:,.2f}"),
        ("conversion_rate", "conversion rate (sessions with a visit reaching a successful order)",
         "" if rate is None else repr(rate), NOT_APPLICABLE if rate is None else f"{rate:.1%}"),
    ]


def figure_item(figure_id: str, label: str, value: str, text: str) -> str:
    """One headline figure: <div data-figure="ID">, its exact value in data-value (empty when not applicable)."""
    missing = "" if value else ' class="missing"'
    return (f'<div data-figure="{figure_id}"><dt>{html.escape(label)}</dt>'
            f'<dd data-value="{html.escape(value)}"{missing}>{html.escape(text)}</dd></div>')


def orders_period(overview: Overview) -> str:
    """The months of the successful orders, as a sentence."""
    months = [f"{month:%B %Y}" for month in (overview.first_month, overview.last_month) if month is not None]
    return f"All successful orders, from {months[0]} to {months[1]}." if months else "No orders."


def overview_html(overview: Overview) -> str:
    """The period of the orders and the headline figures."""
    items = "".join(figure_item(*figure) for figure in overview_figures(overview))
    return (f'<section id="overview"><h2>The shop at a glance</h2><p>{orders_period(overview)}</p>'
            f'<dl class="overview">{items}</dl></section>')


def as_of_html(as_of: AsOf) -> str:
    """The as-of line under the title: the analysis date and the orders the segments count."""
    if as_of.analysis_date is None:
        return '<p class="as-of" data-as-of="">No customers yet: there is no analysis date.</p>'
    counted = ""
    if as_of.first_order_at is not None and as_of.last_order_at is not None:
        counted = (f" Segments and RFM count the successful orders from {long_date(as_of.first_order_at.date())} "
                   f"to {long_date(as_of.last_order_at.date())}.")
    return (f'<p class="as-of" data-as-of="{as_of.analysis_date.isoformat()}">As of '
            f"<strong>{long_date(as_of.analysis_date)}</strong> (the analysis date).{counted}</p>")


def audience_html(segment_id: int, customers: int, audience: AudienceFile | None, out_dir: Path) -> str:
    """The segment's audience: a link to the customer_segments export and the filter giving its rows."""
    if audience is None:
        return ""
    name = html.escape(audience.path.name)
    if not audience.is_linked:
        return (f'<dd class="missing" data-audience-missing="{segment_id}">{name}: '
                f"{html.escape(str(audience.problem))}.</dd>")
    return (f'<dd><a data-audience="{segment_id}" href="{html.escape(relative_href(audience.path, out_dir))}">'
            f"{name}</a>, the {customers:,} rows with <code>segment_id = {segment_id}</code></dd>")


def worth_text(profile: pd.Series) -> str:
    """The segment's share of the revenue and its revenue, or that it has none."""
    if pd.isna(profile["revenue_share"]):
        return "no revenue yet"
    return f"{float(profile['revenue_share']):.1%} of the revenue ({money(profile['revenue_usd'])})"


def lifetime_value_text(profile: pd.Series, months: int | None) -> str:
    """The segment's expected lifetime value over the horizon, its share and its mean, or that there is none."""
    if pd.isna(profile["lifetime_value_usd"]):
        return "no prediction (no customer of the segment has a purchase history to predict from)"
    horizon = f"the next {months} months" if months else "the horizon"
    share = profile["lifetime_value_share"]
    share_text = f", {float(share):.1%} of all customers'" if pd.notna(share) else ""
    return (f"{money(profile['lifetime_value_usd'])} expected over {horizon}{share_text} "
            f"({money(profile['mean_lifetime_value_usd'])} per predicted customer)")


def segment_card(profile: pd.Series, as_of: AsOf, audience: AudienceFile | None, out_dir: Path,
                 lifetime_value_months: int | None) -> str:
    """One segment as an <article data-segment="ID">: who, how many, its worth, what to do, its audience."""
    segment_id, customers = int(profile["segment_id"]), int(profile["customers"])
    colour = segment_colour(segment_id)

    def field(name: str, text: str) -> str:
        return f'<span data-field="{name}">{html.escape(text)}</span>'

    action = (f"<strong>{field('marketing_goal', str(profile['marketing_goal']))}:</strong> "
              f"{field('recommended_action', str(profile['recommended_action']))} "
              f"(channel: {field('channel', str(profile['channel']))})")
    items = [
        ("Who they are", field("who", who_they_are(profile))),
        ("Customers", field("customers", f"{customers:,} ({float(profile['customer_share']):.1%} of all)")),
        ("What they are worth", field("revenue_share", worth_text(profile))),
        ("Lifetime value", field("lifetime_value", lifetime_value_text(profile, lifetime_value_months))),
        ("What to do", action),
        ("Typical customer", field("typical", typical_customer(profile, as_of.analysis_date))),
    ]
    rows = "".join(f"<dt>{label}</dt><dd>{content}</dd>" for label, content in items)
    audience_row = audience_html(segment_id, customers, audience, out_dir)
    if audience_row:
        rows += f"<dt>Audience file</dt>{audience_row}"
    return (f'<article class="segment" data-segment="{segment_id}" style="border-left-color: {colour}">'
            f'<h3><span class="swatch" style="background: {colour}"></span>{segment_id}. '
            f'{field("segment_name", str(profile["segment_name"]))}</h3><dl>{rows}</dl></article>')


def audience_intro(audience: AudienceFile | None) -> str:
    """How to take a segment's customers from the audience file, with an example on its path."""
    if audience is None or not audience.is_linked:
        return ""
    query = f"select customer_id from '{audience.path.as_posix()}' where segment_id = 1"
    return (f"<p>Each segment's audience is the rows of its segment in {html.escape(audience.path.name)}, the "
            f"export of the customer_segments mart (one row per customer), e.g. in DuckDB "
            f"<code>{html.escape(query)}</code>, or a filter on segment_id in your campaign tool.</p>")


def segments_html(data: ReportData, audience: AudienceFile | None, out_dir: Path, charts: list[str]) -> str:
    """The segments first: one card per segment in segment id order (as in the charts), then the segment charts."""
    cards = "".join(segment_card(profile, data.as_of, audience, out_dir, data.lifetime_value_months)
                    for _, profile in data.profiles.iterrows())
    return (
        f'<section id="segments"><h2>Your customer segments</h2>'
        f"<p>All {data.total_customers:,} customers fall into {len(data.profiles)} segments of customers who "
        f"behave alike, numbered by their average spend per customer, the highest first. Each has a recommended "
        f"campaign and an audience file to load into your campaign tool.</p>{audience_intro(audience)}"
        f'<div class="segments">{cards}</div>{"".join(charts)}</section>'
    )


def definitions_html(data: ReportData) -> str:
    """What the figures mean: the analysis date, the period, revenue at capped prices, retention."""
    analysis_date = long_date(data.as_of.analysis_date) if data.as_of.analysis_date else "the analysis date"
    items = [
        ("As of", f"Figures are as of {analysis_date}, the analysis date: the dbt var analysis_date, by default "
                  "the day after the latest order or visit in the data. Segments, RFM scores and each segment's "
                  "revenue count the successful orders before that date; days since last order are counted to "
                  "it."),
        ("Period", f"{orders_period(data.overview)} The headline figures count these orders."),
        ("Revenue", "Revenue is in US dollars (other currencies converted at the rates of the seed "
                    "currency_rates), from successful orders only, at capped prices: a catalogue price far above "
                    "the others (more than the dbt var price_outlier_factor times the median price) is most "
                    "likely a data error, so it is counted at that cap; one mistyped price cannot then make a "
                    "customer or a segment look like the shop's best. The uncapped amounts stay in the marts. "
                    "A price invoiced to the customer is never capped."),
        ("Revenue share", "A segment's share of the revenue of all customers over the same orders."),
        ("Retention", "A cohort is the customers whose first successful order fell in the same month. Its "
                      "retention N months later is the share of them with a successful order in that calendar "
                      "month (month 0 is 100% by definition). A month that had not ended by the analysis date is "
                      f"marked {TOO_RECENT}: its figure would count only part of the month."),
        ("Segments", "Customers are grouped by K-Means on their recency, orders, spend, visits, units and "
                     "carts; each segment is named from its typical customer. How the number of segments was "
                     "chosen is in the appendix."),
    ]
    terms = "".join(f"<dt>{html.escape(term)}</dt><dd>{html.escape(text)}</dd>" for term, text in items)
    return f'<section id="definitions"><h2>What the figures mean</h2><dl class="definitions">{terms}</dl></section>'


def figure_html(chart: Chart, content: str) -> str:
    """A chart's section: its title, then <figure data-chart="ID"> holding content and the caption."""
    return (
        f'<section id="{chart.chart_id}" class="chart"><h3>{html.escape(chart.title)}</h3>'
        f'<figure data-chart="{chart.chart_id}">{content}'
        f"<figcaption>{html.escape(chart.caption)}</figcaption></figure></section>"
    )


def image_html(chart: Chart, path: Path) -> str:
    """The PNG at path as an <img> with its data embedded."""
    encoded = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<img alt="{html.escape(chart.title)}" src="data:image/png;base64,{encoded}">'


STYLE = """
*, *::before, *::after { box-sizing: border-box; }
body { font-family: system-ui, sans-serif; margin: 1.5rem auto; max-width: 1100px; padding: 0 1rem; color: #222;
       line-height: 1.45; overflow-wrap: anywhere; }
h1 { margin-bottom: 0.3rem; }
.as-of { font-size: 1.05rem; margin-top: 0; }
.segments { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 20rem), 1fr)); gap: 1rem; }
.segment { border: 1px solid #ddd; border-left: 8px solid #999; border-radius: 6px; padding: 0.8rem 1rem; }
.segment h3 { margin: 0 0 0.5rem; display: flex; align-items: center; gap: 0.5rem; }
.swatch { display: inline-block; width: 1rem; height: 1rem; border-radius: 3px; flex: none; }
.segment dl { margin: 0; }
.segment dt { color: #555; font-size: 0.8rem; margin-top: 0.5rem; text-transform: uppercase; letter-spacing: 0.03em; }
.segment dd { margin: 0.1rem 0 0; }
.segment dd.missing { color: #555; font-style: italic; }
code { background: #f3f3f3; padding: 0 0.2rem; border-radius: 3px; font-size: 0.85em; }
dl.overview { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 15rem), 1fr)); gap: 1rem; }
dl.overview div { border: 1px solid #ddd; border-radius: 6px; padding: 0.8rem; }
dl.overview dt { color: #555; font-size: 0.85rem; }
dl.overview dd { margin: 0.3rem 0 0; font-size: 1.5rem; font-weight: 600; }
dl.overview dd.missing { color: #555; font-size: 1rem; font-style: italic; font-weight: normal; }
dl.definitions dt { font-weight: 600; margin-top: 0.6rem; }
dl.definitions dd { margin: 0.1rem 0 0; }
figure { margin: 0; }
.table-scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; margin: 0.5rem 0; font-size: 0.8rem; }
th, td { border: 1px solid #ddd; padding: 0.2rem 0.4rem; text-align: right; white-space: nowrap; }
th { background: #f3f3f3; }
td.too-recent { color: #777; font-style: italic;
                background: repeating-linear-gradient(135deg, #fff 0 4px, #e6e6e6 4px 6px); }
figcaption { color: #555; font-size: 0.9rem; margin-top: 0.4rem; }
.not-applicable { background: #f6f6f6; color: #555; font-style: italic; padding: 1rem; }
img { display: block; max-width: 100%; height: auto; }
#appendix { border-top: 2px solid #ddd; margin-top: 2.5rem; }
"""


def page_html(data: ReportData, body_sections: list[str]) -> str:
    """The whole page: title and as-of date, then the sections in order."""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ShopSmart customer report</title>
<style>{STYLE}</style>
</head>
<body>
<h1>ShopSmart customer report</h1>
{as_of_html(data.as_of)}
{"".join(body_sections)}
</body>
</html>
"""


def chart_section(chart: Chart, data: ReportData, out_dir: Path, written: list[Path]) -> str:
    """Draw the chart to out_dir (its PNG appended to written); its section, or a note when not applicable."""
    path = out_dir / chart.file_name
    if chart.needs_web_events and not data.has_web_events:
        # a picture left by a report on another source would contradict the page
        path.unlink(missing_ok=True)
        return figure_html(chart, f'<p class="not-applicable">{NOT_APPLICABLE}</p>')
    save_chart(chart.draw(data), path)
    written.append(path)
    table = chart.table(data) if chart.table else ""
    return figure_html(chart, image_html(chart, path) + table)


def write_report(data: ReportData, out_dir: Path, audience: AudienceFile | None = None) -> list[Path]:
    """Write a PNG per applicable chart and index.html (the charts embedded) to out_dir; return the paths.

    audience is the Parquet export of customer_segments that each segment links (relative to out_dir).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def sections(charts: tuple[Chart, ...]) -> list[str]:
        return [chart_section(chart, data, out_dir, written) for chart in charts]

    segment_charts, shop_charts, appendix = sections(SEGMENT_CHARTS), sections(SHOP_CHARTS), sections(APPENDIX_CHARTS)
    body = [
        segments_html(data, audience, out_dir, segment_charts),
        overview_html(data.overview),
        f'<section id="shop"><h2>The shop</h2>{"".join(shop_charts)}</section>',
        definitions_html(data),
        f'<section id="appendix"><h2>Appendix: how the segments were made</h2>'
        f"<p>For analysts: the model behind the segments.</p>{''.join(appendix)}</section>",
    ]
    index = out_dir / "index.html"
    index.write_text(page_html(data, body), encoding="utf-8")
    written.append(index)
    return written

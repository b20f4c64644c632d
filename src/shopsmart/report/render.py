"""The report's self-contained HTML page for marketers, its charts (charts.py) written as PNG.

The page shows the shop's headline figures, the segment profiles with their
recommended action and one <figure data-chart="ID"> per chart of CHARTS, the PNG
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

from .charts import (
    cohort_retention_chart,
    funnel_chart,
    location_chart,
    profile_chart,
    projection_chart,
    rfm_chart,
    rfm_distribution_chart,
    save_chart,
    selection_chart,
    visit_patterns_chart,
)
from .data import Overview, ReportData


@dataclass(frozen=True)
class Chart:
    """One chart of the page: its id (data-chart, and the PNG's file name), title, caption and drawing."""

    chart_id: str
    title: str
    caption: str
    draw: Callable[[ReportData], Figure]
    needs_web_events: bool = False

    @property
    def file_name(self) -> str:
        return f"{self.chart_id}.png"


#: The charts in the order of the page.
CHARTS = (
    Chart("segment_profiles", "Segment profiles",
          "Left: each segment's share of the customers and of the revenue. Right: each segment's average "
          "behaviour, red above the shop's average and blue below it, the value printed in the cell.",
          profile_chart),
    Chart("segment_projection", "Customers on two principal components",
          "Each dot is a customer of a fixed random sample, coloured by segment: customers close together "
          "behave alike.", projection_chart),
    Chart("segment_rfm_3d", "Recency, frequency and monetary value",
          "The buyers of the sample by days since their last order, number of orders and revenue (log scale), "
          "coloured by segment.", rfm_chart),
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
    Chart("cohort_retention", "Cohort retention",
          "Customers grouped by the month of their first successful order; each cell is the share of the "
          "cohort that ordered again that many months later.", cohort_retention_chart),
    Chart("segment_selection", "How the segments were chosen",
          "K-Means was fitted for every number of segments k; the dashed line marks the k used, by default the "
          "one with the highest silhouette (the best separated segments).", selection_chart),
)

NOT_APPLICABLE = "not applicable: this source has no web events"


def overview_figures(overview: Overview) -> list[tuple[str, str, str, str]]:
    """Each headline figure as (id, label, exact value, text shown); empty value when not applicable."""
    average = overview.average_order_value_usd
    rate = overview.conversion_rate
    return [
        ("customers", "customers", str(overview.customers), f"{overview.customers:,}"),
        ("buyers", "buyers (with a successful order)", str(overview.buyers), f"{overview.buyers:,}"),
        ("orders", "successful orders", str(overview.orders), f"{overview.orders:,}"),
        ("revenue_usd", "revenue", str(overview.revenue_usd), f"${overview.revenue_usd:,.2f}"),
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


def overview_html(overview: Overview) -> str:
    """The period of the orders and the headline figures."""
    items = "".join(figure_item(*figure) for figure in overview_figures(overview))
    months = [f"{month:%B %Y}" for month in (overview.first_month, overview.last_month) if month is not None]
    period = f"Orders from {months[0]} to {months[1]}." if months else "No orders."
    return f'<section id="overview"><h2>Overview</h2><p>{period}</p><dl class="overview">{items}</dl></section>'


def profile_table(profiles: pd.DataFrame) -> str:
    """The profiles' headline columns as an HTML table, each cell named by its column."""
    columns = {
        "segment_id": "id",
        "segment_name": "segment",
        "customers": "customers",
        "customer_share": "share of customers",
        "revenue_share": "share of revenue",
        "top_country": "top country",
        "top_category": "top category",
        "recommended_action": "recommended action",
    }
    head = "".join(f"<th>{html.escape(label)}</th>" for label in columns.values())
    rows = []
    for record in profiles[list(columns)].to_dict("records"):
        cells = []
        for column, value in record.items():
            if column.endswith("_share"):
                text = "" if pd.isna(value) else f"{float(value):.1%}"
            else:
                text = "" if pd.isna(value) else str(value)
            cells.append(f'<td data-column="{column}">{html.escape(text)}</td>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return (f'<table data-table="segment_profiles"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def segments_html(data: ReportData) -> str:
    """The segments' introduction and their profile table with the recommended actions."""
    chosen = ", ".join(str(k) for k in data.diagnostics.loc[data.diagnostics["is_chosen"], "k"])
    return (
        f'<section id="segments"><h2>Customer segments</h2>'
        f"<p>{data.total_customers:,} customers in {len(data.profiles)} K-Means segments (chosen k = {chosen}), "
        f"each with the marketing action recommended for it. Scatter plots show a fixed random sample of "
        f"{len(data.customers):,} customers.</p>{profile_table(data.profiles)}</section>"
    )


def figure_html(chart: Chart, content: str) -> str:
    """A chart's section: its title, then <figure data-chart="ID"> holding content and the caption."""
    return (
        f'<section id="{chart.chart_id}"><h2>{html.escape(chart.title)}</h2>'
        f'<figure data-chart="{chart.chart_id}">{content}'
        f"<figcaption>{html.escape(chart.caption)}</figcaption></figure></section>"
    )


def image_html(chart: Chart, path: Path) -> str:
    """The PNG at path as an <img> with its data embedded."""
    encoded = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<img alt="{html.escape(chart.title)}" src="data:image/png;base64,{encoded}">'


STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1200px; padding: 0 1rem; color: #222; }
table { border-collapse: collapse; margin: 1rem 0; font-size: 0.9rem; }
th, td { border: 1px solid #ccc; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
dl.overview { display: grid; grid-template-columns: repeat(auto-fit, minmax(20rem, 1fr)); gap: 1rem; }
dl.overview div { border: 1px solid #ddd; border-radius: 6px; padding: 0.8rem; }
dt { color: #555; font-size: 0.85rem; }
dd { margin: 0.3rem 0 0; font-size: 1.5rem; font-weight: 600; }
dd.missing { color: #555; font-size: 1rem; font-style: italic; font-weight: normal; }
figure { margin: 0; }
figcaption { color: #555; font-size: 0.9rem; margin-top: 0.4rem; }
.not-applicable { background: #f6f6f6; color: #555; font-style: italic; padding: 1rem; }
img { max-width: 100%; }
"""


def page_html(data: ReportData, chart_sections: list[str]) -> str:
    """The whole page: overview, segment profiles, then the charts."""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>ShopSmart customer report</title>
<style>{STYLE}</style>
</head>
<body>
<h1>ShopSmart customer report</h1>
{overview_html(data.overview)}
{segments_html(data)}
{"".join(chart_sections)}
</body>
</html>
"""


def write_report(data: ReportData, out_dir: Path) -> list[Path]:
    """Write a PNG per applicable chart and index.html (the charts embedded) to out_dir; return the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    sections = []
    for chart in CHARTS:
        path = out_dir / chart.file_name
        if chart.needs_web_events and not data.has_web_events:
            # a picture left by a report on another source would contradict the page
            path.unlink(missing_ok=True)
            sections.append(figure_html(chart, f'<p class="not-applicable">{NOT_APPLICABLE}</p>'))
            continue
        save_chart(chart.draw(data), path)
        written.append(path)
        sections.append(figure_html(chart, image_html(chart, path)))
    index = out_dir / "index.html"
    index.write_text(page_html(data, sections), encoding="utf-8")
    written.append(index)
    return written

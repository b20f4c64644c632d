"""The report's charts (matplotlib, written as PNG) and its self-contained HTML page for marketers.

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

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter, StrMethodFormatter  # noqa: E402

from .data import Overview, ReportData  # noqa: E402

#: Centroid columns of segment_profiles shown in the profile chart, with their labels.
PROFILE_METRICS = {
    "mean_recency_days": "recency (days)",
    "mean_frequency": "orders",
    "mean_monetary_usd": "revenue (USD)",
    "mean_average_order_value_usd": "order value (USD)",
    "mean_total_items": "units",
    "mean_visits": "visits",
    "mean_add_to_cart_events": "add-to-cart",
    "mean_cancellation_rate": "cancellation rate",
}

#: Countries shown in the location chart, the largest revenue first.
TOP_COUNTRIES = 10

# PNG metadata without the matplotlib version, so the same data gives the same bytes
PNG_METADATA = {"Software": None}


def segment_colours(segment_ids: pd.Series) -> dict[int, tuple[float, float, float, float]]:
    """One colour per segment id, the same in every chart."""
    palette = plt.get_cmap("tab10")
    return {int(segment_id): palette((int(segment_id) - 1) % 10) for segment_id in sorted(segment_ids.unique())}


def selection_chart(data: ReportData) -> Figure:
    """Elbow (inertia) and silhouette curves over k, the chosen k marked."""
    diagnostics = data.diagnostics
    chosen = diagnostics.loc[diagnostics["is_chosen"], "k"]
    figure, (elbow, silhouette) = plt.subplots(1, 2, figsize=(11, 4.2))
    elbow.plot(diagnostics["k"], diagnostics["inertia"], marker="o", color="tab:blue")
    elbow.set(title="Elbow: inertia by k", xlabel="number of segments k", ylabel="within-cluster sum of squares")
    silhouette.plot(diagnostics["k"], diagnostics["silhouette"], marker="o", color="tab:green")
    silhouette.set(title="Silhouette by k (on the selection sample)", xlabel="number of segments k",
                   ylabel="mean silhouette")
    for axes in (elbow, silhouette):
        axes.set_xticks(diagnostics["k"])
        axes.grid(alpha=0.3)
        for k in chosen:
            axes.axvline(k, color="tab:red", linestyle="--", linewidth=1, label=f"chosen k = {k}")
        axes.legend(loc="best")
    figure.tight_layout()
    return figure


def projection_chart(data: ReportData) -> Figure:
    """The customers on the first two principal components, coloured by segment."""
    customers = data.customers
    colours = segment_colours(customers["segment_id"])
    figure, axes = plt.subplots(figsize=(8.5, 6.5))
    for segment_id, group in customers.groupby("segment_id"):
        axes.scatter(group["pca_1"], group["pca_2"], s=8, alpha=0.6, color=colours[int(segment_id)],
                     label=f"{segment_id}. {group['segment_name'].iloc[0]}")
    axes.set(title=f"Customers on the first two principal components ({len(customers):,} of "
                   f"{data.total_customers:,} customers)",
             xlabel="principal component 1", ylabel="principal component 2")
    axes.grid(alpha=0.3)
    axes.legend(markerscale=2.5, fontsize="small", loc="best")
    figure.tight_layout()
    return figure


def rfm_chart(data: ReportData) -> Figure:
    """Recency, frequency and monetary value of the buyers in 3-D, coloured by segment."""
    buyers = data.customers[data.customers["has_purchased"].astype(bool)]
    colours = segment_colours(data.customers["segment_id"])
    figure = plt.figure(figsize=(9, 7))
    axes = figure.add_subplot(projection="3d")
    for segment_id, group in buyers.groupby("segment_id"):
        axes.scatter(group["recency_days"], group["frequency"], np.log10(1 + group["monetary_usd"]),
                     s=8, alpha=0.6, color=colours[int(segment_id)],
                     label=f"{segment_id}. {group['segment_name'].iloc[0]}")
    axes.set_xlabel("recency (days)")
    axes.set_ylabel("frequency (orders)")
    axes.set_zlabel("monetary (log10 of 1 + USD)")
    axes.set_title(f"RFM of the buyers ({len(buyers):,} in the sample of {len(data.customers):,})")
    axes.legend(markerscale=2.5, fontsize="small", loc="upper left")
    figure.tight_layout()
    return figure


def profile_chart(data: ReportData) -> Figure:
    """Share of customers and of revenue per segment, and each segment's centroid against the average."""
    profiles = data.profiles
    labels = [f"{row.segment_id}. {row.segment_name}" for row in profiles.itertuples()]
    figure, (shares, centroids) = plt.subplots(
        1, 2, figsize=(14, 0.7 * len(profiles) + 3), gridspec_kw={"width_ratios": [1, 1.6]}
    )
    positions = np.arange(len(profiles))
    shares.barh(positions - 0.2, profiles["customer_share"].astype(float), height=0.4, label="customers")
    shares.barh(positions + 0.2, profiles["revenue_share"].astype(float).fillna(0), height=0.4, label="revenue")
    shares.set_yticks(positions, labels)
    shares.invert_yaxis()
    shares.set(title="Share of customers and of revenue", xlabel="share")
    shares.legend(loc="lower right")
    shares.grid(axis="x", alpha=0.3)

    metrics = [column for column in PROFILE_METRICS if column in profiles.columns]
    values = profiles[metrics].astype(float)
    weights = profiles["customers"].astype(float)
    # each centroid as a multiple of the customer-weighted average of the segments that have a value
    present = values.notna()
    overall = values.mul(weights, axis=0).sum() / present.mul(weights, axis=0).sum()
    log_index = np.log2((values / overall.replace(0, np.nan)).to_numpy(dtype=float))
    image = centroids.imshow(log_index, cmap="RdBu_r", vmin=-3, vmax=3, aspect="auto")
    centroids.set_xticks(np.arange(len(metrics)), [PROFILE_METRICS[column] for column in metrics], rotation=30,
                         ha="right")
    centroids.set_yticks(positions, labels)
    for row in range(len(profiles)):
        for column, metric in enumerate(metrics):
            value = values.iat[row, column]
            text = "-" if np.isnan(value) else (f"{value:.2f}" if abs(value) < 10 else f"{value:,.0f}")
            dark = abs(log_index[row, column]) > 1.5
            centroids.text(column, row, text, ha="center", va="center", fontsize="small",
                           color="white" if dark else "black")
    centroids.set_title("Centroids (colour: times the average, log scale)")
    colour_bar = figure.colorbar(image, ax=centroids, ticks=[-3, -2, -1, 0, 1, 2, 3])
    colour_bar.ax.set_yticklabels(["1/8", "1/4", "1/2", "1", "2", "4", "8"])
    figure.tight_layout()
    return figure


def compact_usd(value: float, _position: int | None = None) -> str:
    """A dollar amount for an axis tick: $750, $25k, $1.5M."""
    if abs(value) >= 1e6:
        return f"${value / 1e6:,.1f}M"
    if abs(value) >= 1e3:
        return f"${value / 1e3:,.0f}k"
    return f"${value:,.0f}"


def rfm_distribution_chart(data: ReportData) -> Figure:
    """Customers and revenue per RFM segment."""
    segments = data.rfm_segments
    positions = np.arange(len(segments))
    figure, (customers, revenue) = plt.subplots(1, 2, figsize=(12, 0.45 * len(segments) + 2), sharey=True)
    customers.bar_label(customers.barh(positions, segments["customers"], color="tab:blue"), fmt="{:,.0f}",
                        padding=3, fontsize="small")
    customers.set_yticks(positions, segments["rfm_segment"])
    customers.invert_yaxis()
    customers.set(title="Customers", xlabel="customers")
    revenue.bar_label(revenue.barh(positions, segments["revenue_usd"], color="tab:green"), fmt="${:,.0f}",
                      padding=3, fontsize="small")
    revenue.set(title="Revenue", xlabel="USD")
    revenue.xaxis.set_major_formatter(FuncFormatter(compact_usd))
    for axes in (customers, revenue):
        axes.margins(x=0.25)
        axes.grid(axis="x", alpha=0.3)
    figure.suptitle(f"RFM segments of {segments['customers'].sum():,} customers")
    figure.tight_layout()
    return figure


def location_chart(data: ReportData) -> Figure:
    """Customers, buyers and revenue of the countries with the most revenue."""
    top = data.countries.head(TOP_COUNTRIES)
    positions = np.arange(len(top))
    figure, (customers, revenue) = plt.subplots(1, 2, figsize=(12, 0.45 * len(top) + 2), sharey=True)
    customers.barh(positions, top["customers"], color="tab:blue", alpha=0.35, label="customers")
    customers.barh(positions, top["buyers"], color="tab:blue", label="buyers")
    customers.set_yticks(positions, top["country"])
    customers.invert_yaxis()
    customers.set(title="Customers and buyers", xlabel="customers")
    customers.legend(loc="lower right")
    revenue.bar_label(revenue.barh(positions, top["revenue_usd"], color="tab:green"), fmt="${:,.0f}",
                      padding=3, fontsize="small")
    revenue.set(title="Revenue", xlabel="USD")
    revenue.xaxis.set_major_formatter(FuncFormatter(compact_usd))
    revenue.margins(x=0.25)
    for axes in (customers, revenue):
        axes.grid(axis="x", alpha=0.3)
    figure.suptitle(f"Top {len(top)} of {len(data.countries)} countries by revenue")
    figure.tight_layout()
    return figure


def visit_patterns_chart(data: ReportData) -> Figure:
    """Visits by day of the week (rows) and hour of the day (columns)."""
    visits = data.visits
    grid = visits.pivot(index="iso_day_of_week", columns="hour_of_day", values="visits")
    day_names = visits.drop_duplicates("iso_day_of_week")["day_name"]
    figure, axes = plt.subplots(figsize=(13, 4.2))
    image = axes.imshow(grid.to_numpy(dtype=float), cmap="YlOrRd", aspect="auto")
    axes.set_xticks(np.arange(len(grid.columns)), [f"{hour:02d}" for hour in grid.columns])
    axes.set_yticks(np.arange(len(grid.index)), day_names)
    axes.set(title=f"Visits by day of the week and hour of the day ({visits['visits'].sum():,} visits)",
             xlabel="hour of the day (as exported, no time zone)")
    figure.colorbar(image, ax=axes, label="visits")
    figure.tight_layout()
    return figure


def share_text(part: float, whole: float) -> str:
    """part / whole as a percentage, or a dash when whole is 0."""
    return f"{part / whole:.1%}" if whole else "-"


def funnel_chart(data: ReportData) -> Figure:
    """Sessions reaching each funnel step, with the share of the visits and of the step before."""
    steps = data.funnel["step"]
    sessions = data.funnel["sessions"].to_numpy(dtype=float)
    positions = np.arange(len(steps))
    figure, axes = plt.subplots(figsize=(11, 4))
    axes.barh(positions, sessions, color=plt.get_cmap("Blues")(np.linspace(0.85, 0.45, len(steps))))
    axes.set_yticks(positions, steps)
    axes.invert_yaxis()
    axes.text(sessions[0], 0, f"  {sessions[0]:,.0f} sessions with a visit", va="center")
    for position in positions[1:]:
        count = sessions[position]
        axes.text(count, position, f"  {count:,.0f}: {share_text(count, sessions[0])} of the visits, "
                                    f"{share_text(count, sessions[position - 1])} of the step before", va="center")
    axes.set_xlim(0, sessions[0] * 2)
    axes.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    axes.set(title="Web sessions reaching each step of the funnel", xlabel="sessions")
    axes.grid(axis="x", alpha=0.3)
    figure.tight_layout()
    return figure


def cohort_retention_chart(data: ReportData) -> Figure:
    """Share of each first-order cohort ordering again, by month since the first order."""
    cohorts = data.cohorts
    grid = cohorts.pivot(index="cohort_month", columns="months_since", values="retention_rate")
    sizes = cohorts.drop_duplicates("cohort_month").set_index("cohort_month")["cohort_size"]
    values = grid.to_numpy(dtype=float)
    # month 0 is 100% by definition: scale the colours on the later months
    scale = float(np.nanmax(grid.drop(columns=0, errors="ignore").to_numpy(dtype=float), initial=0)) or 1.0
    figure, axes = plt.subplots(figsize=(max(8.0, 0.6 * len(grid.columns) + 3), 0.4 * len(grid) + 2))
    image = axes.imshow(values, cmap="Blues", vmin=0, vmax=scale, aspect="auto")
    for row, column in zip(*np.nonzero(~np.isnan(values))):
        value = values[row, column]
        axes.text(column, row, f"{value:.0%}", ha="center", va="center", fontsize="x-small",
                  color="white" if value > 0.6 * scale else "black")
    axes.set_xticks(np.arange(len(grid.columns)), grid.columns)
    axes.set_yticks(np.arange(len(grid)), [f"{pd.Timestamp(month):%Y-%m} ({sizes[month]:,})" for month in grid.index])
    axes.set(title="Customers ordering again, by month of their first order",
             xlabel="months since the first order", ylabel="first-order month (customers)")
    figure.colorbar(image, ax=axes, label="share of the cohort", format=StrMethodFormatter("{x:.0%}"))
    figure.tight_layout()
    return figure


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


def save_chart(figure: Figure, path: Path) -> None:
    figure.savefig(path, dpi=110, metadata=PNG_METADATA)
    plt.close(figure)


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

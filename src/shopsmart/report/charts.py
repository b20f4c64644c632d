"""The report's charts: matplotlib figures drawn from the marts, one function per chart.

Colour has one meaning across the page: each K-Means segment has its own colour
(SEGMENT_PALETTE, by segment id) in every chart and on the page, and nothing else
uses those colours; figures that are not per segment are grey; every heatmap uses
one sequential scale (HEATMAP_COLOURS), darker = more.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Patch, Rectangle  # noqa: E402
from matplotlib.ticker import FuncFormatter, PercentFormatter, StrMethodFormatter  # noqa: E402

from .data import ReportData, cohort_grid  # noqa: E402

#: One colour per segment (segment id 1 first): matplotlib's tab10 without its grey,
#: which stays for the figures that are not per segment.
SEGMENT_PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#bcbd22",
                   "#17becf")

#: Bars and lines of figures that are not per segment: the lighter for counts, the darker for money.
NEUTRAL_LIGHT = "#bdbdbd"
NEUTRAL_DARK = "#525252"

#: The one scale of every heatmap: white (none) to black (the most).
HEATMAP_COLOURS = "Greys"

#: Hatch and legend of the retention cells that are too recent to measure.
TOO_RECENT = "too recent to measure"

#: Centroid columns of segment_profiles shown in the profile heatmap, with their labels.
PROFILE_METRICS = {
    "mean_recency_days": "days since\nlast order",
    "mean_frequency": "orders",
    "mean_monetary_usd": "spend\n(USD)",
    "mean_average_order_value_usd": "order value\n(USD)",
    "mean_total_items": "units",
    "mean_visits": "visits",
    "mean_add_to_cart_events": "add-to-cart",
    "mean_cancellation_rate": "cancellation\nrate",
}

#: Countries shown in the location chart, the largest revenue first.
TOP_COUNTRIES = 10

# PNG metadata without the matplotlib version, so the same data gives the same bytes
PNG_METADATA = {"Software": None}


def segment_colour(segment_id: int) -> str:
    """The colour of a segment, as #rrggbb, the same in every chart and on the page."""
    return SEGMENT_PALETTE[(int(segment_id) - 1) % len(SEGMENT_PALETTE)]


def segment_label(segment_id: int, segment_name: str) -> str:
    return f"{segment_id}. {segment_name}"


def selection_chart(data: ReportData) -> Figure:
    """Elbow (inertia) and silhouette curves over k, the chosen k marked."""
    diagnostics = data.diagnostics
    chosen = diagnostics.loc[diagnostics["is_chosen"], "k"]
    figure, (elbow, silhouette) = plt.subplots(1, 2, figsize=(10, 4))
    elbow.plot(diagnostics["k"], diagnostics["inertia"], marker="o", color=NEUTRAL_DARK)
    elbow.set(title="Elbow: inertia by k", xlabel="number of segments k", ylabel="within-cluster sum of squares")
    silhouette.plot(diagnostics["k"], diagnostics["silhouette"], marker="o", color=NEUTRAL_DARK)
    silhouette.set(title="Silhouette by k (on the selection sample)", xlabel="number of segments k",
                   ylabel="mean silhouette")
    for axes in (elbow, silhouette):
        axes.set_xticks(diagnostics["k"])
        axes.grid(alpha=0.3)
        for k in chosen:
            axes.axvline(k, color="black", linestyle="--", linewidth=1, label=f"chosen k = {k}")
        axes.legend(loc="best")
    figure.tight_layout()
    return figure


def projection_chart(data: ReportData) -> Figure:
    """The customers on the first two principal components, coloured by segment."""
    customers = data.customers
    figure, axes = plt.subplots(figsize=(8, 6.5))
    for segment_id, group in customers.groupby("segment_id"):
        axes.scatter(group["pca_1"], group["pca_2"], s=8, alpha=0.6, color=segment_colour(int(segment_id)),
                     label=segment_label(int(segment_id), group["segment_name"].iloc[0]))
    axes.set(title=f"Customers on the first two principal components\n({len(customers):,} of "
                   f"{data.total_customers:,} customers)",
             xlabel="principal component 1", ylabel="principal component 2")
    axes.grid(alpha=0.3)
    axes.legend(markerscale=2.5, fontsize="small", loc="best")
    figure.tight_layout()
    return figure


def rfm_chart(data: ReportData) -> Figure:
    """Recency, frequency and monetary value of the buyers in 3-D, coloured by segment."""
    buyers = data.customers[data.customers["has_purchased"].astype(bool)]
    figure = plt.figure(figsize=(8, 7))
    axes = figure.add_subplot(projection="3d")
    for segment_id, group in buyers.groupby("segment_id"):
        axes.scatter(group["recency_days"], group["frequency"], np.log10(1 + group["monetary_usd"]),
                     s=8, alpha=0.6, color=segment_colour(int(segment_id)),
                     label=segment_label(int(segment_id), group["segment_name"].iloc[0]))
    axes.set_xlabel("days since last order")
    axes.set_ylabel("orders")
    axes.set_zlabel("spend (log10 of 1 + USD)")
    axes.set_title(f"Recency, orders and spend of the buyers\n({len(buyers):,} in the sample of "
                   f"{len(data.customers):,})")
    axes.legend(markerscale=2.5, fontsize="small", loc="upper left")
    figure.tight_layout()
    return figure


def segment_shares_chart(data: ReportData) -> Figure:
    """Each segment's share of the customers (light bar), of the revenue (solid bar) and of the expected
    lifetime value (hatched bar), in its colour."""
    profiles = data.profiles
    positions = np.arange(len(profiles))
    colours = [segment_colour(int(segment_id)) for segment_id in profiles["segment_id"]]
    shares = {
        "customers": (profiles["customer_share"].astype(float).to_numpy(), {"alpha": 0.35}),
        "revenue": (profiles["revenue_share"].astype(float).fillna(0).to_numpy(), {}),
        "lifetime value": (profiles["lifetime_value_share"].astype(float).fillna(0).to_numpy(),
                           {"hatch": "///", "edgecolor": "white"}),
    }
    figure, axes = plt.subplots(figsize=(7.5, 1.1 * len(profiles) + 1.6))
    height = 0.27
    for offset, (label, (share, style)) in zip((-height, 0.0, height), shares.items(), strict=True):
        bars = axes.barh(positions + offset, share, height=height * 0.95, color=colours, **style)
        axes.bar_label(bars, [f"{value:.0%} of {label}" for value in share], padding=3, fontsize="small")
    axes.set_yticks(positions, [segment_label(row.segment_id, row.segment_name) for row in profiles.itertuples()])
    axes.invert_yaxis()
    # room right of the longest bar for its label
    longest = max(float(np.max(share, initial=0)) for share, _style in shares.values())
    axes.set_xlim(0, max(longest, 0.1) * 1.7)
    axes.xaxis.set_major_formatter(PercentFormatter(1.0))
    axes.set(title="Share of the customers (light), the revenue (solid)\nand the expected lifetime value (hatched)",
             xlabel="share")
    axes.grid(axis="x", alpha=0.3)
    figure.tight_layout()
    return figure


def profile_index(profiles: pd.DataFrame, metrics: list[str]) -> pd.DataFrame:
    """Each metric as a share of its largest value over the segments (0 to 1; NaN where a segment has none)."""
    values = profiles[metrics].astype(float)
    return values / values.max().where(values.max() > 0)


def mark_segment_rows(axes: Axes, segment_ids: pd.Series) -> None:
    """A square in the segment's colour left of each row of a heatmap."""
    for row, segment_id in enumerate(segment_ids):
        axes.add_patch(Rectangle((-1.0, row - 0.3), 0.3, 0.6, color=segment_colour(int(segment_id)),
                                 clip_on=False))
    axes.tick_params(axis="y", pad=28)


def cell_text(value: float) -> str:
    if np.isnan(value):
        return "-"
    return f"{value:.2f}" if abs(value) < 10 else f"{value:,.0f}"


def profile_chart(data: ReportData) -> Figure:
    """Each segment's average behaviour, darker = more of it than the other segments."""
    profiles = data.profiles
    metrics = [column for column in PROFILE_METRICS if column in profiles.columns]
    values = profiles[metrics].astype(float).to_numpy()
    index = profile_index(profiles, metrics).to_numpy(dtype=float)
    figure, axes = plt.subplots(figsize=(9, 0.6 * len(profiles) + 2.4))
    image = axes.imshow(index, cmap=HEATMAP_COLOURS, vmin=0, vmax=1, aspect="auto")
    for row, column in np.ndindex(values.shape):
        dark = not np.isnan(index[row, column]) and index[row, column] > 0.55
        axes.text(column, row, cell_text(values[row, column]), ha="center", va="center", fontsize="small",
                  color="white" if dark else "black")
    axes.set_xticks(np.arange(len(metrics)), [PROFILE_METRICS[column] for column in metrics], fontsize="small")
    axes.xaxis.tick_top()
    axes.set_yticks(np.arange(len(profiles)),
                    [segment_label(row.segment_id, row.segment_name) for row in profiles.itertuples()])
    mark_segment_rows(axes, profiles["segment_id"])
    axes.set_title("Average per customer of each segment (darker = more)", pad=12)
    colour_bar = figure.colorbar(image, ax=axes, orientation="horizontal", fraction=0.06, pad=0.04,
                                 format=PercentFormatter(1.0))
    colour_bar.set_label("share of the column's largest value")
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
    figure, (customers, revenue) = plt.subplots(1, 2, figsize=(10, 0.45 * len(segments) + 2), sharey=True)
    customers.bar_label(customers.barh(positions, segments["customers"], color=NEUTRAL_LIGHT), fmt="{:,.0f}",
                        padding=3, fontsize="small")
    customers.set_yticks(positions, segments["rfm_segment"])
    customers.invert_yaxis()
    customers.set(title="Customers", xlabel="customers")
    revenue.bar_label(revenue.barh(positions, segments["revenue_usd"], color=NEUTRAL_DARK), fmt="${:,.0f}",
                      padding=3, fontsize="small")
    revenue.set(title="Revenue", xlabel="USD")
    revenue.xaxis.set_major_formatter(FuncFormatter(compact_usd))
    for axes in (customers, revenue):
        axes.margins(x=0.3)
        axes.grid(axis="x", alpha=0.3)
    figure.suptitle(f"RFM segments of {segments['customers'].sum():,} customers")
    figure.tight_layout()
    return figure


def location_chart(data: ReportData) -> Figure:
    """Customers, buyers and revenue of the countries with the most revenue."""
    top = data.countries.head(TOP_COUNTRIES)
    positions = np.arange(len(top))
    figure, (customers, revenue) = plt.subplots(1, 2, figsize=(10, 0.45 * len(top) + 2), sharey=True)
    customers.barh(positions, top["customers"], color=NEUTRAL_LIGHT, label="customers")
    customers.barh(positions, top["buyers"], color=NEUTRAL_DARK, label="buyers")
    customers.set_yticks(positions, top["country"])
    customers.invert_yaxis()
    customers.set(title="Customers and buyers", xlabel="customers")
    customers.legend(loc="lower right")
    revenue.bar_label(revenue.barh(positions, top["revenue_usd"], color=NEUTRAL_DARK), fmt="${:,.0f}",
                      padding=3, fontsize="small")
    revenue.set(title="Revenue", xlabel="USD")
    revenue.xaxis.set_major_formatter(FuncFormatter(compact_usd))
    revenue.margins(x=0.3)
    for axes in (customers, revenue):
        axes.grid(axis="x", alpha=0.3)
    figure.suptitle(f"Top {len(top)} of {len(data.countries)} countries by revenue")
    figure.tight_layout()
    return figure


def visit_patterns_chart(data: ReportData) -> Figure:
    """Visits by day of the week (rows) and hour of the day (columns), darker = more."""
    visits = data.visits
    grid = visits.pivot(index="iso_day_of_week", columns="hour_of_day", values="visits")
    day_names = visits.drop_duplicates("iso_day_of_week")["day_name"]
    figure, axes = plt.subplots(figsize=(10, 3.8))
    image = axes.imshow(grid.to_numpy(dtype=float), cmap=HEATMAP_COLOURS, vmin=0, aspect="auto")
    axes.set_xticks(np.arange(0, len(grid.columns), 2), [f"{hour:02d}" for hour in grid.columns[::2]])
    axes.set_yticks(np.arange(len(grid.index)), day_names)
    axes.set(title=f"Visits by day of the week and hour of the day ({visits['visits'].sum():,} visits)",
             xlabel="hour of the day (as exported, no time zone)")
    figure.colorbar(image, ax=axes, label="visits (darker = more)")
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
    figure, axes = plt.subplots(figsize=(9, 3.6))
    axes.barh(positions, sessions, color=NEUTRAL_DARK)
    axes.set_yticks(positions, steps)
    axes.invert_yaxis()
    axes.text(sessions[0], 0, f"  {sessions[0]:,.0f} sessions with a visit", va="center")
    for position in positions[1:]:
        count = sessions[position]
        axes.text(count, position, f"  {count:,.0f}: {share_text(count, sessions[0])} of the visits,\n"
                                    f"  {share_text(count, sessions[position - 1])} of the step before",
                  va="center", fontsize="small")
    axes.set_xlim(0, sessions[0] * 2)
    axes.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    axes.set(title="Web sessions reaching each step of the funnel", xlabel="sessions")
    axes.grid(axis="x", alpha=0.3)
    figure.tight_layout()
    return figure


def hatch_cells(axes: Axes, mask: np.ndarray) -> None:
    """Hatch the cells of a heatmap where mask is True."""
    for row, column in zip(*np.nonzero(mask)):
        axes.add_patch(Rectangle((column - 0.5, row - 0.5), 1, 1, fill=False, hatch="///", edgecolor="#9e9e9e",
                                 linewidth=0))


def cohort_retention_chart(data: ReportData) -> Figure:
    """Share of each first-order cohort ordering again, by month since the first order; too recent cells hatched."""
    cohorts = data.cohorts
    rates, too_recent = cohort_grid(cohorts, data.as_of.analysis_date)
    sizes = cohorts.drop_duplicates("cohort_month").set_index("cohort_month")["cohort_size"]
    values = rates.to_numpy(dtype=float)
    # month 0 is 100% by definition: scale the colours on the later months
    scale = float(np.nanmax(rates.drop(columns=0, errors="ignore").to_numpy(dtype=float), initial=0)) or 1.0
    figure, axes = plt.subplots(figsize=(max(7.0, 0.45 * len(rates.columns) + 3), 0.36 * len(rates) + 2.2))
    image = axes.imshow(values, cmap=HEATMAP_COLOURS, vmin=0, vmax=scale, aspect="auto")
    hatch_cells(axes, too_recent.to_numpy(dtype=bool))
    for row, column in zip(*np.nonzero(~np.isnan(values))):
        value = values[row, column]
        axes.text(column, row, f"{value:.0%}", ha="center", va="center", fontsize="x-small",
                  color="white" if value > 0.55 * scale else "black")
    axes.set_xticks(np.arange(len(rates.columns)), rates.columns)
    axes.set_yticks(np.arange(len(rates)), [f"{pd.Timestamp(month):%Y-%m} ({sizes[month]:,})" for month in rates.index])
    axes.set(title="Customers ordering again, by month of their first order",
             xlabel="months since the first order", ylabel="first-order month (customers)")
    figure.colorbar(image, ax=axes, label="share of the cohort (darker = more)", format=PercentFormatter(1.0))
    axes.legend(handles=[Patch(facecolor="white", edgecolor="#9e9e9e", hatch="///", label=TOO_RECENT)],
                loc="lower right", fontsize="small")
    figure.tight_layout()
    return figure


def transition_shares(data: ReportData) -> pd.DataFrame:
    """Share of each segment's customers (rows, by segment id) in each segment a month later (columns)."""
    labels = {str(row.segment_name): segment_label(row.segment_id, row.segment_name)
              for row in data.profiles.itertuples()}
    order = list(labels.values())
    moves = data.transitions.assign(
        from_label=data.transitions["from_segment"].map(labels),
        to_label=data.transitions["to_segment"].map(labels),
    )
    counts = moves.pivot_table(index="from_label", columns="to_label", values="customers", aggfunc="sum",
                               fill_value=0)
    counts = counts.reindex(index=order, columns=order, fill_value=0).astype(float)
    return counts.div(counts.sum(axis=1).replace(0, np.nan), axis=0)


def segment_transitions_chart(data: ReportData) -> Figure:
    """Where each segment's customers were one month end later, over the whole history (darker = more)."""
    shares = transition_shares(data)
    values = shares.to_numpy(dtype=float)
    figure, axes = plt.subplots(figsize=(0.9 * len(shares) + 4.5, 0.6 * len(shares) + 2.4))
    image = axes.imshow(values, cmap=HEATMAP_COLOURS, vmin=0, vmax=1, aspect="auto")
    for row, column in zip(*np.nonzero(~np.isnan(values))):
        value = values[row, column]
        axes.text(column, row, f"{value:.0%}", ha="center", va="center", fontsize="small",
                  color="white" if value > 0.55 else "black")
    axes.set_xticks(np.arange(len(shares.columns)), shares.columns, rotation=30, ha="right")
    axes.set_yticks(np.arange(len(shares)), shares.index)
    period = ""
    if not data.transitions.empty:
        first, last = data.transitions.iloc[0][["first_month_end", "last_month_end"]]
        period = (f"\n{int(data.transitions['months'].iloc[0])} monthly moves, to the month ends "
                  f"{first:%Y-%m-%d} to {last:%Y-%m-%d}")
    axes.set(title=f"Where each segment's customers were a month later{period}",
             xlabel="segment a month later", ylabel="segment at a month end")
    figure.colorbar(image, ax=axes, label="share of the segment's customers", format=PercentFormatter(1.0))
    figure.tight_layout()
    return figure


def save_chart(figure: Figure, path: Path) -> None:
    figure.savefig(path, dpi=110, metadata=PNG_METADATA)
    plt.close(figure)

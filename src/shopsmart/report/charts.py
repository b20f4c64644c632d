"""The report's charts: matplotlib figures drawn from the marts, one function per chart."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter, StrMethodFormatter  # noqa: E402

from pathlib import Path  # noqa: E402

from .data import ReportData  # noqa: E402


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


def save_chart(figure: Figure, path: Path) -> None:
    figure.savefig(path, dpi=110, metadata=PNG_METADATA)
    plt.close(figure)

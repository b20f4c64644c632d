"""The report's charts (matplotlib, written as PNG) and its self-contained HTML page."""

from __future__ import annotations

import base64
import html
from collections.abc import Callable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

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


CHARTS: dict[str, tuple[str, Callable[[ReportData], Figure]]] = {
    "segment_selection.png": ("Model selection: elbow and silhouette", selection_chart),
    "segment_projection.png": ("Customers on two principal components", projection_chart),
    "segment_rfm_3d.png": ("Recency, frequency and monetary value", rfm_chart),
    "segment_profiles.png": ("Segment profiles", profile_chart),
}


def profile_table(profiles: pd.DataFrame) -> str:
    """The profiles' headline columns as an HTML table."""
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
            cells.append(f"<td>{html.escape(text)}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def write_report(data: ReportData, out_dir: Path) -> list[Path]:
    """Write the four PNG charts and index.html (the charts embedded) to out_dir; return the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    sections = []
    for file_name, (title, chart) in CHARTS.items():
        figure = chart(data)
        path = out_dir / file_name
        figure.savefig(path, dpi=110, metadata=PNG_METADATA)
        plt.close(figure)
        written.append(path)
        encoded = base64.b64encode(path.read_bytes()).decode("ascii")
        sections.append(
            f'<section><h2>{html.escape(title)}</h2>'
            f'<img alt="{html.escape(title)}" src="data:image/png;base64,{encoded}"></section>'
        )
    chosen = ", ".join(str(k) for k in data.diagnostics.loc[data.diagnostics["is_chosen"], "k"])
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>ShopSmart customer segments</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1200px; color: #222; }}
table {{ border-collapse: collapse; margin: 1rem 0; font-size: 0.9rem; }}
th, td {{ border: 1px solid #ccc; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }}
th {{ background: #f3f3f3; }}
img {{ max-width: 100%; }}
</style>
</head>
<body>
<h1>ShopSmart customer segments</h1>
<p>{data.total_customers:,} customers in {len(data.profiles)} K-Means segments (chosen k = {chosen}).
Scatter plots show a fixed random sample of {len(data.customers):,} customers.</p>
{profile_table(data.profiles)}
{''.join(sections)}
</body>
</html>
"""
    index = out_dir / "index.html"
    index.write_text(page, encoding="utf-8")
    written.append(index)
    return written

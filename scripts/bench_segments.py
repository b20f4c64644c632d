"""Time the customer segmentation (model selection and assignment) on many customers.

Synthesizes customer features shaped like the customer_features mart for the five
generator personas (shares and typical values of shopsmart.generator.personas), runs
shopsmart.segmentation.segment_customers with the default settings and prints the
wall time of each step and the peak memory of the process.

Usage (from the repository root):
    .venv/bin/python scripts/bench_segments.py [--customers 1000000] [--seed 0]
"""

from __future__ import annotations

import argparse
import resource
import time
from collections.abc import Callable
from typing import TypeVar

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score

from shopsmart.segmentation import SegmentationConfig, assign_segments, select_model

T = TypeVar("T")

# persona: (share, buys, recency days range, orders range, order value USD (median, log sd),
#           visits range, units per order range, add-to-cart events per visit)
PERSONAS = {
    "loyal_high_spender": (0.12, True, (2, 90), (4, 10), (6000.0, 0.8), (8, 12), (1, 3), 1.8),
    "bargain_hunter": (0.22, True, (1, 100), (3, 8), (170.0, 0.9), (5, 8), (3, 8), 1.9),
    "one_time_buyer": (0.30, True, (5, 260), (1, 1), (380.0, 1.2), (1, 2), (1, 2), 1.2),
    "lapsed_customer": (0.16, True, (270, 360), (1, 4), (800.0, 1.3), (4, 6), (1, 2), 1.4),
    "window_shopper": (0.20, False, (0, 0), (0, 0), (0.0, 0.0), (6, 10), (0, 0), 0.5),
}


def synthesize(customers: int, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    """Customer features of ``customers`` synthetic customers and their persona numbers."""
    rng = np.random.default_rng(seed)
    shares = np.array([spec[0] for spec in PERSONAS.values()])
    persona = rng.choice(len(PERSONAS), size=customers, p=shares / shares.sum())
    columns: dict[str, np.ndarray] = {
        name: np.zeros(customers)
        for name in ("recency_days", "frequency", "monetary_usd", "visits", "total_items", "add_to_cart_events")
    }
    for number, (_, buys, recency, orders, value, visits, units, carts) in enumerate(PERSONAS.values()):
        rows = np.flatnonzero(persona == number)
        size = len(rows)
        visit_counts = rng.integers(visits[0], visits[1] + 1, size)
        columns["visits"][rows] = visit_counts
        columns["add_to_cart_events"][rows] = rng.poisson(carts * visit_counts)
        if not buys:
            columns["recency_days"][rows] = np.nan
            continue
        order_counts = rng.integers(orders[0], orders[1] + 1, size)
        columns["frequency"][rows] = order_counts
        columns["recency_days"][rows] = rng.integers(recency[0], recency[1] + 1, size)
        columns["monetary_usd"][rows] = np.round(
            order_counts * value[0] * rng.lognormal(0.0, value[1], size), 2
        )
        columns["total_items"][rows] = order_counts * rng.integers(units[0], units[1] + 1, size)
    frame = pd.DataFrame(columns)
    frame.insert(0, "customer_id", [f"{index:08d}" for index in range(customers)])
    frame["has_purchased"] = frame["frequency"] > 0
    frame["sessions"] = frame["visits"]
    frame["average_order_value_usd"] = frame["monetary_usd"] / frame["frequency"].where(frame["has_purchased"])
    # RFM monetary score of the buyers, as customer_rfm scores it: ceil(5 * (midrank - 0.5) / buyers),
    # in whole numbers: ceil(5 * (2 * midrank - 1) / (2 * buyers))
    buyers = frame["has_purchased"]
    twice_midrank = (2 * frame.loc[buyers, "monetary_usd"].rank(method="average")).astype("int64")
    frame["m_score"] = pd.array([pd.NA] * customers, dtype="Int64")
    frame.loc[buyers, "m_score"] = -(-5 * (twice_midrank - 1) // (2 * int(buyers.sum())))
    return frame, persona


def timed(label: str, step: Callable[[], T]) -> T:
    start = time.perf_counter()
    result = step()
    print(f"{label:<34} {time.perf_counter() - start:8.1f} s")
    return result


def peak_memory_mib() -> float:
    # ru_maxrss is in KiB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    config = SegmentationConfig()
    features, persona = timed(f"synthesize {args.customers:,} customers", lambda: synthesize(args.customers, args.seed))
    print(f"{'peak memory with the input':<34} {peak_memory_mib():8.0f} MiB")
    start = time.perf_counter()
    diagnostics = timed("model selection (k = 2..8)", lambda: select_model(features, config))
    segments = timed("assignment of every customer", lambda: assign_segments(features, diagnostics, config))
    total = time.perf_counter() - start
    print(f"{'selection + assignment':<34} {total:8.1f} s")
    print(f"{'peak memory':<34} {peak_memory_mib():8.0f} MiB")
    chosen = int(diagnostics.loc[diagnostics["is_chosen"], "k"].iloc[0])
    order = np.argsort(features["customer_id"].to_numpy())
    ari = adjusted_rand_score(persona[order], segments["segment_id"])
    print(f"chosen k = {chosen}, adjusted Rand index against the personas = {ari:.3f}")
    print(diagnostics[["k", "inertia", "silhouette", "is_chosen"]].to_string(index=False))


if __name__ == "__main__":
    main()

"""End-to-end checks of the segment marts on the embedded sample.

The segments are compared with the generator's ground truth (the persona of every
sample customer); profile figures are recomputed in Python from staging and the core
marts (`orders`, `order_items`, checked against the raw files in test_marts_build),
without the segment marts' SQL.
"""

from __future__ import annotations

import base64
import csv
import re
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from sklearn.metrics import adjusted_rand_score

from dbt_project import PROJECT_DIR, DbtRun, dbt

PERSONAS_FILE = PROJECT_DIR / "tests" / "fixtures" / "sample_truth" / "customer_personas.csv"
ACTIONS_SEED = PROJECT_DIR / "seeds" / "reference" / "segment_actions.csv"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# segment_audiences too: its relationships test to segment_profiles runs whenever segment_profiles is
# built (dbt selects a test when one of its parents is selected), and it must then hold the new segments
# the K-Means models and every model built from them (the history reads today's segments)
SEGMENT_MODELS = ("segment_model_fits segment_model_diagnostics customer_segments segment_profiles segment_audiences "
                  "customer_segment_history segment_transitions")
# the archetype a segment of each generator persona should get
PERSONA_ARCHETYPES = {
    "loyal_high_spender": "High-value loyal",
    "bargain_hunter": "Bargain hunters",
    "lapsed_customer": "Lapsed customers",
    "one_time_buyer": "One-time buyers",
    "window_shopper": "Window shoppers",
}


def personas() -> dict[str, str]:
    with PERSONAS_FILE.open(newline="") as handle:
        return {row["customer_id"]: row["persona"] for row in csv.DictReader(handle)}


def segments_of(run: DbtRun) -> dict[str, tuple[int, str, str]]:
    return {
        customer_id: (segment_id, name, archetype)
        for customer_id, segment_id, name, archetype in run.query(
            "select customer_id, segment_id, segment_name, segment_archetype from marts.customer_segments"
        )
    }


def copy_of(run: DbtRun, work_dir: Path) -> Path:
    """A copy of the build's warehouse in work_dir, where `dbt(..., work_dir)` builds."""
    work_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(run.database, work_dir / "warehouse.duckdb")
    return work_dir


def test_segments_recover_the_generator_personas(sample_build: DbtRun) -> None:
    truth = personas()
    segments = segments_of(sample_build)
    # every segmented customer is a generated one (staging only rejects customers)
    assert segments.keys() <= truth.keys() and len(segments) > 0.99 * len(truth)
    customers = sorted(segments)
    ari = adjusted_rand_score([truth[c] for c in customers], [segments[c][0] for c in customers])
    print(f"adjusted Rand index of customer_segments against the personas: {ari:.4f}")
    assert ari >= 0.8


def test_segment_names_describe_their_personas(sample_build: DbtRun) -> None:
    truth = personas()
    members: dict[str, Counter] = defaultdict(Counter)
    for customer_id, (_, _, archetype) in segments_of(sample_build).items():
        members[archetype][truth[customer_id]] += 1
    majority = {archetype: counts.most_common(1)[0][0] for archetype, counts in members.items()}
    # one segment per persona, each named after the persona most of its customers have
    assert sorted(majority) == sorted(PERSONA_ARCHETYPES.values())
    assert {archetype: PERSONA_ARCHETYPES[persona] for archetype, persona in majority.items()} == {
        archetype: archetype for archetype in majority
    }


def test_every_customer_has_one_segment(sample_build: DbtRun) -> None:
    staged = Counter(c for (c,) in sample_build.query("select customer_id from staging.stg_shopsmart__customers"))
    segmented = Counter(c for (c,) in sample_build.query("select customer_id from marts.customer_segments"))
    assert segmented == staged


def test_diagnostics_cover_every_k_and_choose_by_silhouette(sample_build: DbtRun) -> None:
    rows = sample_build.query(
        "select k, inertia, silhouette, sample_size, is_chosen from marts.segment_model_diagnostics order by k"
    )
    (customers,) = sample_build.query("select count(*) from staging.stg_shopsmart__customers")[0]
    assert [k for k, *_ in rows] == list(range(2, 9))
    assert all(sample_size == customers for *_, sample_size, _ in rows)
    best = max(rows, key=lambda row: (round(row[2], 4), -row[0]))[0]
    assert [k for k, *_, chosen in rows if chosen] == [best]
    segment_ids = {segment_id for segment_id, _, _ in segments_of(sample_build).values()}
    assert segment_ids == set(range(1, best + 1))


def test_segment_ids_follow_mean_revenue(sample_build: DbtRun) -> None:
    revenue: dict[str, Decimal] = defaultdict(Decimal)
    for customer_id, amount in sample_build.query(
        "select customer_id, total_amount_usd from marts.orders where is_successful"
    ):
        revenue[customer_id] += amount
    totals: dict[int, list[Decimal]] = defaultdict(list)
    for customer_id, (segment_id, _, _) in segments_of(sample_build).items():
        totals[segment_id].append(revenue[customer_id])
    means = [sum(totals[s]) / len(totals[s]) for s in sorted(totals)]
    assert means == sorted(means, reverse=True)


def test_profiles_match_a_recount(sample_build: DbtRun) -> None:
    segments = segments_of(sample_build)
    locations = dict(sample_build.query("select customer_id, location from staging.stg_shopsmart__customers"))
    revenue: dict[int, Decimal] = defaultdict(Decimal)
    orders: Counter = Counter()
    for customer_id, amount in sample_build.query(
        "select customer_id, total_amount_usd from marts.orders where is_successful"
    ):
        revenue[segments[customer_id][0]] += amount
        orders[segments[customer_id][0]] += 1
    categories: dict[int, Counter] = defaultdict(Counter)
    for customer_id, category, amount in sample_build.query(
        "select customer_id, category, line_total_usd from marts.order_items "
        "where is_successful_order and category is not null"
    ):
        categories[segments[customer_id][0]][category] += amount
    with ACTIONS_SEED.open(newline="") as handle:
        actions = {row["segment_archetype"]: row["recommended_action"] for row in csv.DictReader(handle)}
    sizes = Counter(segment_id for segment_id, _, _ in segments.values())
    countries: dict[int, Counter] = defaultdict(Counter)
    for customer_id, (segment_id, _, _) in segments.items():
        if locations[customer_id] is not None:
            countries[segment_id][locations[customer_id]] += 1
    names = {segment_id: (name, archetype) for segment_id, name, archetype in segments.values()}
    total_revenue = sum(revenue.values())

    profiles = sample_build.query(
        "select segment_id, segment_name, segment_archetype, top_country, top_category, recommended_action,"
        " customers, customer_share, revenue_usd, revenue_share, mean_frequency"
        " from marts.segment_profiles order by segment_id"
    )
    assert [row[0] for row in profiles] == sorted(sizes)
    for (segment_id, name, archetype, country, category, action, customers, customer_share, revenue_usd,
         revenue_share, mean_frequency) in profiles:
        assert (name, archetype) == names[segment_id]
        assert customers == sizes[segment_id]
        assert customer_share == round4(Decimal(customers) / len(segments))
        assert revenue_usd == revenue[segment_id]
        assert revenue_share == round4(revenue[segment_id] / total_revenue)
        assert mean_frequency == (Decimal(orders[segment_id]) / customers).quantize(Decimal("0.01"), ROUND_HALF_UP)
        assert country == top(countries[segment_id])
        assert category == (top(categories[segment_id]) if categories[segment_id] else None)
        assert action == actions[archetype]


def round4(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.0001"), ROUND_HALF_UP)


def top(counts: Counter) -> str:
    """The key with the largest count; a tie goes to the first in alphabetical order."""
    return min(counts, key=lambda key: (-counts[key], key))


def test_a_second_build_gives_the_same_segments(sample_build: DbtRun, tmp_path: Path) -> None:
    run = dbt("run", copy_of(sample_build, tmp_path / "again"), None, "--select", SEGMENT_MODELS)
    assert run.returncode == 0, run.output[-5000:]
    for relation in (
        "diagnostics.segment_model_fits",
        "marts.segment_model_diagnostics",
        "marts.customer_segments",
        "marts.segment_profiles",
        "marts.segment_audiences",
    ):
        assert run.fingerprint(relation) == sample_build.fingerprint(relation), relation


def test_the_segments_k_var_pins_the_number_of_segments(sample_build: DbtRun, tmp_path: Path) -> None:
    run = dbt("build", copy_of(sample_build, tmp_path / "pinned"), None, "--select", SEGMENT_MODELS,
              "--vars", "{segments_k: 3}")
    assert run.returncode == 0, run.output[-5000:]
    assert run.query("select k from marts.segment_model_diagnostics where is_chosen") == [(3,)]
    assert run.query("select count(*) from marts.segment_model_diagnostics") == [(7,)]
    assert run.query("select distinct segment_id from marts.customer_segments order by 1") == [(1,), (2,), (3,)]


def test_report_writes_the_pictures(sample_build: DbtRun, tmp_path: Path) -> None:
    out = tmp_path / "report"
    completed = subprocess.run(
        [str(Path(sys.executable).parent / "shopsmart-report"), "--database", str(sample_build.database),
         "--out", str(out)],
        capture_output=True, text=True, check=False,
    )
    assert completed.returncode == 0, completed.stderr
    # in the order of the page: the segments, the shop's charts, then the technical appendix
    pictures = ["segment_shares.png", "segment_profiles.png", "segment_transitions.png", "rfm_distribution.png",
                "location.png",
                "visit_patterns.png", "funnel.png", "cohort_retention.png",
                "segment_selection.png", "segment_projection.png", "segment_rfm_3d.png"]
    for name in pictures:
        content = (out / name).read_bytes()
        assert content.startswith(PNG_SIGNATURE) and len(content) > 10_000, name
    page = (out / "index.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    embedded = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert [base64.b64decode(data) for data in embedded] == [(out / name).read_bytes() for name in pictures]
    # self-contained: nothing is loaded from elsewhere (a link to the audience file is not loaded)
    assert not re.search(r'src="(?!data:)', page)
    assert not re.search(r"<(link|script)[^>]+(href|src)=", page)
    for (name,) in sample_build.query("select segment_name from marts.segment_profiles"):
        assert name in page


def test_report_without_a_warehouse_fails_clearly(tmp_path: Path) -> None:
    completed = subprocess.run(
        [str(Path(sys.executable).parent / "shopsmart-report"), "--database", str(tmp_path / "none.duckdb"),
         "--out", str(tmp_path / "report")],
        capture_output=True, text=True, check=False,
    )
    assert completed.returncode == 1
    assert "run `dbt build` first" in completed.stderr

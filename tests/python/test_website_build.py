"""End-to-end checks of the website and product marts on the embedded sample.

The funnel, cart and timing figures are recomputed in Python from the staging
events (sessionized here with the inactivity timeout of dbt_project.yml), the
staging orders and customers; product sales from the order_items rows. Each
recomputation is compared with what the marts hold.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import yaml

from dbt_project import PROJECT_DIR, DbtRun

STEPS = ("visit_sessions", "add_to_cart_sessions", "checkout_sessions", "successful_order_sessions")


def session_timeout() -> timedelta:
    with (PROJECT_DIR / "dbt_project.yml").open() as handle:
        minutes = yaml.safe_load(handle)["vars"]["session_timeout_minutes"]
    return timedelta(minutes=float(minutes))


@dataclass
class Session:
    session_id: str
    customer_id: str
    session_number: int
    events: list[tuple] = field(default_factory=list)  # (event_at, event_id, event_type, product_id, quantity, order_id)

    @property
    def started_at(self) -> datetime:
        return self.events[0][0]


@dataclass(frozen=True)
class Website:
    sessions: list[Session]
    successful_orders: set[str]
    customer_location: dict[str, str | None]


@pytest.fixture(scope="module")
def website(sample_build: DbtRun) -> Website:
    events = sample_build.query(
        "select customer_id, event_at, event_id, event_type, product_id, quantity, order_id"
        " from staging.stg_shopsmart__events order by customer_id, event_at, event_id"
    )
    timeout = session_timeout()
    sessions: list[Session] = []
    for customer_id, event_at, event_id, event_type, product_id, quantity, order_id in events:
        current = sessions[-1] if sessions else None
        if current is None or current.customer_id != customer_id or event_at - current.events[-1][0] > timeout:
            number = current.session_number + 1 if current is not None and current.customer_id == customer_id else 1
            current = Session(f"{customer_id}-{number}", customer_id, number)
            sessions.append(current)
        current.events.append((event_at, event_id, event_type, product_id, quantity, order_id))
    assert sessions

    customer_location = dict(sample_build.query("select customer_id, location from staging.stg_shopsmart__customers"))
    successful_orders = {
        order_id
        for order_id, customer_id, status in sample_build.query(
            "select order_id, customer_id, status from staging.stg_shopsmart__orders"
        )
        if status == "success" and customer_id in customer_location
    }
    return Website(sessions, successful_orders, customer_location)


def steps_reached(session: Session, successful_orders: set[str]) -> tuple[bool, bool, bool, bool]:
    """Visit, then add_to_cart at or after it, then checkout at or after that, then a successful one."""
    visits = [e[0] for e in session.events if e[2] == "visit"]
    if not visits:
        return (False, False, False, False)
    adds = [e[0] for e in session.events if e[2] == "add_to_cart" and e[0] >= min(visits)]
    if not adds:
        return (True, False, False, False)
    checkouts = [e for e in session.events if e[2] == "checkout" and e[0] >= min(adds)]
    if not checkouts:
        return (True, True, False, False)
    return (True, True, True, any(e[5] in successful_orders for e in checkouts))


@pytest.fixture(scope="module")
def expected_steps(website: Website) -> dict[str, tuple[bool, bool, bool, bool]]:
    return {s.session_id: steps_reached(s, website.successful_orders) for s in website.sessions}


def test_funnel_sessions_match_a_recount(sample_build: DbtRun, expected_steps: dict) -> None:
    mart = {
        session_id: (visit, add, checkout, success)
        for session_id, visit, add, checkout, success in sample_build.query(
            "select session_id, reached_visit, reached_add_to_cart, reached_checkout, reached_successful_order"
            " from marts.funnel_sessions"
        )
    }
    assert mart.keys() == expected_steps.keys()
    wrong = {k: (mart[k], v) for k, v in expected_steps.items() if mart[k] != v}
    assert not wrong, f"{len(wrong)} sessions differ (mart, recomputed), e.g. {list(wrong.items())[:3]}"


def step_totals(flags: list[tuple[bool, bool, bool, bool]]) -> tuple[int, ...]:
    return (len(flags), *(sum(f[i] for f in flags) for i in range(4)))


def test_funnel_daily_totals_match_a_recount(sample_build: DbtRun, website: Website, expected_steps: dict) -> None:
    by_day: dict[date, list] = defaultdict(list)
    for session in website.sessions:
        by_day[session.started_at.date()].append(expected_steps[session.session_id])
    expected = {day: step_totals(flags) for day, flags in by_day.items()}

    rows = sample_build.query(f"select date_day, sessions, {', '.join(STEPS)} from marts.funnel_daily order by date_day")
    mart = {row[0]: tuple(row[1:]) for row in rows}
    first, last = min(expected), max(expected)
    assert list(mart) == [first + timedelta(days=n) for n in range((last - first).days + 1)]
    assert {d: c for d, c in mart.items() if d in expected} == expected
    assert all(counts == (0, 0, 0, 0, 0) for d, counts in mart.items() if d not in expected)

    totals = step_totals(list(expected_steps.values()))
    assert tuple(sum(c[i] for c in mart.values()) for i in range(5)) == totals
    # the sample exercises every step, and the funnel narrows at each one
    assert totals[1] > totals[2] > totals[3] > totals[4] > 0


def test_funnel_by_country_matches_a_recount(sample_build: DbtRun, website: Website, expected_steps: dict) -> None:
    by_country: dict[str | None, list] = {location: [] for location in website.customer_location.values()}
    for session in website.sessions:
        by_country[website.customer_location[session.customer_id]].append(expected_steps[session.session_id])
    expected = {country: step_totals(flags) for country, flags in by_country.items()}
    customers = Counter(website.customer_location.values())

    rows = sample_build.query(f"select location, customers, sessions, {', '.join(STEPS)} from marts.funnel_by_country")
    assert len(rows) == len(expected)
    assert {row[0]: tuple(row[2:]) for row in rows} == expected
    assert {row[0]: row[1] for row in rows} == dict(customers)


@pytest.mark.parametrize("mart", ["marts.funnel_daily", "marts.funnel_by_country"])
def test_funnel_counts_never_increase_step_to_step(sample_build: DbtRun, mart: str) -> None:
    rows = sample_build.query(f"select sessions, {', '.join(STEPS)} from {mart}")
    assert rows
    widening = [row for row in rows if any(later > earlier for earlier, later in zip(row, row[1:]))]
    assert not widening, f"{mart}: {len(widening)} rows where a step has more sessions than the one before"


def test_cart_sessions_match_a_recount(sample_build: DbtRun, website: Website) -> None:
    expected = {}
    for session in website.sessions:
        adds = [e for e in session.events if e[2] == "add_to_cart"]
        if not adds:
            continue
        first_add = min(e[0] for e in adds)
        checkouts = [e for e in session.events if e[2] == "checkout" and e[0] >= first_add]
        removes = [e for e in session.events if e[2] == "remove_from_cart"]
        expected[session.session_id] = (
            sum(e[4] for e in adds),
            sum(e[4] for e in removes),
            bool(checkouts),
            not checkouts,
            any(e[5] in website.successful_orders for e in checkouts),
        )
    mart = {
        row[0]: tuple(row[1:])
        for row in sample_build.query(
            "select session_id, units_added, units_removed, is_checked_out, is_abandoned, has_successful_order"
            " from marts.cart_sessions"
        )
    }
    assert mart.keys() == expected.keys()
    wrong = {k: (mart[k], v) for k, v in expected.items() if mart[k] != v}
    assert not wrong, f"{len(wrong)} cart sessions differ (mart, recomputed), e.g. {list(wrong.items())[:3]}"
    abandoned = sum(v[3] for v in expected.values())
    assert 0 < abandoned < len(expected)


def test_checkout_timing_matches_a_recount(sample_build: DbtRun, website: Website) -> None:
    first_visit: dict[str, tuple[datetime, int]] = {}
    checkouts: dict[str, list[tuple[datetime, int]]] = defaultdict(list)
    for session in website.sessions:
        for event_at, _, event_type, *_ in session.events:
            if event_type == "visit" and session.customer_id not in first_visit:
                first_visit[session.customer_id] = (event_at, session.session_number)
            elif event_type == "checkout":
                checkouts[session.customer_id].append((event_at, session.session_number))
    expected = {}
    for customer_id in website.customer_location:
        visit = first_visit.get(customer_id)
        later = sorted(c for c in checkouts[customer_id] if visit and c[0] >= visit[0])
        if later:
            expected[customer_id] = (later[0][0], later[0][1] - visit[1] + 1)
        else:
            expected[customer_id] = (None, None)

    mart = {
        customer_id: (first_checkout_at, sessions_to_first_checkout)
        for customer_id, first_checkout_at, sessions_to_first_checkout in sample_build.query(
            "select customer_id, first_checkout_at, sessions_to_first_checkout from marts.customer_checkout_timing"
        )
    }
    assert mart == expected
    assert any(v[0] is not None for v in expected.values())


@pytest.fixture(scope="module")
def product_rows(sample_build: DbtRun) -> dict[int, tuple]:
    return {
        row[0]: tuple(row[1:])
        for row in sample_build.query(
            "select cast(product_id as bigint), units_added, units_removed, units_sold, revenue_usd, revenue_rank"
            " from marts.product_performance"
        )
    }


def test_product_revenue_adds_up_to_successful_order_items(sample_build: DbtRun, product_rows: dict) -> None:
    units: Counter = Counter()
    revenue: dict[int, Decimal] = defaultdict(Decimal)
    for product_id, quantity, line_total, successful in sample_build.query(
        "select cast(product_id as bigint), quantity, line_total_usd, is_successful_order from marts.order_items"
    ):
        if successful:
            units[product_id] += quantity
            revenue[product_id] += line_total
    catalogue = {p for (p,) in sample_build.query("select product_id from staging.stg_shopsmart__products")}
    assert product_rows.keys() == catalogue
    assert {p: (r[2], r[3]) for p, r in product_rows.items()} == {
        p: (units[p], revenue.get(p, Decimal("0.00"))) for p in catalogue
    }
    [(orders_revenue,)] = sample_build.query("select sum(total_amount_usd) from marts.orders where is_successful")
    assert sum(r[3] for r in product_rows.values()) == sum(revenue.values()) == orders_revenue > 0

    by_revenue = sorted(product_rows, key=lambda p: (-product_rows[p][3], p))
    assert [product_rows[p][4] for p in by_revenue] == list(range(1, len(by_revenue) + 1))


def test_product_cart_units_match_the_events(website: Website, product_rows: dict) -> None:
    added: Counter = Counter()
    removed: Counter = Counter()
    for session in website.sessions:
        for _, _, event_type, product_id, quantity, _ in session.events:
            if event_type == "add_to_cart":
                added[product_id] += quantity
            elif event_type == "remove_from_cart":
                removed[product_id] += quantity
    assert {p: (r[0], r[1]) for p, r in product_rows.items()} == {p: (added[p], removed[p]) for p in product_rows}
    assert sum(added.values()) > sum(removed.values()) > 0

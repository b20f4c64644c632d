"""Vectorised simulation of one chunk of customers.

A chunk is simulated as plain numpy arrays (integer codes, microsecond
timestamps, uuid bytes); :mod:`.render` turns them into the text columns of the
raw tables.  Every random draw comes from the ``numpy.random.Generator`` passed
in, so a chunk is a pure function of its generator state, its size and the
history window.

Model, per customer: a persona, a country, a first-visit day inside the
persona's sign-up window, a number of sessions spread between that day and the
end of its active period, each session on a weekday and at an hour drawn from
the persona's weekly and daily profile.  A session is a ``visit`` event,
optionally followed within minutes by ``add_to_cart`` events (distinct
products), ``remove_from_cart`` events for some of them, and a ``checkout``
that creates exactly one order whose line items are the products left in the cart.
Sessions of one customer start at least :data:`MIN_SESSION_GAP_US` apart and
last less than 30 minutes, with under 5 minutes between two events, so a
30-minute inactivity rule recovers them exactly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from .catalog import COUNTRIES, PRODUCTS
from .personas import PERSONAS, Persona

SECOND_US = 1_000_000
MINUTE_US = 60 * SECOND_US
HOUR_US = 60 * MINUTE_US
DAY_US = 24 * HOUR_US
#: Minimum time between the starts of two sessions of one customer.
MIN_SESSION_GAP_US = 90 * MINUTE_US

#: Products cheaper than this are bought in bulk; others at most MAX_QUANTITY_NON_BULK at once.
BULK_PRICE_CENTS = 5_000
MAX_QUANTITY_NON_BULK = 2
_BULK_PRODUCT = np.array([False] + [p.price_cents < BULK_PRICE_CENTS for p in PRODUCTS])

_GOLDEN = (5**0.5 - 1) / 2

EV_VISIT, EV_ADD, EV_REMOVE, EV_CHECKOUT = 0, 1, 2, 3
_EPOCH = dt.datetime(1970, 1, 1)


@dataclass(frozen=True)
class HistoryWindow:
    """The simulated period: ``days`` whole days starting at midnight of ``start``."""

    start: dt.date
    days: int

    @classmethod
    def from_months(cls, start: dt.date, months: int) -> "HistoryWindow":
        if months < 1:
            raise ValueError("months must be >= 1")
        y, m = divmod(start.month - 1 + months, 12)
        year, month = start.year + y, m + 1
        day = min(start.day, _days_in_month(year, month))
        return cls(start, (dt.date(year, month, day) - start).days)

    @property
    def start_us(self) -> int:
        """Microseconds since the Unix epoch of the first instant of the history."""
        delta = dt.datetime.combine(self.start, dt.time()) - _EPOCH
        return (delta.days * 86_400 + delta.seconds) * SECOND_US

    @property
    def start_weekday(self) -> int:
        return self.start.weekday()


def _days_in_month(year: int, month: int) -> int:
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    return (nxt - dt.timedelta(days=1)).day


@dataclass
class Chunk:
    """One simulated chunk as arrays.  Row order is the order of the written files."""

    # customers (n rows)
    persona: np.ndarray  # int8 index into PERSONAS
    country: np.ndarray  # int16 index into COUNTRIES
    customer_uuid: np.ndarray  # (n, 16) uint8
    device_uuid: np.ndarray  # (n, 16) uint8
    # orders (sorted by checkout time)
    order_uuid: np.ndarray  # (o, 16) uint8
    order_customer: np.ndarray  # int64 index into customers
    order_status: np.ndarray  # int8 index into ORDER_STATUSES
    order_ts: np.ndarray  # int64 microseconds since history start
    # line items (grouped by order, in cart order)
    item_order: np.ndarray  # int64 index into orders
    item_product: np.ndarray  # int64 product id 1..15
    item_quantity: np.ndarray  # int64
    # events (sorted by time)
    event_customer: np.ndarray  # int64 index into customers
    event_type: np.ndarray  # int8 index into EVENT_TYPES
    event_ts: np.ndarray  # int64 microseconds since history start
    event_product: np.ndarray  # int64 product id, -1 when not a cart event
    event_quantity: np.ndarray  # int64, -1 when not a cart event
    event_order: np.ndarray  # int64 index into orders, -1 when not a checkout

    @property
    def n_customers(self) -> int:
        return len(self.persona)


class _PersonaTables:
    """Per-persona parameters stacked into arrays indexed by persona code."""

    def __init__(self, personas: tuple[Persona, ...]) -> None:
        def cum(rows: list[tuple[float, ...]] | list[np.ndarray]) -> np.ndarray:
            a = np.array(rows, dtype=np.float64)
            a = np.cumsum(a / a.sum(axis=1, keepdims=True), axis=1)
            a[:, -1] = 1.0
            return a

        self.share = np.array([p.share for p in personas])
        self.share = self.share / self.share.sum()
        self.country_cum = cum([p.country_weights() for p in personas])
        self.hour_cum = cum([p.hour_weights for p in personas])
        self.weekday_cum = cum([p.weekday_weights for p in personas])
        qmax = max(len(p.quantity_weights) for p in personas)
        self.quantity_cum = cum(
            [tuple(p.quantity_weights) + (0.0,) * (qmax - len(p.quantity_weights)) for p in personas]
        )
        self.status_cum = cum([p.status_probs for p in personas])
        self.log_product = np.log(np.array([p.product_weights for p in personas], dtype=np.float64))
        self.signup_lo = np.array([p.signup_window[0] for p in personas])
        self.signup_hi = np.array([p.signup_window[1] for p in personas])
        self.has_active = np.array([p.active_days is not None for p in personas])
        self.active_lo = np.array([(p.active_days or (0, 0))[0] for p in personas])
        self.active_hi = np.array([(p.active_days or (0, 0))[1] for p in personas])
        self.sess_lo = np.array([p.sessions[0] for p in personas])
        self.sess_hi = np.array([p.sessions[1] for p in personas])
        self.cart_prob = np.array([p.cart_prob for p in personas])
        self.items_lo = np.array([p.cart_items[0] for p in personas])
        self.items_hi = np.array([p.cart_items[1] for p in personas])
        self.remove_prob = np.array([p.remove_prob for p in personas])
        self.buy_prob = np.array([p.buy_prob for p in personas])
        self.always_buys = np.array([p.always_buys for p in personas])
        assert self.country_cum.shape[1] == len(COUNTRIES)
        assert self.log_product.shape[1] == len(PRODUCTS)


_TABLES: dict[int, _PersonaTables] = {}


def _tables(personas: tuple[Persona, ...]) -> _PersonaTables:
    key = id(personas)
    if key not in _TABLES:
        _TABLES[key] = _PersonaTables(personas)
    return _TABLES[key]


def _draw(
    rng: np.random.Generator, cum: np.ndarray, rows: np.ndarray, u: np.ndarray | None = None
) -> np.ndarray:
    """Draw one category per element of ``rows`` from the distribution ``cum[row]``.

    ``u`` optionally gives the uniform numbers to use instead of fresh draws.
    """
    if u is None:
        u = rng.random(len(rows))
    out = np.empty(len(rows), dtype=np.int64)
    for r in range(cum.shape[0]):
        mask = rows == r
        out[mask] = np.searchsorted(cum[r], u[mask], side="right")
    np.minimum(out, cum.shape[1] - 1, out=out)
    return out


def uuid4_bytes(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` random version-4 (RFC 4122 variant) uuids as an (n, 16) uint8 array."""
    b = np.frombuffer(rng.bytes(16 * n), dtype=np.uint8).reshape(n, 16).copy()
    b[:, 6] = (b[:, 6] & 0x0F) | 0x40
    b[:, 8] = (b[:, 8] & 0x3F) | 0x80
    return b


def _group_starts(counts: np.ndarray) -> np.ndarray:
    return np.cumsum(counts) - counts


def _rank_in_group(group: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Position of each element inside its group (``group`` sorted, groups contiguous)."""
    return np.arange(len(group)) - starts[group]


def _shift_to_weekday(
    day: np.ndarray, weekday: np.ndarray, lo: np.ndarray, hi: np.ndarray, start_weekday: int
) -> np.ndarray:
    """Move each day back (or forward a week) to the wanted weekday, staying in [lo, hi]."""
    shifted = day - (start_weekday + day - weekday) % 7
    shifted = np.where(shifted < lo, shifted + 7, shifted)
    return np.where(shifted > hi, day, shifted)


def simulate_chunk(
    rng: np.random.Generator,
    n: int,
    window: HistoryWindow,
    personas: tuple[Persona, ...] = PERSONAS,
) -> Chunk:
    """Simulate ``n`` customers and everything they do during ``window``."""
    t = _tables(personas)
    H = window.days
    if H < 3:
        raise ValueError("the history must span at least 3 days")
    last_usable_day = H - 2  # the last day is headroom for session spacing

    # ---- customers -------------------------------------------------------
    persona = rng.choice(len(personas), size=n, p=t.share).astype(np.int8)
    country = _draw(rng, t.country_cum, persona).astype(np.int16)
    customer_uuid = uuid4_bytes(rng, n)
    device_uuid = uuid4_bytes(rng, n)
    p = persona.astype(np.int64)

    frac = t.signup_lo[p] + (t.signup_hi[p] - t.signup_lo[p]) * rng.random(n)
    signup = np.minimum((frac * H).astype(np.int64), last_usable_day)
    signup = _shift_to_weekday(
        signup, _draw(rng, t.weekday_cum, p), np.zeros(n, np.int64),
        np.full(n, last_usable_day, np.int64), window.start_weekday,
    )
    span = rng.integers(t.active_lo[p], t.active_hi[p] + 1)
    last_day = np.where(t.has_active[p], np.minimum(signup + span, last_usable_day), last_usable_day)

    # ---- sessions ----------------------------------------------------------
    n_sess = rng.integers(t.sess_lo[p], t.sess_hi[p] + 1)
    S = int(n_sess.sum())
    s_cust = np.repeat(np.arange(n), n_sess)
    s_first = _group_starts(n_sess)
    sp = p[s_cust]
    lo_day, hi_day = signup[s_cust], last_day[s_cust]
    # stratified over the active period: a regular cadence with jitter
    k = _rank_in_group(s_cust, s_first)
    pos = (k + rng.random(S)) / n_sess[s_cust]
    day = lo_day + (pos * (hi_day - lo_day + 1)).astype(np.int64)
    day = _shift_to_weekday(day, _draw(rng, t.weekday_cum, sp), lo_day, hi_day, window.start_weekday)
    day[s_first] = signup  # the first session is the sign-up day
    hour = _draw(rng, t.hour_cum, sp)
    start = day * DAY_US + hour * HOUR_US + rng.integers(0, HOUR_US, S)
    # sort sessions by time inside each customer, then space them out
    order = np.lexsort((start, s_cust))
    start = start[order]
    for j in range(1, int(n_sess.max(initial=1))):
        idx = np.flatnonzero(k == j)
        start[idx] = np.maximum(start[idx], start[idx - 1] + MIN_SESSION_GAP_US)

    # which sessions fill a cart and which end in a checkout
    carting = rng.random(S) < t.cart_prob[sp]
    forced = np.zeros(S, dtype=bool)
    buyers = np.flatnonzero(t.always_buys[p])
    forced[s_first[buyers] + (rng.random(len(buyers)) * n_sess[buyers]).astype(np.int64)] = True
    carting |= forced
    buying = forced | (carting & (rng.random(S) < t.buy_prob[sp]))
    n_items = np.where(carting, rng.integers(t.items_lo[sp], t.items_hi[sp] + 1), 0)

    # ---- cart events -------------------------------------------------------
    cs = np.flatnonzero(carting)  # carting sessions
    keys = t.log_product[sp[cs]] + rng.gumbel(size=(len(cs), len(PRODUCTS)))
    max_items = int(n_items.max(initial=1))
    ranked = np.argsort(-keys, axis=1, kind="stable")[:, :max_items]  # distinct products
    a_counts = n_items[cs]
    A = int(a_counts.sum())
    a_row = np.repeat(np.arange(len(cs)), a_counts)  # row in cs
    a_first = _group_starts(a_counts)
    a_rank = _rank_in_group(a_row, a_first)
    a_sess = cs[a_row]
    a_product = ranked[a_row, a_rank].astype(np.int64) + 1
    a_qty = _draw(rng, t.quantity_cum, sp[a_sess]) + 1
    a_qty = np.where(_BULK_PRODUCT[a_product], a_qty, np.minimum(a_qty, MAX_QUANTITY_NON_BULK))
    gaps = rng.integers(10 * SECOND_US, 180 * SECOND_US, A)
    cum = np.cumsum(gaps)
    base = cum[a_first] - gaps[a_first]
    a_ts = start[a_sess] + cum - base[a_row]
    a_last_ts = a_ts[a_first + a_counts - 1] if A else np.zeros(0, np.int64)

    # removals: some added products are taken out again, never the whole cart of a checkout
    removed = rng.random(A) < t.remove_prob[sp[a_sess]]
    kept = np.bincount(a_row, weights=(~removed).astype(np.float64), minlength=len(cs))
    empty_buy = np.flatnonzero(buying[cs] & (kept == 0))
    removed[a_first[empty_buy]] = False
    r_idx = np.flatnonzero(removed)  # in add order, i.e. grouped by session and rank
    r_row = a_row[r_idx]
    r_gaps = rng.integers(10 * SECOND_US, 120 * SECOND_US, len(r_idx))
    r_counts = np.bincount(r_row, minlength=len(cs))
    r_first = _group_starts(r_counts)
    r_cum = np.cumsum(r_gaps)
    r_base = r_cum[r_first[r_row]] - r_gaps[r_first[r_row]] if len(r_idx) else r_cum
    r_ts = a_last_ts[r_row] + r_cum - r_base
    row_last_ts = a_last_ts.copy()
    if len(r_idx):
        row_last_ts[r_row] = np.maximum(row_last_ts[r_row], r_ts)  # rank order: last wins

    # ---- orders ------------------------------------------------------------
    b_rows = np.flatnonzero(buying[cs])  # rows in cs that check out
    o_ts_unsorted = row_last_ts[b_rows] + rng.integers(20 * SECOND_US, 240 * SECOND_US, len(b_rows))
    o_sort = np.argsort(o_ts_unsorted, kind="stable")
    b_rows = b_rows[o_sort]
    O = len(b_rows)
    order_ts = o_ts_unsorted[o_sort]
    order_sess = cs[b_rows]
    order_customer = s_cust[order_sess]
    # Statuses follow a per-customer low-discrepancy sequence: a customer's share of
    # failed / cancelled orders stays close to its persona's rate (a customer trait),
    # while which of its orders fail is random.
    by_cust = np.lexsort((order_ts, order_customer))
    o_counts = np.bincount(order_customer, minlength=n)
    o_rank = np.empty(O, dtype=np.int64)
    o_rank[by_cust] = _rank_in_group(order_customer[by_cust], _group_starts(o_counts))
    u_status = (rng.random(n)[order_customer] + o_rank * _GOLDEN) % 1.0
    order_status = _draw(rng, t.status_cum, sp[order_sess], u_status).astype(np.int8)
    order_uuid = uuid4_bytes(rng, O)
    order_of_row = np.full(len(cs), -1, dtype=np.int64)
    order_of_row[b_rows] = np.arange(O)

    # line items: products left in the cart of a checkout, grouped by order in cart order
    li = np.flatnonzero(~removed & (order_of_row[a_row] >= 0))
    li_order = order_of_row[a_row[li]]
    li = li[np.lexsort((a_rank[li], li_order))]
    item_order = order_of_row[a_row[li]]

    # ---- events ------------------------------------------------------------
    none_s = np.full(S, -1, dtype=np.int64)
    ev_customer = np.concatenate([s_cust, s_cust[a_sess], s_cust[a_sess[r_idx]], order_customer])
    ev_type = np.concatenate([
        np.full(S, EV_VISIT, np.int8), np.full(A, EV_ADD, np.int8),
        np.full(len(r_idx), EV_REMOVE, np.int8), np.full(O, EV_CHECKOUT, np.int8),
    ])
    ev_ts = np.concatenate([start, a_ts, r_ts, order_ts])
    ev_product = np.concatenate([none_s, a_product, a_product[r_idx], np.full(O, -1, np.int64)])
    ev_quantity = np.concatenate([none_s, a_qty, a_qty[r_idx], np.full(O, -1, np.int64)])
    ev_order = np.concatenate([none_s, np.full(A + len(r_idx), -1, np.int64), np.arange(O)])
    ev_sort = np.argsort(ev_ts, kind="stable")

    return Chunk(
        persona=persona,
        country=country,
        customer_uuid=customer_uuid,
        device_uuid=device_uuid,
        order_uuid=order_uuid,
        order_customer=order_customer,
        order_status=order_status,
        order_ts=order_ts,
        item_order=item_order,
        item_product=a_product[li],
        item_quantity=a_qty[li],
        event_customer=ev_customer[ev_sort],
        event_type=ev_type[ev_sort],
        event_ts=ev_ts[ev_sort],
        event_product=ev_product[ev_sort],
        event_quantity=ev_quantity[ev_sort],
        event_order=ev_order[ev_sort],
    )

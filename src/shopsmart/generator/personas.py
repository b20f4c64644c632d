"""Customer personas: the behavioural archetypes the generator simulates.

Each persona fixes how a customer of that kind behaves over the history: when it
first shows up, how many sessions it has and over how long, at what hour and on
which weekday it visits, how many products it puts in the cart and which ones,
how often a session ends in a checkout, how orders end (success / failed /
cancelled) and where the customer lives.  The personas are deliberately far apart
on recency, frequency, monetary value, visits, average order value and
cancellation rate, so that a clustering of those features can recover them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

import numpy as np

from .catalog import COUNTRIES, PRODUCTS


@dataclass(frozen=True)
class Persona:
    """Parameters of one persona (all ranges are inclusive)."""

    name: str
    #: Share of the customer base.
    share: float
    #: First visit falls in this fraction of the history (0 = first day, 1 = last day).
    signup_window: tuple[float, float]
    #: Days of activity after the first visit; ``None``: active until the end of history.
    active_days: tuple[int, int] | None
    #: Number of sessions (visits) over the active period.
    sessions: tuple[int, int]
    #: Probability that a session puts anything in the cart.
    cart_prob: float
    #: Distinct products added to the cart in a carting session.
    cart_items: tuple[int, int]
    #: Probability that an added product is removed again before the session ends.
    remove_prob: float
    #: Probability that a carting session ends in a checkout.
    buy_prob: float
    #: When true, one session of every customer is a checkout (every such customer buys).
    always_buys: bool
    #: Relative weight of each product id 1..15 when filling a cart.
    product_weights: tuple[float, ...]
    #: Relative weight of quantities 1..6 of one cart line.
    quantity_weights: tuple[float, ...]
    #: Probabilities of the order statuses success, failed, cancelled.
    status_probs: tuple[float, float, float]
    #: Relative weight of each hour of the day 0..23 for the start of a session.
    hour_weights: tuple[float, ...]
    #: Relative weight of each weekday Monday..Sunday for a session.
    weekday_weights: tuple[float, ...]
    #: Extra weight of some countries on top of ``country_base`` for every country.
    country_boost: dict[str, float] = field(default_factory=dict)
    country_base: float = 0.1
    description: str = ""

    def country_weights(self) -> np.ndarray:
        """Normalised probability of each country of :data:`COUNTRIES`."""
        w = np.array([self.country_base + self.country_boost.get(c, 0.0) for c in COUNTRIES])
        return w / w.sum()


PERSONAS: Final[tuple[Persona, ...]] = (
    Persona(
        name="loyal_high_spender",
        description="frequent all-year buyer of expensive electronics, evenings on weekdays, "
        "rarely cancels, rich markets (US, UK, DE, CH, JP)",
        share=0.12,
        signup_window=(0.0, 0.45),
        active_days=None,
        sessions=(8, 12),
        cart_prob=0.9,
        cart_items=(1, 3),
        remove_prob=0.1,
        buy_prob=0.8,
        always_buys=True,
        #             1  2  3  4  5    6    7  8  9    10 11 12   13   14 15
        product_weights=(8, 6, 3, 3, 0.3, 0.3, 4, 4, 1, 6, 1, 0.1, 0.1, 6, 0.3),
        quantity_weights=(90, 10),
        status_probs=(0.96, 0.02, 0.02),
        hour_weights=(1, 0.5, 0.2, 0.1, 0.1, 0.2, 0.5, 1, 1.5, 1.5, 1.5, 2,
                      4, 4, 2, 1.5, 1.5, 2, 4, 7, 8, 7, 4, 2),
        weekday_weights=(1.3, 1.3, 1.2, 1.2, 1.0, 0.6, 0.7),
        country_boost={
            "United States of America": 30, "United Kingdom": 14, "Germany": 10,
            "Switzerland": 7, "Japan": 7, "Canada": 6, "Australia": 6, "Sweden": 4,
            "Netherlands": 4, "France": 4, "Singapore": 3, "United Arab Emirates": 3,
            "Norway": 2, "Denmark": 2,
        },
    ),
    Persona(
        name="bargain_hunter",
        description="regular weekend daytime buyer of cheap goods in bulk (big baskets, "
        "low prices), often cancels, emerging markets (NG, IN, BR, MX, KE, GH, ZA)",
        share=0.22,
        signup_window=(0.0, 0.5),
        active_days=None,
        sessions=(5, 8),
        cart_prob=0.95,
        cart_items=(1, 3),
        remove_prob=0.1,
        buy_prob=0.85,
        always_buys=True,
        #             1     2     3    4    5  6  7    8    9    10    11    12  13  14   15
        product_weights=(0.01, 0.01, 0.02, 0.02, 0.3, 0.2, 0.05, 0.02, 0.1, 0.01, 0.005, 10, 10, 0.01, 0.3),
        quantity_weights=(10, 20, 25, 20, 15, 10),
        status_probs=(0.9, 0.04, 0.06),
        hour_weights=(0.3, 0.2, 0.1, 0.1, 0.1, 0.2, 0.5, 1, 3, 5, 6, 6,
                      6, 5, 5, 5, 4, 3, 2, 1.5, 1, 1, 0.6, 0.4),
        weekday_weights=(0.6, 0.6, 0.7, 0.8, 1.2, 2.0, 1.8),
        country_boost={
            "Nigeria": 14, "India": 14, "Brazil": 9, "Mexico": 8, "Kenya": 6, "Ghana": 6,
            "South Africa": 6, "Philippines": 5, "Indonesia": 5, "Egypt": 4, "Pakistan": 4,
            "Vietnam": 4, "Colombia": 3, "Argentina": 3, "Morocco": 2,
        },
    ),
    Persona(
        name="one_time_buyer",
        description="arrives any time, buys one or two mid-priced products once within "
        "days of arriving and never comes back, daytime, everywhere",
        share=0.30,
        signup_window=(0.3, 0.97),
        active_days=(0, 10),
        sessions=(1, 2),
        cart_prob=0.4,
        cart_items=(1, 2),
        remove_prob=0.2,
        buy_prob=0.0,
        always_buys=True,
        #             1  2  3  4  5  6  7  8  9  10   11   12 13 14 15
        product_weights=(0.5, 0.5, 3, 3, 3, 3, 4, 4, 4, 0.3, 0.05, 1, 1, 0.5, 3),
        quantity_weights=(80, 15, 5),
        status_probs=(0.98, 0.015, 0.005),
        hour_weights=(0.5, 0.3, 0.2, 0.1, 0.1, 0.2, 0.5, 1, 2, 3, 3, 3,
                      3, 3, 3, 3, 3, 3, 3, 3, 3, 2.5, 2, 1),
        weekday_weights=(1.0, 1.0, 1.0, 1.0, 1.1, 1.2, 1.1),
        country_base=1.0,
        country_boost={
            "United States of America": 5, "United Kingdom": 3, "Germany": 2, "France": 2,
            "India": 2, "Brazil": 2, "Nigeria": 2, "Canada": 2,
        },
    ),
    Persona(
        name="lapsed_customer",
        description="arrived early in the history, bought a few mid-priced products over "
        "one to three months, cancelled or failed often, then stopped coming; mornings",
        share=0.16,
        signup_window=(0.0, 0.15),
        active_days=(20, 50),
        sessions=(4, 6),
        cart_prob=0.95,
        cart_items=(1, 2),
        remove_prob=0.15,
        buy_prob=0.85,
        always_buys=True,
        #             1  2    3  4  5  6  7  8  9  10 11   12   13   14 15
        product_weights=(0.5, 1, 4, 4, 2, 2, 3, 3, 4, 0.5, 0.05, 0.5, 0.5, 1.5, 2),
        quantity_weights=(80, 15, 5),
        status_probs=(0.6, 0.12, 0.28),
        hour_weights=(0.3, 0.2, 0.1, 0.1, 0.2, 1, 3, 6, 6, 4, 2, 1.5,
                      2, 1.5, 1, 1, 2, 4, 4, 2, 1.5, 1, 0.7, 0.5),
        weekday_weights=(1.2, 1.1, 1.0, 1.0, 1.0, 0.8, 0.8),
        country_boost={
            "United Kingdom": 12, "United States of America": 10, "France": 8, "Italy": 8,
            "Spain": 8, "Poland": 6, "Russian Federation": 6, "Turkey": 6, "Korea": 5,
            "Greece": 4, "Portugal": 4, "Belgium": 3, "Ireland": 3, "Austria": 3,
        },
    ),
    Persona(
        name="window_shopper",
        description="visits often late at night and on weekends, looks at expensive "
        "products and puts some in the cart, removes them again and almost never buys",
        share=0.20,
        signup_window=(0.0, 0.85),
        active_days=None,
        sessions=(7, 10),
        cart_prob=0.35,
        cart_items=(1, 2),
        remove_prob=0.5,
        buy_prob=0.01,
        always_buys=False,
        #             1  2  3  4  5  6  7  8  9  10 11 12   13   14 15
        product_weights=(5, 3, 2, 2, 2, 2, 2, 2, 2, 5, 6, 0.5, 0.5, 5, 1),
        quantity_weights=(75, 20, 5),
        status_probs=(0.7, 0.15, 0.15),
        hour_weights=(6, 5, 3, 1.5, 0.5, 0.2, 0.2, 0.3, 0.5, 0.5, 0.5, 1,
                      1, 1, 1, 1, 1, 1.5, 2, 3, 4, 6, 8, 8),
        weekday_weights=(0.8, 0.8, 0.8, 0.9, 1.0, 1.3, 1.6),
        country_boost={
            "Korea": 12, "China": 12, "Japan": 8, "United States of America": 8, "India": 6,
            "Brazil": 5, "Thailand": 4, "Malaysia": 4, "Indonesia": 4, "Vietnam": 4,
            "Saudi Arabia": 4, "Israel": 3, "Chile": 3, "Australia": 3, "New Zealand": 2,
        },
    ),
)

#: Persona names in code order (the integer persona code indexes this tuple).
PERSONA_NAMES: Final[tuple[str, ...]] = tuple(p.name for p in PERSONAS)


def _check(personas: tuple[Persona, ...]) -> None:
    for p in personas:
        assert len(p.product_weights) == len(PRODUCTS), p.name
        assert len(p.hour_weights) == 24 and len(p.weekday_weights) == 7, p.name
        assert len(p.quantity_weights) >= 1 and abs(sum(p.status_probs) - 1) < 1e-9, p.name
        assert all(c in COUNTRIES for c in p.country_boost), p.name
        assert p.sessions[0] >= 1 and p.cart_items[0] >= 1, p.name
    assert abs(sum(p.share for p in personas) - 1) < 1e-9


_check(PERSONAS)

"""Plain words for the page: who each segment is, dates and amounts as a marketer reads them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Final

import pandas as pd

#: Who the customers of each archetype are, in the words of the naming rules
#: (shopsmart.segmentation.naming; "typical" is the median).
ARCHETYPE_DESCRIPTIONS: Final[dict[str, str]] = {
    "High-value loyal": "Your best customers: they spend the most (the typical one is in the top quarter of "
                        "buyers) and ordered more recently than the typical buyer.",
    "At-risk big spenders": "Big spenders (the typical one is in the top quarter of buyers) whose last order is "
                            "longer ago than the typical buyer's: they may be leaving.",
    "Regular buyers": "Repeat buyers who ordered recently, with orders worth at least the typical buyer's.",
    "Bargain hunters": "Repeat buyers who ordered recently, with smaller orders than the typical buyer's.",
    "Lapsed customers": "Repeat buyers whose last order is longer ago than the typical buyer's.",
    "One-time buyers": "Customers who typically ordered once and not again.",
    "Window shoppers": "Most of them never bought, but they visit the shop and fill carts.",
    "Dormant sign-ups": "Most of them never bought, and they rarely visit or never filled a cart.",
}


def long_date(day: dt.date) -> str:
    """30 June 2025."""
    return f"{day.day} {day:%B %Y}"


def money(amount: float | Decimal) -> str:
    """$1,234 (whole dollars: the page's amounts are for reading, the marts hold the cents)."""
    return f"${float(amount):,.0f}"


def typical_customer(profile: pd.Series, analysis_date: dt.date | None) -> str:
    """The segment's figures per customer, from its profile row; parts without a value left out."""
    customers, buyers = int(profile["customers"]), int(profile["buyers"])
    facts = [f"{buyers / customers:.0%} have bought"]
    if buyers:
        facts.append(f"{float(profile['mean_frequency']):.1f} orders and {money(profile['mean_monetary_usd'])} "
                     "spent on average")
    if pd.notna(profile.get("mean_recency_days")):
        to = long_date(analysis_date) if analysis_date else "the analysis date"
        facts.append(f"last order {float(profile['mean_recency_days']):.0f} days before {to} on average")
    if pd.notna(profile.get("top_country")):
        facts.append(f"top country {profile['top_country']}")
    if pd.notna(profile.get("top_category")):
        facts.append(f"top category {profile['top_category']}")
    return "; ".join(facts) + "."


def who_they_are(profile: pd.Series) -> str:
    """The segment's archetype in plain words (the naming rules'), or its name when the archetype is unknown."""
    return ARCHETYPE_DESCRIPTIONS.get(str(profile["segment_archetype"]), str(profile["segment_name"]))

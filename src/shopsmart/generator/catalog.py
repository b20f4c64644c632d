"""Static reference data of the generator: products, countries and currencies.

The country names are spelled exactly as the Faker ``country()`` provider spells
them (the spelling of the ShopSmart source data), so a reference seed of countries
can be joined on the raw ``location`` value.  Every country the generator can emit
is in :data:`COUNTRIES`; every currency it can emit is in :data:`CURRENCIES`.
"""

from __future__ import annotations

from typing import Final, NamedTuple


class Product(NamedTuple):
    """One catalogue entry; ``price_cents`` avoids float rounding when formatting."""

    id: int
    name: str
    price_cents: int

    @property
    def price(self) -> str:
        """Price as written in the raw table: two decimals, no thousands separator."""
        return f"{self.price_cents // 100}.{self.price_cents % 100:02d}"


#: The 15-product ShopSmart catalogue (ids 1..15), same names and prices as the source.
PRODUCTS: Final[tuple[Product, ...]] = (
    Product(1, "iPhone 13", 109999),
    Product(2, "Samsung Galaxy S21", 89999),
    Product(3, "Sony PlayStation 5", 49999),
    Product(4, "Microsoft Xbox Series X", 49999),
    Product(5, "Nike Air Max 270", 12999),
    Product(6, "Adidas Ultraboost", 18000),
    Product(7, "Apple AirPods Pro", 24999),
    Product(8, "Sony WH-1000XM4 Headphones", 34999),
    Product(9, "Nintendo Switch", 29999),
    Product(10, "Dell XPS 13 Laptop", 129999),
    Product(11, "Canon EOS R5 Camera", 399999),
    Product(12, "Coca-Cola 12-Pack", 599),
    Product(13, "Starbucks Coffee Beans", 1299),
    Product(14, "Samsung 55-Inch 4K Smart TV", 79999),
    Product(15, "Fitbit Charge 4", 14995),
)

#: Every currency code the generator can emit (ISO 4217, upper case).
CURRENCIES: Final[tuple[str, ...]] = (
    "USD", "EUR", "GBP", "NGN", "CAD", "AUD", "JPY", "INR",
    "BRL", "ZAR", "CHF", "CNY", "MXN", "SEK", "KES", "GHS",
)

#: Country name -> currency of its customers.  A country whose local currency is
#: not in :data:`CURRENCIES` pays in USD.
COUNTRY_CURRENCY: Final[dict[str, str]] = {
    # Americas
    "United States of America": "USD",
    "Canada": "CAD",
    "Mexico": "MXN",
    "Brazil": "BRL",
    "Argentina": "USD",
    "Colombia": "USD",
    "Chile": "USD",
    # Europe
    "United Kingdom": "GBP",
    "Ireland": "EUR",
    "France": "EUR",
    "Germany": "EUR",
    "Netherlands": "EUR",
    "Belgium": "EUR",
    "Spain": "EUR",
    "Portugal": "EUR",
    "Italy": "EUR",
    "Austria": "EUR",
    "Finland": "EUR",
    "Greece": "EUR",
    "Switzerland": "CHF",
    "Sweden": "SEK",
    "Norway": "USD",
    "Denmark": "USD",
    "Poland": "USD",
    "Russian Federation": "USD",
    "Turkey": "USD",
    # Africa
    "Nigeria": "NGN",
    "Ghana": "GHS",
    "Kenya": "KES",
    "South Africa": "ZAR",
    "Egypt": "USD",
    "Morocco": "USD",
    # Asia and the Middle East
    "India": "INR",
    "Pakistan": "USD",
    "China": "CNY",
    "Japan": "JPY",
    "Korea": "USD",
    "Singapore": "USD",
    "Indonesia": "USD",
    "Philippines": "USD",
    "Vietnam": "USD",
    "Thailand": "USD",
    "Malaysia": "USD",
    "United Arab Emirates": "USD",
    "Saudi Arabia": "USD",
    "Israel": "USD",
    # Oceania
    "Australia": "AUD",
    "New Zealand": "USD",
}

#: Every country name the generator can emit, in a fixed order (indices are stable).
COUNTRIES: Final[tuple[str, ...]] = tuple(COUNTRY_CURRENCY)

#: Order statuses, in the order used for the integer status codes.
ORDER_STATUSES: Final[tuple[str, ...]] = ("success", "failed", "cancelled")

#: Event types, in the order used for the integer event-type codes.
EVENT_TYPES: Final[tuple[str, ...]] = ("visit", "add_to_cart", "remove_from_cart", "checkout")


def currency_of(country: str) -> str:
    """Currency code of a customer located in ``country`` (USD when unknown)."""
    return COUNTRY_CURRENCY.get(country, "USD")

"""Settings of the lifetime-value model, with their defaults and validation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any


class ClvConfigError(ValueError):
    """A lifetime-value setting is of the wrong type or out of range."""


@dataclass(frozen=True)
class ClvConfig:
    """How the BG/NBD and Gamma-Gamma models are fitted and what they predict.

    Both models are fitted on a uniform random sample of at most ``fit_sample_size``
    buyers (``random_state`` draws it), so a fit costs the same for any number of
    customers; every customer is predicted. The lifetime value sums the expected spend
    of the next ``horizon_months`` months (30 days each), each month discounted by
    ``monthly_discount_rate``.
    """

    fit_sample_size: int = 50_000
    random_state: int = 42
    horizon_months: int = 12
    monthly_discount_rate: float = 0.01

    def __post_init__(self) -> None:
        if self.fit_sample_size < 2:
            raise ClvConfigError(f"fit_sample_size: must be at least 2, got {self.fit_sample_size}")
        if self.horizon_months < 1:
            raise ClvConfigError(f"horizon_months: must be at least 1, got {self.horizon_months}")
        if not 0 <= self.monthly_discount_rate < 1:
            raise ClvConfigError(
                f"monthly_discount_rate: must be in [0, 1), got {self.monthly_discount_rate}"
            )

    @classmethod
    def from_mapping(cls, settings: Mapping[str, Any] | None) -> ClvConfig:
        """Build from a mapping such as a dbt model's config; absent or null keys keep their default.

        Values may come as text (rendered dbt vars).
        """
        settings = {name: value for name, value in (settings or {}).items() if value is not None}
        known = {f.name: f.type for f in fields(cls)}
        unknown = sorted(set(settings) - set(known))
        if unknown:
            raise ClvConfigError(f"unknown clv settings {unknown}; known: {sorted(known)}")
        return cls(**{name: _number(name, value, float if known[name] == "float" else int)
                      for name, value in settings.items()})


def _number(name: str, value: Any, kind: type) -> int | float:
    if isinstance(value, bool):
        raise ClvConfigError(f"{name}: expected a number, got {value!r}")
    try:
        return kind(str(value).strip())
    except ValueError:
        raise ClvConfigError(f"{name}: expected {'an integer' if kind is int else 'a number'}, got {value!r}") from None

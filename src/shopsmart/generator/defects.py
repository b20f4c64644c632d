"""Dirty-data injection: damage a fraction of the rows of each raw table.

Each damaged row receives exactly one defect and keeps all its other values;
``duplicate_event`` instead inserts an exact copy of a clean event row right
after it.  Every damage is recorded in a manifest row (table, 1-based row number
in the written single file, key as written, damaged column, defect kind) so
tests and the quarantine models can be checked against the truth.
:func:`damage` also returns, for every written row, the index of the clean row
it comes from (a duplicate's copy maps to its original), so that callers can
carry per-row facts of the clean data, such as the export day, through it.

The number of damaged rows of a chunk is ``rate * rows`` rounded at random;
the first chunk of each table carries at least one defect of every kind, and
products get between one and three price outliers.  All random choices come
from the generator passed in, so the damage is as reproducible as the data.
"""

from __future__ import annotations

import math
from typing import Callable, Final, NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .render import TABLE_KEYS, uuid_text
from .simulate import uuid4_bytes

#: Defect kinds per table, in a fixed order.
DEFECT_KINDS: Final[dict[str, tuple[str, ...]]] = {
    "customers": ("null_id", "location_whitespace", "location_case", "lowercase_currency"),
    "orders": ("unknown_customer", "null_id", "future_timestamp"),
    "line_items": ("missing_quantity", "non_positive_quantity", "unknown_product", "unknown_order", "null_id"),
    "products": ("price_outlier",),
    "events": ("duplicate_event", "malformed_json", "unknown_event_type", "null_id", "future_timestamp"),
}
#: Columns of defect_manifest.csv.
MANIFEST_COLUMNS: Final[tuple[str, ...]] = ("table", "row_number", "key", "column", "defect")
MANIFEST_SCHEMA: Final[pa.Schema] = pa.schema([pa.field(c, pa.string()) for c in MANIFEST_COLUMNS])
#: Event types that the source never sends, used by ``unknown_event_type``.
UNKNOWN_EVENT_TYPES: Final[tuple[str, ...]] = ("page_view", "wishlist_add", "search", "login")
#: Range of years of a ``future_timestamp``.
FUTURE_YEARS: Final[tuple[int, int]] = (2031, 2070)
MAX_PRICE_OUTLIERS: Final[int] = 3

Row = dict[str, str | None]
# handler(row, uniforms, fresh uuid) -> damaged column; modifies row in place
Handler = Callable[[Row, np.ndarray, str], str]


def _pick(u: float, options: tuple[str, ...] | list[str]) -> str:
    return options[min(int(u * len(options)), len(options) - 1)]


def _future(ts: str, u: float) -> str:
    """Same timestamp text in a year between FUTURE_YEARS with the same leap-ness."""
    year = int(ts[:4])
    lo = math.ceil((FUTURE_YEARS[0] - year) / 4)
    hi = (FUTURE_YEARS[1] - year) // 4
    return f"{year + 4 * (lo + min(int(u * (hi - lo + 1)), hi - lo)):04d}{ts[4:]}"


def _null(column_options: tuple[str, str]) -> Handler:
    def handler(row: Row, u: np.ndarray, _: str) -> str:
        column = _pick(u[0], column_options)
        row[column] = None
        return column

    return handler


def _set(column: str, value: Callable[[Row, np.ndarray, str], str | None]) -> Handler:
    def handler(row: Row, u: np.ndarray, fresh_uuid: str) -> str:
        row[column] = value(row, u, fresh_uuid)
        return column

    return handler


def _whitespace(row: Row, u: np.ndarray, _: str) -> str:
    loc = row["location"] or ""
    return _pick(u[0], (" " + loc, loc + " ", "  " + loc + " ", loc + "  "))


def _case(row: Row, u: np.ndarray, _: str) -> str:
    loc = row["location"] or ""
    return loc.upper() if u[0] < 0.5 else loc.lower()


def _malformed(row: Row, u: np.ndarray, _: str) -> str:
    text = row["event_data"] or ""
    if u[0] < 0.8:  # truncated in its second half: a proper prefix of an object is never valid JSON
        half = len(text) // 2
        return text[: half + int(u[1] * (len(text) - 1 - half))]
    return text.replace('{"event_type"', "{event_type", 1)  # unquoted key


def _unknown_type(row: Row, u: np.ndarray, _: str) -> str:
    text = row["event_data"] or ""
    old = text.split('"', 4)[3]
    return text.replace(f'"event_type":"{old}"', f'"event_type":"{_pick(u[0], UNKNOWN_EVENT_TYPES)}"', 1)


def _future_event(row: Row, u: np.ndarray, _: str) -> str:
    ts = row["event_timestamp"] or ""
    new = _future(ts, u[0])
    row["event_timestamp"] = new
    iso_old, iso_new = ts.replace(" ", "T", 1), new.replace(" ", "T", 1)
    row["event_data"] = (row["event_data"] or "").replace(f'"timestamp":"{iso_old}"', f'"timestamp":"{iso_new}"', 1)
    return "event_timestamp"


def _price_outlier(row: Row, u: np.ndarray, _: str) -> str:
    whole, _, frac = (row["price"] or "0").partition(".")
    cents = (int(whole) * 100 + int((frac + "00")[:2])) * 1000
    return f"{cents // 100}.{cents % 100:02d}"


def _duplicate(row: Row, u: np.ndarray, _: str) -> str:
    return "event_id"  # the row is copied, not changed; the copy repeats its key


HANDLERS: Final[dict[str, dict[str, Handler]]] = {
    "customers": {
        "null_id": _null(("customer_id", "customer_id")),
        "location_whitespace": _set("location", _whitespace),
        "location_case": _set("location", _case),
        "lowercase_currency": _set("currency", lambda r, u, f: (r["currency"] or "").lower()),
    },
    "orders": {
        "unknown_customer": _set("customer_id", lambda r, u, f: f),
        "null_id": _null(("order_id", "customer_id")),
        "future_timestamp": _set("checked_out_at", lambda r, u, f: _future(r["checked_out_at"] or "", u[0])),
    },
    "line_items": {
        "missing_quantity": _set("quantity", lambda r, u, f: None),
        "non_positive_quantity": _set("quantity", lambda r, u, f: str(-min(int(u[0] * 6), 5))),
        "unknown_product": _set("item_id", lambda r, u, f: str(16 + min(int(u[0] * 84), 83))),
        "unknown_order": _set("order_id", lambda r, u, f: f),
        "null_id": _null(("order_id", "line_item_id")),
    },
    "products": {"price_outlier": _set("price", _price_outlier)},
    "events": {
        "duplicate_event": _duplicate,
        "malformed_json": _set("event_data", _malformed),
        "unknown_event_type": _set("event_data", _unknown_type),
        "null_id": _null(("event_id", "customer_id")),
        "future_timestamp": _future_event,
    },
}
assert all(tuple(HANDLERS[t]) == kinds for t, kinds in DEFECT_KINDS.items())


class Damaged(NamedTuple):
    """A damaged chunk, its manifest rows and the clean row each of its rows comes from."""

    table: pa.Table
    manifest: pa.Table
    #: int64, one per row of ``table``: index of the clean input row it was made from
    source: np.ndarray


def empty_manifest() -> pa.Table:
    return MANIFEST_SCHEMA.empty_table()


def damage(
    table_name: str,
    table: pa.Table,
    rng: np.random.Generator,
    rate: float,
    first_row_number: int,
    every_kind: bool,
) -> Damaged:
    """Damage rows of one chunk of ``table_name``.

    ``first_row_number`` is the 1-based row number, in the written single file, of the
    chunk's first row.  ``every_kind`` makes sure each defect kind occurs at
    least once in this chunk (when it has enough rows).  Returns the damaged
    table (with inserted duplicates), its manifest rows and, for each of its
    rows, the index of the clean row it comes from.
    """
    n = table.num_rows
    kinds = DEFECT_KINDS[table_name]
    unchanged = Damaged(table, empty_manifest(), np.arange(n, dtype=np.int64))
    if rate <= 0 or n == 0:
        return unchanged
    if table_name == "products":
        k = min(n, MAX_PRICE_OUTLIERS, max(1, round(rate * n)))
    else:
        k = int(math.floor(rate * n + rng.random()))
        if every_kind:
            k = max(k, len(kinds))
    k = min(k, n)
    if k == 0:
        return unchanged
    rows = np.sort(rng.choice(n, size=k, replace=False))
    kind = rng.integers(0, len(kinds), size=k)
    if every_kind:
        kind[rng.permutation(k)[: len(kinds)]] = np.arange(min(len(kinds), k))
    uniforms = rng.random((k, 2))
    fresh = uuid_text(uuid4_bytes(rng, k)).to_pylist()

    names = table.column_names
    idx = pa.array(rows)
    values = {c: table.column(c).take(idx).to_pylist() for c in names}
    handlers = HANDLERS[table_name]
    damaged_cols: list[str] = []
    for i in range(k):
        row: Row = {c: values[c][i] for c in names}
        damaged_cols.append(handlers[kinds[kind[i]]](row, uniforms[i], fresh[i]))
        for c in names:
            values[c][i] = row[c]

    mask = np.zeros(n, dtype=bool)
    mask[rows] = True
    mask_arr = pa.array(mask)
    columns = [
        pc.replace_with_mask(table.column(c).combine_chunks(), mask_arr, pa.array(values[c], pa.string()))
        for c in names
    ]
    out = pa.Table.from_arrays(columns, schema=table.schema)

    is_dup = np.zeros(n, dtype=np.int64)
    if table_name == "events":
        is_dup[rows[kind == kinds.index("duplicate_event")]] = 1
    counts = 1 + is_dup
    position = np.cumsum(counts) - counts  # 0-based position of each original row
    source = np.repeat(np.arange(n, dtype=np.int64), counts)
    if is_dup.any():
        out = out.take(pa.array(source))
    row_numbers = first_row_number + position[rows] + is_dup[rows]  # the copy follows its original

    key_col = TABLE_KEYS[table_name]
    manifest = pa.table(
        {
            "table": pa.array([table_name] * k, pa.string()),
            "row_number": pa.array(row_numbers, pa.int64()).cast(pa.string()),
            "key": pa.array([v if v is not None else "" for v in values[key_col]], pa.string()),
            "column": pa.array(damaged_cols, pa.string()),
            "defect": pa.array([kinds[j] for j in kind], pa.string()),
        },
        schema=MANIFEST_SCHEMA,
    )
    return Damaged(out, manifest, source)

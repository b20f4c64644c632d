"""Turn simulated arrays into the text columns of the raw tables.

Every column of every raw table is text (``pyarrow.string()``), in CSV and in
Parquet alike: the raw layer keeps values exactly as a source system would
send them, and staging does the typing.  All formatting is vectorised with
numpy and Arrow compute kernels.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .catalog import COUNTRIES, EVENT_TYPES, ORDER_STATUSES, PRODUCTS, currency_of
from .personas import PERSONA_NAMES
from .simulate import Chunk

#: Column names of each raw table, in file order.
TABLE_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "customers": ("customer_id", "device_id", "location", "currency"),
    "orders": ("order_id", "customer_id", "status", "checked_out_at"),
    "line_items": ("line_item_id", "order_id", "item_id", "quantity"),
    "products": ("id", "name", "price"),
    "events": ("event_id", "customer_id", "event_data", "event_timestamp"),
}
#: Primary key column of each raw table.
TABLE_KEYS: Final[dict[str, str]] = {
    "customers": "customer_id",
    "orders": "order_id",
    "line_items": "line_item_id",
    "products": "id",
    "events": "event_id",
}
TABLES: Final[tuple[str, ...]] = tuple(TABLE_COLUMNS)

_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
# byte positions of the 32 hex digits inside the 36-character uuid text
_HEX_POS = np.array([i for i in range(36) if i not in (8, 13, 18, 23)])
_COUNTRY_TEXT = pa.array(COUNTRIES, pa.string())
_CURRENCY_TEXT = pa.array([currency_of(c) for c in COUNTRIES], pa.string())
_STATUS_TEXT = pa.array(ORDER_STATUSES, pa.string())
_EVENT_TYPE_TEXT = pa.array(EVENT_TYPES, pa.string())
_PERSONA_TEXT = pa.array(PERSONA_NAMES, pa.string())


def schema(table: str) -> pa.Schema:
    """Arrow schema of a raw table: every column is a nullable string."""
    return pa.schema([pa.field(c, pa.string()) for c in TABLE_COLUMNS[table]])


def _fixed_width_strings(data: np.ndarray) -> pa.StringArray:
    """(n, w) uint8 ASCII matrix -> StringArray of n strings of width w, zero copy of rows."""
    n, w = data.shape
    offsets = np.arange(0, (n + 1) * w, w, dtype=np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(np.ascontiguousarray(data)))


def uuid_text(b: np.ndarray) -> pa.StringArray:
    """(n, 16) uuid bytes -> canonical lower-case ``8-4-4-4-12`` text."""
    n = len(b)
    out = np.full((n, 36), ord("-"), dtype=np.uint8)
    digits = np.empty((n, 32), dtype=np.uint8)
    digits[:, 0::2] = _HEX[b >> 4]
    digits[:, 1::2] = _HEX[b & 0x0F]
    out[:, _HEX_POS] = digits
    return _fixed_width_strings(out)


def int_text(values: np.ndarray) -> pa.Array:
    """Integers -> decimal text; negative values mean "absent" and become null."""
    values = np.asarray(values, dtype=np.int64)
    mask = values < 0
    return pa.array(values, pa.int64(), mask=mask if mask.any() else None).cast(pa.string())


def timestamp_text(us_since_epoch: np.ndarray) -> pa.Array:
    """Microsecond timestamps -> ``YYYY-MM-DD HH:MM:SS.ffffff``."""
    return pa.array(us_since_epoch, pa.int64()).cast(pa.timestamp("us")).cast(pa.string())


def iso_text(ts_text: pa.Array) -> pa.Array:
    """``YYYY-MM-DD HH:MM:SS.ffffff`` -> ISO ``YYYY-MM-DDTHH:MM:SS.ffffff``."""
    return pc.replace_substring(ts_text, " ", "T", max_replacements=1)


def products_table() -> pa.Table:
    return pa.table(
        {
            "id": pa.array([str(p.id) for p in PRODUCTS], pa.string()),
            "name": pa.array([p.name for p in PRODUCTS], pa.string()),
            "price": pa.array([p.price for p in PRODUCTS], pa.string()),
        },
        schema=schema("products"),
    )


def _join(*parts: pa.Array | str) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


class RenderedChunk:
    """Text tables of one chunk plus what the defect step and the truth file need."""

    def __init__(self, chunk: Chunk, start_us: int, first_line_item_id: int, first_event_id: int) -> None:
        cust_id = uuid_text(chunk.customer_uuid)
        order_id = uuid_text(chunk.order_uuid)
        order_status = _STATUS_TEXT.take(chunk.order_status)
        order_ts = timestamp_text(chunk.order_ts + start_us)

        self.customers = pa.table(
            [cust_id, uuid_text(chunk.device_uuid), _COUNTRY_TEXT.take(chunk.country),
             _CURRENCY_TEXT.take(chunk.country)],
            schema=schema("customers"),
        )
        self.personas = pa.table({"customer_id": cust_id, "persona": _PERSONA_TEXT.take(chunk.persona)})
        self.orders = pa.table(
            [order_id, cust_id.take(chunk.order_customer), order_status, order_ts],
            schema=schema("orders"),
        )
        n_items = len(chunk.item_order)
        self.line_items = pa.table(
            [int_text(np.arange(first_line_item_id, first_line_item_id + n_items)),
             order_id.take(chunk.item_order), int_text(chunk.item_product), int_text(chunk.item_quantity)],
            schema=schema("line_items"),
        )

        n_ev = len(chunk.event_ts)
        ev_ts = timestamp_text(chunk.event_ts + start_us)
        is_checkout = chunk.event_order >= 0
        ev_order = pa.array(chunk.event_order, pa.int64(), mask=~is_checkout)
        cart_extra = _join(',"item_id":', int_text(chunk.event_product), ',"quantity":',
                           int_text(chunk.event_quantity))
        checkout_extra = _join(',"order_id":"', order_id.take(ev_order), '","status":"',
                               order_status.take(ev_order), '"')
        extra = pc.coalesce(cart_extra, checkout_extra, pa.scalar("", pa.string()))
        event_data = _join('{"event_type":"', _EVENT_TYPE_TEXT.take(chunk.event_type), '","timestamp":"',
                           iso_text(ev_ts), '"', extra, "}")
        self.events = pa.table(
            [int_text(np.arange(first_event_id, first_event_id + n_ev)),
             cust_id.take(chunk.event_customer), event_data, ev_ts],
            schema=schema("events"),
        )

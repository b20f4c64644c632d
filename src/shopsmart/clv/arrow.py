"""The lifetime-value frame as the Arrow table the dbt model writes, money as exact decimals."""

from __future__ import annotations

from typing import Final

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

#: decimal(18,2), the type of every money column of the marts.
MONEY: Final[pa.DataType] = pa.decimal128(18, 2)


def lifetime_value_table(frame: pd.DataFrame) -> pa.Table:
    """``frame`` as Arrow, its ``_usd`` columns rounded to the cent as decimal(18,2)."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    for index, field in enumerate(table.schema):
        if field.name.endswith("_usd"):
            rounded = pc.round(table.column(index), ndigits=2)
            table = table.set_column(index, field.name, pc.cast(rounded, MONEY))
    return table

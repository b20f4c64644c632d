"""Arrow input of the dbt Python models, as the pandas frame the segmentation reads."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def arrow_to_pandas(data: pa.Table | pa.RecordBatchReader) -> pd.DataFrame:
    """A pandas frame from an Arrow table or a record batch reader.

    DuckDB's ``relation.arrow()`` returns a table in older releases and a
    ``RecordBatchReader`` from 1.4 on; both are accepted. Decimal columns (money)
    become float64, which is what the clustering computes with, instead of one Python
    ``Decimal`` object per value.
    """
    table = data.read_all() if isinstance(data, pa.RecordBatchReader) else data
    for index, field in enumerate(table.schema):
        if pa.types.is_decimal(field.type):
            table = table.set_column(index, field.name, pc.cast(table.column(index), pa.float64()))
    return table.to_pandas()


#: decimal(18,2), the type of every money column of the marts.
MONEY = pa.decimal128(18, 2)


def pandas_to_arrow(frame: pd.DataFrame) -> pa.Table:
    """``frame`` as the Arrow table a dbt Python mart returns: its ``_usd`` columns rounded to the cent,
    as decimal(18,2) like the money of every mart."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    for index, field in enumerate(table.schema):
        if field.name.endswith("_usd"):
            rounded = pc.round(table.column(index), ndigits=2)
            table = table.set_column(index, field.name, pc.cast(rounded, MONEY))
    return table

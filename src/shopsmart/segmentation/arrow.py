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

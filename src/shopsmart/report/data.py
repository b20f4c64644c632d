"""Read what the report shows from the DuckDB warehouse, read-only."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from shopsmart.warehouse import WarehouseUnavailable, connect_read_only

#: Customers drawn (at random, with a fixed seed) for the scatter plots, so that a large
#: customer base still gives a readable picture and a small file.
SCATTER_SAMPLE = 5000


@dataclass(frozen=True)
class ReportData:
    """The segment marts, as the charts read them."""

    diagnostics: pd.DataFrame
    profiles: pd.DataFrame
    customers: pd.DataFrame
    total_customers: int


def read_report_data(database: Path, schema: str = "marts") -> ReportData:
    """The diagnostics, the profiles and a fixed random sample of segmented customers."""
    with connect_read_only(database, "run the report") as connection:
        tables = {
            name
            for (name,) in connection.execute(
                "select table_name from information_schema.tables where table_schema = ?", [schema]
            ).fetchall()
        }
        missing = sorted({"segment_model_diagnostics", "customer_segments", "segment_profiles",
                          "customer_features"} - tables)
        if missing:
            raise WarehouseUnavailable(
                f"{database}: table(s) {', '.join(f'{schema}.{name}' for name in missing)} not found; "
                "run `dbt build` first"
            )
        diagnostics = connection.sql(
            f'select k, inertia, silhouette, is_chosen from "{schema}".segment_model_diagnostics order by k'
        ).df()
        profiles = connection.sql(f'select * from "{schema}".segment_profiles order by segment_id').df()
        (total,) = connection.sql(f'select count(*) from "{schema}".customer_segments').fetchone()
        # a reproducible random sample: the customers with the smallest hash of their id
        customers = connection.sql(
            f"""
            select
                segments.customer_id,
                segments.segment_id,
                segments.segment_name,
                segments.pca_1,
                segments.pca_2,
                features.recency_days,
                features.frequency,
                cast(features.monetary_usd as double) as monetary_usd,
                features.has_purchased
            from "{schema}".customer_segments as segments
            inner join "{schema}".customer_features as features
                on segments.customer_id = features.customer_id
            order by hash(segments.customer_id), segments.customer_id
            limit {SCATTER_SAMPLE}
            """
        ).df()
    return ReportData(diagnostics, profiles, customers, int(total))

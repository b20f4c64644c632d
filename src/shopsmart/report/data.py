"""Read what the report shows from the marts of the DuckDB warehouse, read-only, with SQL."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pandas as pd

from shopsmart.warehouse import WarehouseUnavailable, connect_read_only, require_complete_build

#: Customers drawn (at random, with a fixed seed) for the scatter plots, so that a large
#: customer base still gives a readable picture and a small file.
SCATTER_SAMPLE = 5000

#: The most recent first-order cohorts shown in the retention heatmap.
COHORT_MONTHS = 24

#: The funnel steps in order: label shown, column of funnel_daily.
FUNNEL_STEPS = {
    "visit": "visit_sessions",
    "add to cart": "add_to_cart_sessions",
    "checkout": "checkout_sessions",
    "successful order": "successful_order_sessions",
}

#: Every mart the report reads.
MARTS = (
    "segment_model_diagnostics",
    "customer_segments",
    "customer_features",
    "segment_profiles",
    "customers",
    "monthly_revenue",
    "customer_rfm",
    "location_summary_by_country",
    "visits_by_weekday_hour",
    "funnel_daily",
    "cohort_retention",
    "customer_lifetime_value",
    "segment_transitions",
)

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Overview:
    """The shop's headline figures over the whole history."""

    customers: int
    buyers: int
    orders: int
    revenue_usd: Decimal
    first_month: dt.date | None
    last_month: dt.date | None
    visit_sessions: int
    converted_sessions: int

    @property
    def average_order_value_usd(self) -> Decimal | None:
        """Revenue per successful order, rounded once to the cent, half away from zero."""
        if self.orders == 0:
            return None
        return (self.revenue_usd / self.orders).quantize(CENT, rounding=ROUND_HALF_UP)

    @property
    def conversion_rate(self) -> float | None:
        """Sessions with a visit that reached a successful order, over sessions with a visit."""
        return self.converted_sessions / self.visit_sessions if self.visit_sessions else None


@dataclass(frozen=True)
class AsOf:
    """The analysis date of the marts and the successful orders before it that segments and RFM count."""

    analysis_date: dt.date | None
    first_order_at: dt.datetime | None
    last_order_at: dt.datetime | None


@dataclass(frozen=True)
class ReportData:
    """The marts, as the page and its charts read them."""

    diagnostics: pd.DataFrame
    profiles: pd.DataFrame
    customers: pd.DataFrame
    total_customers: int
    overview: Overview
    as_of: AsOf
    rfm_segments: pd.DataFrame
    countries: pd.DataFrame
    visits: pd.DataFrame
    funnel: pd.DataFrame
    cohorts: pd.DataFrame
    transitions: pd.DataFrame
    #: Months over which customer_lifetime_value (and so segment_profiles.lifetime_value_usd) is summed.
    lifetime_value_months: int | None

    @property
    def has_web_events(self) -> bool:
        """False for a source without web events (UCI Online Retail): its visit and funnel marts are empty."""
        return self.overview.visit_sessions > 0


def read_report_data(database: Path, schema: str = "marts") -> ReportData:
    """Everything the page shows, read from the marts in `schema` of a complete build."""
    with connect_read_only(database, "run the report") as connection:
        require_complete_build(connection, database)
        require_marts(connection, database, schema)
        marts = f'"{schema}"'
        [(total,)] = connection.sql(f"select count(*) from {marts}.customer_segments").fetchall()
        return ReportData(
            diagnostics=connection.sql(
                f"select k, inertia, silhouette, is_chosen from {marts}.segment_model_diagnostics order by k"
            ).df(),
            profiles=connection.sql(f"select * from {marts}.segment_profiles order by segment_id").df(),
            customers=read_scatter_sample(connection, marts),
            total_customers=int(total),
            overview=read_overview(connection, marts),
            as_of=read_as_of(connection, marts),
            rfm_segments=read_rfm_segments(connection, marts),
            countries=read_countries(connection, marts),
            visits=read_visits(connection, marts),
            funnel=read_funnel(connection, marts),
            cohorts=read_cohorts(connection, marts),
            transitions=read_transitions(connection, marts),
            lifetime_value_months=read_lifetime_value_months(connection, marts),
        )


def require_marts(connection: duckdb.DuckDBPyConnection, database: Path, schema: str) -> None:
    """WarehouseUnavailable naming the marts that are missing, if any."""
    tables = {
        name
        for (name,) in connection.execute(
            "select table_name from information_schema.tables where table_schema = ?", [schema]
        ).fetchall()
    }
    missing = [name for name in MARTS if name not in tables]
    if missing:
        raise WarehouseUnavailable(
            f"{database}: table(s) {', '.join(f'{schema}.{name}' for name in missing)} not found; "
            "run `dbt build` first"
        )


def read_transitions(connection: duckdb.DuckDBPyConnection, marts: str) -> pd.DataFrame:
    """K-Means segment moves summed over every pair of consecutive month ends: from_segment, to_segment,
    customers, the months counted, and the first and last month end moved to."""
    return connection.sql(
        f"""
        with
        moves as (
            select month_end, from_segment, to_segment, customers
            from {marts}.segment_transitions
            where segmentation = 'kmeans' and share_of_from_segment is not null
        ),
        period as (
            select
                count(distinct month_end) as months,
                min(month_end) as first_month_end,
                max(month_end) as last_month_end
            from moves
        )
        select
            moves.from_segment,
            moves.to_segment,
            sum(moves.customers) as customers,
            period.months,
            period.first_month_end,
            period.last_month_end
        from moves
        cross join period
        group by all
        order by moves.from_segment, moves.to_segment
        """
    ).df()


def read_lifetime_value_months(connection: duckdb.DuckDBPyConnection, marts: str) -> int | None:
    """The horizon of the lifetime values (var clv_horizon_months), None without customers."""
    [(months,)] = connection.sql(f"select max(horizon_months) from {marts}.customer_lifetime_value").fetchall()
    return None if months is None else int(months)


def read_scatter_sample(connection: duckdb.DuckDBPyConnection, marts: str) -> pd.DataFrame:
    """A reproducible random sample of segmented customers: the smallest hashes of their ids."""
    return connection.sql(
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
        from {marts}.customer_segments as segments
        inner join {marts}.customer_features as features
            on segments.customer_id = features.customer_id
        order by hash(segments.customer_id), segments.customer_id
        limit {SCATTER_SAMPLE}
        """
    ).df()


def read_overview(connection: duckdb.DuckDBPyConnection, marts: str) -> Overview:
    """Customers and buyers (customers), successful orders and revenue (monthly_revenue), sessions (funnel_daily)."""
    rows = connection.sql(
        f"""
        with
        customer_counts as (
            select count(*) as customers, count(case when is_buyer then 1 end) as buyers
            from {marts}.customers
        ),
        revenue as (
            select
                coalesce(sum(successful_orders), 0) as orders,
                coalesce(sum(revenue_usd), 0) as revenue_usd,
                min(order_month) as first_month,
                max(order_month) as last_month
            from {marts}.monthly_revenue
        ),
        sessions as (
            select
                coalesce(sum(visit_sessions), 0) as visit_sessions,
                coalesce(sum(successful_order_sessions), 0) as converted_sessions
            from {marts}.funnel_daily
        )
        select
            customer_counts.customers,
            customer_counts.buyers,
            revenue.orders,
            revenue.revenue_usd,
            revenue.first_month,
            revenue.last_month,
            sessions.visit_sessions,
            sessions.converted_sessions
        from customer_counts
        cross join revenue
        cross join sessions
        """
    ).fetchall()
    [(customers, buyers, orders, revenue_usd, first_month, last_month, visit_sessions, converted_sessions)] = rows
    return Overview(int(customers), int(buyers), int(orders), Decimal(revenue_usd), first_month, last_month,
                    int(visit_sessions), int(converted_sessions))


def read_as_of(connection: duckdb.DuckDBPyConnection, marts: str) -> AsOf:
    """The analysis date (the same on every row of customer_rfm) and the first and last order it counts."""
    [(analysis_date, first_order_at, last_order_at)] = connection.sql(
        f"select max(analysis_date), min(first_purchase_at), max(last_purchase_at) from {marts}.customer_rfm"
    ).fetchall()
    return AsOf(analysis_date, first_order_at, last_order_at)


def read_rfm_segments(connection: duckdb.DuckDBPyConnection, marts: str) -> pd.DataFrame:
    """Customers and revenue per RFM segment, the largest revenue first."""
    return connection.sql(
        f"""
        select
            rfm_segment,
            count(*) as customers,
            cast(sum(monetary_usd) as double) as revenue_usd
        from {marts}.customer_rfm
        group by rfm_segment
        order by sum(monetary_usd) desc, count(*) desc, rfm_segment
        """
    ).df()


def read_countries(connection: duckdb.DuckDBPyConnection, marts: str) -> pd.DataFrame:
    """Customers, buyers and revenue per country, the largest revenue first."""
    return connection.sql(
        f"""
        select
            country,
            customers,
            buyers,
            cast(revenue_usd as double) as revenue_usd
        from {marts}.location_summary_by_country
        order by revenue_usd desc, customers desc, country
        """
    ).df()


def read_visits(connection: duckdb.DuckDBPyConnection, marts: str) -> pd.DataFrame:
    """Visits per ISO day of the week and hour of the day (168 rows, zeros for a source without web events)."""
    return connection.sql(
        f"""
        select iso_day_of_week, hour_of_day, day_name, visits
        from {marts}.visits_by_weekday_hour
        order by iso_day_of_week, hour_of_day
        """
    ).df()


def read_funnel(connection: duckdb.DuckDBPyConnection, marts: str) -> pd.DataFrame:
    """Sessions reaching each funnel step over the whole history, one row per step in order."""
    totals = ", ".join(f"coalesce(sum({column}), 0)" for column in FUNNEL_STEPS.values())
    [counts] = connection.sql(f"select {totals} from {marts}.funnel_daily").fetchall()
    return pd.DataFrame({"step": list(FUNNEL_STEPS), "sessions": [int(count) for count in counts]})


def read_cohorts(connection: duckdb.DuckDBPyConnection, marts: str) -> pd.DataFrame:
    """Retention of the most recent first-order cohorts, by month since the first order."""
    return connection.sql(
        f"""
        with
        recent_cohorts as (
            select distinct cohort_month
            from {marts}.cohort_retention
            where cohort_type = 'first_order'
            order by cohort_month desc
            limit {COHORT_MONTHS}
        )
        select
            retention.cohort_month,
            retention.activity_month,
            retention.months_since,
            retention.cohort_size,
            cast(retention.retention_rate as double) as retention_rate
        from {marts}.cohort_retention as retention
        inner join recent_cohorts
            on retention.cohort_month = recent_cohorts.cohort_month
        where retention.cohort_type = 'first_order'
        order by retention.cohort_month, retention.months_since
        """
    ).df()


def next_month(month: dt.date) -> dt.date:
    """The first day of the month after the one `month` falls in."""
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def add_months(month: dt.date, months: int) -> dt.date:
    """The first day of the month `months` calendar months after the one `month` falls in."""
    index = month.year * 12 + month.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_is_complete(month: dt.date, analysis_date: dt.date | None) -> bool:
    """Whether the whole month that `month` falls in lies before the analysis date (True without a date).

    Recency and the segments count the orders before the analysis date, so a month
    that ends on or after it is only partly measured.
    """
    return analysis_date is None or next_month(month) <= analysis_date


def cohort_grid(cohorts: pd.DataFrame, analysis_date: dt.date | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Retention by cohort month (rows) and months since (columns), and which cells are too recent.

    A cell is too recent when its month had not fully happened by the analysis date
    (that covers cohorts younger than the offset too: their cell's month lies after
    the data). Too recent cells hold NaN in the retention grid, so that a partly
    measured month is never shown as a low retention.
    """
    rates = cohorts.pivot(index="cohort_month", columns="months_since", values="retention_rate").astype(float)
    too_recent = pd.DataFrame(
        [[not month_is_complete(add_months(pd.Timestamp(month).date(), int(offset)), analysis_date)
          for offset in rates.columns] for month in rates.index],
        index=rates.index, columns=rates.columns, dtype=bool,
    )
    return rates.mask(too_recent), too_recent

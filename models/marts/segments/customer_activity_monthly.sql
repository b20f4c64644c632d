{#-
    The activity that first counts in the segment history at each as-of date, per customer: what
    customer_features_monthly sums into running totals. Only the customer's first as-of date and the
    dates with activity have a row.
-#}
with

customers as (

    select * from {{ ref('customers') }}

),

orders as (

    select * from {{ ref('orders') }}

),

sessionized_events as (

    select * from {{ ref('int_events_sessionized') }}

),

sessions as (

    select * from {{ ref('int_sessions_summarized') }}

),

analysis_dates as (

    select * from {{ ref('int_analysis_dates_resolved') }}

),

customers_first_seen as (

    -- first seen: the earlier of the first visit and the first order (any status) of `customers`
    select
        customer_id,
        case
            when first_visit_at is null then first_order_at
            when first_order_at is null or first_visit_at <= first_order_at then first_visit_at
            else first_order_at
        end as first_seen_at

    from customers

),

customers_first_dated as (

    -- the first as-of date at which a customer exists: the first one after they were first seen; for a
    -- customer never seen, or first seen on or after the analysis date, the analysis date
    select
        customers_first_seen.customer_id,
        coalesce(
            {{ history_as_of_date('customers_first_seen.first_seen_at', 'analysis_dates.analysis_date') }},
            analysis_dates.analysis_date
        ) as first_as_of_date

    from customers_first_seen

    cross join analysis_dates

),

activity_days as (

    -- each source's activity before the analysis date, one row per order, visit or cart add, and session,
    -- with the day it happened
    select
        orders.customer_id,
        cast(orders.checked_out_at as date) as activity_date,
        case when orders.is_successful then 1 else 0 end as successful_orders,
        case when orders.is_successful then orders.total_amount_usd else 0 end as spend_usd,
        case when orders.is_successful then orders.units else 0 end as items,
        0 as visits,
        0 as sessions,
        0 as add_to_cart_events,
        case when orders.is_successful then orders.checked_out_at end as last_purchase_at

    from orders

    cross join analysis_dates

    where orders.checked_out_at < cast(analysis_dates.analysis_date as {{ dbt.type_timestamp() }})

    union all

    select
        sessionized_events.customer_id,
        cast(sessionized_events.event_at as date) as activity_date,
        0 as successful_orders,
        0 as spend_usd,
        0 as items,
        case when sessionized_events.event_type = 'visit' then 1 else 0 end as visits,
        0 as sessions,
        case when sessionized_events.event_type = 'add_to_cart' then 1 else 0 end as add_to_cart_events,
        cast(null as {{ dbt.type_timestamp() }}) as last_purchase_at

    from sessionized_events

    cross join analysis_dates

    where
        sessionized_events.event_type in ('visit', 'add_to_cart')
        and sessionized_events.event_at < cast(analysis_dates.analysis_date as {{ dbt.type_timestamp() }})

    union all

    -- a session counts from the as-of date after its start
    select
        sessions.customer_id,
        cast(sessions.started_at as date) as activity_date,
        0 as successful_orders,
        0 as spend_usd,
        0 as items,
        0 as visits,
        1 as sessions,
        0 as add_to_cart_events,
        cast(null as {{ dbt.type_timestamp() }}) as last_purchase_at

    from sessions

    cross join analysis_dates

    where sessions.started_at < cast(analysis_dates.analysis_date as {{ dbt.type_timestamp() }})

),

daily_activity as (

    -- summed per customer and day, so that the as-of date is worked out once per day with activity
    select
        customer_id,
        activity_date,

        sum(successful_orders) as successful_orders,
        sum(spend_usd) as spend_usd,
        sum(items) as items,
        sum(visits) as visits,
        sum(sessions) as sessions,
        sum(add_to_cart_events) as add_to_cart_events,
        max(last_purchase_at) as last_purchase_at

    from activity_days

    group by
        customer_id,
        activity_date

),

activity as {{ materialized() }} (

    -- every customer's first as-of date (with nothing), and each day's activity at the first as-of date
    -- that counts it: activity before the customer's first as-of date (e.g. a cart add before the first
    -- visit) counts at that date. Stored before the sums per as-of date: on DuckDB, aggregating these
    -- rows in the same pipeline that dates them ran out of memory on data larger than memory
    select
        customer_id,
        first_as_of_date as as_of_date,
        0 as successful_orders,
        0 as spend_usd,
        0 as items,
        0 as visits,
        0 as sessions,
        0 as add_to_cart_events,
        cast(null as {{ dbt.type_timestamp() }}) as last_purchase_at

    from customers_first_dated

    union all

    select
        daily_activity.customer_id,
        greatest(
            {{ history_as_of_date('daily_activity.activity_date', 'analysis_dates.analysis_date') }},
            customers_first_dated.first_as_of_date
        ) as as_of_date,
        daily_activity.successful_orders,
        daily_activity.spend_usd,
        daily_activity.items,
        daily_activity.visits,
        daily_activity.sessions,
        daily_activity.add_to_cart_events,
        daily_activity.last_purchase_at

    from daily_activity

    cross join analysis_dates

    inner join customers_first_dated
        on daily_activity.customer_id = customers_first_dated.customer_id

),

final as (

    select
        activity.customer_id,

        cast(sum(activity.successful_orders) as {{ dbt.type_int() }}) as successful_orders,
        {{ round_money('sum(activity.spend_usd)') }} as spend_usd,
        cast(sum(activity.items) as {{ dbt.type_int() }}) as items,
        cast(sum(activity.visits) as {{ dbt.type_int() }}) as visits,
        cast(sum(activity.sessions) as {{ dbt.type_int() }}) as sessions,
        cast(sum(activity.add_to_cart_events) as {{ dbt.type_int() }}) as add_to_cart_events,

        activity.as_of_date = analysis_dates.analysis_date as is_analysis_date,

        activity.as_of_date as month_end,
        max(activity.last_purchase_at) as last_purchase_at

    from activity

    cross join analysis_dates

    group by
        activity.customer_id,
        activity.as_of_date,
        analysis_dates.analysis_date

)

select * from final

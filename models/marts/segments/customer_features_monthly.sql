{#- Scores run from 1 to this many levels, as in customer_rfm (the seed rfm_segments has one row per (r, f) pair). -#}
{%- set score_levels = 5 -%}
{#- Running totals per customer, from the first as-of date to the current one. -#}
{%- set running = 'over (partition by customer_id order by as_of_date'
    ~ ' rows between unbounded preceding and current row)' -%}

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

rfm_segments as (

    select * from {{ ref('rfm_segments') }}

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

history_bounds as (

    select
        analysis_dates.analysis_date,
        min(customers_first_seen.first_seen_at) as first_seen_at

    from customers_first_seen

    cross join analysis_dates

    group by analysis_dates.analysis_date

),

history_months as (

    {{ month_series('history_bounds', 'first_seen_at', 'analysis_date') }}

),

as_of_dates as (

    -- every month end before the analysis date from the month of the first activity, then the analysis date
    select
        cast({{ dbt.last_day('history_months.date_month', 'month') }} as date) as as_of_date,
        false as is_analysis_date

    from history_months

    cross join analysis_dates

    where cast({{ dbt.last_day('history_months.date_month', 'month') }} as date) < analysis_dates.analysis_date

    union all

    select
        analysis_date as as_of_date,
        true as is_analysis_date

    from analysis_dates

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

customer_dates as (

    -- the customers who existed at each as-of date: first seen before it; every customer at the analysis date
    select
        customers_first_dated.customer_id,
        as_of_dates.as_of_date

    from customers_first_dated

    inner join as_of_dates
        on customers_first_dated.first_as_of_date <= as_of_dates.as_of_date

),

orders_dated as (

    -- orders before the analysis date with the first as-of date that counts them (for activity before
    -- the customer was first seen, e.g. a cart add before the first visit, the customer's first as-of date)
    select
        orders.customer_id,
        orders.total_amount_usd,
        orders.units,
        orders.is_successful,
        orders.checked_out_at,
        -- activity before the customer's first as-of date counts at that date
        greatest(
            {{ history_as_of_date('orders.checked_out_at', 'analysis_dates.analysis_date') }},
            customers_first_dated.first_as_of_date
        ) as as_of_date

    from orders

    cross join analysis_dates

    inner join customers_first_dated
        on orders.customer_id = customers_first_dated.customer_id

    where orders.checked_out_at < cast(analysis_dates.analysis_date as {{ dbt.type_timestamp() }})

),

order_periods as (

    -- summed per customer and as-of date
    select
        customer_id,
        as_of_date,

        count(case when is_successful then 1 end) as successful_orders,
        sum(case when is_successful then total_amount_usd else 0 end) as spend_usd,
        sum(case when is_successful then units else 0 end) as items,

        max(case when is_successful then checked_out_at end) as last_purchase_at

    from orders_dated

    group by
        customer_id,
        as_of_date

),

event_days as (

    -- the visits and cart adds before the analysis date per customer and day, so that the as-of date
    -- is worked out once per day with events rather than once per event
    select
        sessionized_events.customer_id,
        cast(sessionized_events.event_at as date) as event_date,

        count(case when sessionized_events.event_type = 'visit' then 1 end) as visit_events,
        count(case when sessionized_events.event_type = 'add_to_cart' then 1 end) as add_to_cart_events

    from sessionized_events

    cross join analysis_dates

    where
        sessionized_events.event_type in ('visit', 'add_to_cart')
        and sessionized_events.event_at < cast(analysis_dates.analysis_date as {{ dbt.type_timestamp() }})

    group by
        sessionized_events.customer_id,
        cast(sessionized_events.event_at as date)

),

events_dated as (

    select
        event_days.customer_id,
        event_days.visit_events,
        event_days.add_to_cart_events,
        -- activity before the customer's first as-of date counts at that date
        greatest(
            {{ history_as_of_date('event_days.event_date', 'analysis_dates.analysis_date') }},
            customers_first_dated.first_as_of_date
        ) as as_of_date

    from event_days

    cross join analysis_dates

    inner join customers_first_dated
        on event_days.customer_id = customers_first_dated.customer_id

),

event_periods as (

    select
        customer_id,
        as_of_date,

        cast(sum(visit_events) as {{ dbt.type_bigint() }}) as visit_events,
        cast(sum(add_to_cart_events) as {{ dbt.type_bigint() }}) as add_to_cart_events

    from events_dated

    group by
        customer_id,
        as_of_date

),

sessions_dated as (

    -- a session counts from the as-of date after its start
    select
        sessions.customer_id,
        -- activity before the customer's first as-of date counts at that date
        greatest(
            {{ history_as_of_date('sessions.started_at', 'analysis_dates.analysis_date') }},
            customers_first_dated.first_as_of_date
        ) as as_of_date

    from sessions

    cross join analysis_dates

    inner join customers_first_dated
        on sessions.customer_id = customers_first_dated.customer_id

    where sessions.started_at < cast(analysis_dates.analysis_date as {{ dbt.type_timestamp() }})

),

session_periods as (

    select
        customer_id,
        as_of_date,

        count(*) as sessions

    from sessions_dated

    group by
        customer_id,
        as_of_date

),

periods as (

    -- every customer's as-of dates with the activity first counted at each (every activity's date is one
    -- of the customer's as-of dates)
    select
        customer_dates.customer_id,
        customer_dates.as_of_date,

        coalesce(order_periods.successful_orders, 0) as successful_orders,
        coalesce(order_periods.spend_usd, 0) as spend_usd,
        coalesce(order_periods.items, 0) as items,
        coalesce(event_periods.visit_events, 0) as visit_events,
        coalesce(session_periods.sessions, 0) as sessions,
        coalesce(event_periods.add_to_cart_events, 0) as add_to_cart_events,

        order_periods.last_purchase_at

    from customer_dates

    left join order_periods
        on
            customer_dates.customer_id = order_periods.customer_id
            and customer_dates.as_of_date = order_periods.as_of_date

    left join event_periods
        on
            customer_dates.customer_id = event_periods.customer_id
            and customer_dates.as_of_date = event_periods.as_of_date

    left join session_periods
        on
            customer_dates.customer_id = session_periods.customer_id
            and customer_dates.as_of_date = session_periods.as_of_date

),

running_totals as (

    -- each customer's figures as of each date: the running sums of the activity before it
    select
        periods.customer_id,
        periods.as_of_date,

        sum(periods.successful_orders) {{ running }} as frequency,
        sum(periods.spend_usd) {{ running }} as monetary_usd,
        sum(periods.items) {{ running }} as total_items,
        sum(periods.visit_events) {{ running }} as visits,
        sum(periods.sessions) {{ running }} as sessions,
        sum(periods.add_to_cart_events) {{ running }} as add_to_cart_events,

        max(periods.last_purchase_at) {{ running }} as last_purchase_at

    from periods

),

customer_totals as (

    select
        running_totals.customer_id,
        running_totals.as_of_date,

        running_totals.frequency,
        running_totals.monetary_usd,
        running_totals.total_items,
        running_totals.visits,
        running_totals.sessions,
        running_totals.add_to_cart_events,
        case
            when running_totals.frequency > 0
                then {{ dbt.datediff(
                    'cast(running_totals.last_purchase_at as date)', 'running_totals.as_of_date', 'day'
                ) }}
        end as recency_days,

        running_totals.last_purchase_at

    from running_totals

),

buyers as (

    select * from customer_totals

    where frequency > 0

),

-- the scores among the customers who had bought by each as-of date, as customer_rfm scores them
{{ rfm_score_ctes('buyers', score_levels, partition_by='as_of_date') }},

final as (

    select
        customer_totals.customer_id,

        case
            when rfm_scored.customer_id is null then 'No purchase'
            else rfm_segments.rfm_segment
        end as rfm_segment,

        cast(customer_totals.recency_days as {{ dbt.type_int() }}) as recency_days,
        cast(customer_totals.frequency as {{ dbt.type_int() }}) as frequency,
        {{ round_money('customer_totals.monetary_usd') }} as monetary_usd,
        cast(customer_totals.total_items as {{ dbt.type_int() }}) as total_items,
        cast(customer_totals.visits as {{ dbt.type_int() }}) as visits,
        cast(customer_totals.sessions as {{ dbt.type_int() }}) as sessions,
        cast(customer_totals.add_to_cart_events as {{ dbt.type_int() }}) as add_to_cart_events,
        rfm_scored.r_score,
        rfm_scored.f_score,
        rfm_scored.m_score,

        customer_totals.frequency > 0 as has_purchased,
        as_of_dates.is_analysis_date,

        customer_totals.as_of_date as month_end,
        customer_totals.last_purchase_at

    from customer_totals

    inner join as_of_dates
        on customer_totals.as_of_date = as_of_dates.as_of_date

    left join rfm_scored
        on
            customer_totals.customer_id = rfm_scored.customer_id
            and customer_totals.as_of_date = rfm_scored.as_of_date

    left join rfm_segments
        on
            rfm_scored.r_score = rfm_segments.r_score
            and rfm_scored.f_score = rfm_segments.f_score

)

select * from final

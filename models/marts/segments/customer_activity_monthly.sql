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

activity as (

    -- every customer's first as-of date (with nothing), and the activity summed per source and as-of date
    -- (never before the first as-of date)
    select
        customer_id,
        first_as_of_date as as_of_date,
        0 as successful_orders,
        0 as spend_usd,
        0 as items,
        0 as visit_events,
        0 as sessions,
        0 as add_to_cart_events,
        cast(null as {{ dbt.type_timestamp() }}) as last_purchase_at
    from customers_first_dated

    union all

    select
        customer_id,
        as_of_date,
        successful_orders,
        spend_usd,
        items,
        0 as visit_events,
        0 as sessions,
        0 as add_to_cart_events,
        last_purchase_at
    from order_periods

    union all

    select
        customer_id,
        as_of_date,
        0 as successful_orders,
        0 as spend_usd,
        0 as items,
        visit_events,
        0 as sessions,
        add_to_cart_events,
        cast(null as {{ dbt.type_timestamp() }}) as last_purchase_at
    from event_periods

    union all

    select
        customer_id,
        as_of_date,
        0 as successful_orders,
        0 as spend_usd,
        0 as items,
        0 as visit_events,
        sessions,
        0 as add_to_cart_events,
        cast(null as {{ dbt.type_timestamp() }}) as last_purchase_at
    from session_periods

),

final as (

    select
        activity.customer_id,

        cast(sum(activity.successful_orders) as {{ dbt.type_int() }}) as successful_orders,
        {{ round_money('sum(activity.spend_usd)') }} as spend_usd,
        cast(sum(activity.items) as {{ dbt.type_int() }}) as items,
        cast(sum(activity.visit_events) as {{ dbt.type_int() }}) as visits,
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

{#- Length of the average month in days (365.25 / 12), the unit of monthly_spend_usd. -#}
{%- set days_per_month = 30.4375 -%}

with

customer_rfm as (

    select * from {{ ref('customer_rfm') }}

),

orders as (

    select * from {{ ref('orders') }}

),

visit_frequency as (

    select * from {{ ref('customer_visit_frequency') }}

),

sessionized_events as (

    select * from {{ ref('int_events_sessionized') }}

),

analysis_dates as (

    select * from {{ ref('int_analysis_dates_resolved') }}

),

orders_as_of as (

    -- orders checked out before the analysis date, as customer_rfm counts them
    select orders.*

    from orders

    cross join analysis_dates

    where orders.checked_out_at < cast(analysis_dates.analysis_date as {{ dbt.type_timestamp() }})

),

order_summary as (

    select
        customer_id,

        count(*) as orders,
        count(case when status = 'cancelled' then 1 end) as cancelled_orders,
        count(case when status = 'failed' then 1 end) as failed_orders,
        sum(case when is_successful then units else 0 end) as total_items

    from orders_as_of

    group by customer_id

),

purchase_months as (

    -- each successful order's calendar month, counted from the month of the customer's first one (0)
    select
        orders_as_of.customer_id,
        orders_as_of.total_amount_usd,
        {{ dbt.datediff(
            dbt.date_trunc('month', 'customer_rfm.first_purchase_at'),
            dbt.date_trunc('month', 'orders_as_of.checked_out_at'),
            'month'
        ) }} as month_index

    from orders_as_of

    inner join customer_rfm
        on orders_as_of.customer_id = customer_rfm.customer_id

    where orders_as_of.is_successful

),

spend_moments as (

    select
        customer_id,
        sum(total_amount_usd) as spend_usd,
        sum(month_index * total_amount_usd) as month_weighted_spend_usd

    from purchase_months

    group by customer_id

),

purchase_history as (

    select
        customer_rfm.customer_id,
        -- calendar months from the first purchase's month to the analysis date's month, both included
        {{ dbt.datediff(
            dbt.date_trunc('month', 'customer_rfm.first_purchase_at'),
            dbt.date_trunc('month', 'analysis_dates.analysis_date'),
            'month'
        ) }} + 1 as months_of_history,
        {{ dbt.datediff(
            'cast(customer_rfm.first_purchase_at as date)',
            'analysis_dates.analysis_date',
            'day'
        ) }} as days_since_first_purchase

    from customer_rfm

    cross join analysis_dates

    where customer_rfm.has_purchased

),

spend_trends as (

    -- Least-squares slope of monthly spend y over months x = 0 .. n - 1, months without
    -- spend counting as 0, in closed form so that no month series is needed:
    -- slope = 12 * (sum(x * y) - (n - 1) / 2 * sum(y)) / (n * (n^2 - 1)).
    select
        purchase_history.customer_id,
        case
            when purchase_history.months_of_history >= 2
                then
                    12 * (
                        cast(spend_moments.month_weighted_spend_usd as double)
                        - (purchase_history.months_of_history - 1) / 2.0
                        * cast(spend_moments.spend_usd as double)
                    )
                    / (
                        purchase_history.months_of_history
                        * (purchase_history.months_of_history * purchase_history.months_of_history - 1)
                    )
        end as spend_trend_usd_per_month

    from purchase_history

    inner join spend_moments
        on purchase_history.customer_id = spend_moments.customer_id

),

add_to_cart_summary as (

    select
        sessionized_events.customer_id,
        count(*) as add_to_cart_events

    from sessionized_events

    cross join analysis_dates

    where
        sessionized_events.event_type = 'add_to_cart'
        and sessionized_events.event_at < cast(analysis_dates.analysis_date as {{ dbt.type_timestamp() }})

    group by sessionized_events.customer_id

),

joined as (

    select
        customer_rfm.customer_id,

        customer_rfm.rfm_segment,

        customer_rfm.recency_days,
        customer_rfm.frequency,
        customer_rfm.monetary_usd,
        coalesce(order_summary.total_items, 0) as total_items,
        coalesce(order_summary.orders, 0) as orders,
        order_summary.cancelled_orders,
        order_summary.failed_orders,
        purchase_history.days_since_first_purchase,
        spend_trends.spend_trend_usd_per_month,
        coalesce(visit_frequency.visits, 0) as visits,
        coalesce(visit_frequency.sessions, 0) as sessions,
        coalesce(visit_frequency.visits_per_week, 0) as visits_per_week,
        visit_frequency.events_per_session,
        coalesce(add_to_cart_summary.add_to_cart_events, 0) as add_to_cart_events,
        customer_rfm.r_score,
        customer_rfm.f_score,
        customer_rfm.m_score,

        customer_rfm.has_purchased

    from customer_rfm

    left join order_summary
        on customer_rfm.customer_id = order_summary.customer_id

    left join purchase_history
        on customer_rfm.customer_id = purchase_history.customer_id

    left join spend_trends
        on customer_rfm.customer_id = spend_trends.customer_id

    left join visit_frequency
        on customer_rfm.customer_id = visit_frequency.customer_id

    left join add_to_cart_summary
        on customer_rfm.customer_id = add_to_cart_summary.customer_id

),

quotients as (

    -- the two money quotients as exact numerators and denominators
    select
        *,
        -- average order value: monetary_usd / frequency
        cast(monetary_usd as numeric(28, 6)) as order_value_numerator,
        frequency as order_value_denominator,
        -- monthly spend: monetary_usd over the months since the first purchase, a history
        -- shorter than a month counting as one month
        case
            when has_purchased then cast(monetary_usd as numeric(28, 6)) * {{ days_per_month }}
        end as monthly_spend_numerator,
        case
            when has_purchased then greatest(cast(days_since_first_purchase as numeric(18, 4)), {{ days_per_month }})
        end as monthly_spend_denominator

    from joined

),

final as (

    select
        customer_id,

        rfm_segment,

        cast(recency_days as {{ dbt.type_int() }}) as recency_days,
        cast(frequency as {{ dbt.type_int() }}) as frequency,
        {{ round_money('monetary_usd') }} as monetary_usd,
        {{ divide_money('order_value_numerator', 'order_value_denominator') }} as average_order_value_usd,
        cast(total_items as {{ dbt.type_int() }}) as total_items,
        cast(orders as {{ dbt.type_int() }}) as orders,
        cast(cancelled_orders as double) / nullif(orders, 0) as cancellation_rate,
        cast(failed_orders as double) / nullif(orders, 0) as failure_rate,
        {{ divide_money('monthly_spend_numerator', 'monthly_spend_denominator') }} as monthly_spend_usd,
        cast(spend_trend_usd_per_month as double) as spend_trend_usd_per_month,
        cast(days_since_first_purchase as {{ dbt.type_int() }}) as days_since_first_purchase,
        cast(visits as {{ dbt.type_int() }}) as visits,
        cast(sessions as {{ dbt.type_int() }}) as sessions,
        cast(visits_per_week as double) as visits_per_week,
        cast(events_per_session as double) as events_per_session,
        cast(add_to_cart_events as {{ dbt.type_int() }}) as add_to_cart_events,
        r_score,
        f_score,
        m_score,

        has_purchased

    from quotients

)

select * from final

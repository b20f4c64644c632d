with

orders as (

    select * from {{ ref('orders') }}

),

dated_orders as (

    select
        customer_id,
        status,
        total_amount_usd,
        total_amount_usd_uncapped,
        is_successful,
        cast({{ dbt.date_trunc('month', 'checked_out_at') }} as date) as order_month

    from orders

),

bounds as (

    select
        min(order_month) as first_month,
        max(order_month) as last_month

    from dated_orders

),

month_spine as (

    -- every month from the first to the last order, so that months without orders show zeros
    {{ month_series('bounds', 'first_month', 'last_month') }}

),

monthly_totals as (

    select
        order_month,

        count(distinct case when is_successful then customer_id end) as buying_customers,
        {{ order_outcome_aggregates() }}

    from dated_orders

    group by order_month

),

filled as (

    select
        month_spine.date_month as order_month,

        coalesce(monthly_totals.orders, 0) as orders,
        coalesce(monthly_totals.successful_orders, 0) as successful_orders,
        coalesce(monthly_totals.failed_orders, 0) as failed_orders,
        coalesce(monthly_totals.cancelled_orders, 0) as cancelled_orders,
        coalesce(monthly_totals.buying_customers, 0) as buying_customers,
        {{ round_money('coalesce(monthly_totals.revenue_usd, 0)') }} as revenue_usd,
        {{ round_money('coalesce(monthly_totals.revenue_usd_uncapped, 0)') }} as revenue_usd_uncapped

    from month_spine

    left join monthly_totals
        on month_spine.date_month = monthly_totals.order_month

),

compared as (

    select
        *,
        lag(revenue_usd) over (order by order_month) as previous_revenue_usd,
        lag(orders) over (order by order_month) as previous_orders

    from filled

),

final as (

    select
        order_month,

        cast(extract(year from order_month) as integer) as order_year,
        orders,
        successful_orders,
        failed_orders,
        cancelled_orders,
        buying_customers,
        revenue_usd,
        revenue_usd_uncapped,
        {{ divide_money('revenue_usd', 'successful_orders') }} as average_order_value_usd,
        orders - previous_orders as orders_change,
        cast(revenue_usd - previous_revenue_usd as numeric(18, 2)) as revenue_change_usd,
        {{ ratio('revenue_usd - previous_revenue_usd', 'previous_revenue_usd') }} as revenue_change_rate

    from compared

)

select * from final

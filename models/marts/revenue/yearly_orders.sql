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
        checked_out_at,
        cast(extract(year from checked_out_at) as integer) as order_year

    from orders

),

bounds as (

    select
        min(checked_out_at) as first_order_at,
        max(checked_out_at) as last_order_at

    from dated_orders

),

month_spine as (

    {{ month_series('bounds', 'first_order_at', 'last_order_at') }}

),

year_spine as (

    -- every year from the first to the last order, with the months of it the data spans
    select
        cast(extract(year from date_month) as integer) as order_year,
        count(*) as months_in_data

    from month_spine

    group by cast(extract(year from date_month) as integer)

),

yearly_totals as (

    select
        order_year,

        count(distinct case when is_successful then customer_id end) as buying_customers,
        {{ order_outcome_aggregates() }}

    from dated_orders

    group by order_year

),

filled as (

    select
        year_spine.order_year,

        year_spine.months_in_data,
        coalesce(yearly_totals.orders, 0) as orders,
        coalesce(yearly_totals.successful_orders, 0) as successful_orders,
        coalesce(yearly_totals.failed_orders, 0) as failed_orders,
        coalesce(yearly_totals.cancelled_orders, 0) as cancelled_orders,
        coalesce(yearly_totals.buying_customers, 0) as buying_customers,
        {{ round_money('coalesce(yearly_totals.revenue_usd, 0)') }} as revenue_usd,
        {{ round_money('coalesce(yearly_totals.revenue_usd_uncapped, 0)') }} as revenue_usd_uncapped

    from year_spine

    left join yearly_totals
        on year_spine.order_year = yearly_totals.order_year

),

final as (

    select
        order_year,

        months_in_data,
        orders,
        successful_orders,
        failed_orders,
        cancelled_orders,
        buying_customers,
        revenue_usd,
        revenue_usd_uncapped,
        {{ divide_money('revenue_usd', 'successful_orders') }} as average_order_value_usd,
        {{ round_money('revenue_usd / months_in_data') }} as revenue_per_month_usd

    from filled

)

select * from final

with

customers as (

    select * from {{ ref('customers') }}

),

orders as (

    select * from {{ ref('orders') }}

),

analysis_dates as (

    select * from {{ ref('int_analysis_dates_resolved') }}

),

successful_orders as (

    -- orders as of the analysis date: checked out before it; purchase days are UTC dates
    select
        orders.customer_id,
        orders.total_amount_usd,
        orders.checked_out_at,
        cast(orders.checked_out_at as date) as purchase_day

    from orders

    cross join analysis_dates

    where
        orders.is_successful
        and orders.checked_out_at < cast(analysis_dates.analysis_date as {{ dbt.type_timestamp() }})

),

cancellation_summary as (

    -- cancelled orders as of the analysis date, counted beside the purchases
    select
        orders.customer_id,

        count(*) as cancelled_orders

    from orders

    cross join analysis_dates

    where
        orders.status = 'cancelled'
        and orders.checked_out_at < cast(analysis_dates.analysis_date as {{ dbt.type_timestamp() }})

    group by orders.customer_id

),

purchase_days as (

    -- the models count purchase days: orders on one day are one purchase of their summed spend
    select
        customer_id,
        purchase_day,

        count(*) as day_orders,
        sum(total_amount_usd) as day_spend_usd

    from successful_orders

    group by customer_id, purchase_day

),

first_purchase_days as (

    select
        customer_id,

        min(purchase_day) as first_purchase_day

    from purchase_days

    group by customer_id

),

purchase_summary as (

    select
        purchase_days.customer_id,

        count(*) as purchase_days,
        sum(purchase_days.day_orders) as successful_orders,
        -- the repeat purchase days: every purchase day after the first
        count(*) - 1 as frequency,
        sum(
            case
                when purchase_days.purchase_day > first_purchase_days.first_purchase_day
                    then purchase_days.day_spend_usd
            end
        ) as repeat_spend_usd,

        min(purchase_days.purchase_day) as first_purchase_day,
        max(purchase_days.purchase_day) as last_purchase_day

    from purchase_days

    inner join first_purchase_days
        on purchase_days.customer_id = first_purchase_days.customer_id

    group by purchase_days.customer_id

),

order_times as (

    select
        customer_id,

        min(checked_out_at) as first_purchase_at,
        max(checked_out_at) as last_purchase_at

    from successful_orders

    group by customer_id

),

joined as (

    select
        customers.customer_id,

        purchase_summary.frequency,
        {{ dbt.datediff('purchase_summary.first_purchase_day', 'purchase_summary.last_purchase_day', 'day') }}
            as recency_days,
        {{ dbt.datediff('purchase_summary.first_purchase_day', 'analysis_dates.analysis_date', 'day') }}
            as t_days,
        purchase_summary.repeat_spend_usd / nullif(purchase_summary.frequency, 0) as monetary_value_usd,
        coalesce(purchase_summary.purchase_days, 0) as purchase_days,
        coalesce(purchase_summary.successful_orders, 0) as successful_orders,
        coalesce(cancellation_summary.cancelled_orders, 0) as cancelled_orders,

        purchase_summary.customer_id is not null as has_purchased,

        analysis_dates.analysis_date,
        order_times.first_purchase_at,
        order_times.last_purchase_at

    from customers

    cross join analysis_dates

    left join purchase_summary
        on customers.customer_id = purchase_summary.customer_id

    left join order_times
        on customers.customer_id = order_times.customer_id

    left join cancellation_summary
        on customers.customer_id = cancellation_summary.customer_id

),

final as (

    select
        customer_id,

        cast(frequency as {{ dbt.type_int() }}) as frequency,
        cast(recency_days as {{ dbt.type_int() }}) as recency_days,
        cast(t_days as {{ dbt.type_int() }}) as t_days,
        {{ round_money('monetary_value_usd') }} as monetary_value_usd,
        cast(purchase_days as {{ dbt.type_int() }}) as purchase_days,
        cast(successful_orders as {{ dbt.type_int() }}) as successful_orders,
        cast(cancelled_orders as {{ dbt.type_int() }}) as cancelled_orders,

        has_purchased,

        analysis_date,
        first_purchase_at,
        last_purchase_at

    from joined

)

select * from final

{#
    The purchase history of every customer summarised as the BG/NBD and Gamma-Gamma
    lifetime-value models read it, as of a date: the CTEs from the CTEs `customers`
    and `orders` (the marts) and the one-row CTE `as_of_dates` (its column
    as_of_date), ending in the CTE clv_summary, one row per customer. Only
    successful orders checked out before the as-of date count; a customer's orders
    on one UTC day are one purchase day of their summed spend; frequency is the
    repeat purchase days, recency_days the days from the first to the last purchase
    day, t_days the days from the first purchase day to the as-of date,
    monetary_value_usd the mean spend of the repeat purchase days, rounded to the
    cent exactly (divide_money; DuckDB's division of decimals in floating point
    would put a mean on a half cent, 1154.965, on either side).
    Cancelled orders before the as-of date are counted beside.
    customer_clv_inputs (as of the analysis date) and clv_holdout_inputs (as of the
    holdout's cut-off) are built with it.
#}
{% macro clv_summary_ctes(customers, orders, as_of_dates) -%}

clv_successful_orders as (

    -- orders checked out before the as-of date; purchase days are UTC dates
    select
        {{ orders }}.customer_id,
        {{ orders }}.total_amount_usd,
        {{ orders }}.checked_out_at,
        cast({{ orders }}.checked_out_at as date) as purchase_day

    from {{ orders }}

    cross join {{ as_of_dates }}

    where
        {{ orders }}.is_successful
        and {{ orders }}.checked_out_at < cast({{ as_of_dates }}.as_of_date as {{ dbt.type_timestamp() }})

),

clv_cancellation_summary as (

    -- cancelled orders before the as-of date, counted beside the purchases
    select
        {{ orders }}.customer_id,

        count(*) as cancelled_orders

    from {{ orders }}

    cross join {{ as_of_dates }}

    where
        {{ orders }}.status = 'cancelled'
        and {{ orders }}.checked_out_at < cast({{ as_of_dates }}.as_of_date as {{ dbt.type_timestamp() }})

    group by {{ orders }}.customer_id

),

clv_purchase_days as (

    -- the models count purchase days: orders on one day are one purchase of their summed spend
    select
        customer_id,
        purchase_day,

        count(*) as day_orders,
        sum(total_amount_usd) as day_spend_usd

    from clv_successful_orders

    group by customer_id, purchase_day

),

clv_first_purchase_days as (

    select
        customer_id,

        min(purchase_day) as first_purchase_day

    from clv_purchase_days

    group by customer_id

),

clv_purchase_summary as (

    select
        clv_purchase_days.customer_id,

        count(*) as purchase_days,
        sum(clv_purchase_days.day_orders) as successful_orders,
        -- the repeat purchase days: every purchase day after the first
        count(*) - 1 as frequency,
        sum(
            case
                when clv_purchase_days.purchase_day > clv_first_purchase_days.first_purchase_day
                    then clv_purchase_days.day_spend_usd
            end
        ) as repeat_spend_usd,

        min(clv_purchase_days.purchase_day) as first_purchase_day,
        max(clv_purchase_days.purchase_day) as last_purchase_day

    from clv_purchase_days

    inner join clv_first_purchase_days
        on clv_purchase_days.customer_id = clv_first_purchase_days.customer_id

    group by clv_purchase_days.customer_id

),

clv_order_times as (

    select
        customer_id,

        min(checked_out_at) as first_purchase_at,
        max(checked_out_at) as last_purchase_at

    from clv_successful_orders

    group by customer_id

),

clv_summary as (

    select
        {{ customers }}.customer_id,

        clv_purchase_summary.frequency,
        {{ dbt.datediff('clv_purchase_summary.first_purchase_day', 'clv_purchase_summary.last_purchase_day', 'day') }}
            as recency_days,
        {{ dbt.datediff('clv_purchase_summary.first_purchase_day', as_of_dates ~ '.as_of_date', 'day') }}
            as t_days,
        -- rounded to the cent exactly: a quotient on a half cent goes up on every engine
        {{ divide_money('clv_purchase_summary.repeat_spend_usd', 'clv_purchase_summary.frequency') }}
            as monetary_value_usd,
        coalesce(clv_purchase_summary.purchase_days, 0) as purchase_days,
        coalesce(clv_purchase_summary.successful_orders, 0) as successful_orders,
        coalesce(clv_cancellation_summary.cancelled_orders, 0) as cancelled_orders,

        clv_purchase_summary.customer_id is not null as has_purchased,

        {{ as_of_dates }}.as_of_date,
        clv_order_times.first_purchase_at,
        clv_order_times.last_purchase_at

    from {{ customers }}

    cross join {{ as_of_dates }}

    left join clv_purchase_summary
        on {{ customers }}.customer_id = clv_purchase_summary.customer_id

    left join clv_order_times
        on {{ customers }}.customer_id = clv_order_times.customer_id

    left join clv_cancellation_summary
        on {{ customers }}.customer_id = clv_cancellation_summary.customer_id

)

{%- endmacro %}

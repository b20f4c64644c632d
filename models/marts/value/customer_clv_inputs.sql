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

as_of_dates as (

    -- the history as of the analysis date
    select analysis_date as as_of_date

    from analysis_dates

),

-- clv_summary and the steps before it (macros/marts/clv_inputs.sql)
{{ clv_summary_ctes('customers', 'orders', 'as_of_dates') }},

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

        as_of_date as analysis_date,
        first_purchase_at,
        last_purchase_at

    from clv_summary

)

select * from final

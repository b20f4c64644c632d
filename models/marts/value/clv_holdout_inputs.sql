{#- var('clv_holdout_days'): the last this many days before the analysis date are held out
    (a whole number, 1 or more). -#}
{%- set holdout_days = var('clv_holdout_days') | string | trim -%}
{%- if not modules.re.match('^[0-9]+$', holdout_days) or holdout_days | int < 1 -%}
    {{ exceptions.raise_compiler_error(
        "var clv_holdout_days must be a whole number of days, 1 or more, got '" ~ holdout_days ~ "'."
    ) }}
{%- endif -%}

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

    -- the history as of the cut-off: the analysis date minus the holdout
    select
        cast({{ dbt.dateadd('day', -(holdout_days | int), 'analysis_date') }} as date) as as_of_date,
        analysis_date

    from analysis_dates

),

-- clv_summary and the steps before it (macros/marts/clv_inputs.sql), as of the cut-off
{{ clv_summary_ctes('customers', 'orders', 'as_of_dates') }},

holdout_orders as (

    -- successful orders of the holdout: from the cut-off to the analysis date, which is not in it
    select
        orders.customer_id,
        cast(orders.checked_out_at as date) as purchase_day

    from orders

    cross join as_of_dates

    where
        orders.is_successful
        and orders.checked_out_at >= cast(as_of_dates.as_of_date as {{ dbt.type_timestamp() }})
        and orders.checked_out_at < cast(as_of_dates.analysis_date as {{ dbt.type_timestamp() }})

),

holdout_summary as (

    select
        customer_id,

        count(distinct purchase_day) as holdout_purchase_days,
        count(*) as holdout_orders

    from holdout_orders

    group by customer_id

),

final as (

    select
        clv_summary.customer_id,

        cast(clv_summary.frequency as {{ dbt.type_int() }}) as frequency,
        cast(clv_summary.recency_days as {{ dbt.type_int() }}) as recency_days,
        cast(clv_summary.t_days as {{ dbt.type_int() }}) as t_days,
        {{ round_money('clv_summary.monetary_value_usd') }} as monetary_value_usd,
        cast(clv_summary.purchase_days as {{ dbt.type_int() }}) as purchase_days,
        cast(coalesce(holdout_summary.holdout_purchase_days, 0) as {{ dbt.type_int() }}) as holdout_purchase_days,
        cast(coalesce(holdout_summary.holdout_orders, 0) as {{ dbt.type_int() }}) as holdout_orders,
        cast({{ holdout_days | int }} as {{ dbt.type_int() }}) as holdout_days,

        clv_summary.has_purchased,

        clv_summary.as_of_date as cutoff_date,
        as_of_dates.analysis_date

    from clv_summary

    cross join as_of_dates

    left join holdout_summary
        on clv_summary.customer_id = holdout_summary.customer_id

)

select * from final

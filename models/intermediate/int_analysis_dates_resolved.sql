{#- var('analysis_date'): 'YYYY-MM-DD', or null for the day after the latest activity in the data. -#}
{%- set analysis_date = var('analysis_date', none) -%}
{%- if analysis_date is not none
    and not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', analysis_date | string) -%}
    {{ exceptions.raise_compiler_error(
        "var analysis_date must be a date written 'YYYY-MM-DD' or null, got '" ~ analysis_date ~ "'."
    ) }}
{%- endif -%}

with

orders as (

    select * from {{ ref('int_orders_conformed') }}

),

events as (

    select * from {{ ref('int_events_conformed') }}

),

order_bounds as (

    select max(checked_out_at) as latest_order_at

    from orders

),

event_bounds as (

    select max(event_at) as latest_event_at

    from events

),

bounds as (

    select
        order_bounds.latest_order_at,
        event_bounds.latest_event_at,
        -- a source without web events (or without orders) has a null bound, which does not count
        case
            when event_bounds.latest_event_at is null then order_bounds.latest_order_at
            when order_bounds.latest_order_at is null then event_bounds.latest_event_at
            when order_bounds.latest_order_at >= event_bounds.latest_event_at then order_bounds.latest_order_at
            else event_bounds.latest_event_at
        end as latest_activity_at

    from order_bounds

    cross join event_bounds

),

final as (

    select
        {% if analysis_date is none -%}
            cast({{ dbt.dateadd('day', 1, 'cast(latest_activity_at as date)') }} as date)
        {%- else -%}
            cast('{{ analysis_date }}' as date)
        {%- endif %} as analysis_date,

        {{ 'false' if analysis_date is none else 'true' }} as is_set_by_var,

        latest_order_at,
        latest_event_at,
        latest_activity_at

    from bounds

)

select * from final

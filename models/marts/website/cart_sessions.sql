-- depends_on: {{ ref('int_events_conformed') }}
{# macro events_reprocess_from reads the conformed events' load times #}
{#-
    Incremental (delete+insert on session_id): a run builds again the carts of the
    sessions with an event at or after the earliest event loaded since its last run
    (macro events_reprocess_from), and the carts whose successful order changed with
    the orders mart; the other carts are kept as they are.
-#}
{{ config(
    materialized=incremental_unless_spark(),
    incremental_strategy='delete+insert',
    unique_key='session_id',
    on_schema_change='fail',
) }}
{%- set reprocess_from = events_reprocess_from() if is_incremental() else none %}

with

orders as (

    select * from {{ ref('orders') }}

),

{% if is_incremental() %}
    -- the sessions with events from the reprocess instant on
    sessions_with_new_events as (

        {{ sessions_with_events_from(reprocess_from) }}

    ),

    -- whether each built cart that was checked out has a successful order, as the orders mart says now
    built_checkouts as (

        select
            built.session_id,
            built.has_successful_order,
            {{ dbt.bool_or('coalesce(orders.is_successful, false)') }} as has_successful_order_now

        from {{ this }} as built

        inner join {{ ref('int_events_sessionized') }} as checkouts
            on
                built.session_id = checkouts.session_id
                and checkouts.event_type = 'checkout'
                and built.first_add_to_cart_at <= checkouts.event_at

        left join orders
            on checkouts.order_id = orders.order_id

        where built.is_checked_out

        group by
            built.session_id,
            built.has_successful_order

    ),

    sessions_to_build as (

        select session_id from sessions_with_new_events

        union

        select session_id
        from built_checkouts
        where has_successful_order != has_successful_order_now

    ),

{% endif %}
cart_products as (

    select * from {{ ref('int_cart_products_summarized') }}
    {% if is_incremental() -%}
        where session_id in (select sessions_to_build.session_id from sessions_to_build)
    {%- endif %}

),

sessionized_events as (

    select * from {{ ref('int_events_sessionized') }}

),

carts as (

    select
        session_id,
        customer_id,

        cast(sum(add_to_cart_events) as {{ dbt.type_bigint() }}) as add_to_cart_events,
        cast(sum(units_added) as {{ dbt.type_bigint() }}) as units_added,
        cast(sum(remove_from_cart_events) as {{ dbt.type_bigint() }}) as remove_from_cart_events,
        cast(sum(units_removed) as {{ dbt.type_bigint() }}) as units_removed,
        count(case when add_to_cart_events > 0 then 1 end) as products_added,
        count(case when remove_from_cart_events > 0 then 1 end) as products_removed,

        min(first_added_at) as first_add_to_cart_at,
        max(loaded_at) as loaded_at

    from cart_products

    group by
        session_id,
        customer_id

    -- a session that only removed items (its add was in an earlier session) has no cart of its own
    having sum(add_to_cart_events) > 0

),

cart_checkouts as (

    -- checkouts of the session at or after its first add to cart
    select
        carts.session_id,

        coalesce(orders.is_successful, false) as is_successful_order,

        sessionized_events.event_at

    from carts

    inner join sessionized_events
        on
            carts.session_id = sessionized_events.session_id
            and carts.first_add_to_cart_at <= sessionized_events.event_at
            and sessionized_events.event_type = 'checkout'

    left join orders
        on sessionized_events.order_id = orders.order_id

),

checkout_summary as (

    select
        session_id,

        {{ dbt.bool_or('is_successful_order') }} as has_successful_order,

        min(event_at) as first_checkout_at

    from cart_checkouts

    group by session_id

),

final as (

    select
        carts.session_id,
        carts.customer_id,

        carts.add_to_cart_events,
        carts.units_added,
        carts.remove_from_cart_events,
        carts.units_removed,
        carts.products_added,
        carts.products_removed,

        checkout_summary.first_checkout_at is not null as is_checked_out,
        checkout_summary.first_checkout_at is null as is_abandoned,
        coalesce(checkout_summary.has_successful_order, false) as has_successful_order,

        carts.first_add_to_cart_at,
        checkout_summary.first_checkout_at,

        carts.loaded_at

    from carts

    left join checkout_summary
        on carts.session_id = checkout_summary.session_id

)

select * from final

-- depends_on: {{ ref('int_events_conformed') }}
{# macro events_reprocess_from reads the conformed events' load times #}
{#-
    Incremental (delete+insert on session_id): a run builds again the sessions with
    an event at or after the earliest event loaded since its last run (macro
    events_reprocess_from), from all the session's events, and the sessions whose
    successful order changed with the orders mart (an order's status corrected in a
    new export); the other sessions are kept as they are.
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

    -- each built session's first successful checkout, as the orders mart says now
    built_checkouts as (

        select
            built.session_id,
            built.first_successful_checkout_at,
            min(case when orders.is_successful then checkouts.event_at end) as first_successful_checkout_now

        from {{ this }} as built

        inner join {{ ref('int_events_sessionized') }} as checkouts
            on
                built.session_id = checkouts.session_id
                and checkouts.event_type = 'checkout'
                and built.first_add_to_cart_at <= checkouts.event_at

        left join orders
            on checkouts.order_id = orders.order_id

        where built.reached_checkout

        group by
            built.session_id,
            built.first_successful_checkout_at

    ),

    sessions_to_build as (

        select session_id from sessions_with_new_events

        union

        select session_id
        from built_checkouts
        where first_successful_checkout_at is distinct from first_successful_checkout_now

    ),

{% endif %}
sessionized_events as {{ not_materialized() }} (

    select * from {{ ref('int_events_sessionized') }}
    {% if is_incremental() -%}
        where session_id in (select sessions_to_build.session_id from sessions_to_build)
    {%- endif %}

),

sessions as (

    select
        session_id,
        customer_id,
        session_number,

        min(event_at) as started_at,
        min(case when event_type = 'visit' then event_at end) as first_visit_at,
        max(loaded_at) as loaded_at

    from sessionized_events

    group by
        session_id,
        customer_id,
        session_number

),

cart_summary as (

    -- an add to cart counts for the funnel only at or after the session's first visit
    select
        sessionized_events.session_id,
        min(sessionized_events.event_at) as first_add_to_cart_at

    from sessionized_events

    inner join sessions
        on sessionized_events.session_id = sessions.session_id

    where
        sessionized_events.event_type = 'add_to_cart'
        and sessionized_events.event_at >= sessions.first_visit_at

    group by sessionized_events.session_id

),

checkout_summary as (

    -- a checkout counts for the funnel only at or after the first counted add to cart;
    -- it is a successful order when its order is in the orders mart with status success
    select
        sessionized_events.session_id,
        min(sessionized_events.event_at) as first_checkout_at,
        min(case when orders.is_successful then sessionized_events.event_at end) as first_successful_checkout_at

    from sessionized_events

    inner join cart_summary
        on sessionized_events.session_id = cart_summary.session_id

    left join orders
        on sessionized_events.order_id = orders.order_id

    where
        sessionized_events.event_type = 'checkout'
        and sessionized_events.event_at >= cart_summary.first_add_to_cart_at

    group by sessionized_events.session_id

),

final as (

    select
        sessions.session_id,
        sessions.customer_id,

        case
            when checkout_summary.first_successful_checkout_at is not null then 'successful_order'
            when checkout_summary.first_checkout_at is not null then 'checkout'
            when cart_summary.first_add_to_cart_at is not null then 'add_to_cart'
            when sessions.first_visit_at is not null then 'visit'
        end as furthest_step,

        sessions.session_number,

        sessions.first_visit_at is not null as reached_visit,
        cart_summary.first_add_to_cart_at is not null as reached_add_to_cart,
        checkout_summary.first_checkout_at is not null as reached_checkout,
        checkout_summary.first_successful_checkout_at is not null as reached_successful_order,

        sessions.started_at,
        sessions.first_visit_at,
        cart_summary.first_add_to_cart_at,
        checkout_summary.first_checkout_at,
        checkout_summary.first_successful_checkout_at,

        sessions.loaded_at

    from sessions

    left join cart_summary
        on sessions.session_id = cart_summary.session_id

    left join checkout_summary
        on sessions.session_id = checkout_summary.session_id

)

select * from final

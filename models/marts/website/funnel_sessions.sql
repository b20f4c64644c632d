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
sessionized_events as (

    select * from {{ ref('int_events_sessionized') }}
    {% if is_incremental() -%}
        where session_id in (select sessions_to_build.session_id from sessions_to_build)
    {%- endif %}

),

events_with_orders as (

    -- a checkout is a successful order when its order is in the orders mart with status success
    select
        sessionized_events.session_id,
        sessionized_events.customer_id,
        sessionized_events.session_number,
        sessionized_events.event_type,
        sessionized_events.event_at,
        sessionized_events.loaded_at,
        orders.is_successful as is_successful_order

    from sessionized_events

    left join orders
        on sessionized_events.order_id = orders.order_id

),

events_so_far as (

    -- the session's first visit and last add to cart at or before each event's instant (the same
    -- instant included): one pass in time order, instead of joining each step's events to the
    -- previous step's summary, which ran out of memory on data larger than DuckDB's limit
    select
        *,
        min(case when event_type = 'visit' then event_at end) over session_so_far as first_visit_so_far_at,
        max(case when event_type = 'add_to_cart' then event_at end) over session_so_far as last_add_to_cart_so_far_at

    from events_with_orders

    window session_so_far as (
        partition by session_id
        order by event_at
        range between unbounded preceding and current row
    )

),

sessions as (

    -- an add to cart counts for the funnel only at or after the session's first visit; a checkout
    -- only at or after the first counted add to cart, that is, when the last add to cart at or before
    -- it is at or after the first visit
    select
        session_id,
        customer_id,
        session_number,

        min(event_at) as started_at,
        min(case when event_type = 'visit' then event_at end) as first_visit_at,
        min(
            case when event_type = 'add_to_cart' and first_visit_so_far_at is not null then event_at end
        ) as first_add_to_cart_at,
        min(
            case
                when event_type = 'checkout' and last_add_to_cart_so_far_at >= first_visit_so_far_at
                    then event_at
            end
        ) as first_checkout_at,
        min(
            case
                when
                    event_type = 'checkout'
                    and last_add_to_cart_so_far_at >= first_visit_so_far_at
                    and is_successful_order
                    then event_at
            end
        ) as first_successful_checkout_at,
        max(loaded_at) as loaded_at

    from events_so_far

    group by
        session_id,
        customer_id,
        session_number

),

final as (

    select
        session_id,
        customer_id,

        case
            when first_successful_checkout_at is not null then 'successful_order'
            when first_checkout_at is not null then 'checkout'
            when first_add_to_cart_at is not null then 'add_to_cart'
            when first_visit_at is not null then 'visit'
        end as furthest_step,

        session_number,

        first_visit_at is not null as reached_visit,
        first_add_to_cart_at is not null as reached_add_to_cart,
        first_checkout_at is not null as reached_checkout,
        first_successful_checkout_at is not null as reached_successful_order,

        started_at,
        first_visit_at,
        first_add_to_cart_at,
        first_checkout_at,
        first_successful_checkout_at,

        loaded_at

    from sessions

)

select * from final

with

sessionized_events as (

    select * from {{ ref('int_events_sessionized') }}

),

orders as (

    select * from {{ ref('orders') }}

),

sessions as (

    select
        session_id,
        customer_id,
        session_number,

        min(event_at) as started_at,
        min(case when event_type = 'visit' then event_at end) as first_visit_at

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
        checkout_summary.first_successful_checkout_at

    from sessions

    left join cart_summary
        on sessions.session_id = cart_summary.session_id

    left join checkout_summary
        on sessions.session_id = checkout_summary.session_id

)

select * from final

with

sessionized_events as (

    select * from {{ ref('int_events_sessionized') }}

),

orders as (

    select * from {{ ref('orders') }}

),

visits_marked as (

    select
        *,
        min(case when event_type = 'visit' then event_at end) over (
            partition by session_id
        ) as first_visit_at

    from sessionized_events

),

carts_marked as (

    -- an add to cart counts for the funnel only at or after the session's first visit
    select
        *,
        min(
            case
                when event_type = 'add_to_cart' and event_at >= first_visit_at then event_at
            end
        ) over (
            partition by session_id
        ) as first_add_to_cart_at

    from visits_marked

),

funnel_checkouts as (

    -- a checkout counts for the funnel only at or after the first counted add to cart;
    -- it is a successful order when its order is in the orders mart with status success
    select
        carts_marked.session_id,

        coalesce(orders.is_successful, false) as is_successful_order,

        carts_marked.event_at

    from carts_marked

    left join orders
        on carts_marked.order_id = orders.order_id

    where
        carts_marked.event_type = 'checkout'
        and carts_marked.event_at >= carts_marked.first_add_to_cart_at

),

checkout_summary as (

    select
        session_id,
        min(event_at) as first_checkout_at,
        min(case when is_successful_order then event_at end) as first_successful_checkout_at

    from funnel_checkouts

    group by session_id

),

sessions as (

    select
        session_id,
        customer_id,
        session_number,

        min(event_at) as started_at,
        min(first_visit_at) as first_visit_at,
        min(first_add_to_cart_at) as first_add_to_cart_at

    from carts_marked

    group by
        session_id,
        customer_id,
        session_number

),

final as (

    select
        sessions.session_id,
        sessions.customer_id,

        case
            when checkout_summary.first_successful_checkout_at is not null then 'successful_order'
            when checkout_summary.first_checkout_at is not null then 'checkout'
            when sessions.first_add_to_cart_at is not null then 'add_to_cart'
            when sessions.first_visit_at is not null then 'visit'
        end as furthest_step,

        sessions.session_number,

        sessions.first_visit_at is not null as reached_visit,
        sessions.first_add_to_cart_at is not null as reached_add_to_cart,
        checkout_summary.first_checkout_at is not null as reached_checkout,
        checkout_summary.first_successful_checkout_at is not null as reached_successful_order,

        sessions.started_at,
        sessions.first_visit_at,
        sessions.first_add_to_cart_at,
        checkout_summary.first_checkout_at,
        checkout_summary.first_successful_checkout_at

    from sessions

    left join checkout_summary
        on sessions.session_id = checkout_summary.session_id

)

select * from final

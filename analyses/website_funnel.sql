-- How do customers move through the site, and where do they drop out?
-- The session funnel visit -> add_to_cart -> checkout -> successful_order (steps as in
-- marts.funnel_sessions), one row per step, for all sessions and separately for a
-- customer's first session and their returning sessions: sessions reaching the step,
-- sessions lost since the previous step, the step's rate over the previous step and
-- over the visit step. Read beside marts.cart_sessions (abandoned carts) and
-- marts.product_performance (which products are taken out of carts).

with

funnel_sessions as (

    select * from {{ ref('funnel_sessions') }}

),

segmented as (

    select
        case when session_number = 1 then 'first session' else 'returning session' end as session_type,
        reached_visit,
        reached_add_to_cart,
        reached_checkout,
        reached_successful_order

    from funnel_sessions

),

segment_counts as (

    select
        session_type,
        count(case when reached_visit then 1 end) as visit_sessions,
        count(case when reached_add_to_cart then 1 end) as add_to_cart_sessions,
        count(case when reached_checkout then 1 end) as checkout_sessions,
        count(case when reached_successful_order then 1 end) as successful_order_sessions

    from segmented

    group by session_type

),

all_counts as (

    select
        'all sessions' as session_type,
        sum(visit_sessions) as visit_sessions,
        sum(add_to_cart_sessions) as add_to_cart_sessions,
        sum(checkout_sessions) as checkout_sessions,
        sum(successful_order_sessions) as successful_order_sessions

    from segment_counts

),

counts as (

    select * from segment_counts
    union all
    select * from all_counts

),

steps as (

    select
        session_type,
        1 as step_number,
        'visit' as step,
        visit_sessions as sessions,
        visit_sessions as previous_step_sessions,
        visit_sessions
    from counts

    union all

    select
        session_type,
        2 as step_number,
        'add_to_cart' as step,
        add_to_cart_sessions as sessions,
        visit_sessions as previous_step_sessions,
        visit_sessions
    from counts

    union all

    select
        session_type,
        3 as step_number,
        'checkout' as step,
        checkout_sessions as sessions,
        add_to_cart_sessions as previous_step_sessions,
        visit_sessions
    from counts

    union all

    select
        session_type,
        4 as step_number,
        'successful_order' as step,
        successful_order_sessions as sessions,
        checkout_sessions as previous_step_sessions,
        visit_sessions
    from counts

),

final as (

    select
        session_type,
        step,

        step_number,
        sessions,
        previous_step_sessions - sessions as dropped_sessions,
        round(sessions * 1.0 / nullif(previous_step_sessions, 0), 4) as rate_over_previous_step,
        round(sessions * 1.0 / nullif(visit_sessions, 0), 4) as rate_over_visit

    from steps

)

select * from final
order by session_type, step_number

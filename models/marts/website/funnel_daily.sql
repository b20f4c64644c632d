with

funnel_sessions as (

    select * from {{ ref('funnel_sessions') }}

),

session_days as (

    -- a session counts on the day it started
    select
        cast({{ dbt.date_trunc('day', 'started_at') }} as date) as session_date,
        reached_visit,
        reached_add_to_cart,
        reached_checkout,
        reached_successful_order

    from funnel_sessions

),

bounds as (

    select
        min(session_date) as first_date,
        max(session_date) as last_date

    from session_days

),

date_spine as (

    -- every day from the first to the last session, so that days without sessions show zeros
    {{ day_series('bounds', 'first_date', 'last_date') }}

),

daily_counts as (

    select
        session_date,

        count(*) as sessions,
        count(case when reached_visit then 1 end) as visit_sessions,
        count(case when reached_add_to_cart then 1 end) as add_to_cart_sessions,
        count(case when reached_checkout then 1 end) as checkout_sessions,
        count(case when reached_successful_order then 1 end) as successful_order_sessions

    from session_days

    group by session_date

),

daily as (

    select
        date_spine.date_day,

        coalesce(daily_counts.sessions, 0) as sessions,
        coalesce(daily_counts.visit_sessions, 0) as visit_sessions,
        coalesce(daily_counts.add_to_cart_sessions, 0) as add_to_cart_sessions,
        coalesce(daily_counts.checkout_sessions, 0) as checkout_sessions,
        coalesce(daily_counts.successful_order_sessions, 0) as successful_order_sessions

    from date_spine

    left join daily_counts
        on date_spine.date_day = daily_counts.session_date

),

final as (

    select
        date_day,

        sessions,
        visit_sessions,
        add_to_cart_sessions,
        checkout_sessions,
        successful_order_sessions,
        -- each step over the step before it, then over the first step (visit); null when the denominator is 0
        {{ funnel_step_rates() }}

    from daily

)

select * from final

with

customers as (

    select * from {{ ref('customers') }}

),

funnel_sessions as (

    select * from {{ ref('funnel_sessions') }}

),

customer_sessions as (

    -- every customer, with or without sessions, so that every country appears
    select
        customers.customer_id,
        funnel_sessions.session_id,

        customers.location,
        customers.country_iso_alpha2,
        customers.country_iso_alpha3,
        customers.region,
        customers.continent,

        funnel_sessions.reached_visit,
        funnel_sessions.reached_add_to_cart,
        funnel_sessions.reached_checkout,
        funnel_sessions.reached_successful_order

    from customers

    left join funnel_sessions
        on customers.customer_id = funnel_sessions.customer_id

),

country_counts as (

    select
        location,
        country_iso_alpha2,
        country_iso_alpha3,
        region,
        continent,

        count(distinct customer_id) as customers,
        count(session_id) as sessions,
        count(case when reached_visit then 1 end) as visit_sessions,
        count(case when reached_add_to_cart then 1 end) as add_to_cart_sessions,
        count(case when reached_checkout then 1 end) as checkout_sessions,
        count(case when reached_successful_order then 1 end) as successful_order_sessions

    from customer_sessions

    group by
        location,
        country_iso_alpha2,
        country_iso_alpha3,
        region,
        continent

),

final as (

    select
        location,
        country_iso_alpha2,
        country_iso_alpha3,
        region,
        continent,

        customers,
        sessions,
        visit_sessions,
        add_to_cart_sessions,
        checkout_sessions,
        successful_order_sessions,
        -- each step over the step before it, then over the first step (visit); null when the denominator is 0
        {{ funnel_step_rates() }}

    from country_counts

)

select * from final

with

customers as (

    select * from {{ ref('customers') }}

),

sessionized_events as {{ not_materialized() }} (

    select * from {{ ref('int_events_sessionized') }}

),

first_visit_sessions as (

    -- the session of the customer's first visit (session numbers follow time order)
    select
        customer_id,
        min(session_number) as session_number

    from sessionized_events

    where event_type = 'visit'

    group by customer_id

),

checkouts_after_first_visit as (

    select
        sessionized_events.customer_id,
        sessionized_events.session_number,
        sessionized_events.event_at,
        row_number() over (
            partition by sessionized_events.customer_id
            order by sessionized_events.event_at, sessionized_events.event_id
        ) as checkout_rank

    from sessionized_events

    inner join customers
        on sessionized_events.customer_id = customers.customer_id

    where
        sessionized_events.event_type = 'checkout'
        and sessionized_events.event_at >= customers.first_visit_at

),

joined as (

    select
        customers.customer_id,

        checkouts_after_first_visit.session_number
        - first_visit_sessions.session_number
        + 1 as sessions_to_first_checkout,
        {{ dbt.datediff('customers.first_visit_at', 'checkouts_after_first_visit.event_at', 'millisecond') }}
            as milliseconds_to_first_checkout,

        customers.first_visit_at,
        checkouts_after_first_visit.event_at as first_checkout_at

    from customers

    left join first_visit_sessions
        on customers.customer_id = first_visit_sessions.customer_id

    left join checkouts_after_first_visit
        on
            customers.customer_id = checkouts_after_first_visit.customer_id
            and checkouts_after_first_visit.checkout_rank = 1

),

final as (

    select
        customer_id,

        sessions_to_first_checkout,
        {{ round_decimal('milliseconds_to_first_checkout / 60000.0', 2) }} as minutes_to_first_checkout,
        {{ round_decimal('milliseconds_to_first_checkout / 86400000.0', 4) }} as days_to_first_checkout,

        first_checkout_at is not null as has_checkout,

        first_visit_at,
        first_checkout_at

    from joined

)

select * from final

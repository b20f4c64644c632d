-- How often do customers visit, and when?
-- Customers bucketed by visits per week over their active span, with the share of
-- each bucket that buys; read beside marts.visits_by_weekday_hour for the busiest slots.

with

visit_frequency as (

    select * from {{ ref('customer_visit_frequency') }}

),

customers as (

    select * from {{ ref('customers') }}

),

bucketed as (

    select
        customers.is_buyer,
        visit_frequency.visits,
        visit_frequency.sessions,
        case
            when visit_frequency.visits = 0 then '0: never visited'
            when visit_frequency.visits_per_week < 0.5 then '1: under one visit a fortnight'
            when visit_frequency.visits_per_week < 1 then '2: fortnightly to weekly'
            when visit_frequency.visits_per_week < 3 then '3: one to three a week'
            else '4: three or more a week'
        end as visit_frequency_band

    from visit_frequency

    inner join customers
        on visit_frequency.customer_id = customers.customer_id

),

final as (

    select
        visit_frequency_band,

        count(*) as customers,
        round(avg(visits), 2) as mean_visits,
        round(avg(sessions), 2) as mean_sessions,
        round(avg(case when is_buyer then 1.0 else 0.0 end), 4) as buyer_share

    from bucketed

    group by visit_frequency_band

)

select * from final
order by visit_frequency_band

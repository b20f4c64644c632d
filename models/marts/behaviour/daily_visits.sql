with

sessionized_events as (

    select * from {{ ref('int_events_sessionized') }}

),

sessions as (

    select * from {{ ref('int_sessions_summarized') }}

),

event_dates as (

    select
        customer_id,
        event_type,
        cast({{ dbt.date_trunc('day', 'event_at') }} as date) as event_date

    from sessionized_events

),

bounds as (

    select
        min(event_date) as first_date,
        max(event_date) as last_date

    from event_dates

),

date_spine as (

    -- every day from the first to the last event date, so that days without visits show zeros
    {{ day_series('bounds', 'first_date', 'last_date') }}

),

visit_counts as (

    select
        event_date,
        count(*) as visits,
        count(distinct customer_id) as visitors

    from event_dates

    where event_type = 'visit'

    group by event_date

),

session_counts as (

    -- a session counts on the day it started
    select
        cast({{ dbt.date_trunc('day', 'started_at') }} as date) as session_date,
        count(*) as sessions

    from sessions

    group by cast({{ dbt.date_trunc('day', 'started_at') }} as date)

),

daily as (

    select
        date_spine.date_day,
        coalesce(visit_counts.visits, 0) as visits,
        coalesce(session_counts.sessions, 0) as sessions,
        coalesce(visit_counts.visitors, 0) as visitors

    from date_spine

    left join visit_counts
        on date_spine.date_day = visit_counts.event_date

    left join session_counts
        on date_spine.date_day = session_counts.session_date

),

final as (

    select
        date_day,

        {{ day_name_iso(day_of_week_iso('date_day')) }} as day_name,

        {{ day_of_week_iso('date_day') }} as iso_day_of_week,
        visits,
        sessions,
        visitors,
        -- mean daily visits over this day and the six before it; null until a full week is available
        {{ round_decimal(
            'case when row_number() over (order by date_day) >= 7'
            ~ ' then avg(visits) over (order by date_day rows between 6 preceding and current row) end',
            4
        ) }} as visits_7_day_average

    from daily

)

select * from final

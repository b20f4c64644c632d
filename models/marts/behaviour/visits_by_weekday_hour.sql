with

sessionized_events as (

    select * from {{ ref('int_events_sessionized') }}

),

sessions as (

    select * from {{ ref('int_sessions_summarized') }}

),

week_days as (

    {{ dbt.generate_series(7) }}

),

day_hours as (

    {{ dbt.generate_series(24) }}

),

grid as (

    -- every hour of every day of the week, so that hours without visits show zeros
    select
        cast(week_days.generated_number as bigint) as iso_day_of_week,
        cast(day_hours.generated_number - 1 as bigint) as hour_of_day

    from week_days

    cross join day_hours

),

visit_counts as (

    select
        {{ day_of_week_iso('event_at') }} as iso_day_of_week,
        cast(extract(hour from event_at) as bigint) as hour_of_day,
        count(*) as visits,
        count(distinct customer_id) as visitors

    from sessionized_events

    where event_type = 'visit'

    group by
        {{ day_of_week_iso('event_at') }},
        cast(extract(hour from event_at) as bigint)

),

session_counts as (

    -- a session counts in the hour it started
    select
        {{ day_of_week_iso('started_at') }} as iso_day_of_week,
        cast(extract(hour from started_at) as bigint) as hour_of_day,
        count(*) as sessions

    from sessions

    group by
        {{ day_of_week_iso('started_at') }},
        cast(extract(hour from started_at) as bigint)

),

final as (

    select
        grid.iso_day_of_week,
        grid.hour_of_day,

        {{ day_name_iso('grid.iso_day_of_week') }} as day_name,

        coalesce(visit_counts.visits, 0) as visits,
        coalesce(session_counts.sessions, 0) as sessions,
        coalesce(visit_counts.visitors, 0) as visitors

    from grid

    left join visit_counts
        on
            grid.iso_day_of_week = visit_counts.iso_day_of_week
            and grid.hour_of_day = visit_counts.hour_of_day

    left join session_counts
        on
            grid.iso_day_of_week = session_counts.iso_day_of_week
            and grid.hour_of_day = session_counts.hour_of_day

)

select * from final

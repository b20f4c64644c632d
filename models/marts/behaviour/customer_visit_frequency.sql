{#-
    Incremental: a run deletes (pre-hook delete_customers_to_rebuild) the customers
    with events loaded since its last run and those no longer in `customers`, then
    builds every customer of `customers` without a row, from all their events and
    sessions; the other customers are kept as they are.
-#}
{{ config(
    materialized=incremental_unless_spark(),
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ delete_customers_to_rebuild() }}",
) }}

with

customers as (

    select * from {{ ref('customers') }}
    {% if is_incremental() -%}
        -- the customers to build: those the pre-hook deleted, and new ones
        where customer_id not in (select built.customer_id from {{ this }} as built)
    {%- endif %}

),

sessionized_events as {{ not_materialized() }} (

    select * from {{ ref('int_events_sessionized') }}
    {% if is_incremental() -%}
        where customer_id in (select to_build.customer_id from customers as to_build)
    {%- endif %}

),

sessions as (

    select * from {{ ref('int_sessions_summarized') }}
    {% if is_incremental() -%}
        where customer_id in (select to_build.customer_id from customers as to_build)
    {%- endif %}

),

visit_events as (

    select
        event_id,
        customer_id,
        cast({{ dbt.date_trunc('day', 'event_at') }} as date) as visit_date,
        {{ day_of_week_iso('event_at') }} as iso_day_of_week,
        cast(extract(hour from event_at) as bigint) as hour_of_day,
        event_at

    from sessionized_events

    where event_type = 'visit'

),

visit_gaps as (

    select
        customer_id,
        event_at,
        lag(event_at) over (
            partition by customer_id
            order by event_at, event_id
        ) as previous_visit_at

    from visit_events

),

visit_gaps_measured as (

    -- gaps in whole milliseconds, so that their mean and median are exact
    select
        customer_id,
        {{ dbt.datediff('previous_visit_at', 'event_at', 'millisecond') }}
            as gap_milliseconds

    from visit_gaps

    where previous_visit_at is not null

),

gap_summary as (

    select
        customer_id,
        avg(gap_milliseconds) as mean_gap_milliseconds,
        percentile_cont(0.5) within group (order by gap_milliseconds) as median_gap_milliseconds

    from visit_gaps_measured

    group by customer_id

),

visit_summary as (

    select
        customer_id,

        count(*) as visits,
        count(distinct visit_date) as active_days,
        min(visit_date) as first_visit_date,
        max(visit_date) as last_visit_date,

        min(event_at) as first_visit_at,
        max(event_at) as last_visit_at

    from visit_events

    group by customer_id

),

visit_spans as (

    select
        *,
        -- calendar days from the first to the last visit, both included
        {{ dbt.datediff('first_visit_date', 'last_visit_date', 'day') }}
        + 1 as active_span_days

    from visit_summary

),

day_counts as (

    select
        customer_id,
        iso_day_of_week,
        count(*) as visits,
        -- most visits first; a tie goes to the earliest day of the week (Monday first)
        row_number() over (
            partition by customer_id
            order by count(*) desc, iso_day_of_week asc
        ) as preference_rank

    from visit_events

    group by
        customer_id,
        iso_day_of_week

),

hour_counts as (

    select
        customer_id,
        hour_of_day,
        count(*) as visits,
        -- most visits first; a tie goes to the earliest hour of the day
        row_number() over (
            partition by customer_id
            order by count(*) desc, hour_of_day asc
        ) as preference_rank

    from visit_events

    group by
        customer_id,
        hour_of_day

),

event_summary as (

    select
        customer_id,
        count(*) as events,
        max(loaded_at) as loaded_at

    from sessionized_events

    group by customer_id

),

session_summary as (

    select
        customer_id,
        count(*) as sessions,
        avg(duration_seconds) as mean_session_seconds

    from sessions

    group by customer_id

),

joined as (

    select
        customers.customer_id,

        coalesce(visit_spans.visits, 0) as visits,
        coalesce(session_summary.sessions, 0) as sessions,
        coalesce(event_summary.events, 0) as events,
        coalesce(visit_spans.active_days, 0) as active_days,
        coalesce(visit_spans.active_span_days, 0) as active_span_days,
        gap_summary.mean_gap_milliseconds,
        gap_summary.median_gap_milliseconds,
        day_counts.iso_day_of_week as preferred_day_of_week,
        hour_counts.hour_of_day as preferred_hour_of_day,
        session_summary.mean_session_seconds,

        visit_spans.first_visit_at,
        visit_spans.last_visit_at,
        event_summary.loaded_at

    from customers

    left join visit_spans
        on customers.customer_id = visit_spans.customer_id

    left join gap_summary
        on customers.customer_id = gap_summary.customer_id

    left join day_counts
        on
            customers.customer_id = day_counts.customer_id
            and day_counts.preference_rank = 1

    left join hour_counts
        on
            customers.customer_id = hour_counts.customer_id
            and hour_counts.preference_rank = 1

    left join event_summary
        on customers.customer_id = event_summary.customer_id

    left join session_summary
        on customers.customer_id = session_summary.customer_id

),

final as (

    select
        customer_id,

        {{ day_name_iso('preferred_day_of_week') }} as preferred_day_name,

        visits,
        sessions,
        events,
        active_days,
        active_span_days,
        -- visits per 7 days of the active span; a span shorter than a week counts as one week
        {{ round_decimal(
            'case when visits = 0 then 0 else visits * 7.0 / greatest(active_span_days, 7) end', 4
        ) }} as visits_per_week,
        {{ round_decimal('mean_gap_milliseconds / 86400000.0', 4) }} as mean_days_between_visits,
        {{ round_decimal('median_gap_milliseconds / 86400000.0', 4) }} as median_days_between_visits,
        preferred_day_of_week,
        preferred_hour_of_day,
        {{ ratio('events', 'sessions') }} as events_per_session,
        {{ round_decimal('mean_session_seconds / 60.0', 2) }} as mean_session_minutes,

        first_visit_at,
        last_visit_at,
        loaded_at

    from joined

)

select * from final

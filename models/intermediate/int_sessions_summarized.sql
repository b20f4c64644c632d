-- depends_on: {{ ref('int_events_conformed') }}
{# macro events_reprocess_from reads the conformed events' load times #}
{#-
    Incremental: a run deletes (pre-hook) and summarizes again every session with
    an event at or after the earliest event loaded since its last run (macro
    events_reprocess_from), from all the session's events; the other sessions are
    kept as they are.
-#}
{{ config(
    materialized=incremental_unless_spark(),
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ delete_events_to_reprocess(columns=['ended_at'], sessions=true) }}",
) }}
{%- set reprocess_from = events_reprocess_from() if is_incremental() else none %}

with

sessionized_events as (

    select * from {{ ref('int_events_sessionized') }}
    {% if is_incremental() -%}
        -- every event of the sessions to summarize again; none when nothing was loaded
        where session_id in ({{ sessions_with_events_from(reprocess_from) }})
    {%- endif %}

),

flagged_events as (

    select
        *,
        event_type = 'checkout' and checkout_status = 'success' as is_successful_checkout

    from sessionized_events

),

sessions as (

    select
        session_id,
        customer_id,
        session_number,

        count(*) as events,
        count(case when event_type = 'visit' then 1 end) as visits,

        {{ dbt.bool_or("event_type = 'add_to_cart'") }} as has_add_to_cart,
        {{ dbt.bool_or("event_type = 'checkout'") }} as has_checkout,
        {{ dbt.bool_or('is_successful_checkout') }} as has_successful_checkout,

        min(event_at) as started_at,
        max(event_at) as ended_at,
        max(loaded_at) as loaded_at

    from flagged_events

    group by
        session_id,
        customer_id,
        session_number

),

durations as (

    select
        *,
        {{ dbt.datediff('started_at', 'ended_at', 'millisecond') }}
            as duration_milliseconds

    from sessions

),

final as (

    select
        session_id,
        customer_id,

        session_number,
        events,
        visits,
        cast(duration_milliseconds / 1000.0 as numeric(18, 3)) as duration_seconds,
        {{ round_decimal('duration_milliseconds / 60000.0', 2) }} as duration_minutes,

        has_add_to_cart,
        has_checkout,
        has_successful_checkout,

        started_at,
        ended_at,
        loaded_at

    from durations

)

select * from final

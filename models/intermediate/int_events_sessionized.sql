{#- The inactivity timeout in whole seconds, so that a fractional number of minutes also works. -#}
{%- set session_timeout_seconds = ((var('session_timeout_minutes') | float) * 60) | round | int -%}
{%- if session_timeout_seconds <= 0 -%}
    {{ exceptions.raise_compiler_error(
        "var session_timeout_minutes must be a positive number of minutes, got '"
        ~ var('session_timeout_minutes') ~ "'."
    ) }}
{%- endif -%}
{#-
    Incremental: a run rebuilds the events from the earliest one loaded since the
    last run (macro events_reprocess_from), after deleting them (pre-hook); the
    events before it are kept as they are.
-#}
{{ config(
    materialized=incremental_unless_spark(),
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ delete_events_to_reprocess() }}",
) }}
{%- set reprocess_from = events_reprocess_from() if is_incremental() else none -%}

with

events as (

    select * from {{ ref('int_events_conformed') }}
    {% if is_incremental() -%}
        where {{ 'event_at >= ' ~ reprocess_from if reprocess_from is not none else '1 = 0' }}
    {%- endif %}

),

{% if is_incremental() %}
    -- each customer's last session before the events rebuilt: where the numbering continues
    earlier_sessions as (

        select
            customer_id,
            max(event_at) as last_event_at,
            max(session_number) as last_session_number

        from {{ this }}

        where
            event_at < {{ reprocess_from if reprocess_from is not none else 'event_at' }}
            and customer_id in (select events.customer_id from events)

        group by customer_id

    ),

{% endif %}
previous_events as (

    select
        events.*,
        -- event_id breaks ties between events of one customer at the same instant
        {% if is_incremental() -%}
            coalesce(
                lag(events.event_at) over (
                    partition by events.customer_id
                    order by events.event_at, events.event_id
                ),
                earlier_sessions.last_event_at
            )
        {%- else -%}
            lag(events.event_at) over (
                partition by events.customer_id
                order by events.event_at, events.event_id
            )
        {%- endif %} as previous_event_at,
        {{ 'coalesce(earlier_sessions.last_session_number, 0)' if is_incremental() else '0' }}
            as earlier_session_number

    from events

    {% if is_incremental() -%}
        left join earlier_sessions
            on events.customer_id = earlier_sessions.customer_id
    {%- endif %}

),

session_starts as (

    select
        *,
        -- a customer's first event, or one that comes more than the timeout after the
        -- previous event, starts a session; a gap exactly equal to the timeout does not
        case
            when previous_event_at is null then 1
            when event_at > {{ dbt.dateadd('second', session_timeout_seconds, 'previous_event_at') }} then 1
            else 0
        end as is_session_start

    from previous_events

),

numbered as (

    select
        *,
        cast(
            earlier_session_number + sum(is_session_start) over (
                partition by customer_id
                order by event_at, event_id
                rows between unbounded preceding and current row
            ) as {{ dbt.type_bigint() }}
        ) as session_number

    from session_starts

),

final as (

    select
        event_id,
        customer_id,
        {{ dbt.concat([
            'customer_id',
            "'-'",
            'cast(session_number as ' ~ dbt.type_string() ~ ')'
        ]) }} as session_id,
        product_id,
        order_id,

        event_type,
        checkout_status,

        session_number,
        quantity,

        event_at,
        loaded_at

    from numbered

)

select * from final

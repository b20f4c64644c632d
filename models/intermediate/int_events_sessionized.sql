{#- The inactivity timeout in whole seconds, so that a fractional number of minutes also works. -#}
{%- set session_timeout_seconds = ((var('session_timeout_minutes') | float) * 60) | round | int -%}
{%- if session_timeout_seconds <= 0 -%}
    {{ exceptions.raise_compiler_error(
        "var session_timeout_minutes must be a positive number of minutes, got '"
        ~ var('session_timeout_minutes') ~ "'."
    ) }}
{%- endif -%}

with

events as (

    select * from {{ ref('int_events_conformed') }}

),

previous_events as (

    select
        *,
        -- event_id breaks ties between events of one customer at the same instant
        lag(event_at) over (
            partition by customer_id
            order by event_at, event_id
        ) as previous_event_at

    from events

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
        sum(is_session_start) over (
            partition by customer_id
            order by event_at, event_id
            rows between unbounded preceding and current row
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

        event_at

    from numbered

)

select * from final

-- depends_on: {{ ref('int_events_conformed') }}
{# macro events_reprocess_from reads the conformed events' load times #}
{#-
    Incremental: a run deletes (pre-hook) and summarizes again the cart activity of
    every session with an event at or after the earliest event loaded since its last
    run (macro events_reprocess_from), from all the session's events, and deletes
    the rows of sessions that lie wholly after that instant; the other rows are kept.
-#}
{{ config(
    materialized=incremental_unless_spark(),
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ delete_events_to_reprocess(
        columns=['first_added_at', 'first_removed_at'], sessions=true
    ) }}",
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

cart_events as (

    select
        session_id,
        customer_id,
        product_id,

        event_type = 'add_to_cart' as is_add,
        event_type = 'remove_from_cart' as is_remove,
        quantity,

        event_at,
        loaded_at

    from sessionized_events

    where event_type in ('add_to_cart', 'remove_from_cart')

),

final as (

    select
        session_id,
        customer_id,
        product_id,

        count(case when is_add then 1 end) as add_to_cart_events,
        cast(coalesce(sum(case when is_add then quantity end), 0) as {{ dbt.type_bigint() }}) as units_added,
        count(case when is_remove then 1 end) as remove_from_cart_events,
        cast(coalesce(sum(case when is_remove then quantity end), 0) as {{ dbt.type_bigint() }}) as units_removed,

        min(case when is_add then event_at end) as first_added_at,
        min(case when is_remove then event_at end) as first_removed_at,
        max(loaded_at) as loaded_at

    from cart_events

    group by
        session_id,
        customer_id,
        product_id

)

select * from final

{#
    In an incremental run of a model with a loaded_at column, the condition on a
    loaded_at of the rows it reads: loaded since the model's last run, that is, later
    than any load time the model holds, or any load time when it holds none (no rows,
    or only rows without one, e.g. customers without events).
#}
{% macro loaded_since_last_run() -%}
    (
        loaded_at > (select max(loaded_at) from {{ this }})
        or not exists (select 1 from {{ this }} where loaded_at is not null)
    )
{%- endmacro %}


{#
    The incremental run of an event model (int_events_sessionized and the session
    summaries built from it, each with a loaded_at column): the earliest event_at
    among the events loaded into staging since its last run (loaded_since_last_run),
    however old they are, as a timestamp literal; none when no event was loaded
    since (all of them when the model holds no load time). int_events_sessionized
    deletes and rebuilds its events from that instant on, continuing each customer's
    session numbering after their last earlier event, so that a session that crosses
    the boundary of a load is stitched as in a full refresh; the session summaries
    rebuild every session with an event from then on. Runs only while executing an
    incremental run of the model.
#}
{% macro events_reprocess_from() -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set query -%}
        select cast(min(event_at) as {{ dbt.type_string() }}) as reprocess_from

        from {{ ref('int_events_conformed') }}

        where {{ loaded_since_last_run() }}
    {%- endset -%}
    {%- set reprocess_from = run_query(query).columns[0].values()[0] -%}
    {{ return(none if reprocess_from is none else "cast('" ~ reprocess_from ~ "' as "
        ~ api.Column.translate_type('timestamp') ~ ")") }}
{%- endmacro %}


{#
    The session_id of every sessionized event from `reprocess_from` (the value of
    events_reprocess_from()) on, as a query: the sessions an incremental run of a
    session model builds again. No rows when reprocess_from is none.
#}
{% macro sessions_with_events_from(reprocess_from) -%}
    select session_id
    from {{ ref('int_events_sessionized') }}
    where {{ 'event_at >= ' ~ reprocess_from if reprocess_from is not none else '1 = 0' }}
{%- endmacro %}


{#
    Pre-hook of the incremental event models (int_events_sessionized and the
    session summaries built from it): in an incremental run, deletes the rows from
    events_reprocess_from() on, which the run then inserts again. A row is deleted
    when any of `columns` is at or after that instant, or, with `sessions`, when its
    session has an event from then on (sessions_with_events_from).
#}
{% macro delete_events_to_reprocess(columns=['event_at'], sessions=false) -%}
    {%- if is_incremental() -%}
        {%- set reprocess_from = events_reprocess_from() -%}
        {%- if reprocess_from is not none -%}
            delete from {{ this }}
            where
            {%- for column in columns %}
                {{ column }} >= {{ reprocess_from }}{{ ' or' if not loop.last }}
            {%- endfor %}
            {%- if sessions %}
                or session_id in ({{ sessions_with_events_from(reprocess_from) }})
            {%- endif -%}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}


{#
    Pre-hook of customer_visit_frequency, incremental per customer: in an incremental
    run, deletes the customers with events loaded since its last run (their events
    in int_events_sessionized, loaded_since_last_run) and the customers no longer in
    the customers mart. Sessionizing is per customer, so only a customer with a new
    event has new or changed sessions. The run then builds every customer of the
    customers mart without a row.
#}
{% macro delete_customers_to_rebuild() -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where
            customer_id not in (select customer_id from {{ ref('customers') }})
            or customer_id in (
                select customer_id
                from {{ ref('int_events_sessionized') }}
                where {{ loaded_since_last_run() }}
            )
    {%- endif -%}
{%- endmacro %}

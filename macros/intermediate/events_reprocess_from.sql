{#
    The incremental run of int_events_sessionized: the earliest event_at among the
    events loaded into staging since its last run (a later loaded_at than any it
    holds), however old they are, as a timestamp literal; none when no event was
    loaded since. The run deletes and rebuilds its events from that instant on,
    continuing each customer's session numbering after their last earlier event,
    so that a session that crosses the boundary of a load is stitched as in a full
    refresh. Runs only while executing an incremental run of the model.
#}
{% macro events_reprocess_from() -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set query -%}
        select cast(min(event_at) as {{ dbt.type_string() }}) as reprocess_from

        from {{ ref('int_events_conformed') }}

        where loaded_at > (select max(loaded_at) from {{ this }})
    {%- endset -%}
    {%- set reprocess_from = run_query(query).columns[0].values()[0] -%}
    {{ return(none if reprocess_from is none else "cast('" ~ reprocess_from ~ "' as "
        ~ api.Column.translate_type('timestamp') ~ ")") }}
{%- endmacro %}


{#
    Pre-hook of int_events_sessionized: in an incremental run, deletes its events
    from events_reprocess_from() on, which the run then inserts again.
#}
{% macro delete_events_to_reprocess() -%}
    {%- if is_incremental() -%}
        {%- set reprocess_from = events_reprocess_from() -%}
        {%- if reprocess_from is not none -%}
            delete from {{ this }} where event_at >= {{ reprocess_from }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

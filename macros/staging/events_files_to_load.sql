{#
    The incremental load of base_shopsmart__events, by source file. Compares the
    rows per file of the source (a file or a folder of daily files, var
    shopsmart_events_path) with the rows per file already loaded, and returns the
    name of the first file, in name order, that is new or whose row count changed:
    that file and every file sorting after it are (re)loaded. Returns none when
    every file is loaded as it is. A file that was loaded and is gone fails the run:
    its rows cannot be told apart from rows still in the source, so only a full
    refresh (dbt build --full-refresh) gives the right tables.
    Runs only while executing an incremental run of the model.
#}
{% macro events_files_to_load() -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set comparison -%}
        with

        in_source as (

            select
                cast({{ shopsmart_source_file('events') }} as {{ dbt.type_string() }}) as source_file,
                count(*) as source_rows

            from {{ shopsmart_source('events') }}

            group by 1

        ),

        loaded as (

            select
                source_file,
                count(*) as loaded_rows

            from {{ this }}

            group by source_file

        )

        select
            coalesce(in_source.source_file, loaded.source_file) as source_file,
            in_source.source_rows,
            loaded.loaded_rows

        from in_source

        full outer join loaded
            on in_source.source_file = loaded.source_file

        where in_source.source_rows is distinct from loaded.loaded_rows

        order by 1
    {%- endset -%}
    {%- set changed = run_query(comparison) -%}
    {%- for row in changed.rows if row['source_rows'] is none -%}
        {{ exceptions.raise_compiler_error(
            "Source table shopsmart.events: the file " ~ row['source_file'] ~ " was loaded ("
            ~ row['loaded_rows'] ~ " rows) and is no longer in the source. Rebuild the event"
            ~ " models from the files there are now: dbt build --full-refresh."
        ) }}
    {%- endfor -%}
    {{ return(changed.rows[0]['source_file'] if changed.rows | length > 0 else none) }}
{%- endmacro %}

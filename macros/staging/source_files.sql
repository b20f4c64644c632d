{#
    The path the source shopsmart's `table_name` is read from, as the source's
    external_location builds it: <shopsmart_data_dir>/<table>.<format>, or for the
    events the file or glob of var shopsmart_events_path when it is set. None when
    no data directory is set (the embedded sample seeds are read).
#}
{% macro shopsmart_source_path(table_name) -%}
    {%- set data_dir = var('shopsmart_data_dir', env_var('SHOPSMART_DATA_DIR', '')) -%}
    {%- if not data_dir -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set file_format = var('shopsmart_file_format', env_var('SHOPSMART_FILE_FORMAT', 'csv')) -%}
    {%- set events_path = var('shopsmart_events_path', env_var('SHOPSMART_EVENTS_PATH', '')) -%}
    {%- set file_name = events_path if table_name == 'events' and events_path else table_name ~ '.' ~ file_format -%}
    {{ return(data_dir ~ '/' ~ file_name) }}
{%- endmacro %}


{#
    The encoding the CSV files of the source shopsmart are read in: var
    shopsmart_csv_encoding (env SHOPSMART_CSV_ENCODING), default utf-8.
#}
{% macro shopsmart_csv_encoding() -%}
    {{ return(var('shopsmart_csv_encoding', env_var('SHOPSMART_CSV_ENCODING', 'utf-8'))) }}
{%- endmacro %}


{#
    The source's loaded_at_query (dbt source freshness): when the files of the
    source shopsmart's `table_name` were last written, the latest modification time
    of the file or of the daily files. A file that is rewritten, even with the same
    latest order or event, counts as new data, so the daily build (scripts/build_daily.sh,
    `dbt build --select source_status:fresher+`) rebuilds what reads it. The embedded
    sample seeds are loaded by every build, so they count as loaded now.
#}
{% macro shopsmart_files_modified_at(table_name) -%}
    {{ return(adapter.dispatch('shopsmart_files_modified_at', 'shopsmart_analytics')(table_name)) }}
{%- endmacro %}

{% macro default__shopsmart_files_modified_at(table_name) -%}
    {#- no portable way to read a file's modification time: loaded now, so always rebuilt -#}
    select {{ dbt.current_timestamp() }}
{%- endmacro %}

{% macro duckdb__shopsmart_files_modified_at(table_name) -%}
    {%- set path = shopsmart_analytics.shopsmart_source_path(table_name) -%}
    {%- if path is none -%}
        select {{ dbt.current_timestamp() }}
    {%- else -%}
        {#- read_blob reads a file's content only when the column content is selected -#}
        select max(last_modified) from read_blob({{ shopsmart_analytics.quoted_text(path) }})
    {%- endif -%}
{%- endmacro %}

{#
    The path the source shopsmart's `table_name` is read from, as the source's
    external_location builds it: <shopsmart_data_dir>/<table>.<format>, or for the
    events the file or glob of var shopsmart_events_path when it is set. None when
    no data directory is set (the embedded sample is read, macro load_shopsmart_sample).
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
    sample is loaded by every build (load_shopsmart_sample), so it counts as loaded now.
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
    {#- the sample, and events that are not there (a build without events costs nothing) -#}
    {%- if path is none or (table_name == 'events' and shopsmart_analytics.shopsmart_events_absence() is not none) -%}
        select {{ dbt.current_timestamp() }}
    {%- else -%}
        {#- read_blob reads a file's content only when the column content is selected -#}
        select max(last_modified) from read_blob({{ shopsmart_analytics.quoted_text(path) }})
    {%- endif -%}
{%- endmacro %}


{#
    Why the events of the source shopsmart are not there, or none when they are: a
    shop that does not track its website exports four tables, or an empty events
    file. 'no file at <path>' or 'only empty files (0 bytes) at <path>'; none for the
    embedded sample and outside execution. The build then goes on without events
    (macro shopsmart_source): every mart that needs no events is built as usual,
    and the event marts are empty.
#}
{% macro shopsmart_events_absence() -%}
    {%- set path = shopsmart_analytics.shopsmart_source_path('events') -%}
    {%- if path is none or not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if not shopsmart_analytics.files_exist(path) -%}
        {{ return('no file at ' ~ path) }}
    {%- endif -%}
    {%- if shopsmart_analytics.files_all_empty(path) -%}
        {{ return('only empty files (0 bytes) at ' ~ path) }}
    {%- endif -%}
    {{ return(none) }}
{%- endmacro %}


{#
    The relation of the source shopsmart's `table_name` that the models read: the
    source itself, or, for events that are not there (macro
    shopsmart_events_absence), a query of no rows with the source's columns as text
    (and source_file, as the files would have), so that the event models build
    empty instead of failing.
#}
{% macro shopsmart_source(table_name) -%}
    {%- set relation = source('shopsmart', table_name) -%}
    {%- if table_name != 'events' or model.resource_type == 'unit_test' or shopsmart_events_absence() is none -%}
        {{ return(relation) }}
    {%- endif -%}
    {%- set columns = graph.sources.values()
        | selectattr('source_name', 'equalto', 'shopsmart')
        | selectattr('name', 'equalto', 'events')
        | map(attribute='columns') | first -%}
    {%- set typed = [] -%}
    {%- for column in columns.keys() | list + ['source_file'] -%}
        {%- do typed.append('cast(null as ' ~ dbt.type_string() ~ ') as ' ~ column) -%}
    {%- endfor -%}
    {{ return('(select ' ~ typed | join(', ') ~ ' where 1 = 0)') }}
{%- endmacro %}


{#
    True when at least one file matches `path` (a file name or a glob). Spark SQL has
    no way to list files: there the path is taken as present, and reading a missing
    one fails with Spark's PATH_NOT_FOUND error, which names the path.
#}
{% macro files_exist(path) -%}
    {{ return(adapter.dispatch('files_exist', 'shopsmart_analytics')(path)) }}
{%- endmacro %}

{% macro default__files_exist(path) -%}
    {{ return(true) }}
{%- endmacro %}

{% macro duckdb__files_exist(path) -%}
    {%- set query = 'select count(*) from glob(' ~ shopsmart_analytics.quoted_text(path) ~ ')' -%}
    {{ return(run_query(query).columns[0].values()[0] > 0) }}
{%- endmacro %}


{#
    True when every file matching `path` has 0 bytes. Spark SQL cannot read a file's
    size from a query: there it is false, and an empty events file stops the build
    (spark__shopsmart_own_files_table) instead of being taken as no events.
#}
{% macro files_all_empty(path) -%}
    {{ return(adapter.dispatch('files_all_empty', 'shopsmart_analytics')(path)) }}
{%- endmacro %}

{% macro default__files_all_empty(path) -%}
    {{ return(false) }}
{%- endmacro %}

{#- read_blob reads a file's content only when the column content is selected -#}
{% macro duckdb__files_all_empty(path) -%}
    {%- set query = 'select count(*) from read_blob(' ~ shopsmart_analytics.quoted_text(path) ~ ') where size > 0' -%}
    {{ return(run_query(query).columns[0].values()[0] == 0) }}
{%- endmacro %}

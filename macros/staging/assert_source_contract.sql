{#
    Run as a pre-hook of every model that reads a source (see dbt_project.yml).
    Before the model is built it checks, for each source the model reads:
      - that the source can be read (for the shop's own files: that the file exists),
      - that every column declared for the table in its sources yml is present,
      - that the table has at least one row.
    A failure stops the build with a message naming the source table and the
    missing column(s), instead of a database error deep inside the model's SQL.
    The events of the source shopsmart are optional: a shop that does not track
    its website has no events file, or an empty one; the build warns and goes on
    without events (macro shopsmart_source). Renders no SQL.
#}
{% macro assert_source_contract() %}
    {%- if execute -%}
        {%- for source_name, table_name in model.sources -%}
            {%- set node = graph.sources.values()
                | selectattr('source_name', 'equalto', source_name)
                | selectattr('name', 'equalto', table_name)
                | first -%}
            {%- set expected = node.columns.keys() | map('lower') | list -%}
            {%- set optional = source_name == 'shopsmart' and table_name == 'events' -%}
            {%- set absence = shopsmart_analytics.shopsmart_events_absence() if optional else none -%}
            {%- if absence is not none -%}
                {%- do exceptions.warn(
                    "Source table shopsmart.events: " ~ absence ~ ". The build goes on without web"
                    ~ " events: the visit, funnel, cart and product-view figures are empty or zero."
                ) -%}
            {%- else -%}
                {%- do shopsmart_analytics.assert_source_file_exists(source_name, table_name) -%}
                {%- set probe = run_query('select * from ' ~ source(source_name, table_name) ~ ' limit 0') -%}
                {%- set found = probe.column_names | map('lower') | list -%}
                {%- set missing = expected | reject('in', found) | list -%}
                {#- a CSV file of 0 bytes reads as one column that DuckDB names column0 -#}
                {%- if found == ['column0'] -%}
                    {{ exceptions.raise_compiler_error(
                        "Source table " ~ source_name ~ "." ~ table_name ~ " is empty: its file has no"
                        ~ " header line (0 bytes). Expected columns: " ~ expected | join(', ') ~ "."
                    ) }}
                {%- endif -%}
                {%- if missing -%}
                    {{ exceptions.raise_compiler_error(
                        "Source table " ~ source_name ~ "." ~ table_name ~ " is missing column(s): "
                        ~ missing | join(', ') ~ ". Expected columns: " ~ expected | join(', ')
                        ~ "; found: " ~ found | join(', ') ~ "."
                    ) }}
                {%- endif -%}
                {%- set first_row = run_query('select 1 from ' ~ source(source_name, table_name) ~ ' limit 1') -%}
                {%- if first_row.rows | length == 0 and optional -%}
                    {%- do exceptions.warn(
                        "Source table shopsmart.events has no rows. The build goes on without web events:"
                        ~ " the visit, funnel, cart and product-view figures are empty or zero."
                    ) -%}
                {%- elif first_row.rows | length == 0 -%}
                    {{ exceptions.raise_compiler_error(
                        "Source table " ~ source_name ~ "." ~ table_name ~ " is empty: it has the expected columns but no rows."
                    ) }}
                {%- endif -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
{% endmacro %}


{#
    When a source reads a file (the shop's own files under var shopsmart_data_dir,
    or the online_retail file at var online_retail_path), fail with the table name
    and the expected path if the file is not there or is not in a readable format.
#}
{% macro assert_source_file_exists(source_name, table_name) %}
    {%- if source_name == 'online_retail' -%}
        {%- do shopsmart_analytics.assert_online_retail_file_exists(source_name, table_name) -%}
    {%- endif -%}
    {%- set data_dir = var('shopsmart_data_dir', env_var('SHOPSMART_DATA_DIR', '')) -%}
    {%- if source_name == 'shopsmart' and data_dir -%}
        {%- set file_format = var('shopsmart_file_format', env_var('SHOPSMART_FILE_FORMAT', 'csv')) -%}
        {%- if file_format not in ['csv', 'parquet'] -%}
            {{ exceptions.raise_compiler_error(
                "var shopsmart_file_format must be csv or parquet, got '" ~ file_format ~ "'."
            ) }}
        {%- endif -%}
        {#- the events may be a glob of daily files (var shopsmart_events_path) -#}
        {%- set path = shopsmart_analytics.shopsmart_source_path(table_name) -%}
        {%- if not shopsmart_analytics.files_exist(path) -%}
            {{ exceptions.raise_compiler_error(
                "Source table " ~ source_name ~ "." ~ table_name ~ ": no file at " ~ path
                ~ " (shopsmart_data_dir=" ~ data_dir ~ ")."
            ) }}
        {%- endif -%}
        {%- if file_format == 'csv' -%}
            {%- do shopsmart_analytics.assert_source_file_decodes(source_name, table_name, path) -%}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}


{#
    A CSV file of the source shopsmart read as UTF-8 (var shopsmart_csv_encoding,
    default utf-8) must be valid UTF-8: fail naming the first file that is not
    (e.g. a latin-1 export from a Windows tool), rather than with the reader's error,
    which points at the wrong line. Reads every byte of the files once; another
    encoding (latin-1, utf-16) is not checked here.
#}
{% macro assert_source_file_decodes(source_name, table_name, path) %}
    {%- set encoding = shopsmart_analytics.shopsmart_csv_encoding() -%}
    {%- if encoding | lower | replace('_', '-') in ['utf-8', 'utf8'] -%}
        {%- set undecodable = shopsmart_analytics.first_undecodable_file(path) -%}
        {%- if undecodable is not none -%}
            {{ exceptions.raise_compiler_error(
                "Source table " ~ source_name ~ "." ~ table_name ~ ": the file " ~ undecodable
                ~ " is not valid UTF-8. If it was exported in another encoding, name it with the var"
                ~ " shopsmart_csv_encoding (or the environment variable SHOPSMART_CSV_ENCODING),"
                ~ " e.g. latin-1 for exports made with Windows tools."
            ) }}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}


{#
    The online_retail source reads one file, var online_retail_path: CSV (plain or
    gzipped) or Parquet, chosen by the file name's extension.
#}
{% macro assert_online_retail_file_exists(source_name, table_name) %}
    {%- set path = shopsmart_analytics.online_retail_path() -%}
    {%- set name = path | lower -%}
    {%- if name.endswith('.xlsx') or name.endswith('.xls') -%}
        {{ exceptions.raise_compiler_error(
            "Source table " ~ source_name ~ "." ~ table_name ~ ": " ~ path ~ " is an Excel workbook."
            ~ " Convert it first: shopsmart-convert-online-retail " ~ path ~ " online_retail.csv.gz"
            ~ " (or .parquet), then set online_retail_path to the converted file."
        ) }}
    {%- endif -%}
    {%- if not (name.endswith('.csv') or name.endswith('.csv.gz') or name.endswith('.parquet')) -%}
        {{ exceptions.raise_compiler_error(
            "Source table " ~ source_name ~ "." ~ table_name ~ ": online_retail_path must name a .csv,"
            ~ " .csv.gz or .parquet file, got '" ~ path ~ "'."
        ) }}
    {%- endif -%}
    {%- if not shopsmart_analytics.files_exist(path) -%}
        {{ exceptions.raise_compiler_error(
            "Source table " ~ source_name ~ "." ~ table_name ~ ": no file at " ~ path
            ~ " (var online_retail_path or env ONLINE_RETAIL_PATH)."
        ) }}
    {%- endif -%}
{% endmacro %}


{#
    The first file, in name order, of `path` (a file or glob) that is not valid
    UTF-8; none when every file is. Dispatched: Spark SQL cannot read a file's bytes
    from a query, so there the files are not checked (Spark's CSV reader replaces
    the bytes it cannot decode).
#}
{% macro first_undecodable_file(path) -%}
    {{ return(adapter.dispatch('first_undecodable_file', 'shopsmart_analytics')(path)) }}
{%- endmacro %}

{% macro default__first_undecodable_file(path) -%}
    {{ return(none) }}
{%- endmacro %}

{% macro duckdb__first_undecodable_file(path) -%}
    {%- set undecodable = run_query(
        "select filename from read_blob(" ~ shopsmart_analytics.quoted_text(path) ~ ")"
        ~ " where try(decode(content)) is null order by filename limit 1"
    ).columns[0].values() -%}
    {{ return(undecodable[0] if undecodable | length > 0 else none) }}
{%- endmacro %}

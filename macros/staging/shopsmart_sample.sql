{#
    The embedded sample of the source shopsmart: the five files
    seeds/shopsmart_sample/raw_<table>.csv (make sample writes them). They are the
    source's tables, not dbt seeds of their own: this on-run-start hook loads each
    file into the source's table (raw.raw_<table>) before any node runs, so that
    every base model reads its table through source() only and has one parent per
    table in the lineage, and any selection (`dbt build --select
    base_shopsmart__orders+`, a fresh warehouse included) finds its tables loaded.
    Every column is loaded as text, exactly as a raw export, so that staging
    decides what is valid, by DuckDB's CSV reader, as dbt-duckdb loads a seed;
    every build (re)loads the files as they are, as it would reload seeds.
    The tables are loaded while the shop's own files are read too (var
    shopsmart_data_dir), as the sample seeds were: the unit tests of the base
    models take the column types of their source fixtures from them (dbt reads a
    unit test input's columns from its relation in the warehouse). Renders
    nothing (nothing runs) while the online_retail source is selected, and for
    the commands that write no relations (build_status_commands).
#}
{% macro load_shopsmart_sample() -%}
    {%- if execute and flags.WHICH in shopsmart_analytics.build_status_commands()
        and shopsmart_analytics.selected_source() == 'shopsmart' -%}
        {%- set statements = [] -%}
        {%- for table in shopsmart_analytics.selected_source_tables() -%}
            {%- set node = graph.sources.values()
                | selectattr('source_name', 'equalto', 'shopsmart')
                | selectattr('name', 'equalto', table.table_name)
                | first -%}
            {%- set relation = api.Relation.create(
                database=node.database, schema=node.schema, identifier=node.identifier, type='table'
            ) -%}
            {%- do statements.append(shopsmart_analytics.shopsmart_sample_table(
                relation, shopsmart_analytics.shopsmart_sample_path(node.identifier)
            )) -%}
            {%- if shopsmart_analytics.shopsmart_source_path(table.table_name) is not none -%}
                {%- do statements.append(shopsmart_analytics.shopsmart_own_files_table(relation, table.table_name)) -%}
            {%- endif -%}
        {%- endfor -%}
        {#- an engine that runs one statement at a time runs them itself and renders nothing -#}
        {{ statements | reject('equalto', '') | join(';\n') }}
    {%- endif -%}
{%- endmacro %}


{#
    The file of the sample table `identifier` (raw_customers, ...) in the project's
    folder (dbt's --project-dir: the absolute path of the folder dbt found when it
    is not given, else as given, relative to the directory dbt runs in, as DuckDB
    reads it); fails naming it when it is not there.
#}
{% macro shopsmart_sample_path(identifier) -%}
    {%- set root = invocation_args_dict.get('project_dir') or '.' -%}
    {%- set path = root ~ '/seeds/shopsmart_sample/' ~ identifier ~ '.csv' -%}
    {%- if not shopsmart_analytics.files_exist(path) -%}
        {{ exceptions.raise_compiler_error(
            "The embedded sample of source table shopsmart." ~ identifier.replace('raw_', '', 1)
            ~ " is missing: no file at " ~ path ~ ". Regenerate the sample (make sample), or read"
            ~ " the shop's own files (var shopsmart_data_dir or env SHOPSMART_DATA_DIR)."
        ) }}
    {%- endif -%}
    {{ return(path) }}
{%- endmacro %}


{# The statements that (re)create the sample table `relation` from the CSV file at `path`, every column as text. #}
{% macro shopsmart_sample_table(relation, path) -%}
    {{ return(adapter.dispatch('shopsmart_sample_table', 'shopsmart_analytics')(relation, path)) }}
{%- endmacro %}

{% macro default__shopsmart_sample_table(relation, path) -%}
    {{ exceptions.raise_compiler_error("shopsmart_sample_table is not implemented for adapter " ~ adapter.type()) }}
{%- endmacro %}

{% macro duckdb__shopsmart_sample_table(relation, path) -%}
    create schema if not exists {{ relation.without_identifier() }};
    create or replace table {{ relation }} as
    select * from read_csv(
        {{ shopsmart_analytics.quoted_text(path) }},
        header = true, all_varchar = true, delim = ',', quote = '"', escape = '"'
    )
{%- endmacro %}

{#
    Spark runs one statement per query and reads a CSV file through a data source:
    the file is read as a view, every column as text (no schema inference), quoted
    values escaped by doubling the quote as the files write them, and a quoted value
    may span lines; then copied into a table in the warehouse, so that the table does
    not depend on the file or the directory dbt runs in after the load. Empty cells
    are null, as DuckDB reads them. The statements run here; nothing is rendered.
#}
{% macro spark__shopsmart_sample_table(relation, path) -%}
    {%- set file_view = relation.identifier ~ '__file' -%}
    {%- do run_query('create schema if not exists ' ~ relation.without_identifier()) -%}
    {%- do run_query(
        'create or replace temporary view ' ~ file_view ~ ' using csv options ('
        ~ 'path ' ~ shopsmart_analytics.quoted_text(path) ~ ", header 'true', inferSchema 'false',"
        ~ " quote '\"', escape '\"', multiLine 'true', mode 'FAILFAST')"
    ) -%}
    {%- do run_query('drop table if exists ' ~ relation) -%}
    {%- do run_query('create table ' ~ relation ~ ' using parquet as select * from ' ~ file_view) -%}
    {%- do run_query('drop view if exists ' ~ file_view) -%}
    {{ return('') }}
{%- endmacro %}


{#
    The shop's own files (var shopsmart_data_dir) as the source's table `relation`,
    on an engine whose sources cannot read files themselves: after the sample is
    loaded (load_shopsmart_sample), the table is replaced by the file of
    `table_name`. DuckDB reads the files through the source's external_location
    instead, so this renders nothing there.
#}
{% macro shopsmart_own_files_table(relation, table_name) -%}
    {{ return(adapter.dispatch('shopsmart_own_files_table', 'shopsmart_analytics')(relation, table_name)) }}
{%- endmacro %}

{% macro default__shopsmart_own_files_table(relation, table_name) -%}
    {{ return('') }}
{%- endmacro %}

{#
    Spark: the file (or the glob of daily event files) read through a temporary
    view, CSV every column as text as the sample, in the encoding of var
    shopsmart_csv_encoding, or Parquet with its own types; the events get the column
    source_file, the path each row was read from. A missing file fails with Spark's
    PATH_NOT_FOUND, which names it; a file with no header line stops the build
    naming the table.
#}
{% macro spark__shopsmart_own_files_table(relation, table_name) -%}
    {%- set path = shopsmart_analytics.shopsmart_source_path(table_name) -%}
    {%- set file_format = var('shopsmart_file_format', env_var('SHOPSMART_FILE_FORMAT', 'csv')) -%}
    {%- set file_view = relation.identifier ~ '__files' -%}
    {%- if file_format == 'parquet' -%}
        {%- set options = 'path ' ~ shopsmart_analytics.quoted_text(path) -%}
    {%- else -%}
        {%- set options = 'path ' ~ shopsmart_analytics.quoted_text(path)
            ~ ", header 'true', inferSchema 'false', quote '\"', escape '\"', multiLine 'true', encoding "
            ~ shopsmart_analytics.quoted_text(shopsmart_analytics.shopsmart_csv_encoding()) -%}
    {%- endif -%}
    {%- do run_query(
        'create or replace temporary view ' ~ file_view ~ ' using '
        ~ ('parquet' if file_format == 'parquet' else 'csv') ~ ' options (' ~ options ~ ')'
    ) -%}
    {%- if run_query('select * from ' ~ file_view ~ ' limit 0').column_names | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "Source table shopsmart." ~ table_name ~ " is empty: its file has no header line (0 bytes) at " ~ path ~ "."
        ) }}
    {%- endif -%}
    {%- set source_file = ", regexp_replace(input_file_name(), '^file:', '') as source_file" if table_name == 'events' else '' -%}
    {%- do run_query('drop table if exists ' ~ relation) -%}
    {%- do run_query(
        'create table ' ~ relation ~ ' using parquet as select *' ~ source_file ~ ' from ' ~ file_view
    ) -%}
    {%- do run_query('drop view if exists ' ~ file_view) -%}
    {{ return('') }}
{%- endmacro %}

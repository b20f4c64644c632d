{#
    dbt.safe_cast on DuckDB and Spark: dbt-duckdb does not override dbt's default,
    which is a plain cast that fails the whole query on one unreadable value, and
    dbt-spark's plain cast, with ANSI mode off as dbt-spark sets it, reads '1.5' as
    the integer 1. try_cast returns null instead on both (Spark's try_cast follows
    ANSI rules whatever the session's mode), which is what the staging checks rely
    on to reject a row with a reason. Found through the dispatch search order in
    dbt_project.yml.
#}
{% macro duckdb__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}

{#
    DuckDB's cast also reads digits grouped by underscores ('1_000') as a number;
    Spark's does not, so they are taken out between digits first for a numeric type.
#}
{% macro spark__safe_cast(field, type) -%}
    {%- if modules.re.match('(numeric|decimal|int|integer|bigint|smallint|tinyint|double|float|real)\\b', type | lower | trim) -%}
        try_cast(regexp_replace({{ field }}, '(?<=[0-9])_(?=[0-9])', '') as {{ type }})
    {%- else -%}
        try_cast({{ field }} as {{ type }})
    {%- endif -%}
{%- endmacro %}

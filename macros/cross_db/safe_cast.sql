{#
    dbt.safe_cast on DuckDB: dbt-duckdb does not override dbt's default, which is a
    plain cast that fails the whole query on one unreadable value. DuckDB's
    try_cast returns null instead, which is what the staging checks rely on to
    reject a row with a reason. Found through the dispatch search order in
    dbt_project.yml.
#}
{% macro duckdb__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}

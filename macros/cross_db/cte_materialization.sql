{#
    Written between a CTE's name and its query (`events as {{ not_materialized() }} (`)
    for a CTE that only reads a large table, when the query reads that CTE more than
    once: each reference then reads the table itself, with only the columns and rows
    it needs. DuckDB otherwise materializes a CTE read more than once, that is, holds
    every column of every row (at 10 M customers, 172 M sessionized events that it
    spills to disk).
#}
{% macro not_materialized() -%}
    {{ return(adapter.dispatch('not_materialized', 'shopsmart_analytics')()) }}
{%- endmacro %}

{# Other engines (Spark among them) inline a CTE wherever it is read: nothing to write. #}
{% macro default__not_materialized() -%}
{%- endmacro %}

{% macro duckdb__not_materialized() -%}
    not materialized
{%- endmacro %}


{#
    Written between a CTE's name and its query (`activity as {{ materialized() }} (`)
    for a large intermediate result that the query aggregates again after combining
    it with other rows: DuckDB then stores the CTE's rows (spilling them to disk
    past its memory limit) before the next step starts, instead of running both
    steps in one pipeline that, on data larger than memory, can run out of it.
#}
{% macro materialized() -%}
    {{ return(adapter.dispatch('materialized', 'shopsmart_analytics')()) }}
{%- endmacro %}

{# Other engines plan the CTE as they see fit: nothing to write. #}
{% macro default__materialized() -%}
{%- endmacro %}

{% macro duckdb__materialized() -%}
    materialized
{%- endmacro %}

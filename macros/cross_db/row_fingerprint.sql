{#
    A 64-bit hash of the values of `columns` (nulls included), the same for two
    rows exactly when their values are equal, but for a chance of about 1 in 10^19
    per pair of rows compared. The incremental event load compares a new row only
    with the rows loaded before that share its event_id, by this value, so it does
    not have to keep every raw value.
#}
{% macro row_fingerprint(columns) -%}
    {{ return(adapter.dispatch('row_fingerprint', 'shopsmart_analytics')(columns)) }}
{%- endmacro %}

{# Other engines: dbt's md5 of the values as a JSON object. #}
{% macro default__row_fingerprint(columns) -%}
    {{ dbt.hash(shopsmart_analytics.json_object_text(columns)) }}
{%- endmacro %}

{% macro duckdb__row_fingerprint(columns) -%}
    hash({{ columns | join(', ') }})
{%- endmacro %}

{#
    Spark: xxhash64 of the values as a JSON object (nulls written as null), a
    bigint like DuckDB's hash. xxhash64 of the columns themselves would skip nulls,
    so that ('a', null) and (null, 'a') would hash alike.
#}
{% macro spark__row_fingerprint(columns) -%}
    xxhash64({{ shopsmart_analytics.json_object_text(columns) }})
{%- endmacro %}

{#
    JSON helpers. JSON functions differ between engines, so each helper is
    dispatched: the DuckDB implementation is the one this project runs on; another
    engine adds its own `<adapter>__` version without touching any model.
#}

{# True when `text_expr` is a well-formed JSON document, false otherwise (never an error). #}
{% macro json_is_valid(text_expr) -%}
    {{ return(adapter.dispatch('json_is_valid', 'shopsmart_analytics')(text_expr)) }}
{%- endmacro %}

{% macro default__json_is_valid(text_expr) -%}
    {{ exceptions.raise_compiler_error("json_is_valid is not implemented for adapter " ~ adapter.type()) }}
{%- endmacro %}

{% macro duckdb__json_is_valid(text_expr) -%}
    coalesce(json_valid({{ text_expr }}), false)
{%- endmacro %}


{# The value of top-level `key` of a JSON object as text; null when absent or JSON null. #}
{% macro json_extract_text(json_expr, key) -%}
    {{ return(adapter.dispatch('json_extract_text', 'shopsmart_analytics')(json_expr, key)) }}
{%- endmacro %}

{% macro default__json_extract_text(json_expr, key) -%}
    {{ exceptions.raise_compiler_error("json_extract_text is not implemented for adapter " ~ adapter.type()) }}
{%- endmacro %}

{% macro duckdb__json_extract_text(json_expr, key) -%}
    json_extract_string({{ json_expr }}, '$.{{ key }}')
{%- endmacro %}


{#
    A JSON object as text. `columns` is a list of column names that become both the
    keys and the values, e.g. json_object_text(['order_id', 'status']), or a mapping
    of keys to the expressions of their values, e.g.
    json_object_text({'order_id': 'order_id_raw'}).
#}
{% macro json_object_text(columns) -%}
    {%- set pairs = [] -%}
    {%- for key in columns -%}
        {%- do pairs.append([key, columns[key] if columns is mapping else key]) -%}
    {%- endfor -%}
    {{ return(adapter.dispatch('json_object_text', 'shopsmart_analytics')(pairs)) }}
{%- endmacro %}

{% macro default__json_object_text(pairs) -%}
    {{ exceptions.raise_compiler_error("json_object_text is not implemented for adapter " ~ adapter.type()) }}
{%- endmacro %}

{# pairs: a list of [key, value expression] #}
{% macro duckdb__json_object_text(pairs) -%}
    cast(json_object(
        {%- for key, value in pairs %}
        '{{ key }}', {{ value }}{{ "," if not loop.last }}
        {%- endfor %}
    ) as {{ dbt.type_string() }})
{%- endmacro %}

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


{#
    The values of several top-level keys of a JSON object as text, the document
    parsed once: an expression to select as one column, for a list of `keys`.
    json_extracted_text(column, keys, key) reads the value of one key from that
    column: null when the key is absent or its value is JSON null.
#}
{% macro json_extract_texts(json_expr, keys) -%}
    {{ return(adapter.dispatch('json_extract_texts', 'shopsmart_analytics')(json_expr, keys)) }}
{%- endmacro %}

{% macro default__json_extract_texts(json_expr, keys) -%}
    {{ exceptions.raise_compiler_error("json_extract_texts is not implemented for adapter " ~ adapter.type()) }}
{%- endmacro %}

{% macro duckdb__json_extract_texts(json_expr, keys) -%}
    json_extract_string({{ json_expr }}, [
        {%- for key in keys -%}
            '$.{{ key }}'{{ ", " if not loop.last }}
        {%- endfor -%}
    ])
{%- endmacro %}

{% macro json_extracted_text(column, keys, key) -%}
    {{ return(adapter.dispatch('json_extracted_text', 'shopsmart_analytics')(column, keys, key)) }}
{%- endmacro %}

{% macro default__json_extracted_text(column, keys, key) -%}
    {{ exceptions.raise_compiler_error("json_extracted_text is not implemented for adapter " ~ adapter.type()) }}
{%- endmacro %}

{# DuckDB lists are indexed from 1 #}
{% macro duckdb__json_extracted_text(column, keys, key) -%}
    {{ column }}[{{ keys.index(key) + 1 }}]
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

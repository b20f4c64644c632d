{#
    JSON helpers. JSON functions differ between engines, so each helper is
    dispatched, with a DuckDB and a Spark version that accept the same texts and
    read the same values (tests/python/test_spark_engine.py checks them side by
    side); another engine adds its own `<adapter>__` version without touching any
    model.
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
    Spark's JSON reader is lenient where DuckDB is strict (it stops at the end of
    the first value, so '{"a":1} x' and '{"a":1}]' pass) and strict where DuckDB is
    lenient (trailing commas, NaN and Infinity in any case, which DuckDB accepts).
    So that both accept the same texts, the text is first brought to what Spark reads
    as DuckDB does (spark_json_normalized), then parsed as the first of two elements
    of an array, '[<text>,0]': the document is valid when that array has exactly two
    elements, i.e. nothing was left over after the first value. A lone UTF-16
    surrogate escape ('\ud800') and +Infinity, which DuckDB rejects, are rejected
    too.
#}
{% macro spark__json_is_valid(text_expr) -%}
    coalesce(
        size(from_json(
            concat('[', {{ shopsmart_analytics.spark_json_normalized(text_expr) }}, ',0]'),
            'array<string>',
            {{ shopsmart_analytics.spark_json_options() }}
        )) = 2
        and not {{ text_expr }} rlike '\\\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\\\u[dD][c-fC-F])|(?<!\\\\u[dD][89abAB][0-9a-fA-F]{2})\\\\u[dD][c-fC-F]'
        {#- Spark's reader also takes +INF and +Infinity, which DuckDB does not #}
        and not {{ text_expr }} rlike '(?<=[\\[:,\\s]|^)[+](INF|Infinity)(?=[\\s,\\]}]|$)',
        false
    )
{%- endmacro %}


{#
    Spark: a JSON text as DuckDB reads it: NaN, Inf and Infinity in any case (with or
    without a minus) spelled as Spark's reader knows them (NaN, Infinity), and a
    trailing comma before } or ] dropped. Inside a string value the same rewrite
    changes only the text, never whether it is valid.
#}
{% macro spark_json_normalized(text_expr) -%}
    regexp_replace(
        regexp_replace(
            regexp_replace(
                {{ text_expr }},
                '(?i)(?<=[\\[:,\\s]|^)nan(?=[\\s,\\]}]|$)', 'NaN'
            ),
            '(?i)(?<=[\\[:,\\s]|^)(-?)(infinity|inf)(?=[\\s,\\]}]|$)', '$1Infinity'
        ),
        '([^\\s,\\[{])\\s*,\\s*([\\]}])', '$1$2'
    )
{%- endmacro %}


{#
    Spark: the JSON reader's options, as strict as the JSON standard but for NaN and
    Infinity, which DuckDB accepts (spark_json_normalized spells them as Spark does).
#}
{% macro spark_json_options() -%}
    map(
        'allowSingleQuotes', 'false',
        'allowNonNumericNumbers', 'true',
        'allowNumericLeadingZeros', 'false',
        'allowUnquotedControlChars', 'false',
        'allowBackslashEscapingAnyCharacter', 'false',
        'allowComments', 'false',
        'allowUnquotedFieldNames', 'false'
    )
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

{# Spark: a struct of the keys as strings (a nested object or array as its JSON text). #}
{% macro spark__json_extract_texts(json_expr, keys) -%}
    from_json(
        {{ shopsmart_analytics.spark_json_normalized(json_expr) }},
        'struct<
        {%- for key in keys -%}
            `{{ key }}`: string{{ ", " if not loop.last }}
        {%- endfor -%}
        >',
        {{ shopsmart_analytics.spark_json_options() }}
    )
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

{% macro spark__json_extracted_text(column, keys, key) -%}
    {{ column }}.`{{ key }}`
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

{# Spark's to_json leaves out null fields unless told not to; DuckDB writes "key":null. #}
{% macro spark__json_object_text(pairs) -%}
    to_json(
        named_struct(
            {%- for key, value in pairs %}
            '{{ key }}', {{ value }}{{ "," if not loop.last }}
            {%- endfor %}
        ),
        map('ignoreNullFields', 'false')
    )
{%- endmacro %}

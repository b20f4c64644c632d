{#
    The online_retail source switch and the parsing of its text values.

    The source is read from var('online_retail_path') (env ONLINE_RETAIL_PATH).
    While it is unset or empty, the source, its seed and its models are disabled
    and the build is the ShopSmart one, unchanged.
#}

{# The path of the invoice-line file, trimmed; '' when the source is not selected. #}
{% macro online_retail_path() -%}
    {{ return(var('online_retail_path', env_var('ONLINE_RETAIL_PATH', '')) | string | trim) }}
{%- endmacro %}

{# True when the online_retail source is selected (its path is set). #}
{% macro online_retail_enabled() -%}
    {{ return(shopsmart_analytics.online_retail_path() | length > 0) }}
{%- endmacro %}


{#
    The line number of each row of the file the CTE or relation `relation` reads:
    1 for the first line after the header, in file order. Reading a file, DuckDB
    keeps its rows in file order (preserve_insertion_order, on by default), so the
    same file always gives the same numbers.
#}
{% macro online_retail_line_number() -%}
    {{ return(adapter.dispatch('online_retail_line_number', 'shopsmart_analytics')()) }}
{%- endmacro %}

{% macro default__online_retail_line_number() -%}
    {{ exceptions.raise_compiler_error("online_retail_line_number is not implemented for adapter " ~ adapter.type()) }}
{%- endmacro %}

{% macro duckdb__online_retail_line_number() -%}
    row_number() over ()
{%- endmacro %}

{# Spark: one file read in one task keeps file order, which monotonically_increasing_id follows. #}
{% macro spark__online_retail_line_number() -%}
    row_number() over (order by monotonically_increasing_id())
{%- endmacro %}


{#
    An InvoiceDate as a timestamp (without time zone). Both spellings of the data
    set are read: ISO 'YYYY-MM-DD HH:MM[:SS]' (e.g. '2010-12-01 08:26:00') and
    UCI's US spelling 'M/D/YYYY H:MM[:SS]', month first (e.g. '12/1/2010 8:26').
    Null when the text is empty or in neither spelling.
#}
{% macro online_retail_parse_timestamp(text_expr) -%}
    {{ return(adapter.dispatch('online_retail_parse_timestamp', 'shopsmart_analytics')(text_expr)) }}
{%- endmacro %}

{% macro default__online_retail_parse_timestamp(text_expr) -%}
    {{ exceptions.raise_compiler_error("online_retail_parse_timestamp is not implemented for adapter " ~ adapter.type()) }}
{%- endmacro %}

{% macro duckdb__online_retail_parse_timestamp(text_expr) -%}
    try_strptime(
        trim({{ text_expr }}),
        ['%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%m/%d/%Y %H:%M', '%m/%d/%Y %H:%M:%S']
    )
{%- endmacro %}

{% macro spark__online_retail_parse_timestamp(text_expr) -%}
    coalesce(
        try_to_timestamp(trim({{ text_expr }}), 'yyyy-MM-dd HH:mm:ss'),
        try_to_timestamp(trim({{ text_expr }}), 'yyyy-MM-dd HH:mm'),
        try_to_timestamp(trim({{ text_expr }}), 'M/d/yyyy H:mm'),
        try_to_timestamp(trim({{ text_expr }}), 'M/d/yyyy H:mm:ss')
    )
{%- endmacro %}


{# True when `text_expr` is one or more digits 0-9 and nothing else; false otherwise, null for null. #}
{% macro text_is_digits(text_expr) -%}
    {{ return(adapter.dispatch('text_is_digits', 'shopsmart_analytics')(text_expr)) }}
{%- endmacro %}

{% macro default__text_is_digits(text_expr) -%}
    {{ exceptions.raise_compiler_error("text_is_digits is not implemented for adapter " ~ adapter.type()) }}
{%- endmacro %}

{% macro duckdb__text_is_digits(text_expr) -%}
    regexp_full_match({{ text_expr }}, '[0-9]+')
{%- endmacro %}

{% macro spark__text_is_digits(text_expr) -%}
    {{ text_expr }} rlike '(?s)^[0-9]+(?!.)'
{%- endmacro %}

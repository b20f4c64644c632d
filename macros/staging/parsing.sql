{#
    Parsing of the text values of a source row into typed values. A value that
    is not exactly what its type allows gives null, so that the base model rejects
    the row with a reason; nothing is rounded, widened or guessed. (A plain cast
    would round '2.5' to 3 and read '1e3', '0x10' and '1_000' as 1000, 16 and
    1000.)
#}

{#
    A whole number written as an integer ('17850', '-6', ' 3 ') or with a zero
    fraction ('17850.0', as a float column of a spreadsheet or a Parquet file
    writes it), as a bigint. Null when the text is empty, has a non-zero fraction
    ('6.5'), an exponent, a prefix or separators, or is not a number.
#}
{% macro parse_integer(text_expr) -%}
    {{ return(adapter.dispatch('parse_integer', 'shopsmart_analytics')(text_expr)) }}
{%- endmacro %}

{% macro default__parse_integer(text_expr) -%}
    {{ exceptions.raise_compiler_error("parse_integer is not implemented for adapter " ~ adapter.type()) }}
{%- endmacro %}

{% macro duckdb__parse_integer(text_expr) -%}
    case
        when regexp_full_match(trim({{ text_expr }}), '[+-]?[0-9]+(\.0*)?')
            then try_cast(trim({{ text_expr }}) as bigint)
    end
{%- endmacro %}

{#
    Spark: rlike finds a match anywhere, so the pattern is anchored at both ends
    ((?!.) in (?s) mode: the very end, where $ would also match before a final line
    break); Spark's try_cast
    reads no fraction into a bigint, so the zero fraction is cut off first.
#}
{% macro spark__parse_integer(text_expr) -%}
    case
        when trim({{ text_expr }}) rlike '(?s)^[+-]?[0-9]+([.]0*)?(?!.)'
            then try_cast(regexp_extract(trim({{ text_expr }}), '^[+-]?[0-9]+', 0) as bigint)
    end
{%- endmacro %}


{#
    A plain decimal number ('499.99', '-3', '12.5', ' 7.10 ') with at most `scale`
    decimals that are not trailing zeros ('129.990' is 129.99 exactly), as
    numeric(18, scale). Null when the text is empty, has more decimals than the
    type keeps ('129.999': it would be rounded), thousands separators ('1,234.50'),
    a currency sign ('$499.99'), an exponent, or is not a number.
    decimal_text_shape tells which of these it is.
#}
{% macro parse_decimal(text_expr, scale) -%}
    {{ return(adapter.dispatch('parse_decimal', 'shopsmart_analytics')(text_expr, scale)) }}
{%- endmacro %}

{% macro default__parse_decimal(text_expr, scale) -%}
    {{ exceptions.raise_compiler_error("parse_decimal is not implemented for adapter " ~ adapter.type()) }}
{%- endmacro %}

{% macro duckdb__parse_decimal(text_expr, scale) -%}
    case
        when regexp_full_match(trim({{ text_expr }}), '[+-]?[0-9]+(\.[0-9]{0,{{ scale }}}0*)?')
            then try_cast(trim({{ text_expr }}) as numeric(18, {{ scale }}))
    end
{%- endmacro %}

{% macro spark__parse_decimal(text_expr, scale) -%}
    case
        when trim({{ text_expr }}) rlike '(?s)^[+-]?[0-9]+([.][0-9]{0,{{ scale }}}0*)?(?!.)'
            then try_cast(trim({{ text_expr }}) as numeric(18, {{ scale }}))
    end
{%- endmacro %}


{#
    What kind of number the text is, to name what is wrong with a value that
    parse_decimal rejects: 'empty' (null or only spaces), 'decimal' (a plain
    decimal number, with any number of decimals), 'thousands_separator'
    ('1,234.50'), 'currency_symbol' ('$499.99', '499.99 €'), else 'not_a_number'.
#}
{% macro decimal_text_shape(text_expr) -%}
    {{ return(adapter.dispatch('decimal_text_shape', 'shopsmart_analytics')(text_expr)) }}
{%- endmacro %}

{% macro default__decimal_text_shape(text_expr) -%}
    {{ exceptions.raise_compiler_error("decimal_text_shape is not implemented for adapter " ~ adapter.type()) }}
{%- endmacro %}

{% macro duckdb__decimal_text_shape(text_expr) -%}
    case
        when nullif(trim({{ text_expr }}), '') is null then 'empty'
        when regexp_full_match(trim({{ text_expr }}), '[+-]?[0-9]+(\.[0-9]*)?') then 'decimal'
        when regexp_full_match(trim({{ text_expr }}), '[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]*)?') then 'thousands_separator'
        when regexp_full_match(trim({{ text_expr }}), '[$€£¥]\s*[+-]?[0-9.,]+|[+-]?[0-9.,]+\s*[$€£¥]')
            then 'currency_symbol'
        else 'not_a_number'
    end
{%- endmacro %}

{% macro spark__decimal_text_shape(text_expr) -%}
    case
        when nullif(trim({{ text_expr }}), '') is null then 'empty'
        when trim({{ text_expr }}) rlike '(?s)^[+-]?[0-9]+([.][0-9]*)?(?!.)' then 'decimal'
        when trim({{ text_expr }}) rlike '(?s)^[+-]?[0-9]{1,3}(,[0-9]{3})+([.][0-9]*)?(?!.)' then 'thousands_separator'
        when trim({{ text_expr }}) rlike '(?s)^([$€£¥]\\s*[+-]?[0-9.,]+|[+-]?[0-9.,]+\\s*[$€£¥])(?!.)'
            then 'currency_symbol'
        else 'not_a_number'
    end
{%- endmacro %}


{#
    A timestamp text as a UTC timestamp (without time zone). A text with a UTC
    offset or Z ('2024-03-30 10:00:00+01:00', '2024-03-30T09:00:00Z') is converted
    to UTC by its offset (09:00 for both). A text without one is in the time zone
    of var('shopsmart_time_zone') (default UTC, taken as it is), e.g.
    'Europe/Berlin'. Null when the text is empty or not a timestamp.
#}
{% macro parse_timestamp_utc(text_expr) -%}
    {{ return(adapter.dispatch('parse_timestamp_utc', 'shopsmart_analytics')(text_expr)) }}
{%- endmacro %}

{% macro default__parse_timestamp_utc(text_expr) -%}
    {{ exceptions.raise_compiler_error("parse_timestamp_utc is not implemented for adapter " ~ adapter.type()) }}
{%- endmacro %}

{% macro duckdb__parse_timestamp_utc(text_expr) -%}
    {%- set time_zone = var('shopsmart_time_zone') | string | trim -%}
    {%- set local = 'try_cast(trim(' ~ text_expr ~ ') as timestamp)' -%}
    case
        -- a time followed by Z or an offset (+01, +01:00, +0100)
        when regexp_matches(trim({{ text_expr }}), '[0-9]:[0-9]{2}(:[0-9]{2}(\.[0-9]*)?)?([zZ]|[+-][0-9]{2}(:?[0-9]{2})?)$')
            then timezone('UTC', try_cast(trim({{ text_expr }}) as timestamptz))
        {% if time_zone | upper == 'UTC' -%}
            else {{ local }}
        {%- else -%}
            else timezone('UTC', timezone({{ quoted_text(time_zone) }}, {{ local }}))
        {%- endif %}
    end
{%- endmacro %}

{#
    Spark: its cast reads more than DuckDB's ('2024' and '2024-03' as the first of
    the month, a time without a date), so the text must first have DuckDB's shape:
    a date, then optionally a time (after a space or T) with seconds, fraction and
    offset optional. With the session in UTC (profiles.yml), casting a text with
    an offset gives its UTC time.
#}
{% macro spark__parse_timestamp_utc(text_expr) -%}
    {%- set time_zone = var('shopsmart_time_zone') | string | trim -%}
    {%- set text = 'trim(' ~ text_expr ~ ')' -%}
    {%- set shape = '(?s)^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([T ][0-9]{1,2}:[0-9]{2}(:[0-9]{2}([.][0-9]*)?)?([zZ]|[+-][0-9]{2}(:?[0-9]{2})?)?)?(?!.)' -%}
    case
        when not {{ text }} rlike '{{ shape }}' then null
        when {{ text }} rlike '(?s)[0-9]:[0-9]{2}(:[0-9]{2}([.][0-9]*)?)?([zZ]|[+-][0-9]{2}(:?[0-9]{2})?)(?!.)'
            then try_cast({{ text }} as timestamp)
        {% if time_zone | upper == 'UTC' -%}
            else try_cast({{ text }} as timestamp)
        {%- else -%}
            else to_utc_timestamp(try_cast({{ text }} as timestamp), {{ quoted_text(time_zone) }})
        {%- endif %}
    end
{%- endmacro %}


{# `value` as an SQL text literal: for paths and values from vars and environment variables. #}
{% macro quoted_text(value) -%}
    {{ return(adapter.dispatch('quoted_text', 'shopsmart_analytics')(value)) }}
{%- endmacro %}

{# Standard SQL (DuckDB): single quotes doubled. #}
{% macro default__quoted_text(value) -%}
    '{{ value | string | replace("'", "''") }}'
{%- endmacro %}

{# Spark: a backslash escapes the next character in a text literal. #}
{% macro spark__quoted_text(value) -%}
    '{{ value | string | replace("\\", "\\\\") | replace("'", "\\'") }}'
{%- endmacro %}

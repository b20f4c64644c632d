{#
    A select of one row per calendar month, in a column named date_month (the
    first day of the month, a date), from the month of `first_month_column` to the
    month of `last_month_column` (dates or timestamps, both months included) of the
    one-row relation or CTE `bounds`. No row when the bounds are null. Like
    day_series (dates.sql), the bounds are read at run time.
#}
{% macro month_series(bounds, first_month_column, last_month_column) -%}
    {{ return(adapter.dispatch('month_series', 'shopsmart_analytics')(bounds, first_month_column, last_month_column)) }}
{%- endmacro %}

{% macro default__month_series(bounds, first_month_column, last_month_column) -%}
    {{ exceptions.raise_compiler_error("month_series is not implemented for adapter " ~ adapter.type()) }}
{%- endmacro %}

{% macro duckdb__month_series(bounds, first_month_column, last_month_column) -%}
    select
        cast(unnest(generate_series(
            date_trunc('month', cast({{ first_month_column }} as timestamp)),
            date_trunc('month', cast({{ last_month_column }} as timestamp)),
            interval 1 month
        )) as date) as date_month
    from {{ bounds }}
{%- endmacro %}

{% macro spark__month_series(bounds, first_month_column, last_month_column) -%}
    select
        explode(sequence(
            trunc(cast({{ first_month_column }} as date), 'MM'),
            trunc(cast({{ last_month_column }} as date), 'MM'),
            interval 1 month
        )) as date_month
    from {{ bounds }}
{%- endmacro %}

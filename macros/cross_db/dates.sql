{#
    Calendar helpers for the visit marts. Day-of-week numbering differs between
    engines, so the project uses one convention everywhere: ISO 8601, Monday = 1
    to Sunday = 7. Engine-specific pieces are dispatched, as in json.sql.
#}

{# ISO day of the week of a date or timestamp: 1 (Monday) to 7 (Sunday). #}
{% macro day_of_week_iso(date_expr) -%}
    {{ return(adapter.dispatch('day_of_week_iso', 'shopsmart_analytics')(date_expr)) }}
{%- endmacro %}

{# Postgres, Redshift and DuckDB spell it this way. #}
{% macro default__day_of_week_iso(date_expr) -%}
    extract(isodow from {{ date_expr }})
{%- endmacro %}

{# Spark: weekday() numbers Monday 0 to Sunday 6; a bigint, as DuckDB's extract gives. #}
{% macro spark__day_of_week_iso(date_expr) -%}
    cast(weekday({{ date_expr }}) + 1 as bigint)
{%- endmacro %}


{# English name of an ISO day number (1 = Monday ... 7 = Sunday), as plain SQL. #}
{% macro day_name_iso(day_number_expr) -%}
    {%- set names = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] -%}
    case {{ day_number_expr }}
        {%- for name in names %}
        when {{ loop.index }} then '{{ name }}'
        {%- endfor %}
    end
{%- endmacro %}


{#
    A select of one row per calendar day, in a column named date_day, from
    `first_day_column` to `last_day_column` (both dates, inclusive) of the one-row
    relation or CTE `bounds`. No row when the bounds are null. The bounds are read
    at run time, unlike dbt.date_spine, which queries them while compiling.
#}
{% macro day_series(bounds, first_day_column, last_day_column) -%}
    {{ return(adapter.dispatch('day_series', 'shopsmart_analytics')(bounds, first_day_column, last_day_column)) }}
{%- endmacro %}

{% macro default__day_series(bounds, first_day_column, last_day_column) -%}
    {{ exceptions.raise_compiler_error("day_series is not implemented for adapter " ~ adapter.type()) }}
{%- endmacro %}

{% macro duckdb__day_series(bounds, first_day_column, last_day_column) -%}
    select
        cast(unnest(generate_series(
            cast({{ first_day_column }} as timestamp),
            cast({{ last_day_column }} as timestamp),
            interval 1 day
        )) as date) as date_day
    from {{ bounds }}
{%- endmacro %}

{% macro spark__day_series(bounds, first_day_column, last_day_column) -%}
    select
        explode(sequence(
            cast({{ first_day_column }} as date),
            cast({{ last_day_column }} as date),
            interval 1 day
        )) as date_day
    from {{ bounds }}
{%- endmacro %}


{#
    dbt.datediff on Spark, as DuckDB counts: the number of day, month or millisecond
    boundaries between two dates or timestamps, as a bigint. dbt-spark's own version
    returns an int, and for days and months fails the query on a null date instead of
    giving null. Found through the dispatch search order in dbt_project.yml.
#}
{% macro spark__datediff(first_date, second_date, datepart) -%}
    {%- if datepart == 'day' -%}
        cast(datediff(cast({{ second_date }} as date), cast({{ first_date }} as date)) as bigint)
    {%- elif datepart == 'month' -%}
        cast(
            (year({{ second_date }}) * 12 + month({{ second_date }}))
            - (year({{ first_date }}) * 12 + month({{ first_date }}))
            as bigint
        )
    {%- elif datepart == 'millisecond' -%}
        (unix_millis(cast({{ second_date }} as timestamp)) - unix_millis(cast({{ first_date }} as timestamp)))
    {%- else -%}
        {{ exceptions.raise_compiler_error("datediff by " ~ datepart ~ " is not implemented for Spark in this project") }}
    {%- endif -%}
{%- endmacro %}

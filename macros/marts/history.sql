{#
    The as-of date of the segment history (customer_features_monthly) whose figures
    first include an activity at `timestamp_expr`: the history counts the activity
    before each as-of date (a month end or the analysis date), so a timestamp on day
    t first counts at the month end on or after t + 1 day, and after the last month
    end at the analysis date `analysis_date_expr` (the caller keeps only timestamps
    before it). Summing the activity per customer and as-of date and taking running
    sums gives every as-of date's figures from one pass over the activity.
#}
{% macro history_as_of_date(timestamp_expr, analysis_date_expr) -%}
    {%- set month_end = 'cast(' ~ dbt.last_day(
        dbt.dateadd('day', 1, 'cast(' ~ timestamp_expr ~ ' as date)'), 'month'
    ) ~ ' as date)' -%}
    case
        when {{ month_end }} < {{ analysis_date_expr }} then {{ month_end }}
        else {{ analysis_date_expr }}
    end
{%- endmacro %}

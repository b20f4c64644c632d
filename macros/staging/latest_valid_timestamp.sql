{#
    The latest timestamp a source row may carry: the build time plus
    var('future_timestamp_tolerance_days'). Later rows are rejected as
    future_timestamp. Build time is read once per model run.
#}
{% macro latest_valid_timestamp() -%}
    {{ dbt.dateadd(
        'day',
        var('future_timestamp_tolerance_days'),
        'cast(' ~ dbt.current_timestamp() ~ ' as ' ~ api.Column.translate_type('timestamp') ~ ')'
    ) }}
{%- endmacro %}

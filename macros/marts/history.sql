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


{#
    Each customer's figures as of each date, as customer_features_monthly holds them:
    the running sums, typed, of the activity columns of customer_activity_monthly
    (successful_orders, spend_usd, items, visits, sessions, add_to_cart_events,
    last_purchase_at) in the relation or CTE `activity`, per customer in the order of
    its date column `as_of_date`. The model and its pre-hook compute the figures with
    this one macro, so that the pre-hook's fingerprints hash the same values and types.
#}
{% macro history_running_totals(activity, as_of_date) -%}
    {%- set running = 'over (partition by ' ~ activity ~ '.customer_id order by ' ~ activity ~ '.' ~ as_of_date
        ~ ' rows between unbounded preceding and current row)' -%}
    cast(sum({{ activity }}.successful_orders) {{ running }} as {{ dbt.type_int() }}) as frequency,
    {{ round_money('sum(' ~ activity ~ '.spend_usd) ' ~ running) }} as monetary_usd,
    cast(sum({{ activity }}.items) {{ running }} as {{ dbt.type_int() }}) as total_items,
    cast(sum({{ activity }}.visits) {{ running }} as {{ dbt.type_int() }}) as visits,
    cast(sum({{ activity }}.sessions) {{ running }} as {{ dbt.type_int() }}) as sessions,
    cast(sum({{ activity }}.add_to_cart_events) {{ running }} as {{ dbt.type_int() }}) as add_to_cart_events,
    max({{ activity }}.last_purchase_at) {{ running }} as last_purchase_at
{%- endmacro %}


{#
    Pre-hook of customer_features_monthly (incremental): deletes the rows that its run
    builds again, the analysis date's and every month end from the first whose figures
    changed (or from the analysis date). Each month end's figures are compared as a
    fingerprint: the sum over its customers of a hash of their running totals
    (row_fingerprint), from the rows kept on one side and from customer_activity_monthly
    on the other, where it is summed from the changes of each customer's hash between
    their rows of activity, so that the running totals are computed only at the dates
    with activity. A month end found on one side only has changed, and so has one
    whose rows carry an RFM segment that the seed rfm_segments no longer gives. Two
    different histories have the same fingerprint with a chance of about 1 in 10^19.
#}
{% macro delete_history_to_rebuild() -%}
    {%- if is_incremental() -%}
        {%- set state_columns = [
            'customer_id', 'frequency', 'monetary_usd', 'total_items', 'visits', 'sessions',
            'add_to_cart_events', 'last_purchase_at',
        ] -%}
        {%- set query -%}
            with

            analysis_dates as (

                select analysis_date from {{ ref('int_analysis_dates_resolved') }}

            ),

            running_totals as (

                -- the figures at each month end with activity, as customer_features_monthly computes them
                select
                    activity.customer_id,
                    activity.month_end,
                    {{ history_running_totals('activity', 'month_end') }}

                from {{ ref('customer_activity_monthly') }} as activity

                cross join analysis_dates

                where activity.month_end < analysis_dates.analysis_date

            ),

            states as (

                select
                    customer_id,
                    month_end,
                    cast({{ row_fingerprint(state_columns) }} as numeric(38, 0)) as state

                from running_totals

            ),

            customer_changes as (

                -- a customer's hash counts from their first month end, and changes with their activity
                select
                    month_end,
                    state - coalesce(lag(state) over (partition by customer_id order by month_end), 0) as change

                from states

            ),

            state_changes as (

                select
                    month_end,
                    sum(change) as change

                from customer_changes

                group by month_end

            ),

            built as (

                select
                    month_end,
                    sum(cast({{ row_fingerprint(state_columns) }} as numeric(38, 0))) as fingerprint

                from {{ this }}

                where not is_analysis_date

                group by month_end

            ),

            compared_dates as (

                select month_end from built

                union

                select month_end from state_changes

            ),

            compared as (

                select
                    compared_dates.month_end,
                    built.fingerprint as built_fingerprint,
                    sum(state_changes.change) as fingerprint

                from compared_dates

                left join built
                    on compared_dates.month_end = built.month_end

                left join state_changes
                    on state_changes.month_end <= compared_dates.month_end

                group by
                    compared_dates.month_end,
                    built.fingerprint

            ),

            segments_changed as (

                -- rows kept whose RFM segment the seed rfm_segments no longer gives their scores
                select built.month_end

                from {{ this }} as built

                left join {{ ref('rfm_segments') }} as rfm_segments
                    on
                        built.r_score = rfm_segments.r_score
                        and built.f_score = rfm_segments.f_score

                where
                    not built.is_analysis_date
                    and built.r_score is not null
                    and built.rfm_segment is distinct from rfm_segments.rfm_segment

            ),

            changed_dates as (

                select month_end from compared
                where built_fingerprint is distinct from fingerprint

                union all

                select month_end from segments_changed

            ),

            first_changed as (

                select min(month_end) as month_end

                from changed_dates

            )

            select
                cast(
                    case
                        when first_changed.month_end < analysis_dates.analysis_date then first_changed.month_end
                        else analysis_dates.analysis_date
                    end as {{ dbt.type_string() }}
                ) as rebuild_from

            from first_changed

            cross join analysis_dates
        {%- endset -%}
        {%- set rebuild_from = run_query(query).columns[0].values()[0] -%}
        {{ log(this.identifier ~ ': building the as-of dates from ' ~ rebuild_from ~ ' on', info=true) }}
        delete from {{ this }}
        where
            is_analysis_date
            or month_end >= cast('{{ rebuild_from }}' as date)
    {%- endif -%}
{%- endmacro %}

{#-
    Incremental: the as-of dates whose figures can have changed are built again, the others are kept.
    The pre-hook (macro delete_history_to_rebuild) deletes the analysis date's rows and every month end
    from the first whose figures, computed again from customer_activity_monthly, differ from the rows
    kept; a run then builds the as-of dates after the last month end left, the activity before them
    counted at the first of them. So an export that corrects an old order builds the history again
    from that order's month end on, and a new day of events only the analysis date (and a month end
    that the analysis date moved past).
-#}
{{ config(
    materialized=incremental_unless_spark(),
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ delete_history_to_rebuild() }}",
) }}
{#- Scores run from 1 to this many levels, as in customer_rfm (the seed rfm_segments has one row per (r, f) pair). -#}
{%- set score_levels = 5 -%}

with

activity as (

    select * from {{ ref('customer_activity_monthly') }}

),

analysis_dates as (

    select * from {{ ref('int_analysis_dates_resolved') }}

),

rfm_segments as (

    select * from {{ ref('rfm_segments') }}

),

customers_first_dated as (

    -- the first as-of date at which a customer exists: their first row of customer_activity_monthly
    select
        customer_id,
        min(month_end) as first_as_of_date

    from activity

    group by customer_id

),

history_bounds as (

    select
        analysis_dates.analysis_date,
        min(customers_first_dated.first_as_of_date) as first_as_of_date

    from customers_first_dated

    cross join analysis_dates

    group by analysis_dates.analysis_date

),

history_months as (

    {{ month_series('history_bounds', 'first_as_of_date', 'analysis_date') }}

),

as_of_dates as (

    -- every month end before the analysis date from the month of the first as-of date, then the analysis date
    select
        cast({{ dbt.last_day('history_months.date_month', 'month') }} as date) as as_of_date,
        false as is_analysis_date

    from history_months

    cross join analysis_dates

    where cast({{ dbt.last_day('history_months.date_month', 'month') }} as date) < analysis_dates.analysis_date

    union all

    select
        analysis_date as as_of_date,
        true as is_analysis_date

    from analysis_dates

),

{% if is_incremental() %}
    -- the last month end kept from earlier runs: the pre-hook deleted the as-of dates to build again
    built_dates as (

        select max(month_end) as last_month_end

        from {{ this }}

    ),

    rebuild_from as (

        select min(as_of_dates.as_of_date) as as_of_date

        from as_of_dates

        cross join built_dates

        where built_dates.last_month_end is null or as_of_dates.as_of_date > built_dates.last_month_end

    ),

{% endif %}
dates_to_build as (

    select as_of_dates.as_of_date

    from as_of_dates
    {% if is_incremental() %}
        cross join rebuild_from

        where as_of_dates.as_of_date >= rebuild_from.as_of_date
    {%- endif %}

),

customer_dates as (

    -- the customers who existed at each as-of date: first seen before it; every customer at the analysis date
    select
        customers_first_dated.customer_id,
        dates_to_build.as_of_date

    from customers_first_dated

    inner join dates_to_build
        on customers_first_dated.first_as_of_date <= dates_to_build.as_of_date

),

activity_to_build as (

    {% if is_incremental() -%}
        -- the activity before the first as-of date to build counts at that date, so that the running
        -- totals below start from it
        select
            activity.customer_id,
            case
                when activity.month_end < rebuild_from.as_of_date then rebuild_from.as_of_date
                else activity.month_end
            end as as_of_date,

            sum(activity.successful_orders) as successful_orders,
            sum(activity.spend_usd) as spend_usd,
            sum(activity.items) as items,
            sum(activity.visits) as visits,
            sum(activity.sessions) as sessions,
            sum(activity.add_to_cart_events) as add_to_cart_events,

            max(activity.last_purchase_at) as last_purchase_at

        from activity

        cross join rebuild_from

        group by
            activity.customer_id,
            case
                when activity.month_end < rebuild_from.as_of_date then rebuild_from.as_of_date
                else activity.month_end
            end
    {%- else -%}
        select
            customer_id,
            month_end as as_of_date,

            successful_orders,
            spend_usd,
            items,
            visits,
            sessions,
            add_to_cart_events,

            last_purchase_at

        from activity
    {%- endif %}

),

periods as (

    -- every customer's as-of dates with the activity first counted at each
    select
        customer_dates.customer_id,
        customer_dates.as_of_date,

        coalesce(activity_to_build.successful_orders, 0) as successful_orders,
        coalesce(activity_to_build.spend_usd, 0) as spend_usd,
        coalesce(activity_to_build.items, 0) as items,
        coalesce(activity_to_build.visits, 0) as visits,
        coalesce(activity_to_build.sessions, 0) as sessions,
        coalesce(activity_to_build.add_to_cart_events, 0) as add_to_cart_events,

        activity_to_build.last_purchase_at

    from customer_dates

    left join activity_to_build
        on
            customer_dates.customer_id = activity_to_build.customer_id
            and customer_dates.as_of_date = activity_to_build.as_of_date

),

running_totals as (

    -- each customer's figures as of each date: the running sums of the activity before it
    select
        periods.customer_id,
        periods.as_of_date,

        {{ history_running_totals('periods', 'as_of_date') }}

    from periods

),

customer_totals as (

    select
        running_totals.customer_id,
        running_totals.as_of_date,

        running_totals.frequency,
        running_totals.monetary_usd,
        running_totals.total_items,
        running_totals.visits,
        running_totals.sessions,
        running_totals.add_to_cart_events,
        case
            when running_totals.frequency > 0
                then {{ dbt.datediff(
                    'cast(running_totals.last_purchase_at as date)', 'running_totals.as_of_date', 'day'
                ) }}
        end as recency_days,

        running_totals.last_purchase_at

    from running_totals

),

buyers as (

    select * from customer_totals

    where frequency > 0

),

-- the scores among the customers who had bought by each as-of date, as customer_rfm scores them
{{ rfm_score_ctes('buyers', score_levels, partition_by='as_of_date') }},

final as (

    select
        customer_totals.customer_id,

        case
            when rfm_scored.customer_id is null then 'No purchase'
            else rfm_segments.rfm_segment
        end as rfm_segment,

        cast(customer_totals.recency_days as {{ dbt.type_int() }}) as recency_days,
        customer_totals.frequency,
        customer_totals.monetary_usd,
        customer_totals.total_items,
        customer_totals.visits,
        customer_totals.sessions,
        customer_totals.add_to_cart_events,
        rfm_scored.r_score,
        rfm_scored.f_score,
        rfm_scored.m_score,

        customer_totals.frequency > 0 as has_purchased,
        as_of_dates.is_analysis_date,

        customer_totals.as_of_date as month_end,
        customer_totals.last_purchase_at

    from customer_totals

    inner join as_of_dates
        on customer_totals.as_of_date = as_of_dates.as_of_date

    left join rfm_scored
        on
            customer_totals.customer_id = rfm_scored.customer_id
            and customer_totals.as_of_date = rfm_scored.as_of_date

    left join rfm_segments
        on
            rfm_scored.r_score = rfm_segments.r_score
            and rfm_scored.f_score = rfm_segments.f_score

)

select * from final

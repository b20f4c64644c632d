with

orders as {{ not_materialized() }} (

    select * from {{ ref('orders') }}

),

sessionized_events as {{ not_materialized() }} (

    select * from {{ ref('int_events_sessionized') }}

),

activity as (

    -- each customer at most once per cohort type and month
    select distinct
        customer_id,
        'first_order' as cohort_type,
        cast({{ dbt.date_trunc('month', 'checked_out_at') }} as date) as activity_month

    from orders

    where is_successful

    union all

    select distinct
        customer_id,
        'first_visit' as cohort_type,
        cast({{ dbt.date_trunc('month', 'event_at') }} as date) as activity_month

    from sessionized_events

    where event_type = 'visit'

),

cohort_members as (

    select
        customer_id,
        cohort_type,
        min(activity_month) as cohort_month

    from activity

    group by
        customer_id,
        cohort_type

),

cohort_sizes as (

    select
        cohort_type,
        cohort_month,
        count(*) as cohort_size

    from cohort_members

    group by
        cohort_type,
        cohort_month

),

data_times as (

    select checked_out_at as occurred_at from orders

    union all

    select event_at as occurred_at from sessionized_events

),

data_end as (

    select max(occurred_at) as last_occurred_at

    from data_times

),

cohort_start as (

    select min(cohort_month) as first_cohort_month

    from cohort_members

),

bounds as (

    -- from the first cohort to the last month with any order or event
    select
        cohort_start.first_cohort_month,
        data_end.last_occurred_at

    from cohort_start

    cross join data_end

),

month_spine as (

    {{ month_series('bounds', 'first_cohort_month', 'last_occurred_at') }}

),

cohort_months as (

    select
        cohort_sizes.cohort_type,
        cohort_sizes.cohort_month,
        month_spine.date_month as activity_month,
        cohort_sizes.cohort_size

    from cohort_sizes

    inner join month_spine
        on cohort_sizes.cohort_month <= month_spine.date_month

),

active_counts as (

    select
        cohort_members.cohort_type,
        cohort_members.cohort_month,
        activity.activity_month,
        count(distinct activity.customer_id) as active_customers

    from activity

    inner join cohort_members
        on
            activity.customer_id = cohort_members.customer_id
            and activity.cohort_type = cohort_members.cohort_type

    group by
        cohort_members.cohort_type,
        cohort_members.cohort_month,
        activity.activity_month

),

retention as (

    select
        cohort_months.cohort_type,
        cohort_months.cohort_month,
        cohort_months.activity_month,
        cohort_months.cohort_size,
        coalesce(active_counts.active_customers, 0) as active_customers

    from cohort_months

    left join active_counts
        on
            cohort_months.cohort_type = active_counts.cohort_type
            and cohort_months.cohort_month = active_counts.cohort_month
            and cohort_months.activity_month = active_counts.activity_month

),

final as (

    select
        cohort_type,

        cohort_month,
        activity_month,
        cast(
            {{ dbt.datediff('cohort_month', 'activity_month', 'month') }}
            as integer
        ) as months_since,
        cohort_size,
        active_customers,
        {{ round_decimal('active_customers * 1.0 / cohort_size', 4) }} as retention_rate

    from retention

)

select * from final

with

segment_history as {{ not_materialized() }} (

    select * from {{ ref('customer_segment_history') }}

),

history_dates as (

    select distinct month_end

    from segment_history

),

date_pairs as (

    -- each as-of date with the one before it: consecutive month ends, the last month end and the analysis date
    select
        lag(month_end) over (order by month_end) as previous_month_end,
        month_end

    from history_dates

),

history_pairs as (

    -- every customer at a date with their row at the date before, joined once for both segmentations; a
    -- customer who did not exist then is a new customer, not a transition
    select
        date_pairs.previous_month_end,
        date_pairs.month_end,
        previous_history.customer_id is null as is_new_customer,
        previous_history.segment_name as previous_segment_name,
        current_history.segment_name,
        previous_history.rfm_segment as previous_rfm_segment,
        current_history.rfm_segment

    from date_pairs

    inner join segment_history as current_history
        on date_pairs.month_end = current_history.month_end

    left join segment_history as previous_history
        on
            current_history.customer_id = previous_history.customer_id
            and date_pairs.previous_month_end = previous_history.month_end

    where date_pairs.previous_month_end is not null

),

pair_counts as (

    -- the customers per pair of dates and pair of rows, both segmentations together: few groups
    select
        previous_month_end,
        month_end,
        is_new_customer,
        previous_segment_name,
        segment_name,
        previous_rfm_segment,
        rfm_segment,

        count(*) as customers

    from history_pairs

    group by
        previous_month_end,
        month_end,
        is_new_customer,
        previous_segment_name,
        segment_name,
        previous_rfm_segment,
        rfm_segment

),

moves as (

    -- each segmentation's moves
    select
        'kmeans' as segmentation,
        coalesce(previous_segment_name, 'New customer') as from_segment,
        segment_name as to_segment,
        is_new_customer,
        previous_month_end,
        month_end,
        customers

    from pair_counts

    union all

    select
        'rfm' as segmentation,
        coalesce(previous_rfm_segment, 'New customer') as from_segment,
        rfm_segment as to_segment,
        is_new_customer,
        previous_month_end,
        month_end,
        customers

    from pair_counts

),

transitions as (

    select
        segmentation,
        from_segment,
        to_segment,
        is_new_customer,
        previous_month_end,
        month_end,

        sum(customers) as customers

    from moves

    group by
        segmentation,
        from_segment,
        to_segment,
        is_new_customer,
        previous_month_end,
        month_end

),

from_totals as (

    select
        *,
        case
            when not is_new_customer
                then sum(customers) over (partition by segmentation, month_end, from_segment)
        end as from_segment_customers

    from transitions

),

final as (

    select
        cast(segmentation as {{ dbt.type_string() }}) as segmentation,

        cast(previous_month_end as date) as previous_month_end,
        cast(month_end as date) as month_end,

        cast(from_segment as {{ dbt.type_string() }}) as from_segment,
        cast(to_segment as {{ dbt.type_string() }}) as to_segment,

        cast(customers as {{ dbt.type_bigint() }}) as customers,
        cast(from_segment_customers as {{ dbt.type_bigint() }}) as from_segment_customers,
        cast(customers as double) / from_segment_customers as share_of_from_segment

    from from_totals

)

select * from final

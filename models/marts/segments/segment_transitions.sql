with

segment_history as (

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

memberships as (

    -- each customer's segment at each date, in both segmentations
    select
        'kmeans' as segmentation,
        customer_id,
        segment_name as segment,
        month_end

    from segment_history

    union all

    select
        'rfm' as segmentation,
        customer_id,
        rfm_segment as segment,
        month_end

    from segment_history

),

moves as (

    -- every customer at a date with their segment at the date before; a customer who did not exist
    -- then is a new customer, not a transition
    select
        current_memberships.segmentation,
        coalesce(previous_memberships.segment, 'New customer') as from_segment,
        current_memberships.segment as to_segment,
        previous_memberships.customer_id is null as is_new_customer,
        date_pairs.previous_month_end,
        date_pairs.month_end

    from date_pairs

    inner join memberships as current_memberships
        on date_pairs.month_end = current_memberships.month_end

    left join memberships as previous_memberships
        on
            current_memberships.segmentation = previous_memberships.segmentation
            and current_memberships.customer_id = previous_memberships.customer_id
            and date_pairs.previous_month_end = previous_memberships.month_end

    where date_pairs.previous_month_end is not null

),

transitions as (

    select
        segmentation,
        from_segment,
        to_segment,
        is_new_customer,
        previous_month_end,
        month_end,

        count(*) as customers

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

{#- Scores run from 1 to this many levels (quintiles); the seed rfm_segments has one row per (r, f) pair. -#}
{%- set score_levels = 5 -%}

with

customers as (

    select * from {{ ref('customers') }}

),

orders as {{ not_materialized() }} (

    select * from {{ ref('orders') }}

),

analysis_dates as (

    select * from {{ ref('int_analysis_dates_resolved') }}

),

rfm_segments as (

    select * from {{ ref('rfm_segments') }}

),

successful_orders as (

    -- orders as of the analysis date: checked out before it
    select
        orders.customer_id,
        orders.total_amount_usd,
        orders.total_amount_usd_uncapped,
        orders.checked_out_at

    from orders

    cross join analysis_dates

    where
        orders.is_successful
        and orders.checked_out_at < cast(analysis_dates.analysis_date as {{ dbt.type_timestamp() }})

),

cancellation_summary as (

    -- cancelled orders as of the analysis date, reported beside the purchases
    select
        orders.customer_id,

        count(*) as cancelled_orders,
        sum(orders.total_amount_usd) as cancelled_value_usd

    from orders

    cross join analysis_dates

    where
        orders.status = 'cancelled'
        and orders.checked_out_at < cast(analysis_dates.analysis_date as {{ dbt.type_timestamp() }})

    group by orders.customer_id

),

purchase_summary as (

    select
        customer_id,

        count(*) as frequency,
        sum(total_amount_usd) as monetary_usd,
        sum(total_amount_usd_uncapped) as monetary_usd_uncapped,

        min(checked_out_at) as first_purchase_at,
        max(checked_out_at) as last_purchase_at

    from successful_orders

    group by customer_id

),

buyers as (

    select
        purchase_summary.*,
        {{ dbt.datediff(
            'cast(purchase_summary.last_purchase_at as date)',
            'analysis_dates.analysis_date',
            'day'
        ) }} as recency_days

    from purchase_summary

    cross join analysis_dates

),

-- the scores 1 to score_levels among the buyers (rfm_scored); tied values share the
-- score of their group's middle position, so a tie of every buyer scores the middle level (3)
{{ rfm_score_ctes('buyers', score_levels) }},

joined as (

    select
        customers.customer_id,

        rfm_segments.rfm_segment,
        rfm_segments.segment_description,

        buyers.recency_days,
        coalesce(buyers.frequency, 0) as frequency,
        coalesce(buyers.monetary_usd, 0) as monetary_usd,
        coalesce(buyers.monetary_usd_uncapped, 0) as monetary_usd_uncapped,
        coalesce(cancellation_summary.cancelled_orders, 0) as cancelled_orders,
        coalesce(cancellation_summary.cancelled_value_usd, 0) as cancelled_value_usd,
        rfm_scored.r_score,
        rfm_scored.f_score,
        rfm_scored.m_score,

        buyers.customer_id is not null as has_purchased,

        analysis_dates.analysis_date,
        buyers.first_purchase_at,
        buyers.last_purchase_at

    from customers

    cross join analysis_dates

    left join buyers
        on customers.customer_id = buyers.customer_id

    left join rfm_scored
        on customers.customer_id = rfm_scored.customer_id

    left join cancellation_summary
        on customers.customer_id = cancellation_summary.customer_id

    left join rfm_segments
        on
            rfm_scored.r_score = rfm_segments.r_score
            and rfm_scored.f_score = rfm_segments.f_score

),

final as (

    select
        customer_id,

        -- a customer without a successful order has no scores and a segment of their own
        case
            when has_purchased then rfm_segment
            else 'No purchase'
        end as rfm_segment,
        case
            when has_purchased then segment_description
            else 'No successful order before the analysis date.'
        end as segment_description,
        {{ dbt.concat([
            'cast(r_score as ' ~ dbt.type_string() ~ ')',
            'cast(f_score as ' ~ dbt.type_string() ~ ')',
            'cast(m_score as ' ~ dbt.type_string() ~ ')'
        ]) }} as rfm_score,

        cast(recency_days as {{ dbt.type_int() }}) as recency_days,
        cast(frequency as {{ dbt.type_int() }}) as frequency,
        {{ round_money('monetary_usd') }} as monetary_usd,
        {{ round_money('monetary_usd_uncapped') }} as monetary_usd_uncapped,
        cast(cancelled_orders as {{ dbt.type_int() }}) as cancelled_orders,
        {{ round_money('cancelled_value_usd') }} as cancelled_value_usd,
        -- purchases minus cancellations; the scores rank the purchases alone
        {{ round_money('monetary_usd - cancelled_value_usd') }} as net_monetary_usd,
        r_score,
        f_score,
        m_score,
        r_score + f_score + m_score as rfm_score_total,

        has_purchased,

        analysis_date,
        first_purchase_at,
        last_purchase_at

    from joined

)

select * from final

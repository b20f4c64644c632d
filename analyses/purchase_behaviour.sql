-- How do customers buy, segment by segment, and where should marketing act?
-- One row per RFM segment (customer_rfm, seed rfm_segments) with its size, its share
-- of revenue, how recently, how often and how much its customers buy, whether their
-- monthly spend is growing or shrinking, how often their orders fail or are cancelled
-- and how often they visit, beside the segment's suggested marketing action (seed
-- rfm_segments). Read it top down: the segments that hold the revenue first.
--   * Revenue concentration: compare share_of_revenue with share_of_customers; the
--     segments far above their head count (Champions, Loyal) are the ones to keep.
--   * Rescue: At Risk and Can't Lose customers bought often; a falling
--     mean_spend_trend_usd_per_month and a long mean_recency_days say how urgent a
--     win-back is, and their share_of_revenue how much it is worth.
--   * Conversion: New and Promising customers have bought once; a second order is the
--     step that moves them to Potential Loyalist.
--   * No purchase: customers who never completed an order; their visits and carts
--     (mean_visits_per_week, mean_add_to_cart_events) show whether they browse, and
--     unsuccessful_order_share (customers with a failed or cancelled order) how many
--     tried to buy and were stopped at checkout: a payment or stock problem to fix
--     rather than a lack of interest.

with

customer_features as (

    select * from {{ ref('customer_features') }}

),

rfm_segments as (

    select * from {{ ref('rfm_segments') }}

),

segment_actions as (

    select distinct
        rfm_segment,
        segment_description,
        marketing_action

    from rfm_segments

),

segment_summary as (

    select
        rfm_segment,

        count(*) as customers,
        sum(monetary_usd) as revenue_usd,
        sum(frequency) as successful_orders,
        sum(orders) as orders,
        avg(recency_days) as mean_recency_days,
        avg(frequency) as mean_frequency,
        avg(monetary_usd) as mean_monetary_usd,
        avg(monthly_spend_usd) as mean_monthly_spend_usd,
        avg(spend_trend_usd_per_month) as mean_spend_trend_usd_per_month,
        -- among customers with a trend (two calendar months of history or more)
        avg(
            case
                when spend_trend_usd_per_month < 0 then 1.0
                when spend_trend_usd_per_month >= 0 then 0.0
            end
        ) as declining_share,
        avg(
            case when cancellation_rate + failure_rate > 0 then 1.0 else 0.0 end
        ) as unsuccessful_order_share,
        avg(cancellation_rate) as mean_cancellation_rate,
        avg(failure_rate) as mean_failure_rate,
        avg(visits_per_week) as mean_visits_per_week,
        avg(add_to_cart_events) as mean_add_to_cart_events

    from customer_features

    group by rfm_segment

),

totals as (

    select
        sum(customers) as all_customers,
        sum(revenue_usd) as all_revenue_usd

    from segment_summary

),

final as (

    select
        segment_summary.rfm_segment,
        segment_actions.segment_description,
        segment_actions.marketing_action,

        segment_summary.customers,
        round(segment_summary.customers * 1.0 / totals.all_customers, 4) as share_of_customers,
        {{ round_money('segment_summary.revenue_usd') }} as revenue_usd,
        round(segment_summary.revenue_usd * 1.0 / nullif(totals.all_revenue_usd, 0), 4) as share_of_revenue,
        {{ round_money('segment_summary.revenue_usd / nullif(segment_summary.successful_orders, 0)') }}
            as average_order_value_usd,
        round(segment_summary.mean_recency_days, 1) as mean_recency_days,
        round(segment_summary.mean_frequency, 2) as mean_frequency,
        {{ round_money('segment_summary.mean_monetary_usd') }} as mean_monetary_usd,
        {{ round_money('segment_summary.mean_monthly_spend_usd') }} as mean_monthly_spend_usd,
        round(segment_summary.mean_spend_trend_usd_per_month, 2) as mean_spend_trend_usd_per_month,
        round(segment_summary.declining_share, 4) as declining_share,
        round(segment_summary.unsuccessful_order_share, 4) as unsuccessful_order_share,
        round(segment_summary.mean_cancellation_rate, 4) as mean_cancellation_rate,
        round(segment_summary.mean_failure_rate, 4) as mean_failure_rate,
        round(segment_summary.mean_visits_per_week, 2) as mean_visits_per_week,
        round(segment_summary.mean_add_to_cart_events, 2) as mean_add_to_cart_events

    from segment_summary

    cross join totals

    left join segment_actions
        on segment_summary.rfm_segment = segment_actions.rfm_segment

)

select * from final
order by revenue_usd desc, customers desc

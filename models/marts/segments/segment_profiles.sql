with

customer_segments as (

    select * from {{ ref('customer_segments') }}

),

customers as (

    select * from {{ ref('customers') }}

),

customer_features as (

    select * from {{ ref('customer_features') }}

),

customer_lifetime_value as (

    select * from {{ ref('customer_lifetime_value') }}

),

order_items as (

    select * from {{ ref('order_items') }}

),

analysis_dates as (

    select * from {{ ref('int_analysis_dates_resolved') }}

),

segment_actions as (

    select * from {{ ref('segment_actions') }}

),

segmented_customers as (

    select
        customer_segments.customer_id,
        customer_segments.segment_id,

        customer_segments.segment_name,
        customer_segments.segment_archetype,
        customers.location,

        customer_features.recency_days,
        customer_features.frequency,
        customer_features.monetary_usd,
        customer_features.average_order_value_usd,
        customer_features.total_items,
        customer_features.cancellation_rate,
        customer_features.visits,
        customer_features.add_to_cart_events,
        customer_features.r_score,
        customer_features.f_score,
        customer_features.m_score,
        customer_lifetime_value.lifetime_value_usd,
        customer_lifetime_value.probability_active,

        customer_features.has_purchased

    from customer_segments

    inner join customers
        on customer_segments.customer_id = customers.customer_id

    inner join customer_features
        on customer_segments.customer_id = customer_features.customer_id

    left join customer_lifetime_value
        on customer_segments.customer_id = customer_lifetime_value.customer_id

),

segment_summary as (

    select
        segment_id,

        min(segment_name) as segment_name,
        min(segment_archetype) as segment_archetype,

        count(*) as customers,
        count(case when has_purchased then 1 end) as buyers,
        sum(monetary_usd) as revenue_usd,
        avg(recency_days) as mean_recency_days,
        avg(frequency) as mean_frequency,
        avg(monetary_usd) as mean_monetary_usd,
        avg(average_order_value_usd) as mean_average_order_value_usd,
        avg(total_items) as mean_total_items,
        avg(cancellation_rate) as mean_cancellation_rate,
        avg(visits) as mean_visits,
        avg(add_to_cart_events) as mean_add_to_cart_events,
        avg(r_score) as mean_r_score,
        avg(f_score) as mean_f_score,
        avg(m_score) as mean_m_score,
        sum(lifetime_value_usd) as lifetime_value_usd,
        avg(lifetime_value_usd) as mean_lifetime_value_usd,
        avg(probability_active) as mean_probability_active

    from segmented_customers

    group by segment_id

),

overall as (

    select
        sum(customers) as customers,
        sum(revenue_usd) as revenue_usd,
        sum(lifetime_value_usd) as lifetime_value_usd

    from segment_summary

),

country_counts as (

    select
        segment_id,
        location,
        -- most customers first; a tie goes to the country name first in alphabetical order
        cast(row_number() over (
            partition by segment_id
            order by count(*) desc, location asc
        ) as bigint) as customer_rank

    from segmented_customers

    where location is not null

    group by
        segment_id,
        location

),

category_revenue as (

    -- successful order lines before the analysis date, the orders customer_features counts
    select
        segmented_customers.segment_id,
        order_items.category,

        sum(order_items.line_total_usd) as revenue_usd

    from order_items

    inner join segmented_customers
        on order_items.customer_id = segmented_customers.customer_id

    cross join analysis_dates

    where
        order_items.is_successful_order
        and order_items.category is not null
        and order_items.checked_out_at < cast(analysis_dates.analysis_date as {{ dbt.type_timestamp() }})

    group by
        segmented_customers.segment_id,
        order_items.category

),

ranked_categories as (

    select
        *,
        -- most revenue first; a tie goes to the category first in alphabetical order
        cast(row_number() over (
            partition by segment_id
            order by revenue_usd desc, category asc
        ) as bigint) as revenue_rank

    from category_revenue

),

final as (

    select
        segment_summary.segment_id,

        segment_summary.segment_name,
        segment_summary.segment_archetype,
        country_counts.location as top_country,
        ranked_categories.category as top_category,
        segment_actions.marketing_goal,
        segment_actions.recommended_action,
        segment_actions.channel,

        segment_summary.customers,
        segment_summary.buyers,
        {{ ratio('segment_summary.customers', 'overall.customers') }} as customer_share,
        {{ round_money('segment_summary.revenue_usd') }} as revenue_usd,
        {{ ratio('segment_summary.revenue_usd', 'overall.revenue_usd') }} as revenue_share,
        {{ round_decimal('segment_summary.mean_recency_days', 1) }} as mean_recency_days,
        {{ round_decimal('segment_summary.mean_frequency', 2) }} as mean_frequency,
        {{ round_decimal('segment_summary.mean_monetary_usd', 2) }} as mean_monetary_usd,
        {{ round_decimal('segment_summary.mean_average_order_value_usd', 2) }} as mean_average_order_value_usd,
        {{ round_decimal('segment_summary.mean_total_items', 2) }} as mean_total_items,
        {{ round_decimal('segment_summary.mean_cancellation_rate', 4) }} as mean_cancellation_rate,
        {{ round_decimal('segment_summary.mean_visits', 2) }} as mean_visits,
        {{ round_decimal('segment_summary.mean_add_to_cart_events', 2) }} as mean_add_to_cart_events,
        {{ round_decimal('segment_summary.mean_r_score', 2) }} as mean_r_score,
        {{ round_decimal('segment_summary.mean_f_score', 2) }} as mean_f_score,
        {{ round_decimal('segment_summary.mean_m_score', 2) }} as mean_m_score,
        {{ round_money('segment_summary.lifetime_value_usd') }} as lifetime_value_usd,
        {{ ratio('segment_summary.lifetime_value_usd', 'overall.lifetime_value_usd') }} as lifetime_value_share,
        {{ round_decimal('segment_summary.mean_lifetime_value_usd', 2) }} as mean_lifetime_value_usd,
        round(segment_summary.mean_probability_active, 4) as mean_probability_active

    from segment_summary

    cross join overall

    left join country_counts
        on
            segment_summary.segment_id = country_counts.segment_id
            and country_counts.customer_rank = 1

    left join ranked_categories
        on
            segment_summary.segment_id = ranked_categories.segment_id
            and ranked_categories.revenue_rank = 1

    left join segment_actions
        on segment_summary.segment_archetype = segment_actions.segment_archetype

)

select * from final

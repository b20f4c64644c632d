with

customers as (

    select * from {{ ref('int_customers_conformed') }}

),

country_regions as (

    select * from {{ ref('country_regions') }}

),

orders as (

    select * from {{ ref('orders') }}

),

events as (

    select * from {{ ref('int_events_conformed') }}

),

order_summary as (

    select
        customer_id,

        cast(sum(case when is_successful then units else 0 end) as {{ dbt.type_bigint() }}) as items_bought,
        {{ order_outcome_aggregates() }},
        -- in the customer's currency, the sum of the orders' totals (each exact to the cent)
        sum(case when is_successful then total_amount_local else 0 end) as revenue_local,
        sum(case when status = 'cancelled' then total_amount_local else 0 end) as cancelled_value_local,
        sum(case when status = 'cancelled' then total_amount_usd else 0 end) as cancelled_value_usd,

        min(checked_out_at) as first_order_at,
        max(checked_out_at) as last_order_at

    from orders

    group by customer_id

),

visit_summary as (

    select
        customer_id,
        min(event_at) as first_visit_at,
        max(event_at) as last_visit_at

    from events

    where event_type = 'visit'

    group by customer_id

),

final as (

    select
        customers.customer_id,
        customers.device_id,

        customers.location,
        country_regions.iso_alpha2 as country_iso_alpha2,
        country_regions.iso_alpha3 as country_iso_alpha3,
        country_regions.region,
        country_regions.continent,
        customers.currency,

        coalesce(order_summary.orders, 0) as orders,
        coalesce(order_summary.successful_orders, 0) as successful_orders,
        coalesce(order_summary.failed_orders, 0) as failed_orders,
        coalesce(order_summary.cancelled_orders, 0) as cancelled_orders,
        coalesce(order_summary.items_bought, 0) as items_bought,
        {{ round_money('coalesce(order_summary.revenue_usd, 0)') }} as lifetime_revenue_usd,
        {{ round_money('coalesce(order_summary.revenue_usd_uncapped, 0)') }} as lifetime_revenue_usd_uncapped,
        {{ round_money('coalesce(order_summary.revenue_local, 0)') }} as lifetime_revenue_local,
        {{ round_money('coalesce(order_summary.cancelled_value_local, 0)') }} as cancelled_order_value_local,
        {{ round_money('coalesce(order_summary.cancelled_value_usd, 0)') }} as cancelled_order_value_usd,
        -- purchase revenue minus the value of cancelled orders
        {{ round_money('coalesce(order_summary.revenue_local, 0) - coalesce(order_summary.cancelled_value_local, 0)') }}
            as net_revenue_local,
        {{ round_money('coalesce(order_summary.revenue_usd, 0) - coalesce(order_summary.cancelled_value_usd, 0)') }}
            as net_revenue_usd,

        coalesce(order_summary.successful_orders, 0) > 0 as is_buyer,

        visit_summary.first_visit_at,
        visit_summary.last_visit_at,
        order_summary.first_order_at,
        order_summary.last_order_at

    from customers

    left join country_regions
        on customers.location = country_regions.country_name

    left join order_summary
        on customers.customer_id = order_summary.customer_id

    left join visit_summary
        on customers.customer_id = visit_summary.customer_id

)

select * from final

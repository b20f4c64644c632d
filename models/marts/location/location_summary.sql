with

placed_customers as (

    select * from {{ ref('int_customers_located') }}

),

customers as (

    select * from {{ ref('customers') }}

),

order_items as {{ not_materialized() }} (

    select * from {{ ref('order_items') }}

),

located_customers as (

    -- each customer's place in the location hierarchy with their order counts,
    -- revenue and visitor / buyer flags
    select
        placed_customers.customer_id,
        placed_customers.country,
        placed_customers.region,

        customers.orders,
        customers.successful_orders,
        customers.failed_orders,
        customers.cancelled_orders,
        customers.lifetime_revenue_usd,
        customers.lifetime_revenue_usd_uncapped,

        customers.first_visit_at is not null as is_visitor,
        customers.is_buyer

    from placed_customers

    inner join customers
        on placed_customers.customer_id = customers.customer_id

),

customer_locations as (

    -- every customer once per location level
    select
        customer_id,
        'country' as location_level,
        country as location_name

    from located_customers

    union all

    select
        customer_id,
        'region' as location_level,
        region as location_name

    from located_customers

),

location_totals as (

    select
        customer_locations.location_level,
        customer_locations.location_name,

        count(*) as customers,
        count(case when located_customers.is_visitor then 1 end) as visitors,
        count(case when located_customers.is_buyer then 1 end) as buyers,
        count(case when located_customers.is_visitor and located_customers.is_buyer then 1 end) as visiting_buyers,
        sum(located_customers.orders) as orders,
        sum(located_customers.successful_orders) as successful_orders,
        sum(located_customers.failed_orders) as failed_orders,
        sum(located_customers.cancelled_orders) as cancelled_orders,
        sum(located_customers.lifetime_revenue_usd) as revenue_usd,
        sum(located_customers.lifetime_revenue_usd_uncapped) as revenue_usd_uncapped

    from customer_locations

    inner join located_customers
        on customer_locations.customer_id = located_customers.customer_id

    group by
        customer_locations.location_level,
        customer_locations.location_name

),

overall_totals as (

    -- the whole shop, the benchmark of the location indexes
    select
        'all' as location_level,
        'All locations' as location_name,

        count(*) as customers,
        count(case when is_visitor then 1 end) as visitors,
        count(case when is_buyer then 1 end) as buyers,
        count(case when is_visitor and is_buyer then 1 end) as visiting_buyers,
        sum(orders) as orders,
        sum(successful_orders) as successful_orders,
        sum(failed_orders) as failed_orders,
        sum(cancelled_orders) as cancelled_orders,
        sum(lifetime_revenue_usd) as revenue_usd,
        sum(lifetime_revenue_usd_uncapped) as revenue_usd_uncapped

    from located_customers

),

all_totals as (

    select * from location_totals

    union all

    select * from overall_totals

),

measured as (

    select
        *,
        visiting_buyers * 1.0 / nullif(visitors, 0) as visit_to_purchase_rate,
        revenue_usd / nullif(successful_orders, 0) as average_order_value_usd,
        revenue_usd / nullif(customers, 0) as revenue_per_customer_usd,
        cancelled_orders * 1.0 / nullif(orders, 0) as cancellation_rate,
        failed_orders * 1.0 / nullif(orders, 0) as failure_rate

    from all_totals

),

product_revenue as (

    select
        customer_locations.location_level,
        customer_locations.location_name,
        order_items.product_id,
        order_items.product_name,

        sum(order_items.line_total_usd) as revenue_usd

    from order_items

    inner join customer_locations
        on order_items.customer_id = customer_locations.customer_id

    where order_items.is_successful_order

    group by
        customer_locations.location_level,
        customer_locations.location_name,
        order_items.product_id,
        order_items.product_name

),

ranked_products as (

    select
        *,
        -- most revenue first; a tie goes to the lowest product id
        cast(row_number() over (
            partition by location_level, location_name
            order by revenue_usd desc, product_id asc
        ) as bigint) as revenue_rank

    from product_revenue

),

category_revenue as (

    select
        customer_locations.location_level,
        customer_locations.location_name,
        order_items.category,

        sum(order_items.line_total_usd) as revenue_usd

    from order_items

    inner join customer_locations
        on order_items.customer_id = customer_locations.customer_id

    where
        order_items.is_successful_order
        and order_items.category is not null

    group by
        customer_locations.location_level,
        customer_locations.location_name,
        order_items.category

),

ranked_categories as (

    select
        *,
        -- most revenue first; a tie goes to the category first in alphabetical order
        cast(row_number() over (
            partition by location_level, location_name
            order by revenue_usd desc, category asc
        ) as bigint) as revenue_rank

    from category_revenue

),

final as (

    select
        locations.location_level,
        locations.location_name,
        ranked_products.product_id as top_product_id,

        ranked_products.product_name as top_product_name,
        ranked_categories.category as top_category,

        locations.customers,
        locations.visitors,
        locations.buyers,
        cast(locations.orders as {{ dbt.type_bigint() }}) as orders,
        cast(locations.successful_orders as {{ dbt.type_bigint() }}) as successful_orders,
        cast(locations.failed_orders as {{ dbt.type_bigint() }}) as failed_orders,
        cast(locations.cancelled_orders as {{ dbt.type_bigint() }}) as cancelled_orders,
        {{ round_money('locations.revenue_usd') }} as revenue_usd,
        {{ round_money('locations.revenue_usd_uncapped') }} as revenue_usd_uncapped,
        {{ divide_money('locations.revenue_usd', 'locations.successful_orders') }} as average_order_value_usd,
        {{ divide_money('locations.revenue_usd', 'locations.customers') }} as revenue_per_customer_usd,
        {{ round_decimal('locations.visit_to_purchase_rate', 4) }} as visit_to_purchase_rate,
        {{ round_decimal('locations.cancellation_rate', 4) }} as cancellation_rate,
        {{ round_decimal('locations.failure_rate', 4) }} as failure_rate,
        {{ ratio('locations.customers', 'overall.customers') }} as customer_share,
        {{ ratio('locations.revenue_usd', 'overall.revenue_usd') }} as revenue_share,
        {{ round_money('ranked_products.revenue_usd') }} as top_product_revenue_usd,
        {{ round_money('ranked_categories.revenue_usd') }} as top_category_revenue_usd,

        -- indexes: the location's figure against the whole shop's, 100 = the shop's figure
        {{ ratio('100.0 * locations.visit_to_purchase_rate', 'overall.visit_to_purchase_rate', 1) }}
            as visit_to_purchase_rate_index,
        {{ ratio('100.0 * locations.average_order_value_usd', 'overall.average_order_value_usd', 1) }}
            as average_order_value_index,
        {{ ratio('100.0 * locations.revenue_per_customer_usd', 'overall.revenue_per_customer_usd', 1) }}
            as revenue_per_customer_index,
        {{ ratio('100.0 * locations.cancellation_rate', 'overall.cancellation_rate', 1) }}
            as cancellation_rate_index,
        {{ ratio('100.0 * locations.failure_rate', 'overall.failure_rate', 1) }}
            as failure_rate_index

    from measured as locations

    cross join measured as overall

    left join ranked_products
        on
            locations.location_level = ranked_products.location_level
            and locations.location_name = ranked_products.location_name
            and ranked_products.revenue_rank = 1

    left join ranked_categories
        on
            locations.location_level = ranked_categories.location_level
            and locations.location_name = ranked_categories.location_name
            and ranked_categories.revenue_rank = 1

    where
        locations.location_level != 'all'
        and overall.location_level = 'all'

)

select * from final

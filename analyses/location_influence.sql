-- Where are the customers, and how does location shape what they buy?
-- One row per region and product category: where the region stands in the customer
-- base (share of customers, conversion and revenue per customer against the shop,
-- 100 = the shop's figure), then the category's share of the region's revenue beside
-- its share of the shop's revenue, and a category affinity index (100 = the region
-- buys the category in the shop's proportion, above 100 = more than the shop).
-- Revenue: successful order lines in US dollars, capped prices.

with

regions as (

    select * from {{ ref('location_summary_by_region') }}

),

located_customers as (

    select * from {{ ref('int_customers_located') }}

),

order_items as (

    select * from {{ ref('order_items') }}

),

category_lines as (

    select
        located_customers.region,
        order_items.category,
        order_items.line_total_usd,
        order_items.quantity

    from order_items

    inner join located_customers
        on order_items.customer_id = located_customers.customer_id

    where
        order_items.is_successful_order
        and order_items.category is not null

),

region_categories as (

    select
        region,
        category,

        sum(line_total_usd) as revenue_usd,
        sum(quantity) as units

    from category_lines

    group by
        region,
        category

),

shares as (

    select
        region,
        category,

        revenue_usd,
        units,
        revenue_usd / sum(revenue_usd) over (partition by region) as region_revenue_share,
        sum(revenue_usd) over (partition by category)
        / sum(revenue_usd) over () as shop_revenue_share

    from region_categories

),

final as (

    select
        regions.region,
        regions.continent,
        shares.category,

        regions.customers,
        regions.customer_share,
        regions.visit_to_purchase_rate_index,
        regions.revenue_per_customer_index,
        shares.units,
        {{ round_money('shares.revenue_usd') }} as revenue_usd,
        round(shares.region_revenue_share, 4) as region_revenue_share,
        round(shares.shop_revenue_share, 4) as shop_revenue_share,
        round(100.0 * shares.region_revenue_share / nullif(shares.shop_revenue_share, 0), 1)
            as category_affinity_index

    from regions

    inner join shares
        on regions.region = shares.region

)

select * from final
order by
    customer_share desc,
    region asc,
    category_affinity_index desc,
    category asc

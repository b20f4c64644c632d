with

locations as (

    select * from {{ ref('location_summary') }}

),

located_customers as (

    select * from {{ ref('int_customers_located') }}

),

countries as (

    select distinct
        country,
        country_iso_alpha2,
        country_iso_alpha3,
        region,
        continent,
        is_known_location

    from located_customers

),

final as (

    select
        locations.top_product_id,

        countries.country,
        countries.country_iso_alpha2,
        countries.country_iso_alpha3,
        countries.region,
        countries.continent,
        locations.top_product_name,
        locations.top_category,

        locations.customers,
        locations.visitors,
        locations.buyers,
        locations.orders,
        locations.successful_orders,
        locations.failed_orders,
        locations.cancelled_orders,
        locations.revenue_usd,
        locations.revenue_usd_uncapped,
        locations.average_order_value_usd,
        locations.revenue_per_customer_usd,
        locations.visit_to_purchase_rate,
        locations.cancellation_rate,
        locations.failure_rate,
        locations.customer_share,
        locations.revenue_share,
        locations.top_product_revenue_usd,
        locations.top_category_revenue_usd,
        locations.visit_to_purchase_rate_index,
        locations.average_order_value_index,
        locations.revenue_per_customer_index,
        locations.cancellation_rate_index,
        locations.failure_rate_index,

        countries.is_known_location

    from locations

    inner join countries
        on locations.location_name = countries.country

    where locations.location_level = 'country'

)

select * from final

with

line_items as (

    select * from {{ ref('stg_shopsmart__line_items') }}

),

orders as (

    select * from {{ ref('stg_shopsmart__orders') }}

),

customers as (

    select * from {{ ref('stg_shopsmart__customers') }}

),

products as (

    select * from {{ ref('stg_shopsmart__products') }}

),

product_categories as (

    select * from {{ ref('product_categories') }}

),

currency_rates as (

    select * from {{ ref('currency_rates') }}

),

price_cap as (

    -- the cap applied to outlier prices: var('price_outlier_factor') times the median
    -- price of the accepted products, the threshold above which staging flags a price
    -- as an outlier (is_price_outlier), rounded once to the cent; the median is taken
    -- on a 4-decimal price so that the mean of two middle prices is kept exactly
    select
        {{ round_money(
            'cast(percentile_cont(0.5) within group (order by cast(price as numeric(28, 4))) as numeric(28, 4))'
            ~ ' * cast(' ~ var('price_outlier_factor') ~ ' as numeric(18, 6))'
        ) }} as capped_unit_price_usd

    from products

),

priced_products as (

    select
        products.product_id,
        products.product_name,
        product_categories.category,
        product_categories.subcategory,

        products.price as unit_price_usd_raw,
        case
            when products.is_price_outlier then price_cap.capped_unit_price_usd
            else products.price
        end as unit_price_usd,

        products.is_price_outlier

    from products

    cross join price_cap

    left join product_categories
        on products.product_id = product_categories.product_id

),

joined as (

    select
        line_items.line_item_id,
        line_items.order_id,
        orders.customer_id,
        line_items.product_id,

        priced_products.product_name,
        priced_products.category,
        priced_products.subcategory,
        orders.status as order_status,
        customers.currency,

        line_items.quantity,
        priced_products.unit_price_usd,
        priced_products.unit_price_usd_raw,
        -- prices are in cents and quantities whole, so these products are exact
        priced_products.unit_price_usd * line_items.quantity as line_total_usd_exact,
        priced_products.unit_price_usd_raw * line_items.quantity as line_total_usd_raw_exact,
        currency_rates.units_per_usd,

        priced_products.is_price_outlier,

        orders.checked_out_at

    from line_items

    inner join orders
        on line_items.order_id = orders.order_id

    inner join customers
        on orders.customer_id = customers.customer_id

    inner join priced_products
        on line_items.product_id = priced_products.product_id

    left join currency_rates
        on customers.currency = currency_rates.currency_code

),

final as (

    select
        line_item_id,
        order_id,
        customer_id,
        product_id,

        product_name,
        category,
        subcategory,
        order_status,
        currency,

        quantity,
        unit_price_usd,
        unit_price_usd_raw,
        {{ round_money('line_total_usd_exact') }} as line_total_usd,
        {{ round_money('line_total_usd_raw_exact') }} as line_total_usd_raw,
        {{ usd_to_currency('line_total_usd_exact', 'units_per_usd') }} as line_total,
        {{ usd_to_currency('line_total_usd_raw_exact', 'units_per_usd') }} as line_total_raw,

        is_price_outlier,
        order_status = 'success' as is_successful_order,

        checked_out_at

    from joined

)

select * from final

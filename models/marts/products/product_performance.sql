with

products as (

    select * from {{ ref('int_products_conformed') }}

),

currency_rates as (

    select * from {{ ref('currency_rates') }}

),

cart_products as {{ not_materialized() }} (

    select * from {{ ref('int_cart_products_summarized') }}

),

sessionized_events as (

    select * from {{ ref('int_events_sessionized') }}

),

order_items as {{ not_materialized() }} (

    select * from {{ ref('order_items') }}

),

cart_summary as (

    select
        product_id,

        cast(sum(add_to_cart_events) as {{ dbt.type_bigint() }}) as add_to_cart_events,
        cast(sum(units_added) as {{ dbt.type_bigint() }}) as units_added,
        cast(sum(remove_from_cart_events) as {{ dbt.type_bigint() }}) as remove_from_cart_events,
        cast(sum(units_removed) as {{ dbt.type_bigint() }}) as units_removed,
        count(case when add_to_cart_events > 0 then 1 end) as add_to_cart_sessions

    from cart_products

    group by product_id

),

successful_checkout_lines as (

    -- the products of each session's checkouts whose order is successful
    select distinct
        sessionized_events.session_id,
        order_items.product_id,
        sessionized_events.event_at as checked_out_at

    from sessionized_events

    inner join order_items
        on sessionized_events.order_id = order_items.order_id

    where
        sessionized_events.event_type = 'checkout'
        and order_items.is_successful_order

),

purchased_carts as (

    -- a session that added the product and, at or after that, checked out a
    -- successful order with a line for the product
    select distinct
        cart_products.session_id,
        cart_products.product_id

    from cart_products

    inner join successful_checkout_lines
        on
            cart_products.session_id = successful_checkout_lines.session_id
            and cart_products.product_id = successful_checkout_lines.product_id

    where successful_checkout_lines.checked_out_at >= cart_products.first_added_at

),

purchase_summary as (

    select
        product_id,
        count(*) as purchased_cart_sessions

    from purchased_carts

    group by product_id

),

sales as (

    select
        product_id,

        count(distinct order_id) as successful_orders,
        cast(sum(quantity) as {{ dbt.type_bigint() }}) as units_sold,
        sum(line_total_usd) as revenue_usd,
        sum(line_total_usd_uncapped) as revenue_usd_uncapped

    from order_items

    where is_successful_order

    group by product_id

),

joined as (

    select
        products.product_id,

        products.product_name,
        products.category,
        products.subcategory,

        -- the representative price in US dollars, rounded once to the cent
        {{ price_to_usd('products.price', 'products.price_currency', 'currency_rates.units_per_usd') }}
            as catalogue_price_usd,
        coalesce(cart_summary.add_to_cart_events, 0) as add_to_cart_events,
        coalesce(cart_summary.units_added, 0) as units_added,
        coalesce(cart_summary.remove_from_cart_events, 0) as remove_from_cart_events,
        coalesce(cart_summary.units_removed, 0) as units_removed,
        coalesce(cart_summary.add_to_cart_sessions, 0) as add_to_cart_sessions,
        coalesce(purchase_summary.purchased_cart_sessions, 0) as purchased_cart_sessions,
        coalesce(sales.successful_orders, 0) as successful_orders,
        coalesce(sales.units_sold, 0) as units_sold,
        coalesce(sales.revenue_usd, 0) as revenue_usd,
        coalesce(sales.revenue_usd_uncapped, 0) as revenue_usd_uncapped,

        products.is_price_outlier

    from products

    left join currency_rates
        on products.price_currency = currency_rates.currency_code

    left join cart_summary
        on products.product_id = cart_summary.product_id

    left join purchase_summary
        on products.product_id = purchase_summary.product_id

    left join sales
        on products.product_id = sales.product_id

),

final as (

    select
        product_id,

        product_name,
        category,
        subcategory,

        catalogue_price_usd,
        add_to_cart_events,
        units_added,
        remove_from_cart_events,
        units_removed,
        add_to_cart_sessions,
        purchased_cart_sessions,
        {{ ratio('units_removed', 'units_added') }} as remove_from_cart_rate,
        {{ ratio('purchased_cart_sessions', 'add_to_cart_sessions') }} as add_to_purchase_rate,
        successful_orders,
        units_sold,
        {{ round_money('revenue_usd') }} as revenue_usd,
        {{ round_money('revenue_usd_uncapped') }} as revenue_usd_uncapped,
        -- highest revenue first; equal revenue goes to the lower product_id, the shorter
        -- id first so that numeric ids (ShopSmart) keep their numeric order
        cast(row_number() over (
            order by revenue_usd desc, {{ dbt.length('product_id') }} asc, product_id asc
        ) as bigint) as revenue_rank,

        is_price_outlier

    from joined

)

select * from final

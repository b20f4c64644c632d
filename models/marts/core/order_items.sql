with

line_items as (

    select * from {{ ref('int_order_lines_conformed') }}

),

orders as (

    select * from {{ ref('int_orders_conformed') }}

),

customers as (

    select * from {{ ref('int_customers_conformed') }}

),

products as (

    select * from {{ ref('int_products_conformed') }}

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
        ) }} as capped_unit_price

    from products

),

priced_lines as (

    select
        line_items.line_item_id,
        line_items.order_id,
        line_items.product_id,

        products.product_name,
        products.category,
        products.subcategory,
        line_items.price_currency,

        line_items.quantity,
        line_items.unit_price as unit_price_local_uncapped,
        -- only a catalogue price is capped: a price invoiced on the line is what was paid
        cast(
            case
                when line_items.is_catalogue_price and products.is_price_outlier then price_cap.capped_unit_price
                else line_items.unit_price
            end as numeric(18, 3)
        ) as unit_price_local,

        products.is_price_outlier

    from line_items

    inner join products
        on line_items.product_id = products.product_id

    cross join price_cap

),

joined as (

    select
        priced_lines.line_item_id,
        priced_lines.order_id,
        orders.customer_id,
        priced_lines.product_id,

        priced_lines.product_name,
        priced_lines.category,
        priced_lines.subcategory,
        orders.status as order_status,
        customers.currency,
        priced_lines.price_currency,

        priced_lines.quantity,
        priced_lines.unit_price_local,
        priced_lines.unit_price_local_uncapped,
        -- prices have at most three decimals and quantities are whole, so these products are exact
        priced_lines.unit_price_local * priced_lines.quantity as line_amount_exact,
        priced_lines.unit_price_local_uncapped * priced_lines.quantity as line_amount_uncapped_exact,
        currency_rates.units_per_usd,
        price_rates.units_per_usd as price_units_per_usd,

        priced_lines.is_price_outlier,

        orders.checked_out_at

    from priced_lines

    inner join orders
        on priced_lines.order_id = orders.order_id

    inner join customers
        on orders.customer_id = customers.customer_id

    left join currency_rates
        on customers.currency = currency_rates.currency_code

    left join currency_rates as price_rates
        on priced_lines.price_currency = price_rates.currency_code

),

converted as (

    -- the amounts at capped prices, rounded once to the cent from the exact amounts
    select
        *,
        {{ price_to_usd('unit_price_local', 'price_currency', 'price_units_per_usd') }} as unit_price_usd,
        {{ price_to_usd('line_amount_exact', 'price_currency', 'price_units_per_usd') }} as line_total_usd,
        {{ price_to_currency(
            'line_amount_exact', 'price_currency', 'price_units_per_usd', 'currency', 'units_per_usd'
        ) }} as line_total_local,
        -- nearly every line: no cap applied, so the raw-price amounts are the same figures
        unit_price_local = unit_price_local_uncapped as is_uncapped

    from joined

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
        price_currency,

        quantity,
        unit_price_local,
        unit_price_local_uncapped,
        unit_price_usd,
        case
            when is_uncapped then unit_price_usd
            else {{ price_to_usd('unit_price_local_uncapped', 'price_currency', 'price_units_per_usd') }}
        end as unit_price_usd_uncapped,
        line_total_usd,
        case
            when is_uncapped then line_total_usd
            else {{ price_to_usd('line_amount_uncapped_exact', 'price_currency', 'price_units_per_usd') }}
        end as line_total_usd_uncapped,
        line_total_local,
        case
            when is_uncapped then line_total_local
            else {{ price_to_currency(
                'line_amount_uncapped_exact', 'price_currency', 'price_units_per_usd', 'currency', 'units_per_usd'
            ) }}
        end as line_total_local_uncapped,

        is_price_outlier,
        order_status = 'success' as is_successful_order,

        checked_out_at

    from converted

)

select * from final

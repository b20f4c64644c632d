with

orders as (

    select * from {{ ref('int_orders_conformed') }}

),

customers as (

    select * from {{ ref('int_customers_conformed') }}

),

currency_rates as (

    select * from {{ ref('currency_rates') }}

),

order_items as (

    select * from {{ ref('order_items') }}

),

order_totals as (

    select
        order_id,
        -- a source prices all its lines in one currency
        min(price_currency) as price_currency,

        count(*) as items,
        cast(sum(quantity) as {{ dbt.type_bigint() }}) as units,
        -- US dollar line totals are each rounded once, so their sums are exact and every
        -- USD figure of the marts adds up from the lines
        sum(line_total_usd) as total_amount_usd,
        sum(line_total_usd_uncapped) as total_amount_usd_uncapped,
        -- exact amounts in the price currency, converted and rounded once per order below
        sum(unit_price_local * quantity) as total_price_amount,
        sum(unit_price_local_uncapped * quantity) as total_price_amount_uncapped,

        {{ dbt.bool_or('is_price_outlier') }} as has_price_outlier

    from order_items

    group by order_id

),

joined as (

    select
        orders.order_id,
        orders.customer_id,

        orders.status,
        customers.currency,
        -- an order without items has no price currency: its zero total counts as US dollars
        coalesce(order_totals.price_currency, 'USD') as price_currency,

        -- an order whose line items were all quarantined in staging has no items
        coalesce(order_totals.items, 0) as items,
        coalesce(order_totals.units, 0) as units,
        coalesce(order_totals.total_amount_usd, 0) as total_amount_usd,
        coalesce(order_totals.total_amount_usd_uncapped, 0) as total_amount_usd_uncapped,
        coalesce(order_totals.total_price_amount, 0) as total_price_amount,
        coalesce(order_totals.total_price_amount_uncapped, 0) as total_price_amount_uncapped,
        currency_rates.units_per_usd,
        price_rates.units_per_usd as price_units_per_usd,

        coalesce(order_totals.has_price_outlier, false) as has_price_outlier,

        orders.checked_out_at

    from orders

    inner join customers
        on orders.customer_id = customers.customer_id

    left join order_totals
        on orders.order_id = order_totals.order_id

    left join currency_rates
        on customers.currency = currency_rates.currency_code

    left join currency_rates as price_rates
        on coalesce(order_totals.price_currency, 'USD') = price_rates.currency_code

),

final as (

    select
        order_id,
        customer_id,

        status,
        currency,

        items,
        units,
        {{ round_money('total_amount_usd') }} as total_amount_usd,
        {{ round_money('total_amount_usd_uncapped') }} as total_amount_usd_uncapped,
        -- converted from the exact total in the price currency and rounded once, so it may
        -- differ from the sum of the rounded line totals by up to half a cent per line
        {{ price_to_currency(
            'total_price_amount', 'price_currency', 'price_units_per_usd', 'currency', 'units_per_usd'
        ) }} as total_amount_local,
        {{ price_to_currency(
            'total_price_amount_uncapped', 'price_currency', 'price_units_per_usd', 'currency', 'units_per_usd'
        ) }} as total_amount_local_uncapped,

        status = 'success' as is_successful,
        has_price_outlier,

        checked_out_at

    from joined

)

select * from final

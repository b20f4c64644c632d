with

orders as (

    select * from {{ ref('stg_shopsmart__orders') }}

),

customers as (

    select * from {{ ref('stg_shopsmart__customers') }}

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

        count(*) as items,
        cast(sum(quantity) as {{ dbt.type_bigint() }}) as units,
        -- line totals in USD are exact to the cent, so their sums are exact too
        sum(line_total_usd) as total_amount_usd,
        sum(line_total_usd_raw) as total_amount_usd_raw,

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

        -- an order whose line items were all quarantined in staging has no items
        coalesce(order_totals.items, 0) as items,
        coalesce(order_totals.units, 0) as units,
        coalesce(order_totals.total_amount_usd, 0) as total_amount_usd,
        coalesce(order_totals.total_amount_usd_raw, 0) as total_amount_usd_raw,
        currency_rates.units_per_usd,

        coalesce(order_totals.has_price_outlier, false) as has_price_outlier,

        orders.checked_out_at

    from orders

    inner join customers
        on orders.customer_id = customers.customer_id

    left join order_totals
        on orders.order_id = order_totals.order_id

    left join currency_rates
        on customers.currency = currency_rates.currency_code

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
        {{ round_money('total_amount_usd_raw') }} as total_amount_usd_raw,
        -- converted from the exact USD total and rounded once, so it may differ from the
        -- sum of the rounded line totals in the order currency by up to half a cent per line
        {{ usd_to_currency('total_amount_usd', 'units_per_usd') }} as total_amount,
        {{ usd_to_currency('total_amount_usd_raw', 'units_per_usd') }} as total_amount_raw,

        status = 'success' as is_successful,
        has_price_outlier,

        checked_out_at

    from joined

)

select * from final

with

products as (

    select * from {{ ref('base_shopsmart__products') }}
    where rejection_reason is null

),

median_price as (

    select percentile_cont(0.5) within group (order by price) as median_price
    from products

),

final as (

    select
        products.product_id,
        products.product_name,
        products.price,
        products.price_raw,
        -- robust outlier rule: more than var('price_outlier_factor') times the median
        -- catalogue price; the price is kept as exported, marts decide how to use it
        products.price > {{ var('price_outlier_factor') }} * median_price.median_price as is_price_outlier

    from products

    cross join median_price

)

select * from final

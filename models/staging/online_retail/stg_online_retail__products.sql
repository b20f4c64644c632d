{{ config(enabled=online_retail_enabled()) }}

with

invoice_lines as (

    select * from {{ ref('base_online_retail__invoice_lines') }}
    where rejection_reason is null

),

prices as (

    select
        product_id,
        unit_price,
        sum(case when invoice_type = 'purchase' then 1 else 0 end) as purchase_line_count,
        count(*) as line_count

    from invoice_lines

    group by product_id, unit_price

),

ranked_prices as (

    select
        *,
        -- the representative price: the unit price of most of the product's purchase
        -- lines; a tie goes to the price on more lines overall, then to the lower
        -- price; a product without purchase lines takes its cancellations' most frequent price
        row_number() over (
            partition by product_id
            order by purchase_line_count desc, line_count desc, unit_price asc
        ) as price_rank

    from prices

),

names as (

    select
        product_id,
        description,
        count(*) as line_count

    from invoice_lines

    where description is not null

    group by product_id, description

),

ranked_names as (

    select
        *,
        -- lines of one product spell its name in different ways: the most frequent
        -- spelling is its name, on a tie the first in alphabetical order
        row_number() over (
            partition by product_id
            order by line_count desc, description asc
        ) as name_rank

    from names

),

products as (

    select
        ranked_prices.product_id,
        ranked_names.description as product_name,
        ranked_prices.unit_price as price

    from ranked_prices

    left join ranked_names
        on
            ranked_prices.product_id = ranked_names.product_id
            and ranked_names.name_rank = 1

    where ranked_prices.price_rank = 1

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
        -- the same robust rule as for the ShopSmart catalogue: more than
        -- var('price_outlier_factor') times the median representative price
        products.price > {{ var('price_outlier_factor') }} * median_price.median_price as is_price_outlier

    from products

    cross join median_price

)

select * from final

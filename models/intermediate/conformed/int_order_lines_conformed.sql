{%- set source_name = selected_source() -%}

with

{% if source_name == 'online_retail' %}
    line_items as (

        select * from {{ ref('stg_online_retail__line_items') }}

    ),

    conformed as (

        select
            line_item_id,
            order_id,
            product_id,

            cast('{{ var("online_retail_currency", "GBP") }}' as {{ dbt.type_string() }}) as price_currency,

            quantity,
            -- the price invoiced on the line
            unit_price,

            false as is_catalogue_price

        from line_items

    ),

{% else %}
    line_items as (

        select * from {{ ref('stg_shopsmart__line_items') }}

    ),

    products as (

        select * from {{ ref('stg_shopsmart__products') }}

    ),

    conformed as (

        select
            line_items.line_item_id,
            line_items.order_id,
            cast(line_items.product_id as {{ dbt.type_string() }}) as product_id,

            -- the ShopSmart catalogue is priced in US dollars
            cast('USD' as {{ dbt.type_string() }}) as price_currency,

            line_items.quantity,
            -- lines carry no price: the product's catalogue price
            products.price as unit_price,

            true as is_catalogue_price

        from line_items

        inner join products
            on line_items.product_id = products.product_id

    ),

{% endif %}
final as (

    select
        line_item_id,
        order_id,
        product_id,

        price_currency,

        quantity,
        cast(unit_price as numeric(18, 3)) as unit_price,

        is_catalogue_price

    from conformed

)

select * from final

{%- set source_name = selected_source() -%}

with

{% if source_name == 'online_retail' %}
    products as (

        select * from {{ ref('stg_online_retail__products') }}

    ),

    conformed as (

        select
            product_id,

            product_name,
            -- the category reference covers the ShopSmart catalogue only
            cast(null as {{ dbt.type_string() }}) as category,
            cast(null as {{ dbt.type_string() }}) as subcategory,
            cast('{{ var("online_retail_currency", "GBP") }}' as {{ dbt.type_string() }}) as price_currency,

            price,

            is_price_outlier

        from products

    ),

{% else %}
    products as (

        select * from {{ ref('stg_shopsmart__products') }}

    ),

    product_categories as (

        select * from {{ ref('product_categories') }}

    ),

    conformed as (

        select
            cast(products.product_id as {{ dbt.type_string() }}) as product_id,

            products.product_name,
            product_categories.category,
            product_categories.subcategory,
            -- the ShopSmart catalogue is priced in US dollars
            cast('USD' as {{ dbt.type_string() }}) as price_currency,

            products.price,

            products.is_price_outlier

        from products

        left join product_categories
            on products.product_id = product_categories.product_id

    ),

{% endif %}
final as (

    select
        product_id,

        product_name,
        category,
        subcategory,
        price_currency,

        cast(price as numeric(18, 3)) as price,

        is_price_outlier

    from conformed

)

select * from final

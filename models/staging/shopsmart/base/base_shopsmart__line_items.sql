{%- set raw_object = json_object_text({
    'line_item_id': 'line_item_id_raw',
    'order_id': 'order_id_raw',
    'item_id': 'product_id_raw',
    'quantity': 'quantity_raw',
}) -%}

with

source as (

    select * from {{ source('shopsmart', 'line_items') }}

),

orders as (

    select order_id from {{ ref('stg_shopsmart__orders') }}

),

products as (

    select product_id from {{ ref('stg_shopsmart__products') }}

),

rejected_orders as (

    {{ rejected_parents('base_shopsmart__orders', 'order_id') }}

),

rejected_products as (

    {{ rejected_parents('base_shopsmart__products', 'product_id') }}

),

raw_text as (

    select
        cast(line_item_id as {{ dbt.type_string() }}) as line_item_id_raw,
        cast(order_id as {{ dbt.type_string() }}) as order_id_raw,
        cast(item_id as {{ dbt.type_string() }}) as product_id_raw,
        cast(quantity as {{ dbt.type_string() }}) as quantity_raw

    from source

),

cleaned as (

    select
        *,

        {{ parse_integer('line_item_id_raw') }} as line_item_id,
        nullif(trim(order_id_raw), '') as order_id,
        {{ parse_integer('product_id_raw') }} as product_id,
        {{ parse_integer('quantity_raw') }} as quantity

    from raw_text

),

row_checked as (

    select
        *,
        case
            when nullif(trim(line_item_id_raw), '') is null then 'null_line_item_id'
            when line_item_id is null then 'invalid_line_item_id'
            when order_id is null then 'null_order_id'
            when nullif(trim(product_id_raw), '') is null then 'null_product_id'
            when product_id is null then 'invalid_product_id'
            when nullif(trim(quantity_raw), '') is null then 'missing_quantity'
            when quantity is null then 'invalid_quantity'
            when quantity <= 0 then 'non_positive_quantity'
        end as row_check_reason

    from cleaned

),

-- exact copies and rows sharing the key (line_item_id): copy_number, row_rejection_reason, key_rank
{{ rank_duplicates(
    'row_checked', 'line_item_id', ['line_item_id_raw', 'order_id_raw', 'product_id_raw', 'quantity_raw'], raw_object
) }},

checked as (

    select
        ranked.*,
        -- rejection_reason, and the rejected order or product a line item is rejected for
        {{ rejection_columns([
            {
                'parent': 'orders',
                'key': 'ranked.order_id',
                'accepted': 'orders.order_id is not null',
                'rejected': 'rejected_orders',
                'unknown': 'unknown_order',
            },
            {
                'parent': 'products',
                'key': 'ranked.product_id',
                'accepted': 'products.product_id is not null',
                'rejected': 'rejected_products',
                'unknown': 'unknown_product',
            },
        ]) }}

    from ranked

    left join orders
        on ranked.order_id = orders.order_id

    left join products
        on ranked.product_id = products.product_id

    left join rejected_orders
        on ranked.order_id = rejected_orders.order_id

    left join rejected_products
        on ranked.product_id = rejected_products.product_id

),

final as (

    -- the typed values, the checks, and the raw texts of a rejected row only
    select
        line_item_id,
        order_id,
        product_id,
        quantity,

        {{ base_check_columns('line_item_id_raw', raw_object) }}

    from checked

)

select * from final

with

line_items as (

    select * from {{ ref('base_shopsmart__line_items') }}
    where rejection_reason is null

),

final as (

    select
        line_item_id,
        order_id,
        product_id,
        quantity

    from line_items

)

select * from final

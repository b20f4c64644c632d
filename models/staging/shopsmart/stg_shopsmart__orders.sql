with

orders as (

    select * from {{ ref('base_shopsmart__orders') }}
    where rejection_reason is null

),

final as (

    select
        order_id,
        customer_id,
        status,
        checked_out_at

    from orders

)

select * from final

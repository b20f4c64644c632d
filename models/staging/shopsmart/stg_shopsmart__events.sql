with

events as (

    select * from {{ ref('base_shopsmart__events') }}
    where rejection_reason is null

),

final as (

    select
        event_id,
        customer_id,
        event_type,
        product_id,
        quantity,
        order_id,
        checkout_status,
        event_at,
        payload_timestamp,
        loaded_at

    from events

)

select * from final

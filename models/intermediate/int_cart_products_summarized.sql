with

sessionized_events as (

    select * from {{ ref('int_events_sessionized') }}

),

cart_events as (

    select
        session_id,
        customer_id,
        product_id,

        event_type = 'add_to_cart' as is_add,
        event_type = 'remove_from_cart' as is_remove,
        quantity,

        event_at

    from sessionized_events

    where event_type in ('add_to_cart', 'remove_from_cart')

),

final as (

    select
        session_id,
        customer_id,
        product_id,

        count(case when is_add then 1 end) as add_to_cart_events,
        cast(coalesce(sum(case when is_add then quantity end), 0) as {{ dbt.type_bigint() }}) as units_added,
        count(case when is_remove then 1 end) as remove_from_cart_events,
        cast(coalesce(sum(case when is_remove then quantity end), 0) as {{ dbt.type_bigint() }}) as units_removed,

        min(case when is_add then event_at end) as first_added_at,
        min(case when is_remove then event_at end) as first_removed_at

    from cart_events

    group by
        session_id,
        customer_id,
        product_id

)

select * from final

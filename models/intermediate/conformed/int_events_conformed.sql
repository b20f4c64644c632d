{%- set source_name = selected_source() -%}

with

{% if source_name == 'online_retail' %}
    -- not applicable: this source has no web events; no rows, the same typed columns
    conformed as (

        select
            cast(null as {{ dbt.type_bigint() }}) as event_id,
            cast(null as {{ dbt.type_string() }}) as customer_id,
            cast(null as {{ dbt.type_string() }}) as product_id,
            cast(null as {{ dbt.type_string() }}) as order_id,

            cast(null as {{ dbt.type_string() }}) as event_type,
            cast(null as {{ dbt.type_string() }}) as checkout_status,

            cast(null as {{ dbt.type_bigint() }}) as quantity,

            cast(null as {{ dbt.type_timestamp() }}) as event_at,
            cast(null as {{ dbt.type_timestamp() }}) as payload_timestamp,
            cast(null as {{ dbt.type_timestamp() }}) as loaded_at

        where 1 = 0

    ),

{% else %}
    -- the ShopSmart staging columns are the conformed ones; final picks them
    conformed as (

        select * from {{ ref('stg_shopsmart__events') }}

    ),

{% endif %}
final as (

    select
        event_id,
        customer_id,
        cast(product_id as {{ dbt.type_string() }}) as product_id,
        order_id,

        event_type,
        checkout_status,

        quantity,

        event_at,
        payload_timestamp,
        loaded_at

    from conformed

)

select * from final

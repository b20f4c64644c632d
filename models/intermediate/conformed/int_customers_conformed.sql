{%- set source_name = selected_source() -%}

with

{% if source_name == 'online_retail' %}
    customers as (

        select * from {{ ref('stg_online_retail__customers') }}

    ),

    conformed as (

        select
            customer_id,
            -- the source has no devices
            cast(null as {{ dbt.type_string() }}) as device_id,

            location,
            location_raw,
            currency,

            is_known_location

        from customers

    ),

{% else %}
    -- the ShopSmart staging columns are the conformed ones; final picks them
    conformed as (

        select * from {{ ref('stg_shopsmart__customers') }}

    ),

{% endif %}
final as (

    select
        customer_id,
        device_id,

        location,
        location_raw,
        currency,

        is_known_location

    from conformed

)

select * from final

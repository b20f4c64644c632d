{%- set source_name = selected_source() -%}

with

{% if source_name == 'online_retail' %}
    orders as (

        select * from {{ ref('stg_online_retail__orders') }}

    ),

{% else %}
    orders as (

        select * from {{ ref('stg_shopsmart__orders') }}

    ),

{% endif %}
final as (

    select
        order_id,
        customer_id,

        status,

        checked_out_at

    from orders

)

select * from final

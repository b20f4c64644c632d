{{ config(enabled=online_retail_enabled()) }}

with

invoice_lines as (

    select * from {{ ref('base_online_retail__invoice_lines') }}
    where rejection_reason is null

),

final as (

    select
        line_number as line_item_id,
        invoice_no as order_id,
        product_id,
        stock_code_raw as product_id_raw,
        -- units, positive on purchase and cancellation lines alike: the order's status
        -- says which; the signed quantity as exported stays in quantity_raw
        quantity,
        quantity_raw,
        unit_price

    from invoice_lines

)

select * from final

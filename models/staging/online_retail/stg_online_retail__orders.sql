{{ config(enabled=online_retail_enabled()) }}

with

invoice_lines as (

    select * from {{ ref('base_online_retail__invoice_lines') }}
    where rejection_reason is null

),

invoices as (

    select
        invoice_no as order_id,
        -- one customer per invoice: the base model rejects invoices with several
        min(customer_id) as customer_id,
        min(invoice_type) as invoice_type,
        -- a few invoices span two consecutive minutes; the order is placed at the first
        min(invoiced_at) as checked_out_at

    from invoice_lines

    group by invoice_no

),

final as (

    select
        order_id,
        customer_id,
        case invoice_type
            when 'purchase' then 'success'
            when 'cancellation' then 'cancelled'
        end as status,
        checked_out_at

    from invoices

)

select * from final

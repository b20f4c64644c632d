{{
    config(
        enabled=online_retail_enabled(),
        materialized='table',
        pre_hook="{{ assert_source_contract() }}",
    )
}}

with

source as (

    select * from {{ source('online_retail', 'invoice_lines') }}

),

non_product_codes as (

    select * from {{ ref('online_retail_non_product_codes') }}

),

numbered as (

    select
        {{ online_retail_line_number() }} as line_number,
        *

    from source

),

raw_text as (

    select
        line_number,
        cast(invoiceno as {{ dbt.type_string() }}) as invoice_no_raw,
        cast(stockcode as {{ dbt.type_string() }}) as stock_code_raw,
        cast(description as {{ dbt.type_string() }}) as description_raw,
        cast(quantity as {{ dbt.type_string() }}) as quantity_raw,
        cast(invoicedate as {{ dbt.type_string() }}) as invoice_date_raw,
        cast(unitprice as {{ dbt.type_string() }}) as unit_price_raw,
        cast(customerid as {{ dbt.type_string() }}) as customer_id_raw,
        cast(country as {{ dbt.type_string() }}) as country_raw,
        {{ json_object_text([
            'InvoiceNo', 'StockCode', 'Description', 'Quantity',
            'InvoiceDate', 'UnitPrice', 'CustomerID', 'Country',
        ]) }} as raw_values

    from numbered

),

cleaned as (

    select
        *,

        upper(nullif(trim(invoice_no_raw), '')) as invoice_no,
        -- stock codes are case-insensitive in this data ('85123a' and '85123A' are one product)
        upper(nullif(trim(stock_code_raw), '')) as product_id,
        {{ parse_integer('customer_id_raw') }} as customer_number,
        nullif(trim(description_raw), '') as description,
        nullif(trim(country_raw), '') as country,
        {{ parse_integer('quantity_raw') }} as signed_quantity,
        {{ dbt.safe_cast('trim(unit_price_raw)', 'numeric(18, 3)') }} as unit_price,
        {{ online_retail_parse_timestamp('invoice_date_raw') }} as invoiced_at,

        -- 1 for the first of a set of exact duplicate rows in file order, 2, 3, ... for the copies
        row_number() over (
            partition by
                invoice_no_raw, stock_code_raw, description_raw, quantity_raw,
                invoice_date_raw, unit_price_raw, customer_id_raw, country_raw
            order by line_number
        ) as copy_number

    from raw_text

),

classified as (

    select
        cleaned.*,

        case when cleaned.customer_number > 0 then cast(cleaned.customer_number as {{ dbt.type_string() }}) end
            as customer_id,
        -- the invoice number's prefix says what the invoice records
        case
            when {{ text_is_digits('cleaned.invoice_no') }} then 'purchase'
            when
                cleaned.invoice_no like 'C%' and {{ text_is_digits('substr(cleaned.invoice_no, 2)') }}
                then 'cancellation'
            when
                cleaned.invoice_no like 'A%' and {{ text_is_digits('substr(cleaned.invoice_no, 2)') }}
                then 'bad_debt_adjustment'
        end as invoice_type,
        abs(cleaned.signed_quantity) as quantity,

        non_product_codes.stock_code is not null as is_non_product

    from cleaned

    left join non_product_codes
        on cleaned.product_id = upper(non_product_codes.stock_code)

),

row_checked as (

    select
        *,
        case
            when invoice_no is null then 'null_invoice_no'
            when invoice_type is null then 'invalid_invoice_no'
            when invoice_type = 'bad_debt_adjustment' then 'bad_debt_adjustment'
            when invoiced_at is null then 'invalid_invoice_date'
            when invoiced_at > {{ latest_valid_timestamp() }} then 'future_timestamp'
            when nullif(trim(customer_id_raw), '') is null then 'null_customer_id'
            when customer_id is null then 'invalid_customer_id'
            when product_id is null then 'null_stock_code'
            when is_non_product then 'non_product_stock_code'
            when signed_quantity is null then 'invalid_quantity'
            when invoice_type = 'purchase' and signed_quantity <= 0 then 'non_positive_quantity'
            when invoice_type = 'cancellation' and signed_quantity >= 0 then 'non_negative_cancellation_quantity'
            when unit_price is null then 'invalid_unit_price'
            when unit_price = 0 then 'zero_unit_price'
            when unit_price < 0 then 'negative_unit_price'
            when copy_number > 1 then 'duplicate_row'
        end as row_rejection_reason

    from classified

),

invoice_customers as (

    -- the customers named by the lines of each invoice that pass the row checks:
    -- an invoice belongs to one customer
    select
        invoice_no,
        count(distinct customer_id) as invoice_customer_count

    from row_checked

    where row_rejection_reason is null

    group by invoice_no

),

checked as (

    select
        row_checked.*,
        invoice_customers.invoice_customer_count,
        cast(row_checked.line_number as {{ dbt.type_string() }}) as source_key,
        case
            when row_checked.row_rejection_reason is not null then row_checked.row_rejection_reason
            when invoice_customers.invoice_customer_count > 1 then 'inconsistent_invoice_customer'
        end as rejection_reason

    from row_checked

    left join invoice_customers
        on row_checked.invoice_no = invoice_customers.invoice_no

)

select * from checked

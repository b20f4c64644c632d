{%- set raw_object = json_object_text({
    'id': 'product_id_raw',
    'name': 'product_name_raw',
    'price': 'price_raw',
}) -%}

with

source as (

    select * from {{ source('shopsmart', 'products') }}

),

raw_text as (

    select
        cast(id as {{ dbt.type_string() }}) as product_id_raw,
        cast(name as {{ dbt.type_string() }}) as product_name_raw,
        cast(price as {{ dbt.type_string() }}) as price_raw

    from source

),

cleaned as (

    select
        *,

        {{ parse_integer('product_id_raw') }} as product_id,
        nullif(trim(product_name_raw), '') as product_name,
        -- prices are kept to the cent: a price with more decimals is rejected, not rounded
        {{ parse_decimal('price_raw', 2) }} as price

    from raw_text

),

row_checked as (

    select
        *,
        case
            when nullif(trim(product_id_raw), '') is null then 'null_product_id'
            when product_id is null then 'invalid_product_id'
            -- a price that is not a plain number of cents says what it is instead
            when price is null
                then case {{ decimal_text_shape('price_raw') }}
                    when 'decimal' then 'excess_price_decimals'
                    when 'thousands_separator' then 'price_with_thousands_separator'
                    when 'currency_symbol' then 'price_with_currency_symbol'
                    else 'invalid_price'
                end
            when price < 0 then 'invalid_price'
        end as row_check_reason

    from cleaned

),

-- exact copies and rows sharing the key (product_id): copy_number, row_rejection_reason,
-- key_rank; of two different rows with one product_id, the one with a name is kept
{{ rank_duplicates(
    'row_checked', 'product_id', ['product_id_raw', 'product_name_raw', 'price_raw'], raw_object,
    prefer=[missing_values_count(['product_name'])],
) }},

checked as (

    select
        ranked.*,
        ranked.product_id_raw as source_key,
        -- rejection_reason; a product has no parent row
        {{ rejection_columns() }}

    from ranked

),

final as (

    select
        *,
        -- the raw row is kept for the rejected rows only, which go to the quarantine
        case when rejection_reason is not null then {{ raw_object }} end as raw_values

    from checked

)

select * from final

-- depends_on: {{ ref('raw_products') }}
{# The ref above builds the sample seed first; the data itself is read through source(). #}

with

source as (

    select * from {{ source('shopsmart', 'products') }}

),

raw_text as (

    select
        cast(id as {{ dbt.type_string() }}) as product_id_raw,
        cast(name as {{ dbt.type_string() }}) as product_name_raw,
        cast(price as {{ dbt.type_string() }}) as price_raw,
        {{ json_object_text(['id', 'name', 'price']) }} as raw_values

    from source

),

cleaned as (

    select
        *,

        {{ dbt.safe_cast('trim(product_id_raw)', api.Column.translate_type('bigint')) }} as product_id,
        nullif(trim(product_name_raw), '') as product_name,
        {{ dbt.safe_cast('trim(price_raw)', 'numeric(18, 2)') }} as price,

        -- 1 for the first of a set of exact duplicate rows, 2, 3, ... for the copies
        row_number() over (partition by raw_values order by raw_values) as copy_number

    from raw_text

),

row_checked as (

    select
        *,
        case
            when nullif(trim(product_id_raw), '') is null then 'null_product_id'
            when product_id is null then 'invalid_product_id'
            when price is null or price < 0 then 'invalid_price'
            when copy_number > 1 then 'duplicate_row'
        end as row_rejection_reason

    from cleaned

),

ranked as (

    select
        *,
        -- among valid rows sharing a product id, 1 marks the row that is kept
        row_number() over (
            partition by product_id, row_rejection_reason is null
            order by raw_values
        ) as key_rank

    from row_checked

),

checked as (

    select
        *,
        product_id_raw as source_key,
        case
            when row_rejection_reason is not null then row_rejection_reason
            when key_rank > 1 then 'duplicate_product_id'
        end as rejection_reason

    from ranked

)

select * from checked

{%- set raw_object = json_object_text({
    'customer_id': 'customer_id_raw',
    'device_id': 'device_id_raw',
    'location': 'location_raw',
    'currency': 'currency_raw',
}) -%}

with

source as (

    select * from {{ source('shopsmart', 'customers') }}

),

raw_text as (

    select
        cast(customer_id as {{ dbt.type_string() }}) as customer_id_raw,
        cast(device_id as {{ dbt.type_string() }}) as device_id_raw,
        cast(location as {{ dbt.type_string() }}) as location_raw,
        cast(currency as {{ dbt.type_string() }}) as currency_raw

    from source

),

cleaned as (

    select
        *,

        nullif(trim(customer_id_raw), '') as customer_id,
        nullif(trim(device_id_raw), '') as device_id,
        nullif(trim(location_raw), '') as location_trimmed,
        upper(nullif(trim(currency_raw), '')) as currency

    from raw_text

),

row_checked as (

    select
        *,
        case
            when customer_id is null then 'null_customer_id'
        end as row_check_reason

    from cleaned

),

-- exact copies and rows sharing the key (customer_id): copy_number, row_rejection_reason,
-- key_rank; of two different rows with one customer_id, the more complete one is kept
{{ rank_duplicates(
    'row_checked', 'customer_id',
    ['customer_id_raw', 'device_id_raw', 'location_raw', 'currency_raw'],
    raw_object,
    prefer=[missing_values_count(['device_id', 'location_trimmed', 'currency'])],
) }},

checked as (

    select
        ranked.*,
        ranked.customer_id_raw as source_key,
        -- rejection_reason; a customer has no parent row
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

-- depends_on: {{ ref('raw_customers') }}
{# The ref above builds the sample seed first; the data itself is read through source(). #}

with

source as (

    select * from {{ source('shopsmart', 'customers') }}

),

raw_text as (

    select
        cast(customer_id as {{ dbt.type_string() }}) as customer_id_raw,
        cast(device_id as {{ dbt.type_string() }}) as device_id_raw,
        cast(location as {{ dbt.type_string() }}) as location_raw,
        cast(currency as {{ dbt.type_string() }}) as currency_raw,
        {{ json_object_text(['customer_id', 'device_id', 'location', 'currency']) }} as raw_values

    from source

),

cleaned as (

    select
        *,

        nullif(trim(customer_id_raw), '') as customer_id,
        nullif(trim(device_id_raw), '') as device_id,
        nullif(trim(location_raw), '') as location_trimmed,
        upper(nullif(trim(currency_raw), '')) as currency,

        -- 1 for the first of a set of exact duplicate rows, 2, 3, ... for the copies
        row_number() over (partition by raw_values order by raw_values) as copy_number

    from raw_text

),

row_checked as (

    select
        *,
        case
            when customer_id is null then 'null_customer_id'
            when copy_number > 1 then 'duplicate_row'
        end as row_rejection_reason

    from cleaned

),

ranked as (

    select
        *,
        -- among valid rows sharing a customer_id, 1 marks the row that is kept
        row_number() over (
            partition by customer_id, row_rejection_reason is null
            order by raw_values
        ) as key_rank

    from row_checked

),

checked as (

    select
        *,
        customer_id_raw as source_key,
        case
            when row_rejection_reason is not null then row_rejection_reason
            when key_rank > 1 then 'duplicate_customer_id'
        end as rejection_reason

    from ranked

)

select * from checked

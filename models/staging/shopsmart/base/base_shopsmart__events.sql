-- depends_on: {{ ref('raw_events') }}
{# The ref above builds the sample seed first; the data itself is read through source(). #}

with

source as (

    select * from {{ source('shopsmart', 'events') }}

),

customers as (

    select customer_id from {{ ref('stg_shopsmart__customers') }}

),

raw_text as (

    select
        cast(event_id as {{ dbt.type_string() }}) as event_id_raw,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id_raw,
        cast(event_data as {{ dbt.type_string() }}) as event_data_raw,
        cast(event_timestamp as {{ dbt.type_string() }}) as event_timestamp_raw,
        {{ json_object_text(['event_id', 'customer_id', 'event_data', 'event_timestamp']) }} as raw_values

    from source

),

payload as (

    select
        *,
        -- only well-formed JSON is parsed; anything else is rejected as malformed_json
        case when {{ json_is_valid('event_data_raw') }} then event_data_raw end as event_json

    from raw_text

),

parsed as (

    select
        *,
        lower(trim({{ json_extract_text('event_json', 'event_type') }})) as event_type,
        {{ dbt.safe_cast(json_extract_text('event_json', 'timestamp'), api.Column.translate_type('timestamp')) }}
            as payload_timestamp,
        {{ dbt.safe_cast(json_extract_text('event_json', 'item_id'), api.Column.translate_type('bigint')) }}
            as product_id,
        {{ dbt.safe_cast(json_extract_text('event_json', 'quantity'), api.Column.translate_type('bigint')) }}
            as quantity,
        nullif(trim({{ json_extract_text('event_json', 'order_id') }}), '') as order_id,
        lower(nullif(trim({{ json_extract_text('event_json', 'status') }}), '')) as checkout_status

    from payload

),

cleaned as (

    select
        *,

        {{ dbt.safe_cast('trim(event_id_raw)', api.Column.translate_type('bigint')) }} as event_id,
        nullif(trim(customer_id_raw), '') as customer_id,
        -- the column is authoritative; the payload's timestamp fills it when it is empty
        coalesce(
            {{ dbt.safe_cast('trim(event_timestamp_raw)', api.Column.translate_type('timestamp')) }},
            payload_timestamp
        ) as event_at,

        -- 1 for the first of a set of exact duplicate rows, 2, 3, ... for the copies
        row_number() over (partition by raw_values order by raw_values) as copy_number

    from parsed

),

row_checked as (

    select
        *,
        case
            when nullif(trim(event_id_raw), '') is null then 'null_event_id'
            when event_id is null then 'invalid_event_id'
            when customer_id is null then 'null_customer_id'
            when event_json is null then 'malformed_json'
            when
                event_type is null
                or event_type not in ('visit', 'add_to_cart', 'remove_from_cart', 'checkout')
                then 'unknown_event_type'
            when event_at is null then 'invalid_timestamp'
            when event_at > {{ latest_valid_timestamp() }} then 'future_timestamp'
            when event_type in ('add_to_cart', 'remove_from_cart') and product_id is null
                then 'missing_item_id'
            when event_type = 'checkout' and order_id is null then 'missing_order_id'
            when copy_number > 1 then 'duplicate_row'
        end as row_rejection_reason

    from cleaned

),

ranked as (

    select
        *,
        -- among valid rows sharing an event_id, 1 marks the row that is kept
        row_number() over (
            partition by event_id, row_rejection_reason is null
            order by raw_values
        ) as key_rank

    from row_checked

),

checked as (

    select
        ranked.*,
        ranked.event_id_raw as source_key,
        case
            when ranked.row_rejection_reason is not null then ranked.row_rejection_reason
            when ranked.key_rank > 1 then 'duplicate_event_id'
            when customers.customer_id is null then 'unknown_customer'
        end as rejection_reason

    from ranked

    left join customers
        on ranked.customer_id = customers.customer_id

)

select * from checked

-- depends_on: {{ ref('raw_orders') }}
{# The ref above builds the sample seed first; the data itself is read through source(). #}

with

source as (

    select * from {{ source('shopsmart', 'orders') }}

),

customers as (

    select customer_id from {{ ref('stg_shopsmart__customers') }}

),

raw_text as (

    select
        cast(order_id as {{ dbt.type_string() }}) as order_id_raw,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id_raw,
        cast(status as {{ dbt.type_string() }}) as status_raw,
        cast(checked_out_at as {{ dbt.type_string() }}) as checked_out_at_raw

    from source

),

cleaned as (

    select
        *,

        nullif(trim(order_id_raw), '') as order_id,
        nullif(trim(customer_id_raw), '') as customer_id,
        lower(nullif(trim(status_raw), '')) as status,
        {{ parse_timestamp_utc('checked_out_at_raw') }} as checked_out_at

    from raw_text

),

row_checked as (

    select
        *,
        case
            when order_id is null then 'null_order_id'
            when customer_id is null then 'null_customer_id'
            when status is null or status not in ('success', 'failed', 'cancelled') then 'invalid_status'
            when checked_out_at is null then 'invalid_timestamp'
            when checked_out_at > {{ latest_valid_timestamp() }} then 'future_timestamp'
        end as row_check_reason

    from cleaned

),

-- exact copies and rows sharing the key (order_id): copy_number, row_rejection_reason, key_rank
{{ rank_duplicates('row_checked', 'order_id', ['order_id_raw', 'customer_id_raw', 'status_raw', 'checked_out_at_raw']) }},

checked as (

    select
        ranked.*,
        ranked.order_id_raw as source_key,
        case
            when ranked.row_rejection_reason is not null then ranked.row_rejection_reason
            when ranked.key_rank > 1 then 'duplicate_order_id'
            when customers.customer_id is null then 'unknown_customer'
        end as rejection_reason

    from ranked

    left join customers
        on ranked.customer_id = customers.customer_id

),

final as (

    select
        *,
        -- the raw row is kept for the rejected rows only, which go to the quarantine
        case
            when rejection_reason is not null then {{ json_object_text({
                'order_id': 'order_id_raw',
                'customer_id': 'customer_id_raw',
                'status': 'status_raw',
                'checked_out_at': 'checked_out_at_raw',
            }) }}
        end as raw_values

    from checked

)

select * from final

{%- set raw_object = json_object_text({
    'order_id': 'order_id_raw',
    'customer_id': 'customer_id_raw',
    'status': 'status_raw',
    'checked_out_at': 'checked_out_at_raw',
}) -%}

with

source as (

    select * from {{ source('shopsmart', 'orders') }}

),

customers as (

    select customer_id from {{ ref('stg_shopsmart__customers') }}

),

rejected_customers as (

    {{ rejected_parents('base_shopsmart__customers', 'customer_id') }}

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

-- exact copies and rows sharing the key (order_id): copy_number, row_rejection_reason,
-- key_rank; of two different rows with one order_id, the latest checkout is kept, and
-- at the same time the later stage of an order's life: cancelled, then success, then failed
{{ rank_duplicates(
    'row_checked', 'order_id',
    ['order_id_raw', 'customer_id_raw', 'status_raw', 'checked_out_at_raw'],
    raw_object,
    prefer=[
        'checked_out_at desc',
        "case status when 'cancelled' then 1 when 'success' then 2 else 3 end",
    ],
) }},

checked as (

    select
        ranked.*,
        -- rejection_reason, and the rejected customer an order is rejected for
        {{ rejection_columns([{
            'parent': 'customers',
            'key': 'ranked.customer_id',
            'accepted': 'customers.customer_id is not null',
            'rejected': 'rejected_customers',
            'unknown': 'unknown_customer',
        }]) }}

    from ranked

    left join customers
        on ranked.customer_id = customers.customer_id

    left join rejected_customers
        on ranked.customer_id = rejected_customers.customer_id

),

final as (

    -- the typed values, the checks, and the raw texts of a rejected row only
    select
        order_id,
        customer_id,
        status,
        checked_out_at,

        {{ base_check_columns('order_id_raw', raw_object) }}

    from checked

)

select * from final

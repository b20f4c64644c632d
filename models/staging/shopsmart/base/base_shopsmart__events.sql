{#
    Incremental by source file (macro events_files_to_load): a run reads only the
    files that are new or changed since the last run, with every file whose name
    sorts after the first of them, and replaces their rows (delete+insert on
    source_file). Rows of the files loaded before are not read again: the
    numbering of copies and of rows sharing an event_id continues after theirs,
    so the table is the same as after a full refresh.
#}
{{ config(
    materialized=incremental_unless_spark(),
    incremental_strategy='delete+insert',
    unique_key='source_file',
    on_schema_change='fail',
) }}

{#- the payload keys read from event_data, in the order of payload_values -#}
{%- set payload_keys = ['event_type', 'timestamp', 'item_id', 'quantity', 'order_id', 'status'] -%}
{%- set reload_from = events_files_to_load() if is_incremental() else none -%}
{%- set load_filter = (shopsmart_source_file('events') ~ ' >= ' ~ quoted_text(reload_from))
    if reload_from is not none else '1 = 0' -%}
{%- set loaded_filter = 'source_file < ' ~ quoted_text(reload_from) if reload_from is not none else '1 = 0' -%}
{%- set raw_object = json_object_text({
    'event_id': 'event_id_raw',
    'customer_id': 'customer_id_raw',
    'event_data': 'event_data_raw',
    'event_timestamp': 'event_timestamp_raw',
}) -%}

with

source as (

    select * from {{ shopsmart_source('events') }}
    {% if is_incremental() -%}
        -- only the files to (re)load; none when nothing changed
        where {{ load_filter }}
    {%- endif %}

),

customers as (

    select customer_id from {{ ref('stg_shopsmart__customers') }}

),

products as (

    select product_id from {{ ref('stg_shopsmart__products') }}

),

rejected_customers as (

    {{ rejected_parents('base_shopsmart__customers', 'customer_id') }}

),

rejected_products as (

    {{ rejected_parents('base_shopsmart__products', 'product_id') }}

),

-- a second, narrow read of the files: the event_id of every row, to find the ids
-- that more than one row carries without reading the wide rows twice
source_event_ids as (

    select {{ parse_integer('cast(event_id as ' ~ dbt.type_string() ~ ')') }} as event_id

    from {{ shopsmart_source('events') }}
    {% if is_incremental() -%}
        where {{ load_filter }}
    {%- endif %}

),

{% if is_incremental() %}
    -- the rows of the files loaded before that share an event_id with the rows being
    -- loaded: those files sort first, so the numbering continues after them
    loaded as (

        select
            event_id,
            row_fingerprint,
            row_rejection_reason

        from {{ this }}

        where
            {{ loaded_filter }}
            and event_id in (select source_event_ids.event_id from source_event_ids)

    ),

{% endif %}
shared_event_ids as (

    select event_id
    from source_event_ids
    group by event_id
    having count(*) > 1
    {%- if is_incremental() %}

        union

        select event_id
        from loaded
    {%- endif %}

),

raw_text as (

    select
        cast({{ shopsmart_source_file('events') }} as {{ dbt.type_string() }}) as source_file,
        cast(event_id as {{ dbt.type_string() }}) as event_id_raw,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id_raw,
        cast(event_data as {{ dbt.type_string() }}) as event_data_raw,
        cast(event_timestamp as {{ dbt.type_string() }}) as event_timestamp_raw,
        {{ row_fingerprint(['event_id', 'customer_id', 'event_data', 'event_timestamp']) }} as row_fingerprint

    from source

),

payload as (

    select
        *,
        -- only well-formed JSON is parsed; anything else is rejected as malformed_json
        case when {{ json_is_valid('event_data_raw') }} then event_data_raw end as event_json

    from raw_text

),

extracted as (

    select
        *,
        -- the payload's keys as text, the JSON parsed once
        {{ json_extract_texts('event_json', payload_keys) }} as payload_values

    from payload

),

parsed as (

    select
        *,
        lower(trim({{ json_extracted_text('payload_values', payload_keys, 'event_type') }})) as event_type,
        {{ parse_timestamp_utc(json_extracted_text('payload_values', payload_keys, 'timestamp')) }}
            as payload_timestamp,
        nullif(trim({{ json_extracted_text('payload_values', payload_keys, 'item_id') }}), '') as item_id_text,
        {{ parse_integer(json_extracted_text('payload_values', payload_keys, 'item_id')) }} as product_id,
        nullif(trim({{ json_extracted_text('payload_values', payload_keys, 'quantity') }}), '') as quantity_text,
        {{ parse_integer(json_extracted_text('payload_values', payload_keys, 'quantity')) }} as quantity,
        nullif(trim({{ json_extracted_text('payload_values', payload_keys, 'order_id') }}), '') as order_id,
        lower(nullif(trim({{ json_extracted_text('payload_values', payload_keys, 'status') }}), ''))
            as checkout_status

    from extracted

),

cleaned as (

    select
        *,

        {{ parse_integer('event_id_raw') }} as event_id,
        nullif(trim(customer_id_raw), '') as customer_id,
        -- the column is authoritative; the payload's timestamp fills it only when it is
        -- empty: an unreadable event_timestamp is rejected (invalid_timestamp), not replaced
        case
            when nullif(trim(event_timestamp_raw), '') is null then payload_timestamp
            else {{ parse_timestamp_utc('event_timestamp_raw') }}
        end as event_at

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
            when event_type in ('add_to_cart', 'remove_from_cart') and item_id_text is null
                then 'missing_item_id'
            when item_id_text is not null and product_id is null then 'invalid_item_id'
            when quantity_text is not null and quantity is null then 'invalid_quantity'
            when event_type = 'checkout' and order_id is null then 'missing_order_id'
        end as row_check_reason

    from cleaned

),

{%- set needs_raw_text -%}
    row_checked.row_check_reason is not null
    or customers.customer_id is null
    or (row_checked.product_id is not null and products.product_id is null)
    or shared_event_ids.event_id is not null
    or row_checked.event_id is null
{%- endset %}

thinned as (

    -- the raw text is kept only where it can be needed: for a row rejected by its
    -- own values or for an unknown customer or product (its raw values go to the
    -- quarantine), and for a row whose event_id another row shares (compared below)
    select
        row_checked.source_file,
        row_checked.row_fingerprint,
        row_checked.event_id,
        row_checked.customer_id,
        row_checked.event_type,
        row_checked.product_id,
        row_checked.quantity,
        row_checked.order_id,
        row_checked.checkout_status,
        row_checked.event_at,
        row_checked.payload_timestamp,
        row_checked.row_check_reason,
        customers.customer_id is not null as is_known_customer,
        row_checked.product_id is null or products.product_id is not null as is_known_product,
        row_checked.event_id_raw,
        case when {{ needs_raw_text }} then row_checked.customer_id_raw end as customer_id_raw,
        case when {{ needs_raw_text }} then row_checked.event_data_raw end as event_data_raw,
        case when {{ needs_raw_text }} then row_checked.event_timestamp_raw end as event_timestamp_raw

    from row_checked

    left join shared_event_ids
        on row_checked.event_id = shared_event_ids.event_id

    left join customers
        on row_checked.customer_id = customers.customer_id

    left join products
        on row_checked.product_id = products.product_id

),

-- exact copies and rows sharing the key (event_id): copy_number, row_rejection_reason,
-- key_rank; of two different rows with one event_id, the one from the earliest file is
-- kept (a loaded event stays), and in one file the latest event
{{ rank_duplicates(
    'thinned', 'event_id',
    ['event_id_raw', 'customer_id_raw', 'event_data_raw', 'event_timestamp_raw'],
    raw_object,
    first_by=['source_file'],
    prefer=['event_at desc'],
    shared_keys='shared_event_ids',
    loaded='loaded' if is_incremental() else none,
) }},

checked as (

    select
        ranked.*,
        -- rejection_reason, and the rejected customer or product an event is rejected for
        {{ rejection_columns([
            {
                'parent': 'customers',
                'key': 'ranked.customer_id',
                'accepted': 'ranked.is_known_customer',
                'rejected': 'rejected_customers',
                'unknown': 'unknown_customer',
            },
            {
                'parent': 'products',
                'key': 'ranked.product_id',
                'accepted': 'ranked.is_known_product',
                'rejected': 'rejected_products',
                'unknown': 'unknown_product',
            },
        ]) }}

    from ranked

    left join rejected_customers
        on ranked.customer_id = rejected_customers.customer_id

    left join rejected_products
        on ranked.product_id = rejected_products.product_id

),

final as (

    select
        source_file,
        -- the raw key and the raw row are kept for the rejected rows only, which go to the quarantine
        case when rejection_reason is not null then event_id_raw end as source_key,
        row_fingerprint,
        case when rejection_reason is not null then {{ raw_object }} end as raw_values,

        event_id,
        customer_id,
        event_type,
        product_id,
        quantity,
        order_id,
        checkout_status,
        event_at,
        payload_timestamp,

        copy_number,
        row_rejection_reason,
        key_rank,
        rejection_reason,
        parent_table,
        parent_key,
        parent_reason,
        kept_raw_values,

        -- when this run loaded the row: the later models pick up the rows loaded since their last run
        cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as {{ api.Column.translate_type('timestamp') }})
            as loaded_at

    from checked

)

select * from final

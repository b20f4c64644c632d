with

customers as (

    select * from {{ ref('customers') }}

),

customer_segments as (

    select * from {{ ref('customer_segments') }}

),

segment_profiles as (

    select * from {{ ref('segment_profiles') }}

),

customer_lifetime_value as (

    select * from {{ ref('customer_lifetime_value') }}

),

customer_rfm as (

    select * from {{ ref('customer_rfm') }}

),

final as (

    -- every customer of `customers`, whatever the other marts hold for them: a customer
    -- missing from one of them keeps the row, with nulls (and 'Unsegmented') in its columns
    select
        customers.customer_id,
        cast(customer_segments.segment_id as {{ dbt.type_bigint() }}) as segment_id,

        coalesce(customer_segments.segment_name, 'Unsegmented') as segment_name,
        segment_profiles.recommended_action,
        segment_profiles.channel,
        customer_lifetime_value.prediction_status,
        customer_rfm.rfm_segment,
        customers.location as country,
        customers.country_iso_alpha2,

        {{ round_money('customer_lifetime_value.lifetime_value_usd') }} as lifetime_value_usd,
        cast(customer_lifetime_value.probability_active as double) as probability_active,

        cast(customer_rfm.last_purchase_at as date) as last_purchase_date

    from customers

    left join customer_segments
        on customers.customer_id = customer_segments.customer_id

    left join segment_profiles
        on customer_segments.segment_id = segment_profiles.segment_id

    left join customer_lifetime_value
        on customers.customer_id = customer_lifetime_value.customer_id

    left join customer_rfm
        on customers.customer_id = customer_rfm.customer_id

)

select * from final

with

customers as (

    select * from {{ ref('base_shopsmart__customers') }}
    where rejection_reason is null

),

countries as (

    select * from {{ ref('country_regions') }}

),

final as (

    select
        customers.customer_id,
        customers.device_id,

        -- repaired: trimmed, and spelled as in the country reference when it matches
        -- regardless of case; the value as exported stays in location_raw
        coalesce(countries.country_name, customers.location_trimmed) as location,
        customers.location_raw,
        -- repaired: trimmed and upper-cased; the value as exported stays in currency_raw
        customers.currency,
        customers.currency_raw,

        countries.country_name is not null as is_known_location

    from customers

    left join countries
        on lower(customers.location_trimmed) = lower(countries.country_name)

)

select * from final

with

customers as (

    select * from {{ ref('int_customers_conformed') }}

),

country_regions as (

    select * from {{ ref('country_regions') }}

),

matched as (

    select
        customers.customer_id,
        customers.location,
        country_regions.iso_alpha2 as country_iso_alpha2,
        country_regions.iso_alpha3 as country_iso_alpha3,
        country_regions.region,
        country_regions.continent,

        country_regions.country_name is not null as is_known_location

    from customers

    left join country_regions
        on customers.location = country_regions.country_name

),

final as (

    select
        customer_id,

        -- a location missing from the country reference (or null) is grouped under
        -- 'Unknown', and so is a region the reference leaves null, so that no
        -- customer drops out of a location summary
        case when is_known_location then location else 'Unknown' end as country,
        country_iso_alpha2,
        country_iso_alpha3,
        coalesce(region, 'Unknown') as region,
        -- the continent follows the region, so country, region and continent nest
        case when region is not null then continent else 'Unknown' end as continent,

        is_known_location

    from matched

)

select * from final

{{ config(enabled=online_retail_enabled()) }}

with

invoice_lines as (

    select * from {{ ref('base_online_retail__invoice_lines') }}
    where rejection_reason is null

),

countries as (

    select * from {{ ref('country_regions') }}

),

customer_countries as (

    select
        customer_id,
        country_raw,
        country,
        count(*) as line_count,
        max(invoiced_at) as last_invoiced_at

    from invoice_lines

    group by customer_id, country_raw, country

),

ranked as (

    select
        *,
        -- a few customers have lines in two countries: the one with most lines is
        -- theirs, on a tie the country of their latest line, then the first by name
        row_number() over (
            partition by customer_id
            order by line_count desc, last_invoiced_at desc, country_raw asc
        ) as country_rank

    from customer_countries

),

final as (

    select
        ranked.customer_id,

        -- trimmed, and spelled as in the country reference when it matches regardless
        -- of case; the value as exported stays in location_raw
        coalesce(countries.country_name, ranked.country) as location,
        ranked.country_raw as location_raw,
        -- the source invoices in one currency
        cast('{{ var("online_retail_currency", "GBP") }}' as {{ dbt.type_string() }}) as currency,

        countries.country_name is not null as is_known_location

    from ranked

    left join countries
        on lower(ranked.country) = lower(countries.country_name)

    where ranked.country_rank = 1

)

select * from final

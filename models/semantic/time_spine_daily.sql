with

bounds as (

    select
        cast('{{ var("time_spine_start_date") }}' as date) as first_day,
        cast('{{ var("time_spine_end_date") }}' as date) as last_day

),

days as (

    {{ day_series('bounds', 'first_day', 'last_day') }}

),

final as (

    select date_day

    from days

)

select * from final

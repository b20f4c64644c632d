{#- Source tables of the ShopSmart export, each with its staging model. -#}
{%- set tables = ['customers', 'orders', 'line_items', 'products', 'events'] -%}

with

quarantine as (

    select * from {{ ref('quarantine') }}

),

{% for table in tables %}
    {{ table }}_counts as (

        select
            'shopsmart' as source_name,
            '{{ table }}' as source_table,
            (select count(*) from {{ source('shopsmart', table) }}) as rows_in,
            (select count(*) from {{ ref('stg_shopsmart__' ~ table) }}) as rows_accepted,
            (
                select count(*) from quarantine
                where source_name = 'shopsmart' and source_table = '{{ table }}'
            ) as rows_quarantined

    ),

{% endfor %}
unioned as (

    {% for table in tables %}
        select * from {{ table }}_counts
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        source_name,
        source_table,
        rows_in,
        rows_accepted,
        rows_quarantined,
        rows_in = rows_accepted + rows_quarantined as is_reconciled

    from unioned

)

select * from final

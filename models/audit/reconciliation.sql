{#- Source tables of the ShopSmart export, each with its staging model. -#}
{%- set tables = ['customers', 'orders', 'line_items', 'products', 'events'] -%}
{#- The online_retail invoice lines, accepted into stg_online_retail__line_items, while that source is selected. -#}
{%- set with_online_retail = online_retail_enabled() -%}

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
{% if with_online_retail %}
    invoice_lines_counts as (

        select
            'online_retail' as source_name,
            'invoice_lines' as source_table,
            (select count(*) from {{ source('online_retail', 'invoice_lines') }}) as rows_in,
            (select count(*) from {{ ref('stg_online_retail__line_items') }}) as rows_accepted,
            (
                select count(*) from quarantine
                where source_name = 'online_retail' and source_table = 'invoice_lines'
            ) as rows_quarantined

    ),

{% endif %}
unioned as (

    {% for table in tables %}
        select * from {{ table }}_counts
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
    {% if with_online_retail %}
        union all
        select * from invoice_lines_counts
    {% endif %}

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

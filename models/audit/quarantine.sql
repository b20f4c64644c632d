{#- Source tables of the ShopSmart export, each checked by base_shopsmart__<table>. -#}
{%- set tables = ['customers', 'orders', 'line_items', 'products', 'events'] -%}

with

{% for table in tables %}
    {{ table }}_rejected as (

        select
            'shopsmart' as source_name,
            '{{ table }}' as source_table,
            source_key,
            rejection_reason as reason_code,
            raw_values

        from {{ ref('base_shopsmart__' ~ table) }}
        where rejection_reason is not null

    ),

{% endfor %}
unioned as (

    {% for table in tables %}
        select * from {{ table }}_rejected
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from unioned

{#- Source tables of the ShopSmart export, each checked by base_shopsmart__<table>. -#}
{%- set tables = ['customers', 'orders', 'line_items', 'products', 'events'] -%}
{#- The online_retail invoice lines, checked by base_online_retail__invoice_lines, while that source is selected. -#}
{%- set with_online_retail = online_retail_enabled() -%}

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
{% if with_online_retail %}
    invoice_lines_rejected as (

        select
            'online_retail' as source_name,
            'invoice_lines' as source_table,
            source_key,
            rejection_reason as reason_code,
            raw_values

        from {{ ref('base_online_retail__invoice_lines') }}
        where rejection_reason is not null

    ),

{% endif %}
unioned as (

    {% for table in tables %}
        select * from {{ table }}_rejected
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
    {% if with_online_retail %}
        union all
        select * from invoice_lines_rejected
    {% endif %}

)

select * from unioned

{#- The tables of the selected source, each checked by its base model. -#}
{%- set tables = selected_source_tables() -%}

with

{% for table in tables %}
    {{ table.table_name }}_rejected as (

        select
            '{{ table.source_name }}' as source_name,
            '{{ table.table_name }}' as source_table,
            source_key,
            rejection_reason as reason_code,
            raw_values

        from {{ ref(table.base_model) }}
        where rejection_reason is not null

    ),

{% endfor %}
unioned as (

    {% for table in tables %}
        select * from {{ table.table_name }}_rejected
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from unioned

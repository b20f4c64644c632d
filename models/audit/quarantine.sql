{#- The tables of the selected source, each checked by its base model. -#}
{%- set tables = selected_source_tables() -%}
{%- set no_value = 'cast(null as ' ~ dbt.type_string() ~ ')' -%}

with

{% for table in tables %}
    {{ table.table_name }}_rejected as (

        select
            '{{ table.source_name }}' as source_name,
            '{{ table.table_name }}' as source_table,
            source_key,
            rejection_reason as reason_code,
            raw_values,
            -- the row it is rejected for; an invoice line has no parent and no key to share
            {{ 'parent_table' if table.source_name == 'shopsmart' else no_value }} as parent_table,
            {{ 'parent_key' if table.source_name == 'shopsmart' else no_value }} as parent_key,
            {{ 'parent_reason' if table.source_name == 'shopsmart' else no_value }} as parent_reason,
            {{ 'kept_raw_values' if table.source_name == 'shopsmart' else no_value }} as kept_raw_values

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

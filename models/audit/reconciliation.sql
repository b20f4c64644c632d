{#- The tables of the selected source, each with its staging model of accepted rows. -#}
{%- set tables = selected_source_tables() -%}

with

quarantine as (

    select * from {{ ref('quarantine') }}

),

{% for table in tables %}
    {{ table.table_name }}_counts as (

        select
            '{{ table.source_name }}' as source_name,
            '{{ table.table_name }}' as source_table,
            (
                select count(*) from {{
                    shopsmart_source(table.table_name) if table.source_name == 'shopsmart'
                    else source(table.source_name, table.table_name)
                }}
            ) as rows_in,
            (select count(*) from {{ ref(table.staging_model) }}) as rows_accepted,
            (
                select count(*) from quarantine
                where source_name = '{{ table.source_name }}' and source_table = '{{ table.table_name }}'
            ) as rows_quarantined

    ),

{% endfor %}
unioned as (

    {% for table in tables %}
        select * from {{ table.table_name }}_counts
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

{#
    Layers are written to schemas named after the layer (raw, reference, staging,
    audit, intermediate, marts) rather than dbt's default "<target schema>_<layer>",
    so that BI tools read plain names such as marts.customers.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}

{#
    The one source switch. One source is built at a time: the conformed
    intermediate models (models/intermediate/int_*_conformed), the quarantine and
    the reconciliation read the source this macro names, and every model above
    them is the same for both sources:
      'online_retail' when var online_retail_path (env ONLINE_RETAIL_PATH) is set,
      'shopsmart' otherwise (the shop's own files, or the embedded sample).
    The other source, its seeds and its staging models are disabled (the `enabled`
    configs in dbt_project.yml and the sources yml test the same var).
#}
{% macro selected_source() -%}
    {{ return('online_retail' if shopsmart_analytics.online_retail_enabled() else 'shopsmart') }}
{%- endmacro %}


{#
    The tables of the selected source, each as a dict: source_name, table_name,
    base_model (the model that checks every row and gives a rejected row its
    reason) and staging_model (the model of the accepted rows).
#}
{% macro selected_source_tables() -%}
    {%- if shopsmart_analytics.selected_source() == 'online_retail' -%}
        {{ return([{
            'source_name': 'online_retail',
            'table_name': 'invoice_lines',
            'base_model': 'base_online_retail__invoice_lines',
            'staging_model': 'stg_online_retail__line_items',
        }]) }}
    {%- endif -%}
    {%- set tables = [] -%}
    {%- for table_name in ['customers', 'orders', 'line_items', 'products', 'events'] -%}
        {%- do tables.append({
            'source_name': 'shopsmart',
            'table_name': table_name,
            'base_model': 'base_shopsmart__' ~ table_name,
            'staging_model': 'stg_shopsmart__' ~ table_name,
        }) -%}
    {%- endfor -%}
    {{ return(tables) }}
{%- endmacro %}


{#
    The file a row of the source shopsmart's `table_name` was read from, as a
    column expression: the column source_file when the shop's files are read (var
    shopsmart_data_dir), else the sample table's name. A unit test's fixture has
    only the source's declared columns, so there too the seed's name.
#}
{% macro shopsmart_source_file(table_name) -%}
    {%- if var('shopsmart_data_dir', env_var('SHOPSMART_DATA_DIR', '')) and model.resource_type != 'unit_test' -%}
        source_file
    {%- else -%}
        '{{ source('shopsmart', table_name).identifier }}'
    {%- endif -%}
{%- endmacro %}

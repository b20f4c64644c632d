{#
    The one source switch of the marts. The conformed intermediate models
    (models/intermediate/int_*_conformed) read the source this macro names, and
    every model above them is the same for both sources:
      'online_retail' when var online_retail_path (env ONLINE_RETAIL_PATH) is set,
      'shopsmart' otherwise (the shop's own files, or the embedded sample).
#}
{% macro selected_source() -%}
    {{ return('online_retail' if shopsmart_analytics.online_retail_enabled() else 'shopsmart') }}
{%- endmacro %}

{#
    The materialization of the models that load or build again only what changed:
    incremental, except on Spark, where they are tables rebuilt by every run. Their
    incremental runs delete rows (of reloaded files, sessions, customers, month ends),
    which Spark's Parquet tables do not support (README: Running on Spark).
#}
{% macro incremental_unless_spark() -%}
    {{ return('table' if target.type == 'spark' else 'incremental') }}
{%- endmacro %}

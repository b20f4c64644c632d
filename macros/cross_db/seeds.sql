{#
    Seeds on Spark. dbt-spark's session method fills the seed's insert statement by
    formatting each value between single quotes as it is: a quote in a value ends
    the text literal (a country named Cote d'Ivoire fails the load) and an empty
    cell is loaded as the text 'None'. This version writes each value as an SQL
    literal itself, escaped (quoted_text), and an empty cell as null, as DuckDB
    loads it. Found through the dispatch search order in dbt_project.yml.
#}
{% macro spark__load_csv_rows(model, agate_table) -%}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set column_types = [] -%}
    {%- for column_name in agate_table.column_names -%}
        {%- do column_types.append(
            column_override.get(column_name, adapter.convert_type(agate_table, loop.index0))
        ) -%}
    {%- endfor -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set rows = [] -%}
        {%- for row in chunk -%}
            {%- set values = [] -%}
            {%- for value in row -%}
                {%- do values.append(
                    'cast(' ~ shopsmart_analytics.seed_value_literal(value) ~ ' as ' ~ column_types[loop.index0] ~ ')'
                ) -%}
            {%- endfor -%}
            {%- do rows.append('(' ~ values | join(', ') ~ ')') -%}
        {%- endfor -%}
        {%- set sql = 'insert into ' ~ this.render() ~ ' values\n' ~ rows | join(',\n') -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- do statements.append(sql) -%}
    {%- endfor -%}
    {#- the SQL of the first batch, for the compiled files -#}
    {{ return(statements[0] if statements else '') }}
{%- endmacro %}


{# One value of a seed's row (as dbt's CSV reader typed it) as an SQL literal. #}
{% macro seed_value_literal(value) -%}
    {%- if value is none -%}
        null
    {%- elif value is sameas true or value is sameas false -%}
        {{ 'true' if value else 'false' }}
    {%- elif value is number -%}
        {{ value }}
    {%- else -%}
        {{ shopsmart_analytics.quoted_text(value) }}
    {%- endif -%}
{%- endmacro %}

{#
    Fails for every combination of the values of `combination_of_columns` that more
    than one row of the model holds (nulls compare equal, as in a group by): the
    columns together are a key. Usage in yml:
        data_tests:
          - unique_combination_of_columns:
              arguments:
                combination_of_columns: [customer_id, month_end]
#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

select
    {{ combination_of_columns | join(', ') }},
    count(*) as rows_with_these_values

from {{ model }}

group by {{ combination_of_columns | join(', ') }}

having count(*) > 1

{% endtest %}

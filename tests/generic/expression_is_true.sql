{#
    Fails for every row of the model where `expression` is not true (false or null).
    Applies to a model or to one of its columns (the column is then only a label).
    Usage in yml:
        data_tests:
          - expression_is_true:
              arguments:
                expression: "rows_in = rows_accepted + rows_quarantined"
#}
{% test expression_is_true(model, expression, column_name=none) %}

select *
from {{ model }}
where not coalesce({{ expression }}, false)

{% endtest %}

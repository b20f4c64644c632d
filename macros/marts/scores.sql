{#
    The score (1 to `levels`) of a value among `scored_expr` customers, from its
    position in the order from the worst value to the best: `rank_expr` is rank() of
    the value (the first position of its tie group) and `ties_expr` the size of that
    group (count(*) over (partition by the value)). Tied values share the middle
    position of their group, the mid-rank rank + (ties - 1) / 2 (pandas
    rank(method='average')), and score ceil(levels * (midrank - 0.5) / scored):
    the level whose share of the positions holds the centre of that mid-rank. So a
    value never scores lower than a worse one, equal values score the same, a
    group of all customers (or a single customer) scores the middle level, and
    without ties each level holds n / levels customers, give or take one (exactly
    ntile's buckets when n is a multiple of `levels`). Every term before the
    division is a multiple of 0.5, exact in decimals and in floating point, so a
    quotient that lies on a level boundary stays on it and ceil does not move it up.
    Portable SQL: ceil and arithmetic only.
#}
{% macro midrank_score(rank_expr, ties_expr, scored_expr, levels) -%}
    {%- set midrank = '(' ~ rank_expr ~ ' + (' ~ ties_expr ~ ' - 1) / 2.0)' -%}
    cast(ceil({{ levels }} * ({{ midrank }} - 0.5) / {{ scored_expr }}) as {{ dbt.type_int() }})
{%- endmacro %}

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

{#
    The R, F and M scores of customer_rfm as CTEs ending in rfm_scored, over the CTE
    `buyers` (customer_id, recency_days, frequency, monetary_usd, none null; one row
    per customer who bought, or per customer and `partition_by` value): positions run
    from the worst value (1) to the best (longest ago, fewest orders, least revenue),
    and midrank_score turns each value's first position and the size of its tie
    group into scores 1 to `levels` among the buyers of the same partition.

    The positions are counted on the distinct values, not on the buyers: each value's
    tie group is a group by, its first position the running count of the groups
    before it, and the buyers take their value's figures by a join. A value has the
    same first position as rank() over the buyers would give it, but the only sort is
    of the distinct values, far fewer than the buyers for recency and frequency (and
    than the customers x month ends of the segment history). rfm_scored has
    customer_id, the partition column and r_score, f_score, m_score. The caller
    writes the comma before the call.
#}
{% macro rfm_score_ctes(buyers, levels, partition_by=none) -%}
    {%- set partition_list = (partition_by ~ ', ') if partition_by else '' -%}
    {%- set over_partition = ('partition by ' ~ partition_by) if partition_by else '' -%}
    {%- set measures = [
        ('recency', 'recency_days', 'desc'),
        ('frequency', 'frequency', 'asc'),
        ('monetary', 'monetary_usd', 'asc'),
    ] -%}
    {%- for name, column, direction in measures %}
rfm_{{ name }}_positions as (

    select
        {{ partition_list }}{{ column }},
        count(*) as ties,
        cast(sum(count(*)) over (
            {{ over_partition }} order by {{ column }} {{ direction }}
            rows between unbounded preceding and current row
        ) - count(*) + 1 as {{ dbt.type_bigint() }}) as first_position

    from {{ buyers }}

    group by {{ partition_list }}{{ column }}

),
    {% endfor %}
rfm_scored_customers as (

    select
        {{ partition_list }}count(*) as scored_customers

    from {{ buyers }}
    {%- if partition_by %}

    group by {{ partition_by }}
    {%- endif %}

),

rfm_scored as (

    select
        {% if partition_by %}{{ buyers }}.{{ partition_by }}, {% endif %}{{ buyers }}.customer_id,
        {%- for name, column, direction in measures %}
        {{ midrank_score(
            'rfm_' ~ name ~ '_positions.first_position',
            'rfm_' ~ name ~ '_positions.ties',
            'rfm_scored_customers.scored_customers',
            levels
        ) }} as {{ name[0] }}_score{{ "," if not loop.last }}
        {%- endfor %}

    from {{ buyers }}
    {%- for name, column, direction in measures %}

    inner join rfm_{{ name }}_positions
        on
            {%- if partition_by %}
            {{ buyers }}.{{ partition_by }} = rfm_{{ name }}_positions.{{ partition_by }}
            and
            {%- endif %}
            {{ buyers }}.{{ column }} = rfm_{{ name }}_positions.{{ column }}
    {%- endfor %}

    {% if partition_by -%}
    inner join rfm_scored_customers
        on {{ buyers }}.{{ partition_by }} = rfm_scored_customers.{{ partition_by }}
    {%- else -%}
    cross join rfm_scored_customers
    {%- endif %}

)
{%- endmacro %}

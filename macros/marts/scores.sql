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
    The R, F and M scores of customer_rfm as two CTEs, rfm_ranked and rfm_scored,
    over the CTE `buyers` (customer_id, recency_days, frequency, monetary_usd, one row
    per customer who bought, or per customer and `partition_by` value): positions run
    from the worst value (1) to the best (longest ago, fewest orders, least revenue),
    rank() is the first position of a value's tie group, the count its size, and
    midrank_score turns them into scores 1 to `levels` among the buyers of the same
    partition. rfm_scored has customer_id, the partition column and r_score, f_score,
    m_score. The caller writes the comma before the call.
#}
{% macro rfm_score_ctes(buyers, levels, partition_by=none) -%}
    {%- set partition_list = (partition_by ~ ', ') if partition_by else '' -%}
    {%- set over_partition = ('partition by ' ~ partition_by) if partition_by else '' %}
rfm_ranked as (

    select
        {{ partition_list }}customer_id,
        rank() over ({{ over_partition }} order by recency_days desc) as recency_rank,
        count(*) over (partition by {{ partition_list }}recency_days) as recency_ties,
        rank() over ({{ over_partition }} order by frequency asc) as frequency_rank,
        count(*) over (partition by {{ partition_list }}frequency) as frequency_ties,
        rank() over ({{ over_partition }} order by monetary_usd asc) as monetary_rank,
        count(*) over (partition by {{ partition_list }}monetary_usd) as monetary_ties,
        count(*) over ({{ over_partition }}) as scored_customers

    from {{ buyers }}

),

rfm_scored as (

    select
        {{ partition_list }}customer_id,
        {{ midrank_score('recency_rank', 'recency_ties', 'scored_customers', levels) }} as r_score,
        {{ midrank_score('frequency_rank', 'frequency_ties', 'scored_customers', levels) }} as f_score,
        {{ midrank_score('monetary_rank', 'monetary_ties', 'scored_customers', levels) }} as m_score

    from rfm_ranked

)
{%- endmacro %}

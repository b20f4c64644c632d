{#
    The project's one rounding rule for money: amounts are computed exactly in
    decimals and rounded once, at the end, to the cent (two decimal places, half
    away from zero, the behaviour of round() on decimals), then stored as
    numeric(18, 2).
#}
{% macro round_money(amount_expr) -%}
    cast(round({{ amount_expr }}, 2) as numeric(18, 2))
{%- endmacro %}


{#
    A US dollar amount in another currency: amount * units_per_usd (the seed
    currency_rates gives how many units of the currency one US dollar buys), computed
    in a wide decimal so that large amounts in weak currencies do not overflow, then
    rounded once with round_money. Null when the rate is null (currency not in the seed).
#}
{% macro usd_to_currency(usd_amount_expr, units_per_usd_expr) -%}
    {{ round_money(
        'cast(' ~ usd_amount_expr ~ ' as numeric(28, 2)) * cast(' ~ units_per_usd_expr ~ ' as numeric(18, 6))'
    ) }}
{%- endmacro %}


{#
    Per group of rows of the `orders` mart: the orders by status and the revenue of
    the successful ones in US dollars, at capped prices (revenue_usd) and at raw
    catalogue prices (revenue_usd_uncapped), unrounded. One definition of "revenue" for
    every mart that counts orders.
#}
{% macro order_outcome_aggregates() -%}
        count(*) as orders,
        count(case when status = 'success' then 1 end) as successful_orders,
        count(case when status = 'failed' then 1 end) as failed_orders,
        count(case when status = 'cancelled' then 1 end) as cancelled_orders,
        sum(case when is_successful then total_amount_usd else 0 end) as revenue_usd,
        sum(case when is_successful then total_amount_usd_uncapped else 0 end) as revenue_usd_uncapped
{%- endmacro %}


{#
    A money amount divided by a count or an amount, rounded to the cent, half away
    from zero, exactly. Engines may divide decimals in floating point (DuckDB does),
    which can put a quotient that lies exactly on a half cent on the wrong side; the
    first rounding is therefore corrected with exact decimal products: q is the
    right rounding when denominator * (q - 0.005) <= numerator < denominator * (q + 0.005)
    (for positive amounts). Null when the denominator is 0 or null.
#}
{% macro divide_money(numerator_expr, denominator_expr) -%}
    {%- set numerator = '(' ~ numerator_expr ~ ')' -%}
    {%- set denominator = 'nullif(' ~ denominator_expr ~ ', 0)' -%}
    {%- set first_rounding = round_money(numerator ~ ' / ' ~ denominator) -%}
    cast(
        case
            when {{ numerator }} >= {{ denominator }} * ({{ first_rounding }} + 0.005)
                then {{ first_rounding }} + 0.01
            when {{ numerator }} < {{ denominator }} * ({{ first_rounding }} - 0.005)
                then {{ first_rounding }} - 0.01
            else {{ first_rounding }}
        end as numeric(18, 2)
    )
{%- endmacro %}

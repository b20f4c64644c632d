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

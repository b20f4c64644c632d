{#
    Amounts priced in a source's price currency (price_currency: USD for the
    ShopSmart catalogue, GBP for online_retail) converted with the seed
    currency_rates (units_per_usd: units of a currency that one US dollar buys).
    Each rounds once, to the cent, from the exact amount in the price currency.
#}

{# An exact amount in the price currency, in US dollars: as it is when the price currency is USD, else divided by its rate. #}
{% macro price_to_usd(amount_expr, price_currency_expr, price_units_per_usd_expr) -%}
    case
        when {{ price_currency_expr }} = 'USD' then {{ round_money(amount_expr) }}
        else {{ divide_money(amount_expr, price_units_per_usd_expr) }}
    end
{%- endmacro %}

{#
    An exact amount in the price currency, in another currency (currency_expr):
    as it is when the two are the same (no conversion, exact to the cent), from US
    dollars with usd_to_currency when the price currency is USD, else through the
    two rates (amount * units_per_usd of the currency / units_per_usd of the price currency).
#}
{% macro price_to_currency(amount_expr, price_currency_expr, price_units_per_usd_expr, currency_expr, units_per_usd_expr) -%}
    case
        when {{ price_currency_expr }} = {{ currency_expr }} then {{ round_money(amount_expr) }}
        when {{ price_currency_expr }} = 'USD' then {{ usd_to_currency(amount_expr, units_per_usd_expr) }}
        else {{ divide_money(
            'cast(' ~ amount_expr ~ ' as numeric(28, 3)) * cast(' ~ units_per_usd_expr ~ ' as numeric(18, 6))',
            price_units_per_usd_expr
        ) }}
    end
{%- endmacro %}

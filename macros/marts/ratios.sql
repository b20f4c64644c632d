{#
    The project's rule for a ratio of two counts or amounts: numerator over
    denominator rounded once, at its decimal value, to `decimals` places (default 4),
    null when the denominator is 0 or null rather than a division error or an
    invented 0.
#}
{% macro ratio(numerator_expr, denominator_expr, decimals=4) -%}
    {{ round_decimal('(' ~ numerator_expr ~ ') * 1.0 / nullif(' ~ denominator_expr ~ ', 0)', decimals) }}
{%- endmacro %}


{#
    A value that the engine computes in floating point (a quotient: engines divide
    in floating point; a mean) rounded to `decimals` places at its decimal value,
    half away from zero, and stored as numeric(18, decimals). It is first cast to
    the nearest numeric(38, 10), then rounded: rounding the floating-point value
    itself rounds its binary value, which lies just below the half for a quotient
    such as 63 * 7 / 1120 = 0.39375, and engines (and DuckDB versions) differ there.
#}
{% macro round_decimal(expr, decimals) -%}
    cast(round(cast({{ expr }} as numeric(38, 10)), {{ decimals }}) as numeric(18, {{ decimals }}))
{%- endmacro %}


{#
    The conversion rates of the website funnel (visit -> add_to_cart -> checkout ->
    successful order) from the columns visit_sessions, add_to_cart_sessions,
    checkout_sessions and successful_order_sessions: each step over the step
    before it, then over the first step. One definition for every funnel mart.
#}
{% macro funnel_step_rates() -%}
        {{ ratio('add_to_cart_sessions', 'visit_sessions') }} as visit_to_add_to_cart_rate,
        {{ ratio('checkout_sessions', 'add_to_cart_sessions') }} as add_to_cart_to_checkout_rate,
        {{ ratio('successful_order_sessions', 'checkout_sessions') }} as checkout_to_successful_order_rate,
        {{ ratio('checkout_sessions', 'visit_sessions') }} as visit_to_checkout_rate,
        {{ ratio('successful_order_sessions', 'visit_sessions') }} as visit_to_successful_order_rate
{%- endmacro %}

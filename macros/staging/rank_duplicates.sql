{#
    Duplicate checks of a base model, rendered as CTEs that end in one named
    `ranked`: the rows of the CTE `input` (which has a column row_check_reason,
    the reason from the row's own values, null when it passes) with
      copy_number          1 for the first of a set of exact copies (equal raw_columns),
                           2, 3, ... for the copies;
      row_rejection_reason row_check_reason, else duplicate_row for a copy;
      key_rank             among the rows sharing `key` that pass the row checks, 1 for
                           the row that is kept: the first by `first_by` (e.g. the
                           source file), then by `prefer` (order expressions a person
                           would choose by: the latest timestamp, the most complete
                           row), then by the raw values, so that the choice never
                           depends on the order of the rows in the file;
      kept_raw_values      for a row that passes the row checks but is not kept (key_rank
                           > 1), the `raw_object` (an expression of the row's raw
                           values as JSON text) of the row kept for its key: the
                           pointer from a conflicting duplicate to the row that won;
                           null for every other row, and when the kept row came in an
                           earlier load (`loaded`).
    Only the rows whose key is shared with another row (or is null) are numbered
    and ranked with window functions; every other row is first of its kind, so the
    windows sort a few rows, not the whole table.
    `shared_keys` (optional): the name of a CTE of the shared keys that the model
    found itself (e.g. from a narrow second read of the source), for a model whose
    `input` is too wide to be read twice.
    `loaded` (incremental loads): the name of a CTE of earlier-loaded rows, with
    `key`, row_fingerprint and row_rejection_reason, that come before the rows of
    `input`: the numbering continues after them, as in a full load.
#}
{% macro rank_duplicates(input, key, raw_columns, raw_object, first_by=[], prefer=[], shared_keys=none, loaded=none) -%}
{%- set qualified_raw = [] -%}
{%- for column in raw_columns -%}
    {%- do qualified_raw.append('flagged.' ~ column) -%}
{%- endfor -%}
{%- set qualified_first = [] -%}
{%- for column in first_by -%}
    {%- do qualified_first.append('flagged.' ~ column) -%}
{%- endfor -%}
{% if shared_keys is none %}
    shared_keys as (

        select {{ key }}
        from {{ input }}
        group by {{ key }}
        having count(*) > 1
        {%- if loaded %}

        union

        select {{ key }}
        from {{ loaded }}
        {%- endif %}

    ),

{% endif %}
flagged as (

    select
        {{ input }}.*,
        {{ input }}.{{ key }} is null or shared_keys.{{ key }} is not null as has_shared_key

    from {{ input }}

    left join {{ shared_keys or 'shared_keys' }} as shared_keys
        on {{ input }}.{{ key }} = shared_keys.{{ key }}

),

{% if loaded %}
    loaded_copies as (

        select
            {{ key }},
            row_fingerprint,
            count(*) as copies

        from {{ loaded }}

        group by
            {{ key }},
            row_fingerprint

    ),

    loaded_keys as (

        select
            {{ key }},
            count(case when row_rejection_reason is null then 1 end) as valid_rows,
            count(row_rejection_reason) as rejected_rows

        from {{ loaded }}

        group by {{ key }}

    ),

{% endif %}
shared_numbered as (

    select
        flagged.*,
        {% if loaded -%}
            coalesce(loaded_copies.copies, 0) +
        {%- endif %}
        row_number() over (
            partition by flagged.{{ key }}, {{ qualified_raw | join(', ') }}
            order by {{ (qualified_first or qualified_raw) | join(', ') }}
        ) as copy_number

    from flagged

    {% if loaded -%}
        left join loaded_copies
            on
                flagged.{{ key }} = loaded_copies.{{ key }}
                and flagged.row_fingerprint = loaded_copies.row_fingerprint
    {%- endif %}

    where flagged.has_shared_key

),

shared_checked as (

    select
        *,
        coalesce(row_check_reason, case when copy_number > 1 then 'duplicate_row' end) as row_rejection_reason

    from shared_numbered

),

shared_ranked as (

    select
        shared_checked.*,
        {% if loaded -%}
            case
                when shared_checked.row_rejection_reason is null then coalesce(loaded_keys.valid_rows, 0)
                else coalesce(loaded_keys.rejected_rows, 0)
            end +
        {%- endif %}
        row_number() over kept_first as key_rank,
        case
            when
                shared_checked.row_rejection_reason is null
                and row_number() over kept_first > 1
                {%- if loaded %}
                and coalesce(loaded_keys.valid_rows, 0) = 0
                {%- endif %}
                then first_value({{ raw_object }}) over kept_first
        end as kept_raw_values

    from shared_checked

    {% if loaded -%}
        left join loaded_keys
            on shared_checked.{{ key }} = loaded_keys.{{ key }}
    {%- endif %}

    window kept_first as (
        partition by shared_checked.{{ key }}, shared_checked.row_rejection_reason is null
        order by {{ (first_by + prefer + raw_columns) | join(', ') }}
    )

),

ranked as (

    select * from shared_ranked

    union all

    select
        *,
        1 as copy_number,
        row_check_reason as row_rejection_reason,
        1 as key_rank,
        cast(null as {{ dbt.type_string() }}) as kept_raw_values

    from flagged

    where not has_shared_key

)
{%- endmacro %}


{#
    How many of `columns` are null, as an expression: a `prefer` order of
    rank_duplicates that keeps the most complete of the rows sharing a key.
#}
{% macro missing_values_count(columns) -%}
    (
        {%- for column in columns %}
        case when {{ column }} is null then 1 else 0 end{{ ' +' if not loop.last }}
        {%- endfor %}
    )
{%- endmacro %}

{#
    The keys of a parent table's rejected rows, as a select of `key` and root_reason
    (a child row looks a key up here only when it is not among the accepted rows): the reason a child row that refers to the key
    names as its root cause (parent_reason). That is the parent row's own reason
    code, or, when the parent was itself rejected for its parent (parent_rejected),
    the root reason it names in turn, so that a chain of rejections (a customer, its
    orders, their line items) names the first rejected row's reason at every level.
    Of several rejected rows with one key, the least reason code alphabetically.
    `base_model`: the parent's base model; `key`: its key column.
#}
{% macro rejected_parents(base_model, key) -%}
    select
        rejected.{{ key }},
        min(coalesce(rejected.parent_reason, rejected.rejection_reason)) as root_reason

    from {{ ref(base_model) }} as rejected

    where
        rejected.rejection_reason is not null
        and rejected.{{ key }} is not null

    group by rejected.{{ key }}
{%- endmacro %}


{#
    The columns of a base model that say why a row is rejected, for the CTE
    `ranked` of rank_duplicates joined to the model's parents:
      rejection_reason  the row's own reason (row_rejection_reason); else
                        conflicting_duplicate for a row that shares its key with a
                        different row that is kept; else, for each reference in
                        `references` in order, parent_rejected when the referenced
                        row was rejected and the reference's `unknown` reason when
                        there is no such row at all; null for an accepted row;
      parent_table, parent_key, parent_reason
                        for a parent_rejected row: the parent's source table, the
                        key the row refers to and the root reason (macro
                        rejected_parents); null for every other row.
    Each reference is a mapping: parent (the parent's source table), key (the
    child's column of the parent key), accepted (a condition: the parent is among
    the accepted rows, or the row refers to none), rejected (the alias of the
    rejected_parents CTE, joined on the key) and unknown (the reason code when the
    parent exists nowhere).
#}
{% macro rejection_columns(references=[]) -%}
    case
        when ranked.row_rejection_reason is not null then ranked.row_rejection_reason
        when ranked.key_rank > 1 then 'conflicting_duplicate'
        {%- for reference in references %}
        when not ({{ reference.accepted }}) and {{ reference.rejected }}.root_reason is not null then 'parent_rejected'
        when not ({{ reference.accepted }}) then '{{ reference.unknown }}'
        {%- endfor %}
    end as rejection_reason,
    {%- for column in ['parent_table', 'parent_key', 'parent_reason'] %}
    {%- if references %}
    case
        when ranked.row_rejection_reason is not null or ranked.key_rank > 1 then null
        {%- for reference in references %}
        when not ({{ reference.accepted }}) and {{ reference.rejected }}.root_reason is not null then
            {%- if column == 'parent_table' %} '{{ reference.parent }}'
            {%- elif column == 'parent_key' %} cast({{ reference.key }} as {{ dbt.type_string() }})
            {%- else %} {{ reference.rejected }}.root_reason
            {%- endif %}
        when not ({{ reference.accepted }}) then null
        {%- endfor %}
    end as {{ column }}{{ ',' if not loop.last }}
    {%- else %}
    cast(null as {{ dbt.type_string() }}) as {{ column }}{{ ',' if not loop.last }}
    {%- endif %}
    {%- endfor %}
{%- endmacro %}


{#
    The columns a base model keeps after its typed values, from the CTE `checked`
    (the columns of rank_duplicates and rejection_columns), with the raw texts of a
    rejected row only, for the quarantine: source_key (`raw_key`, the key column as
    exported) and raw_values (`raw_object`, the row as JSON text). An accepted row
    has null in both: its values are in the typed columns.
#}
{% macro base_check_columns(raw_key, raw_object) -%}
    row_check_reason,
    has_shared_key,
    copy_number,
    row_rejection_reason,
    key_rank,
    kept_raw_values,
    case when rejection_reason is not null then {{ raw_key }} end as source_key,
    rejection_reason,
    parent_table,
    parent_key,
    parent_reason,
    case when rejection_reason is not null then {{ raw_object }} end as raw_values
{%- endmacro %}

{{ config(severity='warn') }}

-- One row per key that two different source rows carry: the build warns with the
-- number of such keys. The kept row of each is chosen by the rule of key_rank; the
-- others are in the quarantine as conflicting_duplicate, next to the kept row's values.
select
    source_table,
    source_key,
    count(*) as rows_not_kept

from {{ ref('quarantine') }}

where reason_code = 'conflicting_duplicate'

group by
    source_table,
    source_key

with

segment_model_fits as (

    select * from {{ ref('segment_model_fits') }}

),

final as (

    -- the selection curves of segment_model_fits without its centroids (JSON text for
    -- customer_segments, kept in the diagnostics schema)
    select
        cast(k as {{ dbt.type_bigint() }}) as k,
        cast(inertia as double) as inertia,
        cast(silhouette as double) as silhouette,
        cast(sample_size as {{ dbt.type_bigint() }}) as sample_size,

        is_chosen

    from segment_model_fits

)

select * from final

{#
    The build status: the on-run-start and on-run-end hooks of dbt_project.yml write
    one row each to the source audit.build_status (models/audit/_audit__sources.yml),
    so that a reader can tell a warehouse whose marts all come from complete builds
    from one that a failed or interrupted build left half rebuilt:

      on-run-start  a row 'running' with the run's selection, before any node runs;
      on-run-end    a row 'complete', 'partial' or 'failed' with the counts of results.

    A run killed (SIGKILL) or interrupted (Ctrl-C: dbt then skips on-run-end) leaves
    its 'running' row the latest. The table is append-only (insert, never update or
    delete), which every engine supports, Spark tables that are not Delta included;
    it is created by the first build and never dropped, --full-refresh included,
    because it is a source, not a model. Only the commands that write relations
    (build, run, seed, snapshot) record a row: `dbt test`, `dbt compile` and
    `dbt docs generate` leave the status as it was.
#}

{# The commands whose runs are recorded. #}
{% macro build_status_commands() -%}
    {{ return(['build', 'run', 'seed', 'snapshot']) }}
{%- endmacro %}


{# The columns of audit.build_status, in table order: name and type. #}
{% macro build_status_columns() -%}
    {{ return([
        ('run_id', dbt.type_string()),
        ('command', dbt.type_string()),
        ('status', dbt.type_string()),
        ('nodes_selected', dbt.type_int()),
        ('nodes_succeeded', dbt.type_int()),
        ('nodes_failed', dbt.type_int()),
        ('nodes_skipped', dbt.type_int()),
        ('selected_relations', dbt.type_string()),
        ('started_at', dbt.type_timestamp()),
        ('recorded_at', dbt.type_timestamp()),
    ]) }}
{%- endmacro %}


{#
    on-run-start, before record_build_start: the create table statement when the
    table is missing (the first build of a warehouse), after creating its schema;
    empty (nothing runs) when it exists or for the other commands. dbt runs the
    statement outside a transaction, as it runs every hook.
#}
{% macro create_build_status_table() -%}
    {%- if execute and flags.WHICH in build_status_commands() -%}
        {%- set relation = source('audit', 'build_status') -%}
        {%- if adapter.get_relation(relation.database, relation.schema, relation.identifier) is none -%}
            {%- do adapter.create_schema(relation) -%}
            {%- set columns = [] -%}
            {%- for name, type in build_status_columns() -%}
                {%- do columns.append(name ~ ' ' ~ type) -%}
            {%- endfor -%}
            create table {{ relation }} ({{ columns | join(', ') }})
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}


{# A timestamp literal of a UTC datetime, to the microsecond. #}
{% macro build_status_timestamp(moment) -%}
    cast({{ dbt.string_literal(moment.strftime('%Y-%m-%d %H:%M:%S.%f')) }} as {{ dbt.type_timestamp() }})
{%- endmacro %}


{# The insert of one row; `values` maps column names to SQL expressions, the others are null. #}
{% macro build_status_insert(relation, values) -%}
    {%- set expressions = [] -%}
    {%- for name, type in build_status_columns() -%}
        {%- do expressions.append(values.get(name, 'cast(null as ' ~ type ~ ')') ~ ' as ' ~ name) -%}
    {%- endfor -%}
    insert into {{ relation }} select {{ expressions | join(', ') }}
{%- endmacro %}


{# The selected models, seeds, snapshots and data tests (not unit tests, which read no table). #}
{% macro build_status_selected_nodes() -%}
    {%- set selected = [] -%}
    {%- for unique_id in selected_resources if unique_id.split('.')[0] in ['model', 'seed', 'snapshot', 'test'] -%}
        {%- do selected.append(unique_id) -%}
    {%- endfor -%}
    {{ return(selected) }}
{%- endmacro %}


{# The unique ids of the relations a node list writes: its models, seeds and snapshots. #}
{% macro build_status_relations(unique_ids) -%}
    {%- set relations = [] -%}
    {%- for unique_id in unique_ids if unique_id.split('.')[0] in ['model', 'seed', 'snapshot'] -%}
        {%- do relations.append(unique_id) -%}
    {%- endfor -%}
    {{ return(relations | sort) }}
{%- endmacro %}


{# on-run-start: the row 'running'. Empty (nothing runs) for the other commands. #}
{% macro record_build_start() -%}
    {%- if execute and flags.WHICH in build_status_commands() -%}
        {%- set selected = build_status_selected_nodes() -%}
        {{ build_status_insert(source('audit', 'build_status'), {
            'run_id': dbt.string_literal(invocation_id),
            'command': dbt.string_literal(flags.WHICH),
            'status': dbt.string_literal('running'),
            'nodes_selected': selected | length,
            'selected_relations': dbt.string_literal(build_status_relations(selected) | join(' ')),
            'started_at': build_status_timestamp(run_started_at),
            'recorded_at': build_status_timestamp(modules.datetime.datetime.now(modules.pytz.utc)),
        }) }}
    {%- endif -%}
{%- endmacro %}


{#
    The runs since the last complete one that did not finish (latest row 'running'
    or 'failed'), each as {'command': ..., 'relations': [...]}, from their
    'running' rows. When no run was ever complete (the first build of a warehouse,
    or one built before the table existed), one unfinished build of every model,
    seed and snapshot of the project stands for the unknown past.
#}
{% macro build_status_unfinished_runs(relation) -%}
    {%- set last_complete = run_query(
        'select max(recorded_at) from ' ~ relation ~ " where status = 'complete'"
    ).columns[0].values()[0] -%}
    {%- if last_complete is none -%}
        {%- set project_nodes = graph.nodes.values() | selectattr('config.enabled') | map(attribute='unique_id') -%}
        {{ return([{'command': 'build', 'relations': build_status_relations(project_nodes)}]) }}
    {%- endif -%}
    {%- set rows = run_query(
        'select run_id, command, status, selected_relations from ' ~ relation
        ~ ' where recorded_at > ' ~ build_status_timestamp(last_complete)
        ~ ' and run_id <> ' ~ dbt.string_literal(invocation_id)
        ~ ' order by recorded_at'
    ).rows -%}
    {%- set latest_status = {} -%}
    {%- set runs = {} -%}
    {%- for row in rows -%}
        {%- do latest_status.update({row['run_id']: row['status']}) -%}
        {%- if row['status'] == 'running' -%}
            {%- do runs.update({row['run_id']: {
                'command': row['command'],
                'relations': (row['selected_relations'] or '').split(),
            }}) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set unfinished = [] -%}
    {%- for run_id, run in runs.items() -%}
        {%- if latest_status[run_id] in ['running', 'failed'] -%}
            {%- do unfinished.append(run) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(unfinished) }}
{%- endmacro %}


{#
    The status of a run that ended: 'failed' when a result errored, failed or was
    skipped; else 'complete' when it rebuilt what every unfinished earlier run had
    selected (the same relations or more, and with their tests, by `dbt build`, when
    that run was a build): always so for a whole-project build, and for a subset
    build over a complete warehouse; else 'partial'.
#}
{% macro build_status_of(has_problems, relation) -%}
    {%- if has_problems -%}
        {{ return('failed') }}
    {%- endif -%}
    {%- set selected = build_status_relations(build_status_selected_nodes()) -%}
    {%- for run in build_status_unfinished_runs(relation) -%}
        {%- if run.command == 'build' and flags.WHICH != 'build' -%}
            {{ return('partial') }}
        {%- endif -%}
        {%- for unique_id in run.relations -%}
            {%- if unique_id not in selected -%}
                {{ return('partial') }}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return('complete') }}
{%- endmacro %}


{# on-run-end: the row with the run's outcome, written after every node. #}
{% macro record_build_end(results) -%}
    {%- if execute and flags.WHICH in build_status_commands() -%}
        {%- set relation = source('audit', 'build_status') -%}
        {%- set succeeded = results | selectattr('status', 'in', ['success', 'pass', 'warn', 'no-op']) | list -%}
        {%- set skipped = results | selectattr('status', 'equalto', 'skipped') | list -%}
        {%- set failed = (results | length) - (succeeded | length) - (skipped | length) -%}
        {{ build_status_insert(relation, {
            'run_id': dbt.string_literal(invocation_id),
            'command': dbt.string_literal(flags.WHICH),
            'status': dbt.string_literal(build_status_of(failed + (skipped | length) > 0, relation)),
            'nodes_selected': build_status_selected_nodes() | length,
            'nodes_succeeded': succeeded | length,
            'nodes_failed': failed,
            'nodes_skipped': skipped | length,
            'started_at': build_status_timestamp(run_started_at),
            'recorded_at': build_status_timestamp(modules.datetime.datetime.now(modules.pytz.utc)),
        }) }}
    {%- endif -%}
{%- endmacro %}

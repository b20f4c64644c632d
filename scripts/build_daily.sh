#!/usr/bin/env bash
# The daily build, run after the day's source files have arrived: builds only what
# reads a source table whose files were written since the last recorded build, or a
# model, test or seed changed in the project since then:
#
#   scripts/build_daily.sh [dbt build arguments]      (make daily)
#   scripts/build_daily.sh --record                   (record a build made by hand)
#
# 1. `dbt source freshness` records when each source table's files were last
#    written (the sources' loaded_at_query); a file more than a day old is a warning;
# 2. `dbt build --select source_status:fresher+ state:modified+ --state <record>`
#    compares that with the record of the last build (<record>: the folder
#    last_daily_build in dbt's target folder); with no record yet, `dbt build`.
#    Unit tests check the SQL on fixed inputs, not the data: they run in the full
#    build and in `make test`, not here (dbt recommends them for development and CI);
#    nor, once there is a record, the models tagged model_check (the lifetime-value
#    holdout calibration, a second BG/NBD fit that checks the model): a full build
#    (and the first daily build) refreshes them;
# 3. after a successful build, the freshness results and the manifest become the record.
#
# With --record, only steps 1 and 3: after a full `dbt build`, so that the next daily
# build starts from it. The incremental event models load only the new day files.
# A file removed from the source folder is not noticed here: run `dbt build`, which
# stops and asks for `dbt build --full-refresh`.
# DBT_TARGET_PATH and DBT_LOG_PATH choose dbt's own folders (default target, logs);
# DBT names the dbt executable (default .venv/bin/dbt of the project).
set -euo pipefail

project_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dbt="${DBT:-$project_dir/.venv/bin/dbt}"
target_path="$(realpath -m "${DBT_TARGET_PATH:-$project_dir/target}")"
record="$target_path/last_daily_build"
export DBT_TARGET_PATH="$target_path"

cd "$project_dir"
"$dbt" source freshness
if [ "${1:-}" = "--record" ]; then
    :
elif [ -f "$record/sources.json" ] && [ -f "$record/manifest.json" ]; then
    "$dbt" build --select "source_status:fresher+" "state:modified+" --state "$record" \
        --exclude-resource-type unit_test --exclude tag:model_check "$@"
else
    echo "No record of an earlier build in $record: building everything."
    "$dbt" build --exclude-resource-type unit_test "$@"
fi

mkdir -p "$record"
for artifact in sources.json manifest.json; do
    # copied beside, then renamed: an interrupted copy leaves the old record whole
    cp "$target_path/$artifact" "$record/$artifact.partial"
    mv "$record/$artifact.partial" "$record/$artifact"
done
echo "Recorded the sources' freshness and the manifest in $record"

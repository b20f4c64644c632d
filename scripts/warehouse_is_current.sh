#!/usr/bin/env bash
# Whether the warehouse that make build made is current, so that make docs and
# make report read it instead of building again:
#
#   scripts/warehouse_is_current.sh            exit 0 when current, 1 when not, saying why
#   scripts/warehouse_is_current.sh --started  at the start of make build
#   scripts/warehouse_is_current.sh --record   at the end of a successful make build
#
# Current means all of:
# - the warehouse's latest dbt build is complete (shopsmart-build-status), so a
#   build by hand that failed or was interrupted since is noticed;
# - make build recorded it with the same settings (the environment variables the
#   project reads: SHOPSMART_*, ONLINE_RETAIL_PATH);
# - no project file (models, macros, seeds, tests/generic, tests/audit, analyses,
#   dbt_project.yml, profiles.yml) and no source file (under SHOPSMART_DATA_DIR, or
#   ONLINE_RETAIL_PATH) was modified after that build started.
# The record lives in dbt's target folder (DBT_TARGET_PATH, default target).
set -euo pipefail

project_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${BIN:-$project_dir/.venv/bin}"
target_path="$(realpath -m "${DBT_TARGET_PATH:-$project_dir/target}")"
started="$target_path/make_build.started"
record="$target_path/make_build.record"

settings() {
    local name
    for name in SHOPSMART_DATA_DIR SHOPSMART_FILE_FORMAT SHOPSMART_EVENTS_PATH SHOPSMART_CSV_ENCODING \
        SHOPSMART_DUCKDB_PATH ONLINE_RETAIL_PATH; do
        printf '%s=%s\n' "$name" "${!name:-}"
    done
}

case "${1:-}" in
    --started)
        mkdir -p "$target_path"
        touch "$started"
        exit 0
        ;;
    --record)
        # the record carries the settings, and the build's start time as its own
        settings > "$record"
        touch -r "$started" "$record"
        exit 0
        ;;
esac

not_current() {
    echo "The warehouse is not current ($1): building it first."
    exit 1
}

[[ -f "$record" ]] || not_current "no make build recorded in $target_path"
"$bin/shopsmart-build-status" > /dev/null || not_current "its latest build is not complete"
settings | cmp --silent - "$record" || not_current "the SHOPSMART_* or ONLINE_RETAIL_PATH settings differ from the last make build's"
cd "$project_dir"
# dbt's own inputs; tests/python and tests/fixtures are pytest's, not the build's
inputs=(models macros seeds tests/generic tests/audit analyses dbt_project.yml profiles.yml)
for source_path in "${SHOPSMART_DATA_DIR:-}" "${ONLINE_RETAIL_PATH:-}"; do
    if [[ -e "$source_path" ]]; then
        inputs+=("$source_path")
    fi
done
changed="$(find "${inputs[@]}" -type f -newer "$record" -print -quit)"
[[ -z "$changed" ]] || not_current "$changed was modified after the last make build started"
echo "The warehouse is current: not building again (make build builds anyway)."

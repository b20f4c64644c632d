#!/usr/bin/env bash
# sqlfluff lint of the project's SQL, as `make lint` and the pre-commit hook run it:
#
#   scripts/lint_sql.sh                 models/ and analyses/ (make lint)
#   scripts/lint_sql.sh FILE.sql ...    only these files (the pre-commit hook)
#
# The online_retail models are enabled only when ONLINE_RETAIL_PATH is set, and the
# shopsmart staging models only when it is not, so the SQL is linted in two passes:
# everything with ONLINE_RETAIL_PATH set (the shopsmart staging models are then
# disabled and skipped), then models/staging/shopsmart without it. Linting compiles
# the online_retail models without reading the file, so any path will do.
# SHOPSMART_DUCKDB_PATH is the warehouse dbt's templater opens (default
# target/test.duckdb, the test suite's); SQLFLUFF names the sqlfluff executable
# (default .venv/bin/sqlfluff of the project).
set -euo pipefail

project_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sqlfluff="${SQLFLUFF:-$project_dir/.venv/bin/sqlfluff}"
database="${SHOPSMART_DUCKDB_PATH:-target/test.duckdb}"
shopsmart_staging="models/staging/shopsmart"

cd "$project_dir"
mkdir -p target
if [ "$#" -eq 0 ]; then
    with_online_retail=(models analyses)
    without=("$shopsmart_staging")
else
    with_online_retail=()
    without=()
    for file in "$@"; do
        case "$file" in
            "$shopsmart_staging"/*) without+=("$file") ;;
            *) with_online_retail+=("$file") ;;
        esac
    done
fi

status=0
if [ "${#with_online_retail[@]}" -gt 0 ]; then
    env -u ONLINE_RETAIL_PATH ONLINE_RETAIL_PATH=lint-only.csv SHOPSMART_DUCKDB_PATH="$database" \
        "$sqlfluff" lint "${with_online_retail[@]}" || status=$?
fi
if [ "${#without[@]}" -gt 0 ]; then
    env -u ONLINE_RETAIL_PATH SHOPSMART_DUCKDB_PATH="$database" \
        "$sqlfluff" lint "${without[@]}" || status=$?
fi
exit "$status"

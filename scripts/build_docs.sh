#!/usr/bin/env bash
# Generates the dbt docs site as one self-contained page, OUT_DIR/index.html, with
# the manifest and catalog embedded: open it from disk or host it as a static file.
#
#   scripts/build_docs.sh [OUT_DIR]        (default: docs_site in dbt's target folder)
#
# The catalog (column types, row counts) is read from the warehouse that
# SHOPSMART_DUCKDB_PATH names (default shopsmart.duckdb), so build it first (make build).
# DBT_TARGET_PATH and DBT_LOG_PATH choose dbt's own folders (default target, logs);
# DBT names the dbt executable (default .venv/bin/dbt of the project).
set -euo pipefail

project_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dbt="${DBT:-$project_dir/.venv/bin/dbt}"
target_path="$(realpath -m "${DBT_TARGET_PATH:-$project_dir/target}")"
out_dir="$(realpath -m "${1:-$target_path/docs_site}")"
# The site sends no usage beacons to dbt Labs unless asked to.
export DBT_SEND_ANONYMOUS_USAGE_STATS="${DBT_SEND_ANONYMOUS_USAGE_STATS:-false}"

cd "$project_dir"
"$dbt" docs generate --static --project-dir "$project_dir" --profiles-dir "$project_dir" \
    --target-path "$target_path"

mkdir -p "$out_dir"
# Written beside the final name, then renamed, so a reader never sees a partial page.
cp "$target_path/static_index.html" "$out_dir/.index.html.partial"
mv "$out_dir/.index.html.partial" "$out_dir/index.html"
echo "Docs site: $out_dir/index.html"

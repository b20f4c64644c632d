# Set-up and everyday commands. Each target creates the virtual environment
# (.venv, from requirements.lock) when it is missing or out of date.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# The test suite builds into its own DuckDB file, leaving shopsmart.duckdb alone.
TEST_DB := target/test.duckdb
# The Spark build (DBT_TARGET=spark) keeps everything under target/spark: dbt's
# manifest and compiled SQL (dbt/), the warehouse's tables and the Hive metastore,
# apart from the DuckDB build's. Two cores by default (SPARK_MASTER=local[*] for all).
SPARK_DIR := target/spark
SPARK_MASTER ?= local[2]
SPARK_ENV := DBT_TARGET=spark DBT_TARGET_PATH=$(SPARK_DIR)/dbt SHOPSMART_SPARK_DIR=$(SPARK_DIR) \
	SHOPSMART_SPARK_MASTER='$(SPARK_MASTER)'

.PHONY: help build current-warehouse daily test lint dbt-test pytest spark spark-test java chromium docs conventions export semantic report sample lock clean

$(INSTALLED): requirements.lock pyproject.toml
	@echo "Installing into $(VENV): pip, then requirements.lock (a few minutes the first time), then this project"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --progress-bar off -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(INSTALLED)

## help: list these targets, each with what it does
help:
	@awk '/^## [a-z-]+:/ { sub(/^## /, ""); name = substr($$0, 1, index($$0, ":") - 1); \
		text = substr($$0, index($$0, ":") + 2); printf "%s  %-12s %s", (n++ ? "\n" : ""), name, text; next } \
		/^## / { sub(/^## /, ""); printf " %s", $$0 } END { print "" }' $(firstword $(MAKEFILE_LIST))

## build: install, then dbt build (seeds, models, tests) on the embedded sample into shopsmart.duckdb,
## then export the marts as Parquet files for BI tools and the segment audiences as CSV files (exports/), and say where everything is
build: $(INSTALLED)
	scripts/warehouse_is_current.sh --started
	$(BIN)/dbt build
	$(BIN)/shopsmart-export-marts
	scripts/warehouse_is_current.sh --record
	@$(BIN)/shopsmart-build-status --summary

# make docs and make report read the warehouse of the last make build when it is
# current (complete, same settings, no file changed since), and build it otherwise.
current-warehouse: $(INSTALLED)
	scripts/warehouse_is_current.sh || $(MAKE) --no-print-directory build

## daily: after new source files arrive, build only what reads a table written since the last
## daily build (dbt source freshness, then dbt build --select source_status:fresher+); the first run builds everything
daily: $(INSTALLED)
	scripts/build_daily.sh

## export: write every mart of shopsmart.duckdb to exports/<schema>/<mart>.parquet and each segment's
## audience to exports/audiences/<segment name>.csv, each file replaced atomically
export: $(INSTALLED)
	$(BIN)/shopsmart-export-marts

## semantic: check the MetricFlow semantic models and metrics (after a build)
semantic: $(INSTALLED)
	$(BIN)/mf validate-configs

## test: install, then the whole test suite: sqlfluff lint, dbt build with data and unit tests, the same
## build on Spark compared with it (spark-test), pytest
test: lint dbt-test spark-test pytest

# The online_retail models are enabled only when a path is set, and the shopsmart
# staging models only when it is not: scripts/lint_sql.sh lints the project both
# ways (the pre-commit hook sqlfluff-lint runs it on the staged SQL files).
lint: $(INSTALLED)
	SHOPSMART_DUCKDB_PATH=$(TEST_DB) SQLFLUFF=$(BIN)/sqlfluff scripts/lint_sql.sh

dbt-test: $(INSTALLED)
	mkdir -p target
	rm -f $(TEST_DB)
	SHOPSMART_DUCKDB_PATH=$(TEST_DB) $(BIN)/dbt build

# pytest in PYTEST_WORKERS processes (pytest-xdist), each taking whole test files, so
# that a file's module fixtures (its builds) are made once. Most of a dbt run on the
# sample is dbt's own Python work, on one core: two processes keep two cores busy.
PYTEST_WORKERS ?= 2

pytest: $(INSTALLED) chromium
	$(BIN)/pytest --numprocesses $(PYTEST_WORKERS) --dist loadfile

## spark: build the embedded sample on Apache Spark (local, in this process: dbt-spark's session method) into
## target/spark: the SQL models and their tests, the Python models' tables (shopsmart.spark_runner), then the rest
spark: $(INSTALLED) java
	rm -rf $(SPARK_DIR)
	$(SPARK_ENV) $(BIN)/dbt build --selector spark
	$(SPARK_ENV) $(BIN)/python -m shopsmart.spark_runner --manifest $(SPARK_DIR)/dbt/manifest.json
	$(SPARK_ENV) $(BIN)/dbt build --selector spark_after_python

# After dbt-test: the Spark build of the sample, then the comparison of its marts, quarantine and
# reconciliation with the DuckDB build's ($(TEST_DB)) and the engine-specific cases (tests/spark).
spark-test: spark
	$(SPARK_ENV) SHOPSMART_DUCKDB_PATH=$(TEST_DB) $(BIN)/pytest tests/spark

## java: install Debian's Java 17 runtime, which Spark needs, when it is missing
java:
	scripts/ensure_java.sh

## chromium: install Debian's chromium for the browser tests of the docs site and the report, when it is missing
chromium:
	scripts/ensure_chromium.sh

## docs: the dbt docs site as one self-contained page, target/docs_site/index.html, from the
## warehouse of the last make build (built first when missing, incomplete or out of date)
docs: current-warehouse
	scripts/build_docs.sh

## conventions: check naming, layering, tests and documentation coverage with dbt-bouncer (after docs)
conventions: docs
	$(BIN)/dbt-bouncer run --config-file dbt-bouncer.yml

## report: the customer report for marketers, target/report/index.html (self-contained) and its PNG
## charts, from the warehouse of the last make build (built first when missing, incomplete or out of date)
report: current-warehouse
	$(BIN)/shopsmart-report --out target/report

## sample: regenerate the embedded sample (seeds/shopsmart_sample, the source shopsmart's default tables) and its ground truth
sample: $(INSTALLED)
	$(BIN)/shopsmart-generate --customers 2000 --seed 42 --defect-rate 0.01 \
		--out seeds/shopsmart_sample --table-prefix raw_ --truth-out tests/fixtures/sample_truth

## lock: re-resolve requirements.lock from the pins in pyproject.toml
lock:
	rm -rf build/lockenv
	$(PYTHON) -m venv build/lockenv
	build/lockenv/bin/pip install --quiet --upgrade pip
	build/lockenv/bin/pip install --quiet ".[dev]"
	{ echo '# Full dependency lock, generated by make lock from the pins in pyproject.toml.'; \
	  build/lockenv/bin/pip freeze --exclude shopsmart-analytics; } > requirements.lock
	rm -rf build/lockenv

## clean: remove the virtual environment, dbt's target/ (the Spark warehouse included) and logs/, and the warehouse shopsmart.duckdb
clean:
	rm -rf $(VENV) target logs shopsmart.duckdb

"""End-to-end checks of the staging, quarantine and reconciliation models on the embedded sample."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from dbt_project import PROJECT_DIR, DbtRun

MANIFEST = PROJECT_DIR / "tests" / "fixtures" / "sample_truth" / "defect_manifest.csv"
SAMPLE_DIR = PROJECT_DIR / "seeds" / "shopsmart_sample"
TABLES = ["customers", "orders", "line_items", "products", "events"]

# Defects staging must quarantine, with the reason codes that may record them.
QUARANTINED = {
    "duplicate_event": {"duplicate_row"},
    "malformed_json": {"malformed_json"},
    "unknown_event_type": {"unknown_event_type"},
    "future_timestamp": {"future_timestamp"},
    "missing_quantity": {"missing_quantity"},
    "non_positive_quantity": {"non_positive_quantity"},
    "unknown_product": {"unknown_product"},
    "unknown_order": {"unknown_order"},
    "unknown_customer": {"unknown_customer"},
}
PRIMARY_KEY = {
    "customers": "customer_id",
    "orders": "order_id",
    "line_items": "line_item_id",
    "products": "id",
    "events": "event_id",
}
# The reason code of an emptied column: the source's item_id is staging's product_id.
NULL_REASON = {"item_id": "null_product_id", "id": "null_product_id"}
# A row is recorded with the first rule it breaks: a row whose parent is quarantined
# itself is rejected as parent_rejected first (table -> reason, parent table, column).
CASCADE = {
    "line_items": ("parent_rejected", "orders", "order_id"),
    "orders": ("parent_rejected", "customers", "customer_id"),
    "events": ("parent_rejected", "customers", "customer_id"),
}


def read_manifest() -> list[dict[str, str]]:
    with MANIFEST.open(newline="") as handle:
        return list(csv.DictReader(handle))


def sample_row_count(table: str) -> int:
    with (SAMPLE_DIR / f"raw_{table}.csv").open(newline="") as handle:
        return sum(1 for _ in csv.DictReader(handle))


def test_reconciliation_accounts_for_every_sample_row(sample_build: DbtRun) -> None:
    rows = sample_build.query(
        "select source_table, rows_in, rows_accepted, rows_quarantined from audit.reconciliation"
    )
    assert sorted(r[0] for r in rows) == sorted(TABLES)
    for table, rows_in, accepted, quarantined in rows:
        # rows_in is checked against the file itself, not only against the model's own count
        assert rows_in == sample_row_count(table), table
        assert rows_in == accepted + quarantined, table
        assert accepted > 0, table


def test_every_quarantined_row_keeps_its_raw_values(sample_build: DbtRun) -> None:
    missing = sample_build.query(
        "select count(*) from audit.quarantine where raw_values is null or reason_code is null"
    )
    assert missing == [(0,)]


def test_manifest_defects_that_break_a_row_are_quarantined(sample_build: DbtRun) -> None:
    quarantine = Counter(
        (table, key or "", reason)
        for table, key, reason in sample_build.query(
            "select source_table, trim(source_key), reason_code from audit.quarantine"
        )
    )
    # keys of the rows whose parent row (order or customer) is itself in the quarantine
    quarantined_parent_rows = {
        table: {
            key
            for (key,) in sample_build.query(
                f"select trim(child.source_key) from audit.quarantine as child "
                f"join audit.quarantine as parent "
                f"on parent.source_table = '{parent}' "
                f"and trim(parent.source_key) = trim(json_extract_string(child.raw_values, '$.{column}')) "
                f"where child.source_table = '{table}'"
            )
        }
        for table, (_, parent, column) in CASCADE.items()
    }
    manifest = [d for d in read_manifest() if d["defect"] in QUARANTINED or d["defect"] == "null_id"]
    assert manifest, "the sample has no defects to check"
    needed: Counter = Counter()
    for defect in manifest:
        table, key, column = defect["table"], defect["key"].strip(), defect["column"]
        if defect["defect"] == "null_id":
            reasons = {NULL_REASON.get(column, f"null_{column}")}
            if column == PRIMARY_KEY[table]:
                key = ""
        else:
            reasons = QUARANTINED[defect["defect"]]
        if table in CASCADE and key in quarantined_parent_rows[table]:
            reasons = reasons | {CASCADE[table][0]}
        matches = [(table, key, reason) for reason in reasons if quarantine[(table, key, reason)] > 0]
        assert matches, f"manifest row {defect} is not in the quarantine with a reason in {reasons}"
        needed[matches[0]] += 1
    for entry, count in needed.items():
        assert quarantine[entry] >= count, f"{entry}: {count} defects, {quarantine[entry]} quarantined"


def test_manifest_defects_that_can_be_repaired_are_repaired(sample_build: DbtRun) -> None:
    manifest = read_manifest()
    customers = {
        row[0]: row[1:]
        for row in sample_build.query(
            "select customer_id, location, location_raw, is_known_location, currency, currency_raw "
            "from staging.stg_shopsmart__customers"
        )
    }
    countries = {name for (name,) in sample_build.query("select country_name from reference.country_regions")}
    outliers = {
        str(product_id): flagged
        for product_id, flagged in sample_build.query(
            "select product_id, is_price_outlier from staging.stg_shopsmart__products"
        )
    }
    repaired = Counter()
    for defect in manifest:
        kind, key = defect["defect"], defect["key"].strip()
        if kind in ("location_whitespace", "location_case"):
            location, location_raw, known, _, _ = customers[key]
            assert location_raw != location and location in countries and known, defect
        elif kind == "lowercase_currency":
            _, _, _, currency, currency_raw = customers[key]
            assert currency_raw != currency and currency == currency_raw.strip().upper(), defect
        elif kind == "price_outlier":
            assert outliers[key] is True, defect
        else:
            continue
        repaired[kind] += 1
    assert set(repaired) == {"location_whitespace", "location_case", "lowercase_currency", "price_outlier"}


def test_staging_keeps_only_clean_rows(sample_build: DbtRun) -> None:
    # Spot checks that do not depend on the manifest: a clean price list, parsed events.
    assert sample_build.query(
        "select count(*) from staging.stg_shopsmart__products where not is_price_outlier"
    )[0][0] >= 10
    types = {t for (t,) in sample_build.query("select distinct event_type from staging.stg_shopsmart__events")}
    assert types == {"visit", "add_to_cart", "remove_from_cart", "checkout"}
    orphan_checkouts = sample_build.query(
        "select count(*) from staging.stg_shopsmart__events "
        "where event_type = 'checkout' and (order_id is null or checkout_status is null)"
    )
    assert orphan_checkouts == [(0,)]

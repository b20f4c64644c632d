"""The online_retail source: the UCI Online Retail file end to end, both spellings, the xlsx converter.

The end-to-end checks recompute every figure from the raw file with Python's csv
and gzip modules, applying the documented rules (models/staging/online_retail,
doc online_retail_rejection_reason) independently of the models' SQL.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import json
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq
import pytest

from dbt_project import PROJECT_DIR, DbtRun, dbt
from shopsmart.online_retail import COLUMNS, ConversionError, convert
from shopsmart.online_retail.cli import main as convert_main

RETAIL_FILE = PROJECT_DIR / ".." / "shared" / "data" / "online_retail" / "online_retail.csv.gz"
NON_PRODUCT_SEED = PROJECT_DIR / "seeds" / "reference" / "online_retail_non_product_codes.csv"
CENT = Decimal("0.01")
# the online_retail models, their seed and the audit models with what they read
BUILD_SELECTION = (
    "--select", "+path:models/staging/online_retail", "+path:models/audit",
    "--indirect-selection", "buildable",
)
STAGING = ["line_items", "orders", "customers", "products"]
TIMESTAMP_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S")
WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+(\.0*)?")


# --- the documented rules, in Python ------------------------------------------------


def parse_timestamp(text: str) -> dt.datetime | None:
    for fmt in TIMESTAMP_FORMATS:
        try:
            return dt.datetime.strptime(text.strip(), fmt)
        except ValueError:
            pass
    return None


def parse_whole(text: str) -> int | None:
    text = text.strip()
    return int(text.split(".")[0]) if WHOLE_NUMBER.fullmatch(text) else None


def parse_price(text: str) -> Decimal | None:
    try:
        return Decimal(text.strip()).quantize(Decimal("0.001"), ROUND_HALF_UP)
    except InvalidOperation:
        return None


@dataclass(frozen=True)
class Line:
    number: int
    raw: tuple[str, ...]
    invoice: str
    invoice_type: str | None
    customer_id: str | None
    product_id: str
    quantity: int | None
    unit_price: Decimal | None
    invoiced_at: dt.datetime | None


def read_lines(path: Path, encoding: str = "utf-8") -> list[tuple[str, ...]]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding=encoding, newline="") as handle:
        reader = csv.reader(handle)
        assert tuple(next(reader)) == COLUMNS
        return [tuple(row) for row in reader]


def classify(rows: list[tuple[str, ...]], now: dt.datetime) -> tuple[dict[int, str | None], dict[int, Line]]:
    """Each line's rejection reason (None when accepted), by line number, and the parsed lines."""
    with NON_PRODUCT_SEED.open(encoding="utf-8", newline="") as handle:
        non_products = {row["stock_code"].upper() for row in csv.DictReader(handle)}
    latest = now + dt.timedelta(days=1)
    seen: set[tuple[str, ...]] = set()
    reasons: dict[int, str | None] = {}
    lines: dict[int, Line] = {}
    for number, raw in enumerate(rows, start=1):
        invoice_no, stock_code, _, quantity_text, date_text, price_text, customer_text, _ = raw
        invoice = invoice_no.strip().upper()
        if invoice.isdigit():
            invoice_type = "purchase"
        elif invoice[:1] in ("C", "A") and invoice[1:].isdigit():
            invoice_type = "cancellation" if invoice[0] == "C" else "bad_debt_adjustment"
        else:
            invoice_type = None
        customer_number = parse_whole(customer_text)
        line = Line(
            number=number,
            raw=raw,
            invoice=invoice,
            invoice_type=invoice_type,
            customer_id=str(customer_number) if customer_number and customer_number > 0 else None,
            product_id=stock_code.strip().upper(),
            quantity=parse_whole(quantity_text),
            unit_price=parse_price(price_text),
            invoiced_at=parse_timestamp(date_text),
        )
        is_copy = raw in seen
        seen.add(raw)
        if not invoice:
            reason = "null_invoice_no"
        elif invoice_type is None:
            reason = "invalid_invoice_no"
        elif invoice_type == "bad_debt_adjustment":
            reason = "bad_debt_adjustment"
        elif line.invoiced_at is None:
            reason = "invalid_invoice_date"
        elif line.invoiced_at > latest:
            reason = "future_timestamp"
        elif not customer_text.strip():
            reason = "null_customer_id"
        elif line.customer_id is None:
            reason = "invalid_customer_id"
        elif not line.product_id:
            reason = "null_stock_code"
        elif line.product_id in non_products:
            reason = "non_product_stock_code"
        elif line.quantity is None:
            reason = "invalid_quantity"
        elif invoice_type == "purchase" and line.quantity <= 0:
            reason = "non_positive_quantity"
        elif invoice_type == "cancellation" and line.quantity >= 0:
            reason = "non_negative_cancellation_quantity"
        elif line.unit_price is None:
            reason = "invalid_unit_price"
        elif line.unit_price == 0:
            reason = "zero_unit_price"
        elif line.unit_price < 0:
            reason = "negative_unit_price"
        elif is_copy:
            reason = "duplicate_row"
        else:
            reason = None
        reasons[number] = reason
        lines[number] = line
    customers_by_invoice: dict[str, set[str]] = defaultdict(set)
    for number, reason in reasons.items():
        if reason is None:
            customers_by_invoice[lines[number].invoice].add(lines[number].customer_id)
    for number, reason in reasons.items():
        if reason is None and len(customers_by_invoice[lines[number].invoice]) > 1:
            reasons[number] = "inconsistent_invoice_customer"
    return reasons, lines


def representative_prices(accepted: list[Line]) -> dict[str, Decimal]:
    """Per product: the price of most purchase lines; ties: more lines overall, then lower price."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for line in accepted:
        counts[line.product_id][(line.unit_price, line.invoice_type == "purchase")] += 1
    prices = {}
    for product, by_price in counts.items():
        totals: dict[Decimal, tuple[int, int]] = {}
        for (price, is_purchase), count in by_price.items():
            purchases, overall = totals.get(price, (0, 0))
            totals[price] = (purchases + (count if is_purchase else 0), overall + count)
        prices[product] = min(totals, key=lambda price: (-totals[price][0], -totals[price][1], price))
    return prices


# --- building ---------------------------------------------------------------------


def build(path: Path, work_dir: Path, *extra: str) -> DbtRun:
    run = dbt("build", work_dir, {"ONLINE_RETAIL_PATH": str(path)}, *BUILD_SELECTION, *extra)
    assert run.returncode == 0, run.output[-5000:]
    return run


def executed_unit_tests(work_dir: Path) -> dict[str, str]:
    results = json.loads((work_dir / "target" / "run_results.json").read_text())["results"]
    return {r["unique_id"]: r["status"] for r in results if r["unique_id"].startswith("unit_test.")}


@dataclass(frozen=True)
class RetailBuild:
    run: DbtRun
    seconds: float
    rows: list[tuple[str, ...]]
    reasons: dict[int, str | None]
    lines: dict[int, Line]

    @property
    def accepted(self) -> list[Line]:
        return [self.lines[n] for n, reason in self.reasons.items() if reason is None]


def retail_file() -> Path:
    """The UCI Online Retail file in ../shared/data, beside the project; skips the test when it is not there."""
    path = RETAIL_FILE.resolve()
    if not path.is_file():
        pytest.skip(f"the UCI Online Retail file is not at {path} (../shared/data, beside the project)")
    return path


@pytest.fixture(scope="module")
def retail_build(tmp_path_factory: pytest.TempPathFactory) -> RetailBuild:
    """The online_retail models built on the UCI Online Retail file, with the rules recomputed in Python."""
    path = retail_file()
    work_dir = tmp_path_factory.mktemp("online_retail_build")
    now = dt.datetime.now()
    started = time.monotonic()
    run = build(path, work_dir)
    seconds = time.monotonic() - started
    print(f"\ndbt build of the online_retail models and the audit on {path.name}: {seconds:.1f} s")
    rows = read_lines(path)
    reasons, lines = classify(rows, now)
    return RetailBuild(run, seconds, rows, reasons, lines)


# --- the real file ----------------------------------------------------------------


def test_every_line_is_accepted_or_quarantined(retail_build: RetailBuild) -> None:
    run, rows = retail_build.run, retail_build.rows
    assert run.query(
        "select rows_in, rows_accepted, rows_quarantined, is_reconciled from audit.reconciliation "
        "where source_name = 'online_retail' and source_table = 'invoice_lines'"
    ) == [(len(rows), len(retail_build.accepted), len(rows) - len(retail_build.accepted), True)]
    assert len(rows) == 541_909


def test_rejection_reasons_match_the_rules(retail_build: RetailBuild) -> None:
    expected = Counter(reason for reason in retail_build.reasons.values() if reason is not None)
    actual = dict(retail_build.run.query(
        "select reason_code, count(*) from audit.quarantine "
        "where source_name = 'online_retail' group by reason_code"
    ))
    assert actual == dict(expected)
    accepted_numbers = {line.number for line in retail_build.accepted}
    staged = {n for (n,) in retail_build.run.query("select line_item_id from staging.stg_online_retail__line_items")}
    assert staged == accepted_numbers


def test_quarantine_keys_point_at_their_lines(retail_build: RetailBuild) -> None:
    """source_key is the line number in the file and raw_values are that line's values."""
    for source_key, reason, raw_values in retail_build.run.query(
        "select source_key, reason_code, raw_values from audit.quarantine where source_name = 'online_retail'"
    ):
        number = int(source_key)
        raw = json.loads(raw_values)
        assert tuple(raw[column] or "" for column in COLUMNS) == retail_build.rows[number - 1], source_key
        assert reason == retail_build.reasons[number], source_key


def test_customers_invoices_and_cancellations(retail_build: RetailBuild) -> None:
    run, accepted = retail_build.run, retail_build.accepted
    # facts of the raw file, each accounted for by the staging models plus the quarantine
    raw_invoices = {row[0].strip().upper() for row in retail_build.rows}
    raw_customers = {str(parse_whole(row[6])) for row in retail_build.rows if parse_whole(row[6])}
    assert (len(raw_invoices), len(raw_customers)) == (25_900, 4_372)
    orders = dict(run.query("select order_id, status from staging.stg_online_retail__orders"))
    customers = {c for (c,) in run.query("select customer_id from staging.stg_online_retail__customers")}
    assert set(orders) == {line.invoice for line in accepted}
    assert raw_invoices == set(orders) | {
        retail_build.lines[n].invoice for n, reason in retail_build.reasons.items() if reason is not None
    }
    assert customers == {line.customer_id for line in accepted}
    assert customers <= raw_customers
    cancellations = {line.invoice for line in accepted if line.invoice_type == "cancellation"}
    assert {order for order, status in orders.items() if status == "cancelled"} == cancellations
    assert {order for order, status in orders.items() if status == "success"} == {
        line.invoice for line in accepted if line.invoice_type == "purchase"
    }
    assert len({row[0] for row in retail_build.rows if row[0].startswith("C")}) == 3_836
    first_line_at: dict[str, dt.datetime] = {}
    for line in accepted:
        first_line_at[line.invoice] = min(first_line_at.get(line.invoice, line.invoiced_at), line.invoiced_at)
    assert dict(run.query("select order_id, checked_out_at from staging.stg_online_retail__orders")) == first_line_at


def test_revenue_of_purchase_lines_to_the_cent(retail_build: RetailBuild) -> None:
    """quantity x unit price over the accepted purchase lines (all of them have a CustomerID)."""
    purchases = [line for line in retail_build.accepted if line.invoice_type == "purchase"]
    assert all(line.customer_id for line in purchases)
    expected = sum(line.quantity * line.unit_price for line in purchases).quantize(CENT, ROUND_HALF_UP)
    cancelled = sum(
        -line.quantity * line.unit_price for line in retail_build.accepted if line.invoice_type == "cancellation"
    ).quantize(CENT, ROUND_HALF_UP)
    revenue = dict(retail_build.run.query(
        "select orders.status, round(sum(line_items.quantity * line_items.unit_price), 2) "
        "from staging.stg_online_retail__line_items as line_items "
        "inner join staging.stg_online_retail__orders as orders on line_items.order_id = orders.order_id "
        "group by orders.status"
    ))
    assert revenue == {"success": expected, "cancelled": cancelled}


def test_products_take_their_representative_price(retail_build: RetailBuild) -> None:
    expected = representative_prices(retail_build.accepted)
    actual = dict(retail_build.run.query("select product_id, price from staging.stg_online_retail__products"))
    assert actual == expected


def test_the_rules_are_unit_tested_in_the_build(retail_build: RetailBuild) -> None:
    unit_tests = executed_unit_tests(retail_build.run.database.parent)
    online_retail = {uid: status for uid, status in unit_tests.items() if "online_retail" in uid}
    assert len(online_retail) == 6, online_retail
    assert set(online_retail.values()) == {"pass"}


# --- small files: both spellings, Parquet from the converter, errors ----------------

# Invoice lines in the ISO spelling of the shared copy, covering each kind of line.
ISO_LINES = [
    ("536365", "85123A", "WHITE HANGING HEART T-LIGHT HOLDER", "6", "2010-12-01 08:26:00", "2.55", "17850.0", "United Kingdom"),
    ("536365", "71053", "WHITE METAL LANTERN", "6", "2010-12-01 08:26:00", "3.39", "17850.0", "United Kingdom"),
    ("536365", "71053", "WHITE METAL LANTERN", "6", "2010-12-01 08:26:00", "3.39", "17850.0", "United Kingdom"),
    ("536365", "POST", "POSTAGE", "1", "2010-12-01 08:26:00", "18.0", "17850.0", "United Kingdom"),
    ("536366", "22633", "HAND WARMER UNION JACK", "6", "2010-12-01 08:28:00", "1.85", "17850.0", "United Kingdom"),
    ("536366", "22632", "HAND WARMER RED POLKA DOT", "6", "2010-12-01 08:29:00", "1.85", "17850.0", "United Kingdom"),
    ("536370", "22728", "ALARM CLOCK BAKELIKE PINK", "24", "2010-12-01 08:45:00", "0.0", "12583.0", "France"),
    ("C536379", "85123a", "WHITE HANGING HEART T-LIGHT HOLDER", "-1", "2010-12-01 09:41:00", "2.55", "17850.0", "United Kingdom"),
    ("536414", "22139", "", "56", "2010-12-01 11:52:00", "0.0", "", "United Kingdom"),
    ("536544", "21773", "DECORATIVE ROSE BATHROOM BOTTLE", "1", "2010-12-01 14:32:00", "2.51", "", "United Kingdom"),
    ("540001", "gift_0001_20", "Dotcomgiftshop Gift Voucher £20.00", "1", "2011-01-12 14:05:00", "17.02", "12431.0", "Australia"),
    ("540001", "22423", "REGENCY CAKESTAND 3 TIER", "2", "2011-01-12 14:05:00", "12.75", "12431.0", "Australia"),
    ("540002", "22423", "REGENCY CAKESTAND 3 TIER", "-2", "2011-01-12 14:10:00", "12.75", "12431.0", "Australia"),
    ("540003", "22423", "REGENCY CAKESTAND 3 TIER", "0", "2011-01-12 14:15:00", "0.0", "12431.0", "Australia"),
    ("A563185", "B", "Adjust bad debt", "1", "2011-08-12 14:50:00", "11062.06", "", "United Kingdom"),
    ("581587", "22138", "BAKING SET 9 PIECE RETROSPOT ", "3", "2011-12-09 12:50:00", "4.95", "12680.0", "France"),
]


def uci_spelling(line: tuple[str, ...]) -> tuple[str, ...]:
    """The same line as UCI's own export writes it: month-first date, integer CustomerID."""
    invoice_no, stock_code, description, quantity, date_text, price, customer, country = line
    at = dt.datetime.strptime(date_text, "%Y-%m-%d %H:%M:%S")
    uci_date = f"{at.month}/{at.day}/{at.year} {at.hour}:{at.minute:02d}"
    return (invoice_no, stock_code, description, quantity, uci_date, price, customer.removesuffix(".0"), country)


def write_csv(path: Path, lines: list[tuple[str, ...]], encoding: str) -> Path:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "wt", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(lines)
    return path


def write_workbook(path: Path, lines: list[tuple[str, ...]]) -> Path:
    """The lines as UCI's workbook stores them: numbers as numbers, dates as dates, empty cells empty."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(COLUMNS)
    for invoice_no, stock_code, description, quantity, date_text, price, customer, country in lines:
        sheet.append([
            int(invoice_no) if invoice_no.isdigit() else invoice_no,
            int(stock_code) if stock_code.isdigit() else stock_code,
            description or None,
            int(quantity),
            dt.datetime.strptime(date_text, "%Y-%m-%d %H:%M:%S"),
            float(price),
            float(customer) if customer else None,
            country,
        ])
    workbook.save(path)
    return path


def staging_rows(run: DbtRun) -> dict[str, list[tuple]]:
    tables = {
        table: run.query(f"select * from staging.stg_online_retail__{table} order by all")
        for table in STAGING
    }
    tables["quarantine"] = run.query(
        "select source_key, reason_code from audit.quarantine where source_name = 'online_retail' order by all"
    )
    return tables


@pytest.fixture(scope="module")
def iso_build(tmp_path_factory: pytest.TempPathFactory) -> DbtRun:
    work_dir = tmp_path_factory.mktemp("online_retail_iso")
    return build(write_csv(work_dir / "lines.csv.gz", ISO_LINES, "utf-8"), work_dir / "build")


def test_small_file_gives_the_documented_entities(iso_build: DbtRun) -> None:
    reasons, lines = classify(ISO_LINES, dt.datetime.now())
    assert dict(iso_build.query(
        "select cast(source_key as integer), reason_code from audit.quarantine where source_name = 'online_retail'"
    )) == {n: reason for n, reason in reasons.items() if reason is not None}
    assert set(reasons.values()) == {
        None, "duplicate_row", "non_product_stock_code", "zero_unit_price", "null_customer_id",
        "non_positive_quantity", "bad_debt_adjustment",
    }
    assert iso_build.query("select * from staging.stg_online_retail__orders order by order_id") == [
        ("536365", "17850", "success", dt.datetime(2010, 12, 1, 8, 26)),
        ("536366", "17850", "success", dt.datetime(2010, 12, 1, 8, 28)),
        ("540001", "12431", "success", dt.datetime(2011, 1, 12, 14, 5)),
        ("581587", "12680", "success", dt.datetime(2011, 12, 9, 12, 50)),
        ("C536379", "17850", "cancelled", dt.datetime(2010, 12, 1, 9, 41)),
    ]
    assert iso_build.query(
        "select product_id, product_name, price from staging.stg_online_retail__products order by product_id"
    ) == [
        ("22138", "BAKING SET 9 PIECE RETROSPOT", Decimal("4.950")),
        ("22423", "REGENCY CAKESTAND 3 TIER", Decimal("12.750")),
        ("22632", "HAND WARMER RED POLKA DOT", Decimal("1.850")),
        ("22633", "HAND WARMER UNION JACK", Decimal("1.850")),
        ("71053", "WHITE METAL LANTERN", Decimal("3.390")),
        ("85123A", "WHITE HANGING HEART T-LIGHT HOLDER", Decimal("2.550")),
    ]
    assert iso_build.query(
        "select customer_id, location, currency from staging.stg_online_retail__customers order by customer_id"
    ) == [("12431", "Australia", "GBP"), ("12680", "France", "GBP"), ("17850", "United Kingdom", "GBP")]


def test_uci_spelling_in_latin_1_gives_the_same_staging(iso_build: DbtRun, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "Online Retail.csv", [uci_spelling(line) for line in ISO_LINES], "latin-1")
    run = build(path, tmp_path / "build", "--vars", "{online_retail_csv_encoding: latin-1}")
    assert staging_rows(run) == staging_rows(iso_build)


def test_converted_workbook_gives_the_same_staging(iso_build: DbtRun, tmp_path: Path) -> None:
    workbook = write_workbook(tmp_path / "Online Retail.xlsx", ISO_LINES)
    parquet = tmp_path / "online_retail.parquet"
    assert convert_main([str(workbook), str(parquet)]) == 0
    run = build(parquet, tmp_path / "build")
    assert staging_rows(run) == staging_rows(iso_build)


def compile_audit(tmp_path: Path, online_retail_path: str) -> tuple[set[str], set[str], dict[str, str]]:
    """Compile the audit models with the switch at `online_retail_path`: the enabled and the
    disabled nodes, sources and unit tests of the manifest, and the compiled audit SQL."""
    run = dbt("compile", tmp_path, {"ONLINE_RETAIL_PATH": online_retail_path}, "--select", "quarantine",
              "reconciliation")
    assert run.returncode == 0, run.output[-5000:]
    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text())
    enabled = {
        uid
        for kind in ("nodes", "sources", "unit_tests")
        for uid, node in manifest[kind].items()
        if node["config"]["enabled"]
    }
    compiled = tmp_path / "target" / "compiled" / "shopsmart_analytics" / "models" / "audit"
    sql = {model: (compiled / f"{model}.sql").read_text() for model in ("quarantine", "reconciliation")}
    return enabled, set(manifest["disabled"]), sql


def test_without_a_path_the_source_is_disabled(tmp_path: Path) -> None:
    enabled, disabled, sql = compile_audit(tmp_path, "")
    assert [uid for uid in enabled if "online_retail__" in uid or "online_retail_non_product" in uid] == []
    assert {
        "model.shopsmart_analytics.base_online_retail__invoice_lines",
        "model.shopsmart_analytics.stg_online_retail__line_items",
        "seed.shopsmart_analytics.online_retail_non_product_codes",
        "source.shopsmart_analytics.online_retail.invoice_lines",
    } <= disabled
    for text in sql.values():
        assert "online_retail" not in text


def test_with_a_path_the_shopsmart_source_is_disabled(tmp_path: Path) -> None:
    """One source at a time: the embedded sample and its models are not built beside the file."""
    enabled, disabled, sql = compile_audit(tmp_path, "online_retail.csv")
    shopsmart_node = re.compile(r"(base|stg)_shopsmart__|\.raw_|^source\.shopsmart_analytics\.shopsmart\.")
    assert [uid for uid in enabled if shopsmart_node.search(uid)] == []
    assert {
        "model.shopsmart_analytics.base_shopsmart__orders",
        "model.shopsmart_analytics.stg_shopsmart__events",
        "seed.shopsmart_analytics.raw_orders",
        "source.shopsmart_analytics.shopsmart.orders",
    } <= disabled
    assert "model.shopsmart_analytics.base_online_retail__invoice_lines" in enabled
    # the unit tests of the models above the conformed layer run in the ShopSmart build only
    unit_tests = {uid.split(".")[2] for uid in enabled if uid.startswith("unit_test.")}
    assert unit_tests and all(re.match(r"(base|stg)_online_retail__", model) for model in unit_tests), unit_tests
    for text in sql.values():
        assert "shopsmart" not in text


def test_an_excel_workbook_is_refused_with_the_conversion_command(tmp_path: Path) -> None:
    workbook = write_workbook(tmp_path / "Online Retail.xlsx", ISO_LINES[:1])
    run = dbt(
        "run", tmp_path / "build", {"ONLINE_RETAIL_PATH": str(workbook)},
        "--select", "base_online_retail__invoice_lines",
    )
    assert run.returncode != 0
    assert f"Source table online_retail.invoice_lines: {workbook} is an Excel workbook." in run.output
    assert "shopsmart-convert-online-retail" in run.output


# --- the converter ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["out.csv", "out.csv.gz", "out.parquet"])
def test_converter_writes_the_cells_as_text(name: str, tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    # columns in another order, another case, and one extra column, as a re-saved workbook may have
    sheet.append(["Country", "invoiceno", "StockCode", "Description", "Quantity", "InvoiceDate",
                  "UnitPrice", "CustomerID", "Notes"])
    sheet.append(["United Kingdom", 536365, "85123A", "WHITE HANGING HEART T-LIGHT HOLDER ", 6,
                  dt.datetime(2010, 12, 1, 8, 26), 2.55, 17850, "x"])
    sheet.append(["EIRE", "C536379", 22423, None, -2, dt.datetime(2011, 1, 12, 14, 5, 30), 0.001, 14911.0, None])
    sheet.append([None] * 9)
    sheet.append(["Unspecified", 536414, 22139, "£10 gift", 56, dt.datetime(2011, 12, 9, 12, 50), 1e-05, None, None])
    workbook.save(tmp_path / "in.xlsx")
    out = tmp_path / name

    assert convert(tmp_path / "in.xlsx", out) == 3

    expected = [
        ("536365", "85123A", "WHITE HANGING HEART T-LIGHT HOLDER ", "6", "2010-12-01 08:26:00", "2.55", "17850",
         "United Kingdom"),
        ("C536379", "22423", None, "-2", "2011-01-12 14:05:30", "0.001", "14911", "EIRE"),
        ("536414", "22139", "£10 gift", "56", "2011-12-09 12:50:00", "0.00001", None, "Unspecified"),
    ]
    if name.endswith(".parquet"):
        table = pq.read_table(out)
        assert tuple(table.column_names) == COLUMNS
        assert list(zip(*(table.column(c).to_pylist() for c in COLUMNS))) == expected
    else:
        assert read_lines(out) == [tuple(value or "" for value in row) for row in expected]
    assert not list(tmp_path.glob("*.partial"))


def test_converter_names_the_missing_columns(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    workbook.active.append(["InvoiceNo", "StockCode", "Quantity"])
    workbook.save(tmp_path / "in.xlsx")
    with pytest.raises(ConversionError, match="missing column\\(s\\) Description, InvoiceDate, UnitPrice, "
                                              "CustomerID, Country"):
        convert(tmp_path / "in.xlsx", tmp_path / "out.csv")
    assert not list(tmp_path.glob("out.csv*"))


def test_converter_command_refuses_an_unknown_output_format(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    write_workbook(tmp_path / "in.xlsx", ISO_LINES[:1])
    assert convert_main([str(tmp_path / "in.xlsx"), str(tmp_path / "out.json")]) == 2
    assert "output file must end in .csv, .csv.gz, .parquet, got 'out.json'" in capsys.readouterr().err

"""Tests of the synthetic ShopSmart data generator (shopsmart.generator)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import defaultdict
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from shopsmart.generator import (
    COUNTRIES, COUNTRY_CURRENCY, CURRENCIES, DEFECT_KINDS, EVENT_TYPES, MANIFEST_COLUMNS,
    ORDER_STATUSES, PERSONA_NAMES, PRODUCTS, TABLE_COLUMNS, GeneratorConfig, generate, pipeline,
)
from shopsmart.generator.cli import main as cli_main

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "shopsmart_course"
TS_FORMAT = "%Y-%m-%d %H:%M:%S.%f"
CART_KEYS = ["event_type", "timestamp", "item_id", "quantity"]
EXPECTED_KEYS = {
    "visit": ["event_type", "timestamp"],
    "add_to_cart": CART_KEYS,
    "remove_from_cart": CART_KEYS,
    "checkout": ["event_type", "timestamp", "order_id", "status"],
}
N = 400


def _run(out: Path, **kw: object) -> Path:
    cfg = GeneratorConfig(customers=int(kw.pop("customers", N)), out_dir=out, progress=False, **kw)  # type: ignore[arg-type]
    generate(cfg)
    return out


def read(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def table(out: Path, name: str, prefix: str = "") -> list[dict[str, str]]:
    header, rows = read(out / f"{prefix}{name}.csv")
    return [dict(zip(header, r)) for r in rows]


def _ts(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, TS_FORMAT)


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _run(tmp_path_factory.mktemp("clean"), seed=7)


@pytest.fixture(scope="module")
def dirty(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # small chunks, so that ids, row numbers and defects are exercised across chunk borders
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pipeline, "CHUNK_CUSTOMERS", 150)
        return _run(tmp_path_factory.mktemp("dirty"), seed=7, defect_rate=0.02)


@pytest.fixture(scope="module")
def clean_small_chunks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pipeline, "CHUNK_CUSTOMERS", 150)
        return _run(tmp_path_factory.mktemp("clean_chunks"), seed=7)


# ---------------------------------------------------------------- determinism


def test_same_seed_gives_identical_files(clean: Path, tmp_path: Path) -> None:
    again = _run(tmp_path / "again", seed=7)
    files = sorted(p.name for p in clean.iterdir())
    assert files == sorted(p.name for p in again.iterdir())
    for name in files:
        assert (clean / name).read_bytes() == (again / name).read_bytes(), name


def test_other_seed_gives_other_data(clean: Path, tmp_path: Path) -> None:
    other = _run(tmp_path / "other", seed=8)
    for name in ("customers", "orders", "line_items", "events"):
        assert (clean / f"{name}.csv").read_bytes() != (other / f"{name}.csv").read_bytes(), name
    assert (clean / "products.csv").read_bytes() == (other / "products.csv").read_bytes()


def test_parquet_is_deterministic_and_holds_the_csv_values(tmp_path: Path) -> None:
    kw = dict(customers=250, seed=3, defect_rate=0.02)
    a = _run(tmp_path / "a", fmt="parquet", **kw)
    b = _run(tmp_path / "b", fmt="parquet", **kw)
    c = _run(tmp_path / "c", fmt="csv", **kw)
    for name, columns in TABLE_COLUMNS.items():
        pa_path = a / f"{name}.parquet"
        assert pa_path.read_bytes() == (b / f"{name}.parquet").read_bytes(), name
        t = pq.read_table(pa_path)
        assert t.column_names == list(columns)
        header, rows = read(c / f"{name}.csv")
        as_text = [["" if v is None else v for v in row.values()] for row in t.to_pylist()]
        assert as_text == rows, name
    assert (a / "defect_manifest.csv").read_bytes() == (c / "defect_manifest.csv").read_bytes()


def test_clean_data_does_not_depend_on_the_defect_stream(clean: Path, dirty: Path,
                                                         clean_small_chunks: Path) -> None:
    """Rows that the manifest does not list are exactly the rows of the clean run."""
    manifest = table(dirty, "defect_manifest")
    for name in ("customers", "orders", "line_items", "products"):
        damaged = {int(m["row_number"]) for m in manifest if m["table"] == name}
        _, dirty_rows = read(dirty / f"{name}.csv")
        _, clean_rows = read(clean_small_chunks / f"{name}.csv")
        assert len(dirty_rows) == len(clean_rows)
        diff = {i + 1 for i, (d, c) in enumerate(zip(dirty_rows, clean_rows)) if d != c}
        assert diff == damaged, name


# ---------------------------------------------------------------- schema


def test_file_names_and_columns(tmp_path: Path) -> None:
    out, truth = tmp_path / "out", tmp_path / "truth"
    assert cli_main(["--customers", "50", "--seed", "1", "--out", str(out), "--table-prefix", "raw_",
                     "--truth-out", str(truth), "--defect-rate", "0.05", "--quiet"]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(f"raw_{t}.csv" for t in TABLE_COLUMNS)
    assert sorted(p.name for p in truth.iterdir()) == ["customer_personas.csv", "defect_manifest.csv"]
    for name, columns in TABLE_COLUMNS.items():
        header, rows = read(out / f"raw_{name}.csv")
        assert header == list(columns), name
        assert rows, name
    assert read(truth / "customer_personas.csv")[0] == ["customer_id", "persona"]
    assert read(truth / "defect_manifest.csv")[0] == list(MANIFEST_COLUMNS)


def test_cli_rejects_bad_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["--customers", "0", "--out", str(tmp_path)]) == 2
    assert "customers" in capsys.readouterr().err
    assert cli_main(["--customers", "5", "--out", str(tmp_path), "--defect-rate", "2"]) == 2
    with pytest.raises(SystemExit):
        cli_main(["--customers", "5", "--out", str(tmp_path), "--start", "July"])


def test_value_formats(clean: Path) -> None:
    uuid_re = __import__("re").compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
    customers = table(clean, "customers")
    assert len(customers) == N
    assert all(uuid_re.match(c["customer_id"]) and uuid_re.match(c["device_id"]) for c in customers)
    assert len({c["customer_id"] for c in customers}) == N
    orders = table(clean, "orders")
    assert all(uuid_re.match(o["order_id"]) for o in orders)
    assert {o["status"] for o in orders} == set(ORDER_STATUSES)
    for o in orders:
        _ts(o["checked_out_at"])
        assert len(o["checked_out_at"]) == 26
    items = table(clean, "line_items")
    assert [int(i["line_item_id"]) for i in items] == list(range(1, len(items) + 1))
    assert all(int(i["quantity"]) >= 1 for i in items)
    events = table(clean, "events")
    assert [int(e["event_id"]) for e in events] == list(range(1, len(events) + 1))
    assert 8 <= len(events) / N <= 25  # about 10-20 events per customer
    products = table(clean, "products")
    assert [(int(p["id"]), p["name"], p["price"]) for p in products] == [(p.id, p.name, p.price) for p in PRODUCTS]


def test_products_match_the_course_catalogue() -> None:
    path = SHARED / "products.csv"
    if not path.exists():
        pytest.skip("shared course data not available")
    with open(path, newline="") as f:
        source = [(int(r["id"]), r["name"], r["price"]) for r in csv.DictReader(f)]
    assert source == [(p.id, p.name, p.price) for p in PRODUCTS]


def test_countries_and_currencies(clean: Path) -> None:
    assert 30 <= len(COUNTRIES) <= 50 and len(set(COUNTRIES)) == len(COUNTRIES)
    assert set(COUNTRY_CURRENCY.values()) <= set(CURRENCIES)
    assert all(c == c.upper() and len(c) == 3 for c in CURRENCIES)
    customers = table(clean, "customers")
    for c in customers:
        assert c["location"] in COUNTRIES
        assert c["currency"] == COUNTRY_CURRENCY[c["location"]]
    assert len({c["location"] for c in customers}) >= 25
    assert len({c["currency"] for c in customers}) >= 8
    path = SHARED / "customers.csv"
    if path.exists():  # every name is spelled as in the Faker-generated source
        with open(path, newline="") as f:
            faker_names = {r["location"] for r in csv.DictReader(f)}
        assert set(COUNTRIES) <= faker_names, set(COUNTRIES) - faker_names


def test_history_window_option(tmp_path: Path) -> None:
    out = _run(tmp_path, customers=150, seed=2, start=dt.date(2024, 1, 1), months=3)
    lo, hi = dt.datetime(2024, 1, 1), dt.datetime(2024, 4, 1)
    stamps = [_ts(e["event_timestamp"]) for e in table(out, "events")]
    stamps += [_ts(o["checked_out_at"]) for o in table(out, "orders")]
    assert all(lo <= s < hi for s in stamps)
    assert len({s.month for s in stamps}) == 3  # customers arrive over the whole history


# ---------------------------------------------------------------- events and integrity


def test_event_data_keys_per_type(clean: Path) -> None:
    seen = set()
    for e in table(clean, "events"):
        data = json.loads(e["event_data"])
        kind = data["event_type"]
        seen.add(kind)
        assert list(data) == EXPECTED_KEYS[kind], e
        assert data["timestamp"] == e["event_timestamp"].replace(" ", "T")
        if kind in ("add_to_cart", "remove_from_cart"):
            assert isinstance(data["item_id"], int) and 1 <= data["item_id"] <= len(PRODUCTS)
            assert isinstance(data["quantity"], int) and data["quantity"] >= 1
        if kind == "checkout":
            assert data["status"] in ORDER_STATUSES
        # compact serialisation in a fixed key order
        assert e["event_data"] == json.dumps(data, separators=(",", ":"))
    assert seen == set(EVENT_TYPES)


def test_referential_integrity_of_clean_data(clean: Path) -> None:
    customers = {c["customer_id"] for c in table(clean, "customers")}
    orders = {o["order_id"]: o for o in table(clean, "orders")}
    products = {int(p["id"]) for p in table(clean, "products")}
    items = table(clean, "line_items")
    assert all(o["customer_id"] in customers for o in orders.values())
    assert all(i["order_id"] in orders and int(i["item_id"]) in products for i in items)
    assert {i["order_id"] for i in items} == set(orders)  # every order has line items
    events = table(clean, "events")
    assert all(e["customer_id"] in customers for e in events)
    checkouts = {}
    for e in events:
        data = json.loads(e["event_data"])
        if data["event_type"] == "checkout":
            assert data["order_id"] not in checkouts
            checkouts[data["order_id"]] = (e["customer_id"], data["status"], e["event_timestamp"])
    assert checkouts == {k: (o["customer_id"], o["status"], o["checked_out_at"]) for k, o in orders.items()}


def test_orders_hold_the_cart_of_their_session(clean: Path) -> None:
    """Replaying each customer's events: a checkout buys what was added minus removed
    since the visit that opened the session; sessions are 30-minute-inactivity sessions."""
    by_customer: dict[str, list[tuple[dt.datetime, dict]]] = defaultdict(list)
    for e in table(clean, "events"):
        by_customer[e["customer_id"]].append((_ts(e["event_timestamp"]), json.loads(e["event_data"])))
    items: dict[str, dict[int, int]] = defaultdict(dict)
    for i in table(clean, "line_items"):
        items[i["order_id"]][int(i["item_id"])] = int(i["quantity"])
    checked = 0
    for evs in by_customer.values():
        evs.sort(key=lambda x: x[0])
        assert evs[0][1]["event_type"] == "visit"
        cart: dict[int, int] = {}
        previous = evs[0][0]
        for ts, d in evs:
            gap = ts - previous
            # a visit opens a new session after at least 30 minutes; nothing else does
            assert (d["event_type"] == "visit") == (gap >= dt.timedelta(minutes=30) or ts == evs[0][0])
            previous = ts
            if d["event_type"] == "visit":
                cart = {}
            elif d["event_type"] == "add_to_cart":
                assert d["item_id"] not in cart
                cart[d["item_id"]] = d["quantity"]
            elif d["event_type"] == "remove_from_cart":
                assert cart.pop(d["item_id"]) == d["quantity"]
            else:
                assert cart and items[d["order_id"]] == cart
                checked += 1
    assert checked == len(items)


# ---------------------------------------------------------------- personas


def _customer_stats(out: Path) -> dict[str, dict[str, float]]:
    persona = {r["customer_id"]: r["persona"] for r in table(out, "customer_personas")}
    price = {p.id: p.price_cents / 100 for p in PRODUCTS}
    value: dict[str, float] = defaultdict(float)
    for i in table(out, "line_items"):
        value[i["order_id"]] += price[int(i["item_id"])] * int(i["quantity"])
    stats: dict[str, dict[str, float]] = {c: defaultdict(float) for c in persona}
    for o in table(out, "orders"):
        s = stats[o["customer_id"]]
        s["orders"] += 1
        s["bad"] += o["status"] != "success"
        if o["status"] == "success":
            s["monetary"] += value[o["order_id"]]
            s["success"] += 1
        s["last_order"] = max(s["last_order"], _ts(o["checked_out_at"]).timestamp())
    for e in table(out, "events"):
        s = stats[e["customer_id"]]
        when = _ts(e["event_timestamp"])
        s["last_event"] = max(s["last_event"], when.timestamp())
        if '"visit"' in e["event_data"]:
            s["visits"] += 1
            s["night_visits"] += when.hour >= 21 or when.hour < 3
            s["weekend_visits"] += when.weekday() >= 5
    for c, s in stats.items():
        s["persona"] = persona[c]  # type: ignore[assignment]
    return stats


def test_personas_cover_every_customer(clean: Path) -> None:
    rows = table(clean, "customer_personas")
    ids = [r["customer_id"] for r in rows]
    assert ids == [c["customer_id"] for c in table(clean, "customers")]
    assert set(r["persona"] for r in rows) == set(PERSONA_NAMES) and len(PERSONA_NAMES) >= 5
    header = read(clean / "customers.csv")[0]
    assert "persona" not in header


def test_personas_behave_differently(clean: Path) -> None:
    stats = _customer_stats(clean)
    end = max(s["last_event"] for s in stats.values())

    def mean(persona: str, f) -> float:  # type: ignore[no-untyped-def]
        vals = [f(s) for s in stats.values() if s["persona"] == persona]
        return float(np.mean(vals))

    buyers = {p: mean(p, lambda s: s["orders"] > 0) for p in PERSONA_NAMES}
    assert buyers["one_time_buyer"] == buyers["loyal_high_spender"] == buyers["bargain_hunter"] == 1.0
    assert buyers["window_shopper"] < 0.2
    assert mean("one_time_buyer", lambda s: s["orders"]) == 1.0
    orders = {p: mean(p, lambda s: s["orders"]) for p in PERSONA_NAMES}
    assert orders["loyal_high_spender"] > 1.5 * orders["lapsed_customer"] > 1.5 * orders["one_time_buyer"]
    aov = {p: mean(p, lambda s: s["monetary"] / s["success"] if s["success"] else 0) for p in PERSONA_NAMES}
    assert aov["loyal_high_spender"] > 2 * aov["one_time_buyer"] > 3 * aov["bargain_hunter"]
    assert mean("lapsed_customer", lambda s: s["bad"] / s["orders"]) > 3 * mean(
        "loyal_high_spender", lambda s: s["bad"] / s["orders"])
    days_idle = {p: mean(p, lambda s: (end - s["last_event"]) / 86400) for p in PERSONA_NAMES}
    assert days_idle["lapsed_customer"] > 180 > 60 > days_idle["loyal_high_spender"]
    assert mean("window_shopper", lambda s: s["visits"]) > 3 * mean("one_time_buyer", lambda s: s["visits"])
    night = {p: mean(p, lambda s: s["night_visits"] / s["visits"]) for p in PERSONA_NAMES}
    assert night["window_shopper"] > 2 * max(v for p, v in night.items() if p != "window_shopper")
    weekend = {p: mean(p, lambda s: s["weekend_visits"] / s["visits"]) for p in PERSONA_NAMES}
    assert weekend["bargain_hunter"] > 1.5 * weekend["loyal_high_spender"]


def test_persona_country_mixes_differ(clean: Path) -> None:
    persona = {r["customer_id"]: r["persona"] for r in table(clean, "customer_personas")}
    currencies: dict[str, set[str]] = defaultdict(set)
    top: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for c in table(clean, "customers"):
        top[persona[c["customer_id"]]][c["location"]] += 1
        currencies[persona[c["customer_id"]]].add(c["currency"])
    leaders = {p: max(counts, key=counts.get) for p, counts in top.items()}  # type: ignore[arg-type]
    assert leaders["bargain_hunter"] in ("Nigeria", "India")
    assert leaders["loyal_high_spender"] == "United States of America"
    assert len(set(leaders.values())) >= 3


def test_kmeans_recovers_personas(tmp_path: Path) -> None:
    """Clusters of RFM + behaviour features match the personas (adjusted Rand index)."""
    sklearn = pytest.importorskip("sklearn")
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score
    from sklearn.preprocessing import StandardScaler

    out = _run(tmp_path, customers=1200, seed=11)
    stats = _customer_stats(out)
    end = max(s["last_event"] for s in stats.values())
    feats, labels = [], []
    for s in stats.values():
        recency = (end - s["last_order"]) / 86400 if s["orders"] else 400.0
        aov = s["monetary"] / s["success"] if s["success"] else 0.0
        cancel = s["bad"] / s["orders"] if s["orders"] else 0.0
        feats.append([recency, s["orders"], s["monetary"], s["visits"], aov, cancel])
        labels.append(s["persona"])
    x = StandardScaler().fit_transform(np.array(feats))
    predicted = KMeans(n_clusters=len(PERSONA_NAMES), n_init=10, random_state=0).fit_predict(x)
    assert adjusted_rand_score(labels, predicted) >= 0.8
    assert sklearn is not None


# ---------------------------------------------------------------- defects


def test_defect_free_run_has_an_empty_manifest(clean: Path) -> None:
    header, rows = read(clean / "defect_manifest.csv")
    assert header == list(MANIFEST_COLUMNS) and rows == []


def test_every_defect_kind_is_present(dirty: Path) -> None:
    manifest = table(dirty, "defect_manifest")
    found = {(m["table"], m["defect"]) for m in manifest}
    assert found == {(t, k) for t, kinds in DEFECT_KINDS.items() for k in kinds}
    rows = {t: len(read(dirty / f"{t}.csv")[1]) for t in TABLE_COLUMNS}
    for t in ("orders", "line_items", "events"):
        share = sum(m["table"] == t for m in manifest) / rows[t]
        assert 0.01 <= share <= 0.04, (t, share)
    assert 1 <= sum(m["table"] == "products" for m in manifest) <= 3
    # several chunks: damage is spread over the whole file
    ev_rows = [int(m["row_number"]) for m in manifest if m["table"] == "events"]
    assert max(ev_rows) > rows["events"] * 0.8 and min(ev_rows) < rows["events"] * 0.2


def test_manifest_rows_are_really_damaged(dirty: Path) -> None:
    files = {t: read(dirty / f"{t}.csv") for t in TABLE_COLUMNS}
    data = {t: [dict(zip(h, r)) for r in rows] for t, (h, rows) in files.items()}
    customer_ids = {c["customer_id"] for c in data["customers"]}
    order_ids = {o["order_id"] for o in data["orders"]}
    keys = {"customers": "customer_id", "orders": "order_id", "line_items": "line_item_id",
            "products": "id", "events": "event_id"}
    price = {str(p.id): p.price_cents for p in PRODUCTS}
    manifest = table(dirty, "defect_manifest")
    assert [(m["table"], int(m["row_number"])) for m in manifest] == sorted(
        {(m["table"], int(m["row_number"])) for m in manifest},
        key=lambda x: (list(DEFECT_KINDS).index(x[0]), x[1]))  # sorted, no row twice
    for m in manifest:
        t, kind, col = m["table"], m["defect"], m["column"]
        row = data[t][int(m["row_number"]) - 1]
        assert m["key"] == row[keys[t]], m
        value = row[col]
        if kind == "null_id":
            assert col in ("customer_id", "order_id", "line_item_id", "event_id") and value == "", m
        elif kind == "duplicate_event":
            assert files[t][1][int(m["row_number"]) - 1] == files[t][1][int(m["row_number"]) - 2], m
        elif kind == "malformed_json":
            with pytest.raises(json.JSONDecodeError):
                json.loads(value)
        elif kind == "unknown_event_type":
            assert json.loads(value)["event_type"] not in EVENT_TYPES
        elif kind == "future_timestamp":
            assert _ts(value).year >= 2031, m
            if t == "events":
                assert json.loads(row["event_data"])["timestamp"] == value.replace(" ", "T")
        elif kind == "unknown_customer":
            assert value and value not in customer_ids
        elif kind == "unknown_order":
            assert value and value not in order_ids
        elif kind == "unknown_product":
            assert int(value) not in range(1, len(PRODUCTS) + 1)
        elif kind == "missing_quantity":
            assert value == ""
        elif kind == "non_positive_quantity":
            assert int(value) <= 0
        elif kind == "location_whitespace":
            assert value != value.strip() and value.strip() in COUNTRIES
        elif kind == "location_case":
            assert value not in COUNTRIES and value in {f(c) for c in COUNTRIES for f in (str.upper, str.lower)}
        elif kind == "lowercase_currency":
            assert value.islower() and value.upper() in CURRENCIES
        elif kind == "price_outlier":
            outlier = price[row["id"]] * 1000
            assert value == f"{outlier // 100}.{outlier % 100:02d}"
        else:  # pragma: no cover
            pytest.fail(f"unexpected defect {m}")


def test_rows_outside_the_manifest_are_clean(dirty: Path) -> None:
    manifest = {(m["table"], int(m["row_number"])) for m in table(dirty, "defect_manifest")}
    for i, e in enumerate(table(dirty, "events"), start=1):
        if ("events", i) in manifest:
            continue
        d = json.loads(e["event_data"])
        assert d["event_type"] in EVENT_TYPES and e["event_id"] and e["customer_id"]
        assert _ts(e["event_timestamp"]).year < 2030
    for i, li in enumerate(table(dirty, "line_items"), start=1):
        if ("line_items", i) not in manifest:
            assert int(li["quantity"]) >= 1 and 1 <= int(li["item_id"]) <= 15 and li["order_id"]
    for i, c in enumerate(table(dirty, "customers"), start=1):
        if ("customers", i) not in manifest:
            assert c["location"] in COUNTRIES and c["currency"] in CURRENCIES and c["customer_id"]

def test_ids_stay_consecutive_across_chunks(dirty: Path) -> None:
    manifest = table(dirty, "defect_manifest")
    for name, key, dup in (("events", "event_id", "duplicate_event"), ("line_items", "line_item_id", None)):
        rows = table(dirty, name)
        n_dup = sum(m["defect"] == dup for m in manifest)
        n_null = sum(m["table"] == name and m["defect"] == "null_id" and m["column"] == key for m in manifest)
        ids = {int(r[key]) for r in rows if r[key]}
        assert ids <= set(range(1, len(rows) - n_dup + 1))
        assert len(ids) == len(rows) - n_dup - n_null


# ---------------------------------------------------------------- events by day

BY_DAY = dict(customers=300, seed=5, defect_rate=0.05)


def _rows(path: Path) -> list[tuple[str, ...]]:
    """Data rows of a CSV or Parquet table file as text tuples (null as "")."""
    if path.suffix == ".csv":
        return [tuple(r) for r in read(path)[1]]
    return [tuple("" if v is None else v for v in r.values()) for r in pq.read_table(path).to_pylist()]


def _day_files(out: Path) -> list[Path]:
    return sorted((out / "events").iterdir())


def _run_small_chunks(out: Path, **kw: object) -> Path:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pipeline, "CHUNK_CUSTOMERS", 100)
        return _run(out, **kw)


@pytest.fixture(scope="module", params=["csv", "parquet"])
def by_day(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """(single-file run, by-day run through the CLI, format); small chunks, so day files get appended to."""
    fmt = request.param
    single = _run_small_chunks(tmp_path_factory.mktemp(f"single_{fmt}"), fmt=fmt, **BY_DAY)
    daily = tmp_path_factory.mktemp(f"daily_{fmt}")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pipeline, "CHUNK_CUSTOMERS", 100)
        assert cli_main(["--customers", str(BY_DAY["customers"]), "--seed", str(BY_DAY["seed"]),
                         "--defect-rate", str(BY_DAY["defect_rate"]), "--format", fmt,
                         "--out", str(daily), "--events-by-day", "--quiet"]) == 0
    return single, daily, fmt


def test_events_by_day_writes_a_folder_of_day_files(by_day: tuple[Path, Path, str]) -> None:
    single, daily, fmt = by_day
    assert sorted(p.name for p in daily.iterdir()) == sorted(
        "events" if p.name == f"events.{fmt}" else p.name for p in single.iterdir())
    start = pipeline.DEFAULT_START  # one file YYYY-MM-DD.<fmt> per day of the 12-month history
    assert [p.name for p in _day_files(daily)] == [f"{start + dt.timedelta(days=i)}.{fmt}" for i in range(365)]
    for path in _day_files(daily):
        columns = read(path)[0] if fmt == "csv" else pq.read_table(path).column_names
        assert columns == list(TABLE_COLUMNS["events"]), path.name
    for name in ("customers", "orders", "line_items", "products"):
        assert (daily / f"{name}.{fmt}").read_bytes() == (single / f"{name}.{fmt}").read_bytes(), name
    for name in ("customer_personas.csv", "defect_manifest.csv"):
        assert (daily / name).read_bytes() == (single / name).read_bytes(), name


def test_day_files_split_the_single_events_file_by_clean_day(by_day: tuple[Path, Path, str],
                                                            tmp_path: Path) -> None:
    single, daily, fmt = by_day
    single_rows = _rows(single / f"events.{fmt}")
    day_rows = {p.name[:10]: _rows(p) for p in _day_files(daily)}
    assert sorted(r for rows in day_rows.values() for r in rows) == sorted(single_rows)
    manifest = table(single, "defect_manifest")
    assert {m["defect"] for m in manifest if m["table"] == "events"} == set(DEFECT_KINDS["events"])
    # the clean run of the same seed gives each event id its clean day
    clean = _run_small_chunks(tmp_path, fmt=fmt, **{**BY_DAY, "defect_rate": 0.0})
    key, ts = (TABLE_COLUMNS["events"].index(c) for c in ("event_id", "event_timestamp"))
    clean_day = {r[key]: r[ts][:10] for r in _rows(clean / f"events.{fmt}")}
    for day, rows in day_rows.items():
        for r in rows:
            if _ts(r[ts]).year < 2031:  # not a future_timestamp defect
                assert r[ts][:10] == day, (day, r)
            if r[key]:  # damaged rows and duplicates too: the day of the original event
                assert clean_day[r[key]] == day, (day, r)
        event_ids = [int(r[key]) for r in rows if r[key]]
        assert event_ids == sorted(event_ids), day  # rows keep their generation order


def test_events_by_day_is_deterministic(by_day: tuple[Path, Path, str], tmp_path: Path) -> None:
    _, daily, fmt = by_day
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pipeline, "CHUNK_CUSTOMERS", 100)
        summary = generate(GeneratorConfig(out_dir=tmp_path, fmt=fmt, events_by_day=True, progress=False,
                                           **BY_DAY))  # type: ignore[arg-type]
    again = _day_files(tmp_path)
    assert [p.name for p in again] == [p.name for p in _day_files(daily)]
    for path in again:
        assert path.read_bytes() == (daily / "events" / path.name).read_bytes(), path.name
    assert summary.rows["events"] == sum(len(_rows(p)) for p in again)
    assert set(again) <= set(summary.files)

"""Drive the generator: simulate chunk after chunk, damage, stream to disk.

Customers are simulated in chunks of :data:`CHUNK_CUSTOMERS`; each chunk has
its own random streams derived from ``(seed, stream, chunk index)``, one for the
data and one for the defects, so memory stays bounded whatever the number of
customers, and the clean data of a run is the same with or without defects.
The chunk size is part of the reproducibility contract: the same seed, size
and options give byte-identical files.

With ``events_by_day`` the events table is written as a folder
``PREFIXevents/`` of one file per day of the history, ``YYYY-MM-DD.<fmt>``
(a day without events still gets a file, with the header only).  A row goes
to the day of its *clean* ``event_timestamp`` (its first 10 characters), the
day the shop exported it: the day is taken before the damage and carried
through it, so a damaged row (malformed JSON, future timestamp, null id) and
an inserted duplicate land in the file of their original event.  The day files
hold exactly the rows of the single events file, each day's rows in file order.
The defect manifest is the same as in a single-file run: its ``row_number``
counts rows of the single-file layout, not of a day file.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .defects import DEFECT_KINDS, MANIFEST_SCHEMA, damage
from .render import TABLES, RenderedChunk, products_table, schema
from .simulate import HistoryWindow, simulate_chunk
from .writer import CsvTableWriter, DailyTableWriter, TableWriter, open_writer

CHUNK_CUSTOMERS = 20_000
DEFAULT_START = dt.date(2024, 7, 1)
DEFAULT_MONTHS = 12
PERSONAS_FILE = "customer_personas.csv"
MANIFEST_FILE = "defect_manifest.csv"
_STREAM_DATA, _STREAM_DEFECTS, _STREAM_PRODUCTS = 0, 1, 2
#: Show a progress bar by default from this many customers on (or on a terminal).
PROGRESS_MIN_CUSTOMERS = 200_000


@dataclass
class GeneratorConfig:
    customers: int
    out_dir: Path
    seed: int = 42
    fmt: str = "csv"
    defect_rate: float = 0.0
    table_prefix: str = ""
    truth_dir: Path | None = None
    start: dt.date = DEFAULT_START
    months: int = DEFAULT_MONTHS
    progress: bool | None = None  # None: automatic
    events_by_day: bool = False  # events as one file per day in a folder

    def validate(self) -> None:
        if self.customers < 1:
            raise ValueError("--customers must be at least 1")
        if self.seed < 0:
            raise ValueError("--seed must be a non-negative integer")
        if not 0 <= self.defect_rate <= 0.5:
            raise ValueError("--defect-rate must be between 0 and 0.5")
        if self.fmt not in ("csv", "parquet"):
            raise ValueError("--format must be csv or parquet")
        if self.months < 1:
            raise ValueError("--months must be at least 1")


@dataclass
class GenerationSummary:
    rows: dict[str, int] = field(default_factory=dict)
    defects: dict[str, int] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    seconds: float = 0.0


class _Progress:
    """A one-line progress bar on stderr."""

    def __init__(self, total: int, enabled: bool, stream: TextIO = sys.stderr) -> None:
        self.total, self.enabled, self.stream = total, enabled, stream
        self.t0 = time.perf_counter()
        self.tty = stream.isatty()
        self.last_tenth = 0

    def update(self, done: int) -> None:
        if not self.enabled:
            return
        frac = done / self.total
        tenth = int(10 * frac)
        if not self.tty and tenth == self.last_tenth and done < self.total:
            return  # not a terminal: one line per 10 %
        self.last_tenth = tenth
        bar = "#" * int(30 * frac) + "." * (30 - int(30 * frac))
        elapsed = time.perf_counter() - self.t0
        eta = elapsed / frac - elapsed if frac > 0 else 0.0
        line = (f"generating [{bar}] {done:,}/{self.total:,} customers "
                f"{elapsed:6.1f}s elapsed, ~{eta:5.1f}s left")
        self.stream.write(f"\r{line}" if self.tty else f"{line}\n")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.tty:
            self.stream.write("\n")
            self.stream.flush()


def window_days(window: HistoryWindow) -> list[str]:
    """``YYYY-MM-DD`` of every day of the history, in order."""
    return [(window.start + dt.timedelta(days=i)).isoformat() for i in range(window.days)]


def event_days(events: pa.Table, days: pa.Array) -> np.ndarray:
    """Index in ``days`` of the day (first 10 characters) of each ``event_timestamp``."""
    day = pc.index_in(pc.utf8_slice_codeunits(events.column("event_timestamp"), 0, 10), value_set=days)
    if day.null_count:
        raise ValueError("an event lies outside the history window")
    return day.to_numpy().astype(np.int64)


def generate(cfg: GeneratorConfig) -> GenerationSummary:
    """Generate the five raw tables and the truth files described by ``cfg``."""
    cfg.validate()
    t0 = time.perf_counter()
    window = HistoryWindow.from_months(cfg.start, cfg.months)
    out_dir = Path(cfg.out_dir)
    truth_dir = Path(cfg.truth_dir) if cfg.truth_dir is not None else out_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    truth_dir.mkdir(parents=True, exist_ok=True)

    days = window_days(window)
    day_set = pa.array(days, pa.string())
    daily = (DailyTableWriter(out_dir / f"{cfg.table_prefix}events", schema("events"), cfg.fmt, days)
             if cfg.events_by_day else None)
    writers: dict[str, TableWriter] = {
        t: open_writer(out_dir / f"{cfg.table_prefix}{t}", schema(t), cfg.fmt)
        for t in TABLES if not (daily is not None and t == "events")
    }
    persona_writer = CsvTableWriter(
        truth_dir / PERSONAS_FILE, pa.schema([("customer_id", pa.string()), ("persona", pa.string())])
    )
    rows = {t: 0 for t in TABLES}
    manifests: dict[str, list[pa.Table]] = {t: [] for t in TABLES}
    rate = cfg.defect_rate

    def emit(name: str, table: pa.Table, rng: np.random.Generator | None, first_chunk: bool) -> None:
        clean, source = table, None
        if rng is not None and rate > 0:
            table, manifest, source = damage(name, table, rng, rate, rows[name] + 1, every_kind=first_chunk)
            manifests[name].append(manifest)
        if daily is not None and name == "events":
            day = event_days(clean, day_set)  # the export day of each clean row
            daily.write(table, day if source is None else day[source])
        else:
            writers[name].write(table)
        rows[name] += table.num_rows

    show = cfg.progress if cfg.progress is not None else (
        cfg.customers >= PROGRESS_MIN_CUSTOMERS or sys.stderr.isatty())
    progress = _Progress(cfg.customers, show)
    try:
        emit("products", products_table(), np.random.default_rng([cfg.seed, _STREAM_PRODUCTS]), True)
        n_chunks = -(-cfg.customers // CHUNK_CUSTOMERS)
        done = 0
        next_id = {"line_items": 1, "events": 1}
        for i in range(n_chunks):
            n = min(CHUNK_CUSTOMERS, cfg.customers - done)
            chunk = simulate_chunk(np.random.default_rng([cfg.seed, _STREAM_DATA, i]), n, window)
            # ids count generated rows; rows[] also counts inserted duplicates
            rendered = RenderedChunk(chunk, window.start_us, next_id["line_items"], next_id["events"])
            next_id["line_items"] += rendered.line_items.num_rows
            next_id["events"] += rendered.events.num_rows
            del chunk
            defect_rng = np.random.default_rng([cfg.seed, _STREAM_DEFECTS, i])
            persona_writer.write(rendered.personas)
            for name in ("customers", "orders", "line_items", "events"):
                emit(name, getattr(rendered, name), defect_rng, i == 0)
            del rendered
            done += n
            progress.update(done)
    finally:
        progress.close()
        for w in writers.values():
            w.close()
        if daily is not None:
            daily.close()
        persona_writer.close()

    manifest_writer = CsvTableWriter(truth_dir / MANIFEST_FILE, MANIFEST_SCHEMA)
    defects: dict[str, int] = {}
    for name in DEFECT_KINDS:
        for m in manifests[name]:
            manifest_writer.write(m)
            defects[name] = defects.get(name, 0) + m.num_rows
    manifest_writer.close()

    return GenerationSummary(
        rows=rows,
        defects=defects,
        files=[w.path for w in writers.values()] + (daily.paths if daily is not None else [])
        + [persona_writer.path, manifest_writer.path],
        seconds=time.perf_counter() - t0,
    )

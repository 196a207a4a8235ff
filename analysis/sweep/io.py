"""On-disk side of sweeps: Parquet parts, the streamed runs table, atomic manifests, failures, versions.

Layout of a sweep/compare directory: ``manifest.json``, ``plan.json`` (everything needed to resume),
``parts/part-XXXXX.parquet`` (+ ``.failures.jsonl``) per finished batch, then ``runs.parquet`` and
``failures.jsonl`` once every batch is in. A part file exists only once its batch is complete.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import json
import os
import platform
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from analysis.arrow import numbers, to_numpy
from analysis.sweep.table import column_types, conform, runs_schema, table_types

if TYPE_CHECKING:
    import pandas as pd

PARTS = "parts"
ROUNDS = "rounds"  # --keep-rounds: one Parquet part per batch, read the folder as one dataset

def file_hash(path: str | Path) -> str:
    """sha256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def now() -> str:
    """The current time, ISO 8601 with timezone, to the second."""
    return dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="seconds")


def _version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def versions() -> dict[str, str | None]:
    """Versions recorded in every manifest."""
    import sim

    return {
        "python": platform.python_version(),
        "dipsim": _version("dipsim") or sim.__version__,
        "numpy": np.__version__,
        "mesa": _version("mesa"),
        "pandas": _version("pandas"),  # not imported: a sweep's parent and workers write their tables without it
    }


def write_json(path: Path, obj: Any) -> None:
    """Write JSON atomically (temp file, then rename)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(obj, indent=2, default=str) + "\n")
    os.replace(tmp, path)


def read_json(path: Path) -> Any:
    return json.loads(path.read_text())


def part_path(out: Path, index: int) -> Path:
    return out / PARTS / f"part-{index:05d}.parquet"


def _write_table(path: Path, table: pa.Table) -> None:
    """Write a table to Parquet atomically (temp file, then rename), as ``DataFrame.to_parquet`` writes it."""
    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(table, tmp, compression="snappy")
    os.replace(tmp, path)


def write_part(out: Path, index: int, table: pa.Table, failures: Sequence[dict[str, Any]],
               rounds: pa.Table | None = None) -> None:
    """Write a finished batch: per-round series and failures first, then the part (which marks it done).
    The tables come from the worker typed and described as pandas writes them (``table.to_table``): written as is."""
    target = part_path(out, index)
    target.parent.mkdir(parents=True, exist_ok=True)
    if rounds is not None:
        series = out / ROUNDS / target.name
        series.parent.mkdir(exist_ok=True)
        _write_table(series, rounds)
    fail_path = target.with_suffix(".failures.jsonl")
    if failures:
        tmp = fail_path.with_name(fail_path.name + ".tmp")
        tmp.write_text("".join(json.dumps(f, default=str) + "\n" for f in failures))
        os.replace(tmp, fail_path)
    _write_table(target, table)


def done_parts(out: Path) -> dict[int, tuple[int, int]]:
    """Finished batches on disk: ``{index: (rows, failed runs)}``."""
    done = {}
    for path in sorted((out / PARTS).glob("part-*.parquet")):
        fail_path = path.with_suffix(".failures.jsonl")
        failed = len(fail_path.read_text().splitlines()) if fail_path.exists() else 0
        done[int(path.stem.split("-")[1])] = (pq.ParquetFile(path).metadata.num_rows, failed)
    return done


def read_failures(out: Path) -> list[dict[str, Any]]:
    """Every failure record of the finished parts, by run_id."""
    records = []
    for path in sorted((out / PARTS).glob("part-*.failures.jsonl")):
        records += [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return sorted(records, key=lambda r: r["run_id"])


ROW_GROUP = 65_536  # rows of runs.parquet written at a time (the parts are read one by one)


def _empty(head: Sequence[str]) -> pa.Table:
    """The runs table of a sweep with no finished run: its id columns, no rows."""
    return runs_schema({c: "int64" if c in ("run_id", "seed") else "object" for c in head}).empty_table()


def _parts(out: Path) -> list[Path]:
    """The finished parts that hold rows, in batch order (= run_id order: batches are consecutive run ids)."""
    return [p for p in sorted((out / PARTS).glob("part-*.parquet")) if pq.ParquetFile(p).metadata.num_rows]


def combined(out: Path, head: Sequence[str]) -> pa.Table:
    """All parts as one Arrow table, sorted by run_id and typed like ``runs.parquet`` (pandas only for a part whose
    types Arrow cannot cast, as ``as_typed``)."""
    paths = _parts(out)
    if not paths:
        return _empty(head)
    types = column_types(paths)
    schema = runs_schema(types)
    table = pa.concat_tables([as_typed(p, schema, types) for p in paths])
    ids = to_numpy(table.column("run_id"))
    if (np.diff(ids) < 0).any():
        table = table.take(numbers(np.argsort(ids, kind="stable"), pa.int64()))
    return table


def combine(out: Path, head: Sequence[str]) -> pd.DataFrame:
    """``combined`` as a pandas frame."""
    return combined(out, head).to_pandas()


def write_runs(out: Path, head: Sequence[str]) -> int:
    """Stream the parts into ``runs.parquet`` (atomically) one part at a time, so memory stays flat however many
    runs the sweep has; the same table ``combine`` builds. Returns the rows written."""
    paths = _parts(out)
    if not paths:
        _write_table(out / "runs.parquet", _empty(head))
        return 0
    types = column_types(paths)
    writer = RunsWriter(out, runs_schema(types))
    try:
        for path in paths:
            writer.add(as_typed(path, writer.schema, types), path)
    except BaseException:
        writer.discard()
        raise
    return writer.close()


class RunsWriter:
    """``runs.parquet`` written part by part in run_id order, ROW_GROUP rows at a time, then renamed into place."""

    def __init__(self, out: Path, schema: pa.Schema) -> None:
        self.tmp, self.final, self.schema = out / "runs.parquet.tmp", out / "runs.parquet", schema
        self.writer = pq.ParquetWriter(self.tmp, schema)
        self.pending: list[pa.Table] = []
        self.rows, self.last = 0, -1

    def add(self, table: pa.Table, source: object) -> None:
        """Append a part's rows (typed by ``schema``); ValueError if they do not follow the rows before."""
        ids = to_numpy(table.column("run_id"))
        if (np.diff(ids) < 0).any() or int(ids[0]) <= self.last:
            raise ValueError(f"{source}: runs out of order (each part must follow the one before)")
        self.last = int(ids[-1])
        self.pending.append(table)
        if sum(len(t) for t in self.pending) >= ROW_GROUP:
            self._flush()

    def close(self) -> int:
        """Write what is pending and move the file into place; the rows written."""
        self._flush()
        self.writer.close()
        os.replace(self.tmp, self.final)
        return self.rows

    def discard(self) -> None:
        """Stop and remove the unfinished file."""
        self.writer.close()
        self.tmp.unlink(missing_ok=True)

    def _flush(self) -> None:
        if self.pending:
            batch = pa.concat_tables(self.pending)
            self.writer.write_table(batch)
            self.rows, self.pending = self.rows + len(batch), []


class RunsStream:
    """``runs.parquet`` written while a new sweep's batches arrive, each as soon as the batches before it are in, so
    the sweep's end only renames it. It stays the file ``write_runs`` builds from the parts: it gives up (and
    ``finish_files`` rebuilds the file) when a part's column types differ from the first part's, when a part
    cannot be cast in plain Arrow, or when too many batches wait for an earlier one (memory stays flat)."""

    MAX_WAITING = 64  # batches held while an earlier one is still running

    def __init__(self, out: Path, batches: int) -> None:
        self.out, self.batches, self.next = out, batches, 0
        self.waiting: dict[int, pa.Table] = {}
        self.types: dict[str, str] | None = None
        self.writer: RunsWriter | None = None
        self.live = True

    def add(self, index: int, table: pa.Table) -> None:
        """A finished batch's table (the one its part holds)."""
        if not self.live:
            return
        self.waiting[index] = table
        while self.live and self.next in self.waiting:
            ready = self.waiting.pop(self.next)
            self.next += 1
            if len(ready):  # a batch whose runs all failed has no part rows (``_parts`` skips it)
                self._write(ready)
        if len(self.waiting) > self.MAX_WAITING:
            self.give_up()

    def _write(self, table: pa.Table) -> None:
        types = table_types(table)
        if self.writer is None:
            self.types, self.writer = types, RunsWriter(self.out, runs_schema(types))
        if list(types.items()) != list((self.types or {}).items()):  # so far, every part typed as the first
            self.give_up()
            return
        cast = typed(table, self.writer.schema)
        if cast is None:  # only pandas can cast it (``as_typed``)
            self.give_up()
            return
        try:
            self.writer.add(cast, f"batch {self.next - 1}")
        except ValueError:  # runs out of order: write_runs reports it
            self.give_up()

    def close(self) -> int | None:
        """The rows in runs.parquet once every batch is in and written; None when given up (nothing written)."""
        if self.live and self.next == self.batches and self.writer is not None:
            self.live = False
            return self.writer.close()
        self.give_up()
        return None

    def give_up(self) -> None:
        """Stop streaming and remove the unfinished file; ``write_runs`` builds it from the parts instead."""
        self.live, self.waiting = False, {}
        if self.writer is not None:
            self.writer.discard()
            self.writer = None


def _widens(have: pa.DataType, want: pa.DataType) -> bool:
    """Whether a part's column type becomes runs.parquet's by a cast that keeps every value as pandas would:
    missing everywhere, a count where some runs lack it (float64), text as large text."""
    return (pa.types.is_null(have) or (pa.types.is_integer(have) and pa.types.is_floating(want))
            or (pa.types.is_string(have) and pa.types.is_large_string(want)))


def as_typed(path: Path, schema: pa.Schema, types: dict[str, str]) -> pa.Table:
    """A part as a table of runs.parquet's ``schema``, cast in Arrow where that is plain (the usual case: every
    part already has the schema); else through pandas (``conform``), as before."""
    table = pq.ParquetFile(path).read()  # not pq.read_table: its dataset module imports pandas
    plain = typed(table, schema)
    if plain is not None:
        return plain
    return pa.Table.from_pandas(conform(table.to_pandas(), types), schema=schema, preserve_index=False)


def typed(table: pa.Table, schema: pa.Schema) -> pa.Table | None:
    """A part's table with runs.parquet's ``schema`` by plain Arrow casts (missing columns all null); None when
    some column needs more than that (``as_typed`` then goes through pandas)."""
    columns = []
    for want in schema:
        at = table.schema.get_field_index(want.name)
        if at < 0:
            columns.append(pa.nulls(len(table), want.type))
            continue
        column = table.column(at)
        if column.type != want.type:
            if not _widens(column.type, want.type):
                return None
            column = column.cast(want.type, safe=False)
        columns.append(column)
    return pa.Table.from_arrays(columns, schema=schema)


def finish_files(out: Path, head: Sequence[str], rows: int | None = None) -> tuple[int, int]:
    """Write runs.parquet (unless ``rows``: already written, by ``RunsStream``) and failures.jsonl from the parts
    (atomically); return (rows, failures)."""
    rows = write_runs(out, head) if rows is None else rows
    failures = read_failures(out)
    tmp = out / "failures.jsonl.tmp"
    tmp.write_text("".join(json.dumps(f, default=str) + "\n" for f in failures))
    os.replace(tmp, out / "failures.jsonl")
    return rows, len(failures)

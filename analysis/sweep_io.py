"""On-disk side of sweeps: seeds, typed tables, Parquet parts, atomic manifests, failures, versions.

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
from numbers import Integral, Real
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.result import is_optional_round
from sim.state import spawned_seeds

PARTS = "parts"
ROUNDS = "rounds"  # --keep-rounds: one Parquet part per batch, read the folder as one dataset

Columns = dict[str, "np.ndarray | list[Any]"]  # outcome columns: typed arrays, or lists of Python values


def seed_of(root: int, k: int) -> int:
    """Seed of run k: child k of ``SeedSequence(root)`` (== ``SeedSequence(root).spawn(n)[k]``)."""
    return int(np.random.SeedSequence(root, spawn_key=(k,)).generate_state(1)[0])


def seeds_of(root: int, ks: Sequence[int]) -> list[int]:
    """``[seed_of(root, k) for k in ks]``, computed for all k at once."""
    return spawned_seeds(root, ks)


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
        "pandas": pd.__version__,
    }


def write_json(path: Path, obj: Any) -> None:
    """Write JSON atomically (temp file, then rename)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(obj, indent=2, default=str) + "\n")
    os.replace(tmp, path)


def read_json(path: Path) -> Any:
    return json.loads(path.read_text())


def _is_bool(v: Any) -> bool:
    return isinstance(v, (bool, np.bool_))


def _outcome_column(key: str, values: np.ndarray | list[Any]) -> pd.Series:
    """Type one outcome column: a typed array as it is; Python values as bool, int64, or float64 (NaN for None,
    and for optional rounds)."""
    if isinstance(values, np.ndarray):
        return pd.Series(values, copy=False)
    present = [v for v in values if v is not None]
    optional = is_optional_round(key)
    if present and all(_is_bool(v) for v in present):
        return pd.Series(values, dtype=bool if len(present) == len(values) else "boolean")
    complete = len(present) == len(values)
    if complete and not optional and all(isinstance(v, Integral) and not _is_bool(v) for v in present):
        return pd.Series(values, dtype="int64")
    if all(isinstance(v, Real) for v in present):
        return pd.Series([np.nan if v is None else float(v) for v in values], dtype="float64")
    return pd.Series(values, dtype=object)


def _vary_column(kind: str, values: list[Any]) -> pd.Series:
    """Type one varied-path column by its design-wide kind (see ``designs.column_kind``)."""
    if kind == "bool":
        return pd.Series(values, dtype=object if any(v is None for v in values) else bool)
    if kind == "int":
        return pd.Series(values, dtype="int64")
    if kind == "float":
        return pd.Series([np.nan if v is None else float(v) for v in values], dtype="float64")
    return pd.Series([None if v is None else str(v) for v in values], dtype=object)


def merge_columns(parts: Sequence[tuple[Sequence[int], Columns]]) -> Columns:
    """The outcome columns of several groups of runs, ``(run_ids, columns)`` each, as one set ordered by run_id.

    Keys come in the order of first appearance by run_id; a run without a key gets None there (the column then
    holds Python values and is typed like any list).
    """
    parts = sorted((p for p in parts if len(p[0])), key=lambda p: min(p[0]))
    if not parts:
        return {}
    order = np.argsort(np.concatenate([np.asarray(ids) for ids, _ in parts]), kind="stable")
    keys = list(dict.fromkeys(k for _, cols in parts for k in cols))
    typed = all(set(cols) == set(keys) and all(isinstance(v, np.ndarray) for v in cols.values()) for _, cols in parts)
    if typed:
        return {k: np.concatenate([cols[k] for _, cols in parts])[order] for k in keys}
    out: Columns = {}
    for k in keys:
        values = [v for ids, cols in parts for v in (_as_list(cols[k]) if k in cols else [None] * len(ids))]
        out[k] = [values[i] for i in order.tolist()]
    return out


def _as_list(values: np.ndarray | list[Any]) -> list[Any]:
    """Python values of a column (NaN back to None: an array stores a missing value as NaN)."""
    if isinstance(values, list):
        return values
    if values.dtype.kind == "f":
        return [None if v != v else v for v in values.tolist()]
    return values.tolist()


def to_frame(ids: dict[str, list[Any]], points: dict[str, list[Any]], vary_kinds: dict[str, str],
             outcomes: Columns) -> pd.DataFrame:
    """One batch as a typed table: run_id, seed, [scenario], varied paths (typed by ``vary_kinds``), outcomes."""
    cols: dict[str, pd.Series] = {
        "run_id": pd.Series(ids["run_id"], dtype="int64"),
        "seed": pd.Series(ids["seed"], dtype="int64"),
    }
    if "scenario" in ids:
        cols["scenario"] = pd.Series(ids["scenario"], dtype=object)
    for path, kind in vary_kinds.items():
        cols[path] = _vary_column(kind, points[path])
    for key, values in outcomes.items():
        if key not in cols:
            cols[key] = _outcome_column(key, values)
    return pd.DataFrame(cols)


def part_path(out: Path, index: int) -> Path:
    return out / PARTS / f"part-{index:05d}.parquet"


def write_part(out: Path, index: int, frame: pd.DataFrame, failures: Sequence[dict[str, Any]],
               rounds: pd.DataFrame | None = None) -> None:
    """Write a finished batch: per-round series and failures first, then the part (which marks it done)."""
    target = part_path(out, index)
    target.parent.mkdir(parents=True, exist_ok=True)
    if rounds is not None:
        series = out / ROUNDS / target.name
        series.parent.mkdir(exist_ok=True)
        rounds.to_parquet(series.with_name(series.name + ".tmp"), index=False)
        os.replace(series.with_name(series.name + ".tmp"), series)
    fail_path = target.with_suffix(".failures.jsonl")
    if failures:
        tmp = fail_path.with_name(fail_path.name + ".tmp")
        tmp.write_text("".join(json.dumps(f, default=str) + "\n" for f in failures))
        os.replace(tmp, fail_path)
    tmp = target.with_name(target.name + ".tmp")
    frame.to_parquet(tmp, index=False)
    os.replace(tmp, target)


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


def _kind(field: pa.Field) -> str | None:
    """What a part's column holds: bool, int, float, str, other (None for an all-null column)."""
    t = field.type
    if pa.types.is_null(t):
        return None
    if pa.types.is_boolean(t):
        return "bool"
    if pa.types.is_integer(t):
        return "int"
    if pa.types.is_floating(t):
        return "float"
    return "str" if pa.types.is_string(t) or pa.types.is_large_string(t) else "other"


def _nulls(path: Path, meta: pq.FileMetaData, j: int, name: str) -> int:
    """Missing values of column ``j`` of a part, from its statistics (read from the data where they lack them)."""
    stats = [meta.row_group(g).column(j).statistics for g in range(meta.num_row_groups)]
    if all(st is not None and st.has_null_count for st in stats):
        return sum(st.null_count for st in stats)
    return pq.read_table(path, columns=[name]).column(0).null_count


def column_types(paths: Sequence[Path]) -> dict[str, str]:
    """The pandas dtype of every column over all parts, in order of first appearance, from the parts' metadata.

    An outcome that only some runs' scenarios have (a compare of scenarios with different channels, a sweep over
    population sizes) is missing in the others: a part may lack the column, hold it whole, or mix the two.
    Whatever the mix and the batching, a yes/no outcome is bool (nullable ``boolean`` where some runs lack it),
    a count int64 (float64 with NaN where some lack it), a number float64, a name text.
    """
    kinds: dict[str, set[str]] = {}
    gaps: dict[str, bool] = {}
    count: dict[str, int] = {}
    for path in paths:
        meta = pq.ParquetFile(path).metadata
        for j, field in enumerate(meta.schema.to_arrow_schema()):
            name, kind = field.name, _kind(field)
            kinds.setdefault(name, set())
            count[name] = count.get(name, 0) + 1
            nulls = meta.num_rows if kind is None else _nulls(path, meta, j, name)
            gaps[name] = gaps.get(name, False) or nulls > 0
            if kind is not None:
                kinds[name].add(kind)
    return {name: _dtype(k, gaps[name] or count[name] < len(paths)) for name, k in kinds.items()}


def _dtype(kinds: set[str], gaps: bool) -> str:
    if not kinds:
        return "object"  # missing in every run
    if kinds == {"bool"}:
        return "boolean" if gaps else "bool"
    if kinds == {"int"}:
        return "float64" if gaps else "int64"
    if kinds <= {"int", "float"}:
        return "float64"
    return "str"  # names, or mixed kinds


def conform(frame: pd.DataFrame, types: dict[str, str]) -> pd.DataFrame:
    """A part's table with every column of ``types``, in that order and of that dtype (missing: NA)."""
    frame = frame.reindex(columns=list(types))
    for name, dtype in types.items():
        if str(frame[name].dtype) != dtype:
            frame[name] = frame[name].astype(dtype)
    return frame


def _empty(head: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="int64" if c in ("run_id", "seed") else object) for c in head})


def _parts(out: Path) -> list[Path]:
    """The finished parts that hold rows, in batch order (= run_id order: batches are consecutive run ids)."""
    return [p for p in sorted((out / PARTS).glob("part-*.parquet")) if pq.ParquetFile(p).metadata.num_rows]


def combine(out: Path, head: Sequence[str]) -> pd.DataFrame:
    """All parts as one table in memory, sorted by run_id and typed like ``runs.parquet``."""
    paths = _parts(out)
    if not paths:
        return _empty(head)
    types = column_types(paths)
    table = pd.concat([conform(pd.read_parquet(p), types) for p in paths], ignore_index=True)
    return table.sort_values("run_id", kind="stable").reset_index(drop=True)


def write_runs(out: Path, head: Sequence[str]) -> int:
    """Stream the parts into ``runs.parquet`` (atomically) one part at a time, so memory stays flat however many
    runs the sweep has; the same table ``combine`` builds. Returns the rows written."""
    paths, tmp = _parts(out), out / "runs.parquet.tmp"
    if not paths:
        _empty(head).to_parquet(tmp, index=False)
        os.replace(tmp, out / "runs.parquet")
        return 0
    types = column_types(paths)
    schema = pa.Schema.from_pandas(pd.DataFrame({c: pd.Series(dtype=t) for c, t in types.items()}),
                                   preserve_index=False)
    rows, last, pending = 0, -1, []
    with pq.ParquetWriter(tmp, schema) as writer:
        for i, path in enumerate(paths):
            frame = conform(pd.read_parquet(path), types)
            ids = frame["run_id"]
            if not ids.is_monotonic_increasing or int(ids.iloc[0]) <= last:
                raise ValueError(f"{path}: runs out of order (each part must follow the one before)")
            last = int(ids.iloc[-1])
            pending.append(frame)
            if sum(len(f) for f in pending) >= ROW_GROUP or i == len(paths) - 1:
                batch = pd.concat(pending, ignore_index=True)
                writer.write_table(pa.Table.from_pandas(batch, schema=schema, preserve_index=False))
                rows, pending = rows + len(batch), []
    os.replace(tmp, out / "runs.parquet")
    return rows


def finish_files(out: Path, head: Sequence[str]) -> tuple[int, int]:
    """Write runs.parquet and failures.jsonl from the parts (atomically); return (rows, failures)."""
    rows = write_runs(out, head)
    failures = read_failures(out)
    tmp = out / "failures.jsonl.tmp"
    tmp.write_text("".join(json.dumps(f, default=str) + "\n" for f in failures))
    os.replace(tmp, out / "failures.jsonl")
    return rows, len(failures)

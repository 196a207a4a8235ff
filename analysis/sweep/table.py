"""Typed tables of a sweep: one batch's rows built from its columns, and the column types across all batches.

A worker builds its batch's table (``to_table``) from the engine's typed outcome arrays (or a run function's
Python values, typed here) as an Arrow table, typed and described as pandas would type and write it, but without
pandas; ``column_types`` then fixes each column's type over every part from the parts' metadata, so
``runs.parquet`` (``runs_schema``) never depends on how the runs were batched.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from numbers import Integral, Real
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from analysis.arrow import Stored, booleans, numbers, pandas_schema, stored, strings
from sim.result import is_optional_round

if TYPE_CHECKING:
    import pandas as pd

Columns = dict[str, "np.ndarray | list[Any]"]  # outcome columns: typed arrays, or lists of Python values
Typed = tuple[pa.Array, Stored]  # a column as pandas writes it: its values and how pandas describes them


def _is_bool(v: Any) -> bool:
    return isinstance(v, (bool, np.bool_))


def _int64s(values: Sequence[Any]) -> Typed:
    """Whole numbers as int64 (a None among them is an error, as it was for pandas)."""
    return numbers(np.array(values, dtype=np.int64), pa.int64()), stored("int64")


def _float64s(values: Sequence[Any]) -> Typed:
    """Numbers as float64, None (and NaN) as null."""
    return numbers(np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64),
                   pa.float64()), stored("float64")


def _bools(values: Sequence[Any], gaps: str) -> Typed:
    """Yes/no values; where some are None, nulls in a column of dtype ``gaps`` (``boolean`` or ``object``)."""
    valid = np.array([v is not None for v in values], dtype=bool)
    mask = np.array([bool(v) for v in values], dtype=bool)
    return (booleans(mask), stored("bool")) if valid.all() else (booleans(mask, valid), stored(gaps))


def _via_pandas(name: str, values: np.ndarray | list[Any], dtype: Any) -> Typed:
    """A column of values the rules here do not cover (e.g. a run function's mixed objects), as pandas writes
    ``pd.Series(values, dtype=dtype)``: pandas is imported for it, and only for it."""
    import pandas as pd

    table = pa.Table.from_pandas(pd.DataFrame({name: pd.Series(values, dtype=dtype, copy=False)}),
                                 preserve_index=False)
    meta = json.loads(table.schema.metadata[b"pandas"])["columns"][0]
    return table.column(0).combine_chunks(), Stored(table.schema.field(0).type, meta["pandas_type"],
                                                    meta["numpy_type"], meta["metadata"])


def _objects(name: str, values: list[Any]) -> Typed:
    """An object column as pyarrow infers it: nulls (all None), text or yes/no values (with gaps)."""
    present = [v for v in values if v is not None]
    if not present:
        return pa.nulls(len(values)), stored("object")
    if all(isinstance(v, str) for v in present):
        return strings(values, pa.string()), stored("object-str")
    if all(_is_bool(v) for v in present):
        return _bools(values, "object-bool")
    return _via_pandas(name, values, object)


def _array_column(key: str, values: np.ndarray) -> Typed:
    """A typed outcome array as pandas holds it: bool, a number, or text (which pandas 3 infers as its ``str``)."""
    if values.dtype == np.bool_:
        return booleans(values), stored("bool")
    if values.dtype.name in ("int32", "int64", "float64"):
        kind = stored(values.dtype.name)
        return numbers(values, kind.type), kind
    if values.dtype == object:
        items = values.tolist()
        if all(v is None for v in items):
            return pa.nulls(len(items)), stored("object")
        if all(v is None or isinstance(v, str) for v in items):
            text = stored("str")
            return strings(items, text.type), text
    return _via_pandas(key, values, None)


def _outcome_column(key: str, values: np.ndarray | list[Any]) -> Typed:
    """Type one outcome column: a typed array as it is; Python values as bool (nullable ``boolean`` with gaps),
    int64, or float64 (null for None, and for optional rounds), else as objects."""
    if isinstance(values, np.ndarray):
        return _array_column(key, values)
    present = [v for v in values if v is not None]
    optional = is_optional_round(key)
    if present and all(_is_bool(v) for v in present):
        return _bools(values, "boolean")
    complete = len(present) == len(values)
    if complete and not optional and all(isinstance(v, Integral) and not _is_bool(v) for v in present):
        return _int64s(values)
    if all(isinstance(v, Real) for v in present):
        return _float64s(values)
    return _objects(key, values)


def _vary_column(path: str, kind: str, values: list[Any]) -> Typed:
    """Type one varied-path column by its design-wide kind (see ``designs.column_kind``)."""
    if kind == "bool":
        return _objects(path, values) if any(v is None for v in values) else _bools(values, "bool")
    if kind == "int":
        return _int64s(values)
    if kind == "float":
        return _float64s(values)
    return _objects(path, [None if v is None else str(v) for v in values])


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


def table_of(columns: dict[str, Typed]) -> pa.Table:
    """Typed columns as one Arrow table, with the pandas metadata ``DataFrame.to_parquet`` would write."""
    schema = pandas_schema([(name, kind) for name, (_, kind) in columns.items()])
    return pa.Table.from_arrays([array for array, _ in columns.values()], schema=schema)


def to_table(ids: dict[str, list[Any]], points: dict[str, list[Any]], vary_kinds: dict[str, str],
             outcomes: Columns) -> pa.Table:
    """One batch as a typed table: run_id, seed, [scenario], varied paths (typed by ``vary_kinds``), outcomes."""
    cols: dict[str, Typed] = {"run_id": _int64s(ids["run_id"]), "seed": _int64s(ids["seed"])}
    if "scenario" in ids:
        cols["scenario"] = _objects("scenario", ids["scenario"])
    for path, kind in vary_kinds.items():
        cols[path] = _vary_column(path, kind, points[path])
    for key, values in outcomes.items():
        if key not in cols:
            cols[key] = _outcome_column(key, values)
    return table_of(cols)


def column_types(paths: Sequence[Path]) -> dict[str, str]:
    """The pandas dtype of every column over all parts, in order of first appearance, from the parts' metadata.

    An outcome that only some runs' scenarios have (a compare of scenarios with different channels, a sweep over
    population sizes) is missing in the others: a part may lack the column, hold it whole, or mix the two.
    Whatever the mix and the batching, a yes/no outcome is bool (nullable ``boolean`` where some runs lack it),
    a count int64 (float64 with NaN where some lack it), a number float64, a name text.
    """
    return merged_types([_file_columns(path) for path in paths])


Described = list[tuple[str, str | None, bool]]  # a part's columns: name, kind (None: all null), any value missing


def merged_types(parts: Sequence[Described]) -> dict[str, str]:
    """``column_types`` of parts described by their columns (``_file_columns`` / ``table_types``)."""
    kinds: dict[str, set[str]] = {}
    gaps: dict[str, bool] = {}
    count: dict[str, int] = {}
    for part in parts:
        for name, kind, missing in part:
            kinds.setdefault(name, set())
            count[name] = count.get(name, 0) + 1
            gaps[name] = gaps.get(name, False) or missing
            if kind is not None:
                kinds[name].add(kind)
    return {name: _dtype(k, gaps[name] or count[name] < len(parts)) for name, k in kinds.items()}


def table_types(table: pa.Table) -> dict[str, str]:
    """``column_types`` of one part held in memory, as ``column_types`` reads the file it is written to."""
    return merged_types([[(f.name, _kind(f), table.column(j).null_count > 0 if _kind(f) else len(table) > 0)
                          for j, f in enumerate(table.schema)]])


def _file_columns(path: Path) -> Described:
    """A part file's columns, from its metadata."""
    meta = pq.ParquetFile(path).metadata
    out: Described = []
    for j, field in enumerate(meta.schema.to_arrow_schema()):
        kind = _kind(field)
        nulls = meta.num_rows if kind is None else _nulls(path, meta, j, field.name)
        out.append((field.name, kind, nulls > 0))
    return out


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
    return pq.ParquetFile(path).read(columns=[name]).column(0).null_count


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


def runs_schema(types: dict[str, str]) -> pa.Schema:
    """The schema of runs.parquet (or of any frame) whose columns have the pandas dtypes ``types``, with the pandas
    metadata ``DataFrame.to_parquet`` writes."""
    return pandas_schema([(name, stored(dtype)) for name, dtype in types.items()])


def conform(frame: pd.DataFrame, types: dict[str, str]) -> pd.DataFrame:
    """A part's table with every column of ``types``, in that order and of that dtype (missing: NA)."""
    frame = frame.reindex(columns=list(types))
    for name, dtype in types.items():
        if str(frame[name].dtype) != dtype:
            frame[name] = frame[name].astype(dtype)
    return frame

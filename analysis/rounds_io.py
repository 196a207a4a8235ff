"""A run's tidy per-round table (docs/outputs.md: round, series, actor, other, issue, track, value, state), built
from the recorded series, as a DataFrame or written straight to Parquet slice by slice.

Each series is a *part*: rows indexed by a flat position, labels kept as codes into a small array of names until a
slice is written, so a 1,000-actor × 4,000-round run (8 million rows) never holds a Python string per row.
The Parquet file holds what ``rounds_table(...).to_parquet(index=False)`` would write: the same columns, types
and pandas metadata (``tests/analysis/test_rounds_io.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from analysis.arrow import labels, numbers, pandas_schema, stored
from sim.output_format import CONTACT_STATES, ROUNDS_COLUMNS
from sim.result import BatchResult

if TYPE_CHECKING:
    import pandas as pd

SLICE = 1 << 18  # rows per Parquet write

Label = tuple[np.ndarray, np.ndarray]  # (names: object array, codes: int array into it)


@dataclass
class Part:
    """The rows of one series: ``rows(lo, hi)`` gives their columns (``round``, ``value`` arrays; labels as
    ``Label``), in the column order of the table the series adds."""

    series: str
    n: int
    rows: Callable[[int, int], dict[str, Any]]


def _grid(series: str, values: np.ndarray, labels: dict[str, np.ndarray]) -> Part:
    """A series recorded as ``values[t, axis1, ...]``; ``labels`` names each axis after the first, in order."""

    def rows(lo: int, hi: int) -> dict[str, Any]:
        idx = np.unravel_index(np.arange(lo, hi), values.shape)
        cols: dict[str, Any] = {"round": idx[0].astype(np.int64)}
        for axis, (name, names) in enumerate(labels.items(), start=1):
            cols[name] = (names, idx[axis])
        cols["value"] = values.reshape(-1)[lo:hi].astype(float)
        return cols

    return Part(series, int(values.size), rows)


def _listed(series: str, cols: dict[str, Any]) -> Part:
    """A series given as whole columns (labels as ``Label``)."""

    def rows(lo: int, hi: int) -> dict[str, Any]:
        return {k: (v[0], v[1][lo:hi]) if isinstance(v, tuple) else v[lo:hi] for k, v in cols.items()}

    return Part(series, len(cols["round"]), rows)


def parts(res: BatchResult, run: int) -> list[Part]:
    """The series of run ``run`` in table order: position, pressure, proposal, trust, listen, contact."""
    st, series = res.structure, res.series()
    actors, issues = np.array(st.actors, dtype=object), np.array(st.issues, dtype=object)
    out = [_grid("position", series["position"][:, run], {"actor": actors, "issue": issues}),
           _grid("pressure", series["pressure"][:, run], {"actor": actors})]
    if st.track_names:
        out.append(_grid("proposal", series["proposal"][:, run],
                         {"track": np.array(st.track_names, dtype=object), "issue": issues}))
    if "trust" in series:
        out.append(_grid("trust", series["trust"][:, run], {"actor": actors, "other": actors}))
        heard = series["listen"][:, run]
        t, i, j = np.nonzero(heard >= 0)
        out.append(_listed("listen", {"round": t, "actor": (actors, i), "other": (actors, j),
                                      "value": heard[t, i, j].astype(float)}))
    if st.channel_labels:
        code = series["contact"][:, run]
        t, c = np.indices(code.shape).reshape(2, -1)
        a, b = st.channel_ends[c, 0], st.channel_ends[c, 1]
        first = np.array([bw[0] for bw in st.channel_between], dtype=object)
        second = np.array([bw[1] for bw in st.channel_between], dtype=object)
        value = np.full(len(t), np.nan)
        if "reciprocity" in series:
            rec = series["reciprocity"][:, run]
            value = np.minimum(rec[t, a, b], rec[t, b, a])
        out.append(_listed("contact", {"round": t, "actor": (first, c), "other": (second, c), "value": value,
                                       "state": (np.array(CONTACT_STATES, dtype=object), code.reshape(-1))}))
    return out


def _frame(part: Part, lo: int, hi: int) -> pd.DataFrame:
    """Rows ``lo:hi`` of a part as the DataFrame the table concatenates."""
    import pandas as pd  # only for a table in memory (a rounds.csv, tests): the Parquet route never loads it

    cols = part.rows(lo, hi)
    out: dict[str, Any] = {"round": cols.pop("round"), "series": part.series}
    for name, col in cols.items():
        out[name] = col[0][col[1]] if isinstance(col, tuple) else col
    return pd.DataFrame(out)


def _table(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The parts' frames as one table with every column, in docs/outputs.md's order and types."""
    import pandas as pd

    table = pd.concat(frames, ignore_index=True)
    for col in ROUNDS_COLUMNS:
        if col not in table:
            table[col] = None
    table = table[list(ROUNDS_COLUMNS)]
    return table.astype({"round": "int64", "value": "float64"})


def rounds_table(res: BatchResult, run: int) -> pd.DataFrame:
    """The tidy per-round table of run ``run`` as a DataFrame."""
    return _table([_frame(p, 0, p.n) for p in parts(res, run)])


def _column(col: Any, n: int, series: str, name: str, kind: pa.DataType) -> pa.Array:
    """One column of a slice as an Arrow array of the table's type."""
    if name == "series":
        return labels([series], np.zeros(n, dtype=np.int32), kind)
    if col is None:
        return pa.nulls(n, kind)
    if isinstance(col, tuple):
        names, codes = col
        return labels(list(names), codes, kind)
    return numbers(col, kind)  # NaN as null, as pandas writes it


def _slices(part: Part) -> Iterator[tuple[int, int]]:
    for lo in range(0, part.n, SLICE):
        yield lo, min(lo + SLICE, part.n)


NUMBERS = {"round": "int64", "value": "float64"}  # the number columns' dtypes


def rounds_schema(labelled: set[str]) -> pa.Schema:
    """The schema (and pandas metadata) pandas gives the table whose parts have the label columns ``labelled``:
    strings where some part has the column, nulls elsewhere; numbers always."""
    text = {"series", *labelled}
    return pandas_schema([(name, stored(NUMBERS.get(name, "str" if name in text else "object")))
                          for name in ROUNDS_COLUMNS])


def write_rounds_parquet(path: Path, res: BatchResult, run: int) -> None:
    """Write run ``run``'s table to ``path`` as ``rounds_table(res, run).to_parquet(index=False)`` would, one
    slice of a part at a time."""
    ps = [p for p in parts(res, run) if p.n]
    schema_ = rounds_schema({name for p in ps for name in p.rows(0, 1)})
    with pq.ParquetWriter(path, schema_) as writer:
        for p in ps:
            for lo, hi in _slices(p):
                cols = p.rows(lo, hi)
                arrays = [_column(cols.get(f.name), hi - lo, p.series, f.name, f.type) for f in schema_]
                writer.write_table(pa.Table.from_arrays(arrays, schema=schema_))

"""The rows of a run's ``rounds.parquet`` that its dashboard draws, read in record batches without the rest.

Line series (positions, pressure, proposals) keep at most ``MAX_ROUNDS`` evenly spaced rounds each (the rounds
``analysis.figures.positions.series`` would keep), trust the rounds of its slider (``slider_rounds``), contacts every
round, series nobody draws no row. A
1,000-actor × 4,000-round table (8 million rows) is never held whole: each batch is filtered on its dictionary
codes and round numbers before any string is decoded.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from analysis.arrow import booleans, to_numpy
from analysis.columns import Columns, member
from analysis.figures.arrays import MAX_ROUNDS, thin
from analysis.figures.common import MAX_STEPS

DRAWN = ("position", "pressure", "proposal", "contact", "trust")  # the series a run page draws
# Series drawn at evenly spaced rounds, and at most how many: lines over rounds, and the trust heatmap's slider.
THINNED = {"position": MAX_ROUNDS, "pressure": MAX_ROUNDS, "proposal": MAX_ROUNDS, "trust": MAX_STEPS}
BATCH = 1 << 18  # rows per record batch


@dataclass
class RunRounds:
    """The rows a run page draws (``frame``, the whole table's columns) and how many distinct rounds the whole
    table has."""

    frame: Columns
    n_rounds: int


def _codes(column: pa.Array, names: Iterable[str]) -> tuple[np.ndarray, dict[str, int]]:
    """The dictionary codes of a batch's ``series`` column and the code of each wanted name present in it."""
    if not pa.types.is_dictionary(column.type):
        column = column.dictionary_encode()
    values = column.dictionary.to_pylist()
    return to_numpy(column.indices), {n: values.index(n) for n in names if n in values}


def kept_rounds(rounds_by_series: Mapping[str, np.ndarray], thinned: Mapping[str, int]) -> dict[str, np.ndarray]:
    """Per thinned series, the rounds it keeps: at most ``thinned[name]`` of its distinct rounds, evenly spaced."""
    out = {}
    for name, most in thinned.items():
        distinct = rounds_by_series.get(name)
        if distinct is not None and len(distinct) > most:
            out[name] = distinct[thin(len(distinct), most)]
    return out


def _wanted(series: np.ndarray, rounds: np.ndarray, code: dict[str, int], keep: dict[str, np.ndarray]) -> np.ndarray:
    """Row mask of one batch: a drawn series, and for a thinned one a kept round."""
    mask = np.zeros(len(series), dtype=bool)
    for name, c in code.items():
        rows = series == c
        if name in keep:
            rows &= np.isin(rounds, keep[name])
        mask |= rows
    return mask


def _read_parquet(path: Path, drawn: tuple[str, ...], thinned: Mapping[str, int]) -> RunRounds:
    """Two passes over the batches: the distinct rounds per series (two columns), then the drawn rows."""
    file = pq.ParquetFile(path, read_dictionary=["series"])
    per_series: dict[str, list[np.ndarray]] = {}
    every: list[np.ndarray] = []
    for batch in file.iter_batches(batch_size=BATCH, columns=["round", "series"]):
        series, code = _codes(batch.column("series"), drawn)
        rounds = to_numpy(batch.column("round"))
        every.append(np.unique(rounds))
        for name, c in code.items():
            per_series.setdefault(name, []).append(np.unique(rounds[series == c]))
    distinct = {name: np.unique(np.concatenate(parts)) for name, parts in per_series.items()}
    keep = kept_rounds(distinct, thinned)
    schema = pq.read_schema(path)  # the written types (the file above reads `series` as a dictionary)
    parts = []
    for batch in file.iter_batches(batch_size=BATCH):
        series, code = _codes(batch.column("series"), drawn)
        mask = _wanted(series, to_numpy(batch.column("round")), code, keep)
        if mask.any():
            picked = batch.filter(booleans(mask))
            columns = [c.dictionary_decode() if pa.types.is_dictionary(c.type) else c for c in picked.columns]
            parts.append(pa.RecordBatch.from_arrays(columns, schema=schema))
    frame = Columns.from_arrow(pa.Table.from_batches(parts, schema=schema))
    n = len(np.unique(np.concatenate(every))) if every else 0
    return RunRounds(frame, n)


def reduce_frame(rounds: Columns, drawn: tuple[str, ...] = DRAWN, thinned: Mapping[str, int] = THINNED) -> Columns:
    """The same selection on a table already in memory (a ``rounds.csv``)."""
    names, r = rounds["series"], rounds["round"]
    distinct = {name: np.unique(r[names == name]) for name in drawn if (names == name).any()}
    keep = kept_rounds(distinct, thinned)
    mask = member(names, drawn)
    for name, rs in keep.items():
        mask &= (names != name) | np.isin(r, rs)
    return rounds.where(mask)


def read_run_rounds(path: Path, drawn: tuple[str, ...] = DRAWN,
                    thinned: Mapping[str, int] = THINNED) -> RunRounds:
    """The drawn rows of ``rounds.parquet`` (or a ``rounds.csv`` path, read whole and then reduced)."""
    if path.suffix == ".csv":
        import pandas as pd  # a CSV table is read whole, by pandas; rounds.parquet never needs it

        whole = Columns.from_frame(pd.read_csv(path, low_memory=False))  # one dtype per column, however long
        return RunRounds(reduce_frame(whole, drawn, thinned), len(np.unique(whole["round"])))
    return _read_parquet(path, drawn, thinned)

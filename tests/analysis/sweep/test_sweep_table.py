"""Typed sweep tables: a batch's columns merged by run, and column types that never depend on the batching."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from analysis.sweep.io import combine, part_path, write_runs
from analysis.sweep.table import column_types, conform, merge_columns


def test_merge_columns_orders_by_run_and_fills_missing_keys() -> None:
    typed = merge_columns([([1, 3], {"a": np.array([1.0, 3.0])}), ([0, 2], {"a": np.array([0.0, np.nan])})])
    np.testing.assert_array_equal(typed["a"], [0.0, 1.0, np.nan, 3.0])
    late = ([2], {"a": np.array([True]), "b": np.array([7])})
    mixed = merge_columns([late, ([0, 1], {"a": np.array([False, True])})])
    assert list(mixed) == ["a", "b"]
    assert mixed == {"a": [False, True, True], "b": [None, None, 7]}
    assert merge_columns([]) == {}


def test_column_types_over_parts_with_gaps(tmp_path) -> None:
    """A column some parts lack or hold empty takes the type that holds every part's values."""
    a = pd.DataFrame({"run_id": [0, 1], "X-Y:collapsed": [True, False], "X-Y:lifetime": [3, 4],
                      "X-Y:did_not_listen": ["X", None], "agreement_round": [np.nan, np.nan]})
    b = pd.DataFrame({"run_id": [2], "agreement_round": [5.0], "X-Y:did_not_listen": pd.Series([None], dtype=object)})
    paths = [tmp_path / "a.parquet", tmp_path / "b.parquet"]
    a.to_parquet(paths[0], index=False)
    b.to_parquet(paths[1], index=False)
    assert column_types(paths) == {"run_id": "int64", "X-Y:collapsed": "boolean", "X-Y:lifetime": "float64",
                                   "X-Y:did_not_listen": "str", "agreement_round": "float64"}
    assert column_types(paths[:1])["X-Y:collapsed"] == "bool" and column_types(paths[:1])["X-Y:lifetime"] == "int64"


def _old_runs_table(out, types) -> pa.Table:
    """runs.parquet as the pandas path types it (every part through ``conform``), for comparison."""
    paths = sorted((out / "parts").glob("part-*.parquet"))
    schema = pa.Schema.from_pandas(pd.DataFrame({c: pd.Series(dtype=t) for c, t in types.items()}),
                                   preserve_index=False)
    frames = pd.concat([conform(pd.read_parquet(p), types) for p in paths], ignore_index=True)
    return pa.Table.from_pandas(frames, schema=schema, preserve_index=False)


def test_runs_table_typed_in_arrow_equals_the_pandas_typing(tmp_path) -> None:
    """Parts that lack columns, hold them empty, hold counts beside NaN, names, or mixed kinds (a number in one part,
    text in another: the pandas fallback) give runs.parquet exactly as conforming each part in pandas does."""
    out = tmp_path / "s"
    (out / "parts").mkdir(parents=True)
    parts = [
        pd.DataFrame({"run_id": [0, 1], "seed": [5, 6], "X-Y:collapsed": [True, False], "X-Y:lifetime": [3, 4],
                      "X-Y:did_not_listen": ["X", None], "agreement_round": [np.nan, np.nan], "mixed": [1.5, 2.0]}),
        pd.DataFrame({"run_id": [2], "seed": [7], "agreement_round": [5.0], "mixed": ["a"],
                      "X-Y:did_not_listen": pd.Series([None], dtype=object)}),
        pd.DataFrame({"run_id": [3, 4], "seed": [8, 9], "X-Y:collapsed": [True, True], "X-Y:lifetime": [1, 2],
                      "X-Y:did_not_listen": ["both", "Y"], "agreement_round": [2.0, np.nan], "mixed": [0.25, 1.0]}),
    ]
    for k, frame in enumerate(parts):
        frame.to_parquet(part_path(out, k), index=False)
    types = column_types(sorted((out / "parts").glob("part-*.parquet")))
    assert write_runs(out, ["run_id", "seed"]) == 5
    written = pq.read_table(out / "runs.parquet")
    assert written.equals(_old_runs_table(out, types), check_metadata=True)
    pd.testing.assert_frame_equal(pd.read_parquet(out / "runs.parquet"), combine(out, ["run_id", "seed"]))

"""Typed sweep tables: a batch's columns merged by run, and column types that never depend on the batching."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.sweep.table import column_types, merge_columns


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

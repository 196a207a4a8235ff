"""Arrow arrays built and read through their buffers equal pyarrow's own conversions; the column table's filters."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from analysis import arrow as A
from analysis.columns import Columns, distinct, factorize, member


@pytest.mark.parametrize(("values", "kind"), [
    (np.array([1.0, np.nan, 3.5, np.nan] * 5), pa.float64()),
    (np.arange(17, dtype=np.int64), pa.int64()),
    (np.array([2, 0, 1], dtype=np.int32), pa.int32()),
])
def test_numbers_are_what_pa_array_builds_from_pandas(values: np.ndarray, kind: pa.DataType) -> None:
    built = A.numbers(values, kind)
    assert built.equals(pa.array(values, kind, from_pandas=True))
    np.testing.assert_array_equal(A.to_numpy(built), values)
    np.testing.assert_array_equal(A.to_numpy(built.slice(3, 9)), values[3:12])  # offsets into the buffers


@pytest.mark.parametrize("kind", [pa.large_string(), pa.string()])
def test_strings_and_labels(kind: pa.DataType) -> None:
    values = ["UK", None, "", "Россия", "EU"]
    assert A.strings(values, kind).equals(pa.array(values, kind))
    codes = np.array([1, 0, 0, 2], dtype=np.int64)
    assert A.labels(["a", "b", "c"], codes, kind).equals(pa.array(["b", "a", "a", "c"], kind))
    assert A.to_numpy(A.strings(values, kind)).tolist() == values


def test_booleans_filter_a_batch() -> None:
    batch = pa.RecordBatch.from_arrays([A.numbers(np.arange(11, dtype=np.int64), pa.int64())], names=["round"])
    mask = np.arange(11) % 3 == 0
    assert A.to_numpy(batch.filter(A.booleans(mask)).column("round")).tolist() == [0, 3, 6, 9]


def test_chunked_arrays_concatenate() -> None:
    chunked = pa.chunked_array([A.numbers(np.array([1.0]), pa.float64()), A.numbers(np.array([np.nan]), pa.float64())])
    np.testing.assert_array_equal(A.to_numpy(chunked), [1.0, np.nan])
    assert A.to_numpy(pa.chunked_array([], pa.int64())).dtype == np.int64


def test_columns_filters() -> None:
    t = Columns({"round": np.array([2, 1, 1, 0]), "actor": np.array(["A", None, "B", "A"], dtype=object)})
    assert t.equal(actor="A")["round"].tolist() == [2, 0]
    assert t.sorted("round")["actor"].tolist() == ["A", None, "B", "A"]  # rounds 0, 1, 1, 2: ties in order
    assert t.first_of(["actor"])["round"].tolist() == [2, 1, 1]
    assert distinct(t["actor"]) == ["A", "B"] and distinct([np.nan, "x"]) == ["x"]
    assert member(t["actor"], {"B", None}).tolist() == [False, True, True, False]
    codes, keys = factorize([t["actor"], t["round"] > 0])
    assert codes.tolist() == [0, 1, 2, 3] and keys[0] == ("A", True)
    assert list(t.head(2).records()) == [(2, "A"), (1, None)] and len(t.where(np.zeros(4, bool))) == 0

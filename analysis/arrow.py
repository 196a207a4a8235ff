"""Arrow arrays to and from numpy through their buffers, and schemas that carry the metadata pandas writes.

pyarrow's own conversions (``pa.array``, ``pa.scalar``, ``Array.to_numpy``, ``Table.from_pandas``) import pandas
whenever it is installed (0.6 s); a run, a sweep's workers and parent and a run's dashboard never need it, so they
build and read their arrays here, and write tables that ``pd.read_parquet`` reads as if pandas had written them.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from importlib.metadata import version
from typing import Any, NamedTuple

import numpy as np
import pyarrow as pa

TEXT = pa.large_string()  # the string type pandas 3 writes
NUMPY = {pa.int32(): np.int32, pa.int64(): np.int64, pa.float64(): np.float64}


def _bitmap(valid: np.ndarray) -> tuple[pa.Buffer | None, int]:
    """A validity bitmap of a bool mask (None when all valid) and the null count."""
    nulls = int(len(valid) - np.count_nonzero(valid))
    return (pa.py_buffer(np.packbits(valid, bitorder="little")) if nulls else None), nulls


def numbers(values: np.ndarray, kind: pa.DataType) -> pa.Array:
    """A numeric Arrow array of ``kind`` (int32, int64, float64); NaN becomes null, as pandas writes it."""
    data = np.ascontiguousarray(values, dtype=NUMPY[kind])
    validity, nulls = _bitmap(~np.isnan(data)) if data.dtype.kind == "f" else (None, 0)
    return pa.Array.from_buffers(kind, len(data), [validity, pa.py_buffer(data)], null_count=nulls)


def booleans(mask: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """A bool Arrow array of a numpy mask (null where ``valid`` is False)."""
    mask = np.asarray(mask, dtype=bool)
    validity, nulls = (None, 0) if valid is None else _bitmap(np.asarray(valid, dtype=bool))
    return pa.Array.from_buffers(pa.bool_(), len(mask), [validity, pa.py_buffer(np.packbits(mask, bitorder="little"))],
                                 null_count=nulls)


def strings(values: list[str | None], kind: pa.DataType = TEXT) -> pa.Array:
    """A string Arrow array (``string`` or ``large_string``) of Python strings, None as null."""
    encoded = [b"" if v is None else v.encode() for v in values]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64 if kind == TEXT else np.int32)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    validity, nulls = _bitmap(np.array([v is not None for v in values], dtype=bool))
    return pa.Array.from_buffers(kind, len(encoded), [validity, pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded))],
                                 null_count=nulls)


def labels(names: list[str], codes: np.ndarray, kind: pa.DataType = TEXT) -> pa.Array:
    """The strings ``names[codes]`` as an Arrow array of ``kind``, decoded from a dictionary."""
    return pa.DictionaryArray.from_arrays(numbers(codes, pa.int32()), strings(names, kind)).dictionary_decode()


def to_numpy(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A numpy copy of an Arrow array: numbers (null as NaN for floats), yes/no without nulls as bool, anything else
    as Python objects."""
    if isinstance(array, pa.ChunkedArray):
        chunks = [to_numpy(c) for c in array.chunks]
        return np.concatenate(chunks) if chunks else _empty(array.type)
    kind = array.type
    if kind in NUMPY and not (array.null_count and kind != pa.float64()):
        data = np.frombuffer(array.buffers()[1], dtype=NUMPY[kind], count=array.offset + len(array))
        out = data[array.offset:].copy()
        if array.null_count:
            bits = np.unpackbits(np.frombuffer(array.buffers()[0], dtype=np.uint8), bitorder="little")
            out[~bits[array.offset:array.offset + len(array)].astype(bool)] = np.nan
        return out
    if kind == pa.bool_() and not array.null_count:  # yes/no without gaps: a numpy bool array, as pandas reads it
        bits = np.unpackbits(np.frombuffer(array.buffers()[1], dtype=np.uint8), bitorder="little")
        return bits[array.offset:array.offset + len(array)].astype(bool)
    return objects(array.to_pylist())


def objects(values: list[object]) -> np.ndarray:
    """A list of Python scalars (strings, numbers, None) as a one-dimensional object array."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _empty(kind: pa.DataType) -> np.ndarray:
    """An empty numpy array of the type ``to_numpy`` gives for ``kind``."""
    return np.empty(0, dtype=bool if kind == pa.bool_() else NUMPY.get(kind, object))


class Stored(NamedTuple):
    """How pandas writes a column: its Arrow type, and the pandas and numpy type names (and any extra metadata) that
    pyarrow records for it in the ``pandas`` schema metadata."""

    type: pa.DataType
    pandas_type: str
    numpy_type: str
    metadata: Any = None


@functools.cache
def pandas_version() -> str:
    """The installed pandas' version, from its package metadata (pandas is not imported)."""
    return version("pandas")


def pandas_major() -> int:
    """The installed pandas' major version."""
    return int(pandas_version().split(".")[0])


def stored(dtype: str) -> Stored:
    """How pandas writes a column of pandas dtype ``dtype``; ``object`` is an object column of None only (or none at
    all), ``object-str`` / ``object-bool`` one of strings / yes-no values with gaps; ``str`` is the text pandas infers
    (pandas 3: its ``str`` dtype, stored as large strings; pandas 2: an object column of strings)."""
    if dtype == "str":
        return Stored(TEXT, "object", "str") if pandas_major() >= 3 else stored("object-str")
    if dtype in NAMED:
        return NAMED[dtype]
    kind = pa.from_numpy_dtype(np.dtype(dtype))  # a numpy number: int32, float64, ...
    return Stored(kind, dtype, dtype)


NAMED = {"bool": Stored(pa.bool_(), "bool", "bool"), "boolean": Stored(pa.bool_(), "bool", "boolean"),
         "object": Stored(pa.null(), "empty", "object"), "object-str": Stored(pa.string(), "unicode", "object"),
         "object-bool": Stored(pa.bool_(), "bool", "object")}


def pandas_schema(columns: Sequence[tuple[str, Stored]]) -> pa.Schema:
    """The schema, with the ``pandas`` metadata pyarrow writes for an index-free frame, of ``(name, Stored)``
    columns: what ``DataFrame.to_parquet(index=False)`` stores, so ``pd.read_parquet`` gives the frame back."""
    meta = [{"name": n, "field_name": n, "pandas_type": s.pandas_type, "numpy_type": s.numpy_type,
             "metadata": s.metadata} for n, s in columns]
    text = json.dumps({"index_columns": [], "column_indexes": [], "columns": meta, "attributes": {},
                       "creator": {"library": "pyarrow", "version": pa.__version__},
                       "pandas_version": pandas_version()})
    return pa.schema([pa.field(n, s.type) for n, s in columns], metadata={b"pandas": text.encode()})

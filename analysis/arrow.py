"""Arrow arrays to and from numpy through their buffers.

pyarrow's own conversions (``pa.array``, ``pa.scalar``, ``Array.to_numpy``) import pandas whenever it is installed
(0.6 s); a run and its dashboard never need it, so they build and read their arrays here.
"""

from __future__ import annotations

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


def booleans(mask: np.ndarray) -> pa.Array:
    """A bool Arrow array of a numpy mask."""
    mask = np.asarray(mask, dtype=bool)
    return pa.Array.from_buffers(pa.bool_(), len(mask), [None, pa.py_buffer(np.packbits(mask, bitorder="little"))])


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
    """A numpy copy of an Arrow array: numbers (null as NaN for floats), anything else as Python objects."""
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
    return objects(array.to_pylist())


def objects(values: list[object]) -> np.ndarray:
    """A list of Python scalars (strings, numbers, None) as a one-dimensional object array."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _empty(kind: pa.DataType) -> np.ndarray:
    """An empty numpy array of the type ``to_numpy`` gives for ``kind``."""
    return np.empty(0, dtype=NUMPY.get(kind, object))

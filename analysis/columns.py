"""A small table: named numpy columns of one length, with the row filters a run page needs (no pandas)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import numpy as np
import pyarrow as pa

from analysis.arrow import objects, to_numpy


def is_null(value: object) -> bool:
    """True for None and NaN (a missing label, as pandas reads it)."""
    return value is None or (isinstance(value, float) and value != value)


def nulls(values: np.ndarray) -> np.ndarray:
    """Row mask of the missing values of a column (None or NaN; none in an integer or bool column)."""
    if values.dtype == object:
        return np.fromiter(map(is_null, values.tolist()), dtype=bool, count=len(values))
    return np.isnan(values) if values.dtype.kind == "f" else np.zeros(len(values), dtype=bool)


def distinct(values: Iterable[Any]) -> list[Any]:
    """The non-null values in order of first appearance (``pd.unique`` of ``dropna()``)."""
    return [v for v in dict.fromkeys(values.tolist() if isinstance(values, np.ndarray) else values)
            if not is_null(v)]


def member(values: np.ndarray, wanted: Iterable[Any]) -> np.ndarray:
    """Row mask: whether each value is one of ``wanted`` (any objects, unlike ``np.isin``)."""
    keep = set(wanted)
    return np.fromiter((v in keep for v in values.tolist()), dtype=bool, count=len(values))


class Columns:
    """Named numpy columns of equal length: ``t["name"]`` is an array, ``t.where(mask)`` the rows where true."""

    def __init__(self, data: Mapping[str, np.ndarray]) -> None:
        self.data = {k: np.asarray(v) for k, v in data.items()}

    @classmethod
    def from_arrow(cls, table: pa.Table) -> Columns:
        """The columns of an Arrow table."""
        return cls({name: to_numpy(table.column(name)) for name in table.column_names})

    @classmethod
    def from_frame(cls, frame: Any) -> Columns:
        """The columns of a pandas DataFrame: numpy numbers and bools as they are, the rest (strings, nullable types)
        as objects with missing values as None."""
        return cls({str(c): frame[c].to_numpy() if isinstance(frame[c].dtype, np.dtype) and frame[c].dtype.kind in
                    "biuf" else frame[c].to_numpy(dtype=object, na_value=None) for c in frame.columns})

    @classmethod
    def from_rows(cls, rows: list[Mapping[str, Any]], columns: list[str]) -> Columns:
        """A table of Python values (object columns) from rows as dicts."""
        return cls({c: objects([r.get(c) for r in rows]) for c in columns})

    @property
    def columns(self) -> list[str]:
        """The column names, in order."""
        return list(self.data)

    def __len__(self) -> int:
        return len(next(iter(self.data.values()))) if self.data else 0

    def __getitem__(self, name: str) -> np.ndarray:
        return self.data[name]

    def __contains__(self, name: object) -> bool:
        return name in self.data

    @property
    def empty(self) -> bool:
        """True when the table has no rows."""
        return len(self) == 0

    def where(self, mask: np.ndarray) -> Columns:
        """The rows where ``mask`` is true (a bool array or an index array), in order."""
        return Columns({k: v[mask] for k, v in self.data.items()})

    def equal(self, **values: Any) -> Columns:
        """The rows whose columns equal the given values, e.g. ``t.equal(series="trust")``."""
        mask = np.ones(len(self), dtype=bool)
        for name, value in values.items():
            mask &= self.data[name] == value
        return self.where(mask)

    def sorted(self, name: str) -> Columns:
        """The rows sorted by one column, ties in their order (a stable sort)."""
        return self.where(np.argsort(self.data[name], kind="stable"))

    def assign(self, **columns: Any) -> Columns:
        """A copy with columns added or replaced."""
        return Columns({**self.data, **{k: np.asarray(v) for k, v in columns.items()}})

    def head(self, n: int) -> Columns:
        """The first ``n`` rows."""
        return self.where(slice(0, n))

    def first_of(self, names: list[str]) -> Columns:
        """The first row of each distinct combination of ``names`` (``drop_duplicates``)."""
        seen: set[tuple] = set()
        keep = []
        for i, key in enumerate(zip(*(_keys(self.data[n]) for n in names), strict=True)):
            if key not in seen:
                seen.add(key)
                keep.append(i)
        return self.where(np.array(keep, dtype=np.int64))

    def records(self) -> Iterator[tuple]:
        """The rows as tuples of Python values."""
        return zip(*(v.tolist() for v in self.data.values()), strict=True)

    @staticmethod
    def concat(tables: list[Columns]) -> Columns:
        """Tables with the same columns, one after the other."""
        return Columns({k: np.concatenate([t.data[k] for t in tables]) for k in tables[0].data})


def inferred(values: list[Any]) -> np.ndarray:
    """A column of Python values typed as a pandas frame built from them holds them: numbers (not bools) with a
    gap or a fraction as floats (None as NaN), anything else as it is."""
    present = [v for v in values if v is not None]
    numbers = present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present)
    if numbers and (len(present) < len(values) or any(isinstance(v, float) for v in present)):
        return objects([float("nan") if v is None else float(v) for v in values])
    return objects(values)


def _keys(values: np.ndarray) -> list[Any]:
    """The values of a column as hashable keys, every null as None."""
    return [None if is_null(v) else v for v in values.tolist()]


def factorize(columns: list[np.ndarray]) -> tuple[np.ndarray, list[tuple]]:
    """Codes of each row's key (the tuple of its values, nulls as None) and the keys in order of first appearance."""
    index: dict[tuple, int] = {}
    rows = list(zip(*(_keys(c) for c in columns), strict=True)) if columns else []
    codes = np.fromiter((index.setdefault(k, len(index)) for k in rows), dtype=np.int64, count=len(rows))
    return codes, list(index)


def as_columns(table: Any) -> Columns:
    """A ``Columns`` table of a ``Columns`` or a pandas DataFrame (as tests and older callers pass)."""
    return table if isinstance(table, Columns) else Columns.from_frame(table)

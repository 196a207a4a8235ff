"""Series of a tidy rounds table as arrays (one pass per series), and the thinning of long or wide ones.

Figures index these arrays per round instead of filtering the table once per round and per trace.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from analysis.columns import factorize

MAX_ROUNDS = 400  # line figures draw at most this many rounds (evenly spaced, first and last kept)


@dataclass
class Pivot:
    """``values[k, t]``: the value of key ``keys[k]`` at round ``rounds[t]`` (NaN where unrecorded)."""

    rounds: np.ndarray
    keys: list[tuple]
    values: np.ndarray
    present: np.ndarray  # bool, same shape: whether (key, round) has a row

    def row(self, key: tuple) -> np.ndarray:
        """The values of one key over all rounds."""
        return self.values[self.keys.index(key)]


def pivot(rows: Any, keys: Sequence[str], column: str = "value") -> Pivot:
    """One key per distinct combination of ``keys`` (in order of first appearance; nulls as None), rounds
    sorted; the first row wins where a key has several in one round. ``rows``: columns by name (a table)."""
    rounds, t = np.unique(np.asarray(rows["round"], dtype=np.int64), return_inverse=True)
    if keys:
        codes, key_list = factorize([np.asarray(rows[k], dtype=object) for k in keys])
    else:
        codes, key_list = np.zeros(len(t), dtype=np.int64), [()]
    values = np.full((len(key_list), len(rounds)), np.nan)
    present = np.zeros(values.shape, dtype=bool)
    order = np.arange(len(t))[::-1]  # assign in reverse so the first row of a duplicate wins
    data = np.asarray(rows[column])
    if data.dtype == object:
        values = values.astype(object)
    values[codes[order], t[order]] = data[order]
    present[codes, t] = True
    return Pivot(rounds, key_list, values, present)


def thin(n: int, most: int) -> np.ndarray:
    """At most ``most`` indices of ``range(n)``, evenly spaced, always with the first and the last (so thinning
    what was thinned keeps it all)."""
    if n <= most:
        return np.arange(n)
    stride = -(-(n - 1) // (most - 1))
    picked = np.arange(0, n, stride)
    return picked if picked[-1] == n - 1 else np.append(picked, n - 1)


def thinned_note(n_rounds: int, most: int = MAX_ROUNDS) -> str:
    """The sentence a page shows when a figure draws fewer rounds than the table holds ('' when it draws all)."""
    if n_rounds <= most:
        return ""
    return f"{n_rounds} rounds: the line figures draw {len(thin(n_rounds, most))} evenly spaced rounds " \
           "(the first and the last included); rounds.parquet has every round."

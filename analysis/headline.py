"""The few lines `dipsim sweep` prints when it finishes: how often each back channel collapsed, who did not listen,
where across the design it collapsed least and most, and how often the talks agreed. Reads the runs table only."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from analysis.columns import Columns, factorize, is_null
from sim import output_format as F

MIN_SEEDS = 5  # design points with fewer runs are too noisy to name as "least" or "most"
MAX_POINTS = 50  # beyond this many points (or in a Latin hypercube) the extremes would name noise


def share(x: float) -> str:
    """A share as a whole percentage; "<1%" and ">99%" where rounding would say 0 % or 100 % and it is not."""
    return "<1%" if 0 < x < 0.005 else ">99%" if 0.995 <= x < 1 else f"{x:.0%}"


def rate(x: float, n: int) -> str:
    """A rate with the number of runs it is over, e.g. ``100% of 300 runs``."""
    return f"{share(x)} of {n} run{'s' if n != 1 else ''}"


def _point(key: object, params: Sequence[str]) -> str:
    values = key if isinstance(key, tuple) else (key,)
    shown = ("nan" if v is None else f"{v:.3g}" if isinstance(v, float) else str(v) for v in values)
    return ", ".join(f"{p}={v}" for p, v in zip(params, shown, strict=True))


def _flags(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A yes/no column as (true, known) masks: null (None, NaN) is unknown, as pandas' ``boolean`` has it."""
    if values.dtype == bool:
        return values, np.ones(len(values), dtype=bool)
    known = np.fromiter((not is_null(v) for v in values.tolist()), dtype=bool, count=len(values))
    true = np.fromiter((bool(v) if k else False for v, k in zip(values.tolist(), known.tolist(), strict=True)),
                       dtype=bool, count=len(values))
    return true, known


def _median(values: np.ndarray) -> float:
    """The median of the numbers present (NaN when there are none)."""
    v = np.asarray([x for x in values.tolist() if not is_null(x)], dtype=float)
    return float(np.median(v)) if v.size else float("nan")


def _extremes(points: tuple[np.ndarray, list[tuple]], params: Sequence[str], true: np.ndarray,
              known: np.ndarray) -> str:
    """`; least at P=v: 41%, most at P=w: 100%` over design points with at least MIN_SEEDS runs each, else ''.
    ``points``: each run's design point (``factorize`` of the ``params`` columns)."""
    codes, keys = points
    if not params or len(keys) > MAX_POINTS:
        return ""
    counts = np.bincount(codes[known], minlength=len(keys))
    rates = np.bincount(codes[known], weights=true[known], minlength=len(keys)) / np.maximum(counts, 1)
    order = sorted((k for k in range(len(keys)) if counts[k] >= MIN_SEEDS), key=lambda k: _sort_key(keys[k]))
    if len(order) < 2 or min(rates[order]) == max(rates[order]):
        return ""
    lo = min(order, key=lambda k: rates[k])  # the first of equal rates in design order, as idxmin
    hi = max(order, key=lambda k: (rates[k], -order.index(k)))
    least, most = _point(keys[lo], params), _point(keys[hi], params)
    return f"; least at {least}: {rates[lo]:.0%}, most at {most}: {rates[hi]:.0%}"


def _sort_key(key: tuple) -> tuple:
    """Design points in groupby's order: by each value, a missing one last."""
    return tuple((v is None, v if v is not None else 0) for v in key)


def _shares(values: np.ndarray) -> list[tuple[Any, float]]:
    """Each value present with its share, most frequent first (ties in order of first appearance)."""
    present = [v for v in values.tolist() if not is_null(v)]
    counts: dict[Any, int] = {}
    for v in present:
        counts[v] = counts.get(v, 0) + 1
    return [(v, c / len(present)) for v, c in sorted(counts.items(), key=lambda item: -item[1])]


def headline_columns(columns: Sequence[str], params: Sequence[str]) -> list[str]:
    """The columns of a runs table the headline reads (so a large table need not be loaded whole)."""
    suffixes = (F.COLLAPSED, F.LIFETIME, F.DID_NOT_LISTEN)
    return [c for c in columns if c in params or c in (F.AGREEMENT, F.AGREEMENT_ROUND) or c.endswith(suffixes)]


def sweep_headline(runs: Columns | Any, params: Sequence[str]) -> list[str]:
    """One line per back channel (collapse rate, median lifetime, the design points where it collapsed least and
    most), one on who did not listen, and one on agreement. ``runs``: a Columns table (or a pandas DataFrame);
    ``params``: the varied paths of a grid whose points may be named (pass none for a Latin hypercube: its points
    are samples, not settings to compare)."""
    runs = runs if isinstance(runs, Columns) else _from_frame(runs)
    points = factorize([runs[p] for p in params]) if params else (np.zeros(len(runs), dtype=np.int64), [])
    lines = []
    for col in [c for c in runs.columns if c.endswith(F.COLLAPSED)]:
        channel = col.removesuffix(F.COLLAPSED)
        collapsed, known = _flags(runs[col])
        if not known.any():
            continue
        line = f"{channel} collapsed in {rate(collapsed[known].mean(), int(known.sum()))}"
        lifetime = F.channel_outcome(channel, F.LIFETIME)
        if lifetime in runs:
            line += f" (median lifetime {_median(runs[lifetime]):g} rounds)"
        lines.append(line + _extremes(points, params, collapsed, known))
        who = F.channel_outcome(channel, F.DID_NOT_LISTEN)
        shares = _shares(runs[who]) if who in runs else []
        if shares:
            said = ", ".join(f"{w} {share(s)}" for w, s in shares)  # "both": each side did not listen
            lines.append(f"  who did not listen when it collapsed: {said}")
    if F.AGREEMENT in runs:
        agreed, known = _flags(runs[F.AGREEMENT])
        line = f"agreement in {rate(agreed[known].mean() if known.any() else float('nan'), int(known.sum()))}"
        if agreed.any() and F.AGREEMENT_ROUND in runs:
            line += f" (median round {_median(runs[F.AGREEMENT_ROUND]):g})"
        lines.append(line + _extremes(points, params, agreed, known))
    return lines


def _from_frame(frame: Any) -> Columns:
    """A pandas DataFrame as Columns, its missing values (NaN, NA) as nulls, through Arrow."""
    import pyarrow as pa

    return Columns.from_arrow(pa.Table.from_pandas(frame, preserve_index=False))

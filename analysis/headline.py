"""The few lines `dipsim sweep` prints when it finishes: how often each back channel collapsed, who did not listen,
where across the design it collapsed least and most, and how often the talks agreed. Reads the runs table only."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from sim import output_format as F

MIN_SEEDS = 5  # design points with fewer runs are too noisy to name as "least" or "most"
MAX_POINTS = 50  # beyond this many points (or in a Latin hypercube) the extremes would name noise


def _share(x: float) -> str:
    """A share as a whole percentage; "<1%" and ">99%" where rounding would say 0 % or 100 % and it is not."""
    return "<1%" if 0 < x < 0.005 else ">99%" if 0.995 <= x < 1 else f"{x:.0%}"


def _point(key: object, params: Sequence[str]) -> str:
    values = key if isinstance(key, tuple) else (key,)
    shown = (f"{v:.3g}" if isinstance(v, float) else str(v) for v in values)
    return ", ".join(f"{p}={v}" for p, v in zip(params, shown, strict=True))


def _extremes(runs: pd.DataFrame, params: Sequence[str], column: str) -> str:
    """`; least at P=v: 41%, most at P=w: 100%` over design points with at least MIN_SEEDS runs each, else ''."""
    if not params:
        return ""
    groups = runs.groupby(list(params), sort=True, dropna=False)[column]
    if groups.ngroups > MAX_POINTS:
        return ""
    rates = groups.mean()[groups.count() >= MIN_SEEDS].astype(float).dropna()
    if len(rates) < 2 or rates.min() == rates.max():
        return ""
    lo, hi = rates.idxmin(), rates.idxmax()
    return f"; least at {_point(lo, params)}: {rates[lo]:.0%}, most at {_point(hi, params)}: {rates[hi]:.0%}"


def headline_columns(columns: Sequence[str], params: Sequence[str]) -> list[str]:
    """The columns of a runs table the headline reads (so a large table need not be loaded whole)."""
    suffixes = (F.COLLAPSED, F.LIFETIME, F.DID_NOT_LISTEN)
    return [c for c in columns if c in params or c in (F.AGREEMENT, F.AGREEMENT_ROUND) or c.endswith(suffixes)]


def sweep_headline(runs: pd.DataFrame, params: Sequence[str]) -> list[str]:
    """One line per back channel (collapse rate, median lifetime, the design points where it collapsed least and
    most), one on who did not listen, and one on agreement. ``params``: the varied paths of a grid whose points
    may be named (pass none for a Latin hypercube: its points are samples, not settings to compare)."""
    lines = []
    for col in [c for c in runs.columns if c.endswith(F.COLLAPSED)]:
        channel = col.removesuffix(F.COLLAPSED)
        collapsed = runs[col].astype("boolean")
        if collapsed.isna().all():
            continue
        line = f"{channel} collapsed in {collapsed.mean():.0%} of runs"
        lifetime = F.channel_outcome(channel, F.LIFETIME)
        if lifetime in runs.columns:
            line += f" (median lifetime {runs[lifetime].median():g} rounds)"
        lines.append(line + _extremes(runs.assign(**{col: collapsed}), params, col))
        who = runs.get(F.channel_outcome(channel, F.DID_NOT_LISTEN))
        if who is not None and who.notna().any():
            shares = who.dropna().value_counts(normalize=True)
            said = ", ".join(f"{'neither' if w == 'both' else w} {_share(s)}" for w, s in shares.items())
            lines.append(f"  who did not listen when it collapsed: {said}")
    if F.AGREEMENT in runs.columns:
        agreed = runs[F.AGREEMENT].astype("boolean")
        line = f"agreement in {agreed.mean():.0%} of runs"
        if agreed.any() and F.AGREEMENT_ROUND in runs.columns:
            line += f" (median round {runs[F.AGREEMENT_ROUND].median():g})"
        lines.append(line + _extremes(runs.assign(**{F.AGREEMENT: agreed}), params, F.AGREEMENT))
    return lines

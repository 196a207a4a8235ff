"""Scenario discovery: where in the varied settings a condition holds, by PRIM (the `prim` package).

PRIM (Friedman & Fisher's Patient Rule Induction Method) peels a box of the parameter space a little at a
time, trading coverage (the share of all cases of interest inside the box) for density (the share of the
box's runs that are cases). We keep its whole peeling trajectory and choose the densest box that still
covers at least ``min_coverage`` of the cases (within 2 points of the best density: the one covering most).
Restrictions whose quasi-p-value says they are chance are dropped, and the box is said in words with its
density and coverage recomputed on the table (what a pandas filter gives). PRIM treats every run as an
independent case: an LHS sweep with many points suits it best.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.paths import parse_value

OPS = ("==", "!=", ">=", "<=", ">", "<")
MIN_COVERAGE = 0.5
DENSITY_TOLERANCE = 0.02  # densities this close to the best are as good: the box covering more is chosen
SIGNIFICANCE = 0.05  # restrictions whose quasi-p-value is at least this are dropped (as EMA Workbench advises)


class DiscoveryError(ValueError):
    """A condition or table that scenario discovery cannot use; the message says what to write."""


@dataclass(frozen=True)
class Where:
    """A condition on one outcome column: ``column op value``."""

    column: str
    op: str
    value: Any
    text: str

    def mask(self, table: pd.DataFrame) -> pd.Series:
        """Which runs satisfy it (missing values never do)."""
        col = table[self.column]
        col = col.astype("boolean") if isinstance(self.value, bool) else col
        ops = {"==": col.eq, "!=": col.ne, ">=": col.ge, "<=": col.le, ">": col.gt, "<": col.lt}
        return ops[self.op](self.value).fillna(False).astype(bool)


def parse_where(text: str, columns: Sequence[str]) -> Where:
    """`OUTCOME OP VALUE` (`UK-Russia:collapsed == False`, `UK-Russia:lifetime >= 10`); names may hold `->`."""
    stripped = text.strip()
    known = sorted((c for c in columns if stripped.startswith(c)), key=len, reverse=True)
    if not known:
        from sim.errors import did_you_mean

        head = re.split(r"\s*(?:==|!=|>=|<=|>|<)", stripped, maxsplit=1)[0]
        raise DiscoveryError(f"--where {text!r}: unknown outcome {head!r} ({did_you_mean(head, list(columns))})")
    column = known[0]
    rest = stripped[len(column):].strip()
    op = next((o for o in OPS if rest.startswith(o)), None)
    value_text = rest[len(op):].strip() if op else ""
    if op is None or not value_text:
        raise DiscoveryError(f"--where {text!r}: write OUTCOME OP VALUE with OP one of {' '.join(OPS)}, "
                             f"e.g. '{column} == False' or '{column} >= 10'")
    return Where(column, op, parse_value(value_text), stripped)


def _trajectory(box: Any) -> pd.DataFrame:
    traj = box.peeling_trajectory.rename(columns={"res dim": "restricted"})
    return traj[["coverage", "density", "mass", "restricted"]].astype(float).reset_index(drop=True)


def choose(traj: pd.DataFrame, min_coverage: float, tolerance: float = DENSITY_TOLERANCE) -> int:
    """The densest box covering at least ``min_coverage`` of the cases, where densities within ``tolerance`` of
    the best count as equal and the one covering more wins (peeling further only chases noise); else the first."""
    ok = traj[traj["coverage"] >= min_coverage - 1e-12]
    if ok.empty:
        return 0
    near = ok[ok["density"] >= ok["density"].max() - tolerance]
    return int(near.sort_values(["coverage", "density"], ascending=False, kind="stable").index[0])


def limits_of(box: Any, x: pd.DataFrame) -> list[dict[str, Any]]:
    """The chosen box's significant restrictions: numeric ``{param, min, max}`` (None where unrestricted on that
    side), or categorical ``{param, levels}``."""
    out = []
    for param, row in box.limits.iterrows():
        if np.nanmax(np.atleast_1d(row.get("qp values", 0.0))) >= SIGNIFICANCE:
            continue  # PRIM's quasi-p-value: the restriction is no better than chance
        col = x[str(param)]
        if not pd.api.types.is_numeric_dtype(col):
            out.append({"param": str(param), "levels": sorted(map(str, row["min"]))})
            continue
        lo, hi = float(row["min"]), float(row["max"])
        out.append({"param": str(param), "min": None if lo <= col.min() else lo,
                    "max": None if hi >= col.max() else hi})
    return out


def in_box(x: pd.DataFrame, limits: Sequence[dict[str, Any]]) -> pd.Series:
    """Which rows lie inside the box (bounds inclusive, as PRIM's)."""
    inside = pd.Series(True, index=x.index)
    for lim in limits:
        col = x[lim["param"]]
        if "levels" in lim:
            inside &= col.astype(str).isin(lim["levels"])
            continue
        if lim["min"] is not None:
            inside &= col >= lim["min"]
        if lim["max"] is not None:
            inside &= col <= lim["max"]
    return inside


def _num(v: float) -> str:
    return f"{v:.3g}" if not float(v).is_integer() else str(int(v))


def describe(lim: dict[str, Any]) -> str:
    """One restriction in words: `p ≥ 0.62`, `2 ≤ p ≤ 5`, `p in {a, b}`."""
    p = lim["param"]
    if "levels" in lim:
        return f"{p} in {{{', '.join(lim['levels'])}}}"
    lo, hi = lim["min"], lim["max"]
    if lo is not None and hi is not None:
        return f"{_num(lo)} ≤ {p} ≤ {_num(hi)}"
    return f"{p} ≥ {_num(lo)}" if lo is not None else f"{p} ≤ {_num(hi)}"


def discover(table: pd.DataFrame, params: Sequence[str], where: Where, min_coverage: float = MIN_COVERAGE,
             peel_alpha: float = 0.05, mass_min: float = 0.05) -> dict[str, Any]:
    """Run PRIM on ``table[params]`` for the runs satisfying ``where``: trajectory, chosen box, limits, words."""
    import prim

    y = where.mask(table).to_numpy()
    x = table[list(params)].reset_index(drop=True)
    if not y.any() or y.all():
        share = "every" if y.all() else "no"
        raise DiscoveryError(f"--where {where.text!r}: holds in {share} run, so there is no region to find")
    box = prim.Prim(x, y.astype(float), threshold=0.5, threshold_type=">", peel_alpha=peel_alpha,
                    mass_min=mass_min).find_box()
    traj = _trajectory(box)
    chosen = choose(traj, min_coverage)
    box.select(chosen)
    limits = limits_of(box, x)
    inside = in_box(x, limits).to_numpy()
    density, coverage = float(y[inside].mean()), float(y[inside].sum() / y.sum())
    found = {"where": where.text, "runs": len(y), "cases": int(y.sum()), "params": list(params),
             "trajectory": traj.to_dict(orient="records"), "chosen": chosen, "limits": limits,
             "density": density, "coverage": coverage, "mass": float(inside.mean()), "min_coverage": min_coverage}
    return found | {"lines": sentences(found)}


def _pct(x: float) -> str:
    return f"{math.floor(x * 100 + 0.5)} %"


def sentences(found: dict[str, Any]) -> list[str]:
    """The box in words, with its coverage/density trade-off."""
    where, limits = found["where"], found["limits"]
    base = found["cases"] / found["runs"]
    if not limits:
        return [f"{where} in {_pct(base)} of all {found['runs']} runs; PRIM found no box denser than that"]
    rule = " and ".join(describe(lim) for lim in limits)
    return [
        f"{where} in {_pct(found['density'])} of runs where {rule} (against {_pct(base)} of all runs); "
        f"the box covers {_pct(found['coverage'])} of all {found['cases']} such runs and holds "
        f"{_pct(found['mass'])} of the runs",
        f"trade-off: box {found['chosen']} of {len(found['trajectory'])} on the peeling trajectory (the densest, "
        f"to 2 points, covering ≥ {_pct(found.get('min_coverage', MIN_COVERAGE))}); "
        + ", ".join(f"{_pct(t['coverage'])} coverage at {_pct(t['density'])} density"
                    for t in _milestones(found["trajectory"])),
    ]


def _milestones(traj: list[dict[str, float]], n: int = 4) -> list[dict[str, float]]:
    """A few evenly spaced points of the trajectory, its ends included."""
    picks = sorted({int(round(k)) for k in np.linspace(0, len(traj) - 1, min(n, len(traj)))})
    return [traj[k] for k in picks]

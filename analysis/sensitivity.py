"""Which varied settings decide an outcome: Sobol or Morris indices of a finished sweep, computed by SALib.

A Sobol/Morris sweep runs the same replicate seeds at every design point (``Plan.common_seeds``), so the
outcome of a point is the mean over its seeds and a parameter the model ignores moves nothing. Sobol gives
first-order S1 and total-order ST with bootstrap confidence intervals; Morris gives μ* (with an interval)
and σ. The result is a tidy table: ``outcome, parameter, index, value, lo, hi`` (``sensitivity.parquet``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analysis.sweep.designs_gsa import GSA_DESIGNS, group_names, unit_problem

CONF = 0.95
RESAMPLES = 1000
INDICES = {"sobol": ("ST", "S1"), "morris": ("mu_star", "sigma")}  # ranked by the first
COLUMNS = ["outcome", "parameter", "method", "index", "value", "lo", "hi", "rank"]


class SensitivityError(ValueError):
    """A sweep or outcome that sensitivity analysis cannot use; the message says why and what to do."""


@dataclass(frozen=True)
class Skipped:
    """An outcome left out, and why (constant, undefined at some points, not a number)."""

    outcome: str
    reason: str


def design_of(manifest: dict[str, Any]) -> dict[str, Any]:
    """The design block of a Sobol/Morris sweep's manifest; SensitivityError for any other sweep."""
    design = manifest.get("design") or {}
    if manifest.get("kind") != "sweep" or design.get("kind") not in GSA_DESIGNS:
        kind = design.get("kind", manifest.get("kind", "?"))
        raise SensitivityError(f"a {kind} design has no sensitivity indices: run the sweep with --design sobol "
                               "--samples N (a power of two) or --design morris --samples N")
    return design


def numeric_outcomes(names: Sequence[str], kinds: dict[str, str], design: dict[str, Any]) -> list[str]:
    """Outcome columns that can be averaged (numbers and flags), in table order."""
    skip = {"run_id", "seed", "scenario", *design.get("vary", {})}
    return [n for n in names if n not in skip and kinds.get(n) in ("bool", "int", "float")]


def point_means(table: pd.DataFrame, outcome: str, seeds: int, points: int) -> np.ndarray:
    """Mean outcome of every design point over its seeds (flags as shares); NaN where a point has no value."""
    y = pd.to_numeric(table[outcome].astype("Float64"), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    sums = np.bincount(table["run_id"].to_numpy() // seeds, weights=np.nan_to_num(y), minlength=points)
    counts = np.bincount(table["run_id"].to_numpy() // seeds, weights=~np.isnan(y), minlength=points)
    with np.errstate(invalid="ignore", divide="ignore"):
        return sums[:points] / counts[:points]


def why_not(y: np.ndarray) -> str | None:
    """Why a vector of point means cannot be analysed, or None."""
    if np.isnan(y).any():
        return f"undefined at {int(np.isnan(y).sum())} of {len(y)} design points (e.g. never happened there)"
    if np.ptp(y) == 0:
        return f"the same at every design point ({y[0]:g})"
    return None


def sampled(design: dict[str, Any]) -> list[str]:
    """The varied paths the design samples (a path given one value is held at it, ``fixed``)."""
    fixed = set(design.get("fixed", ()))
    return [p for p in design["vary"] if p not in fixed]


def factors_of(design: dict[str, Any]) -> list[str]:
    """What the indices are of: every sampled path, or every group of a grouped design (``--group``)."""
    groups = design.get("groups")
    return group_names([groups[p] for p in sampled(design)]) if groups else sampled(design)


def indices(design: dict[str, Any], y: np.ndarray, seed: int = 0, resamples: int = RESAMPLES) -> pd.DataFrame:
    """Indices of every factor (varied path or group) for point means ``y`` (SALib's estimators), one row per
    (parameter, index)."""
    groups = design.get("groups")
    problem = unit_problem(sampled(design), [groups[p] for p in sampled(design)] if groups else None)
    paths = factors_of(design)
    rows: list[tuple[str, str, float, float, float]] = []
    if design["kind"] == "sobol":
        from SALib.analyze import sobol

        res = sobol.analyze(problem, y, calc_second_order=False, num_resamples=resamples, conf_level=CONF, seed=seed)
        for name in ("ST", "S1"):
            for p, v, c in zip(paths, res[name], res[f"{name}_conf"], strict=True):
                rows.append((p, name, float(v), float(v - c), float(v + c)))
    else:
        from SALib.analyze import morris

        x = np.asarray(design["unit"], dtype=float)
        res = morris.analyze(problem, x, y, num_resamples=resamples, conf_level=CONF, num_levels=design["levels"],
                             seed=seed)
        for p, v, c, s in zip(paths, res["mu_star"], res["mu_star_conf"], res["sigma"], strict=True):
            rows += [(p, "mu_star", float(v), float(v - c), float(v + c)), (p, "sigma", float(s), np.nan, np.nan)]
    out = pd.DataFrame(rows, columns=["parameter", "index", "value", "lo", "hi"])
    out.insert(1, "method", design["kind"])
    lead = out[out["index"] == INDICES[design["kind"]][0]].sort_values("value", ascending=False, kind="stable")
    rank = {p: k + 1 for k, p in enumerate(lead["parameter"])}
    return out.assign(rank=out["parameter"].map(rank))


def analyse(table: pd.DataFrame, design: dict[str, Any], seeds: int, outcomes: Sequence[str],
            seed: int = 0, resamples: int = RESAMPLES) -> tuple[pd.DataFrame, list[Skipped]]:
    """The tidy index table of every usable outcome, and the outcomes skipped with their reasons."""
    points = int(design["points"])
    frames, skipped = [], []
    for outcome in outcomes:
        y = point_means(table, outcome, seeds, points)
        reason = why_not(y)
        if reason:
            skipped.append(Skipped(outcome, reason))
            continue
        frames.append(indices(design, y, seed, resamples).assign(outcome=outcome))
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS}), skipped
    return pd.concat(frames, ignore_index=True)[COLUMNS], skipped


def _interval(row: pd.Series) -> str:
    return "" if np.isnan(row["lo"]) else f" [{row['lo']:.2f}, {row['hi']:.2f}]"


def ranked_lines(result: pd.DataFrame, top: int = 8) -> list[str]:
    """The printed answer: per outcome, the parameters ranked by ST (or μ*), with intervals."""
    lines = []
    for outcome, part in result.groupby("outcome", sort=False):
        method = part["method"].iloc[0]
        lead, second = INDICES[method]
        wide = part.pivot(index="parameter", columns="index", values=["value", "lo", "hi"])
        order = part[part["index"] == lead].sort_values("rank")["parameter"].tolist()
        lines.append(f"what decides {outcome} ({'Sobol S_T, S1' if method == 'sobol' else 'Morris μ*, σ'}, "
                     f"95% bootstrap intervals):")
        for p in order[:top]:
            a = pd.Series({"value": wide.loc[p, ("value", lead)], "lo": wide.loc[p, ("lo", lead)],
                           "hi": wide.loc[p, ("hi", lead)]})
            b = pd.Series({"value": wide.loc[p, ("value", second)], "lo": wide.loc[p, ("lo", second)],
                           "hi": wide.loc[p, ("hi", second)]})
            la, lb = ("S_T", "S1") if method == "sobol" else ("μ*", "σ")
            lines.append(f"  {p:<40} {la} {a['value']:.2f}{_interval(a)}   {lb} {b['value']:.2f}{_interval(b)}")
        rest = order[top:]
        if rest:
            most = max(float(wide.loc[p, ("value", lead)]) for p in rest)
            lines.append(f"  … {len(rest)} more, each with {'S_T' if method == 'sobol' else 'μ*'} ≤ {most:.2f}")
    return lines

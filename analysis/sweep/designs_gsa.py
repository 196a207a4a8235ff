"""Global-sensitivity designs drawn by SALib: Sobol (Saltelli's scheme) and Morris elementary effects.

SALib draws on the unit cube; each column is then mapped to its path's values like a Latin hypercube column
(``lo:hi`` ranges continuously, integers by whole steps, categorical levels by equal bins). The unit matrix
of a Morris design is kept in the manifest: its analysis needs to know which factor moved between rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from analysis.sweep.request import GSA_DESIGNS

__all__ = ["DEFAULT_LEVELS", "FLAGS", "GSA_DESIGNS", "requirement_problems", "unit_problem", "unit_sample"]
DEFAULT_LEVELS = 4


def unit_problem(names: Sequence[str], groups: Sequence[str] | None = None) -> dict[str, Any]:
    """A SALib problem over the unit cube with one factor per name (or per group, ``groups[k]`` of name k)."""
    problem = {"num_vars": len(names), "names": list(names), "bounds": [[0.0, 1.0]] * len(names)}
    return problem | ({"groups": list(groups)} if groups else {})


def group_names(groups: Sequence[str]) -> list[str]:
    """The factors of a grouped design, in SALib's order (first appearance)."""
    return list(dict.fromkeys(groups))


FLAGS = {"design": "--design {}", "samples": "--samples {}", "levels": "--levels {}"}


def requirement_problems(kind: str, n_vary: int, samples: int | None, levels: int | None,
                         where: dict[str, str] = FLAGS) -> list[str]:
    """What a Sobol or Morris design needs that its settings lack, one line per problem. ``where`` names each
    setting's origin: a flag (`--samples {}`) or a sweep-file location (`FILE:3:12: sweep.samples: {}`)."""
    out = []
    design = where["design"].format(kind)
    if n_vary < 1:
        out.append(f"{design}: needs at least one varied path (--vary PATH=lo:hi, or --vary dynamics.*)")
    if samples is None:
        what = "base samples N, a power of two (e.g. 64)" if kind == "sobol" else "trajectories N (e.g. 20)"
        out.append(f"{design}: needs samples ({what}): --samples N, or `samples: N` in a sweep file")
    elif kind == "sobol" and (samples < 2 or samples & (samples - 1)):
        low = 1 << max(samples.bit_length() - 1, 1)
        out.append(f"{where['samples'].format(samples)}: Saltelli's Sobol design needs a power of two, "
                   f"e.g. {low} or {low * 2}")
    elif kind == "morris" and samples < 2:
        out.append(f"{where['samples'].format(samples)}: a Morris design needs at least 2 trajectories")
    if kind == "sobol" and levels is not None:
        out.append(f"{where['levels'].format(levels)}: only used by a morris design")
    if kind == "morris" and levels is not None and (levels < 2 or levels % 2):
        out.append(f"{where['levels'].format(levels)}: Morris levels must be an even number >= 2 (e.g. 4 or 6)")
    return out


def unit_sample(kind: str, d: int, samples: int, levels: int | None, seed: int,
                groups: Sequence[str] | None = None) -> np.ndarray:
    """SALib's sample on [0, 1]^d: N·(d+2) rows for Sobol (first and total order), N·(d+1) for Morris; with
    ``groups`` (one name per column), d is the number of groups."""
    problem = unit_problem([f"x{k}" for k in range(d)], groups)
    if kind == "sobol":
        from SALib.sample import sobol

        return sobol.sample(problem, samples, calc_second_order=False, scramble=True, seed=seed)
    from SALib.sample import morris

    return morris.sample(problem, samples, num_levels=levels or DEFAULT_LEVELS, seed=seed)

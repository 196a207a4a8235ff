"""Refuse a sweep or comparison too large to run before planning it: counted from the flags, not built.

The run count is design points × seeds × scenarios, computed from the level counts (a grid) or ``samples``
(a Latin hypercube) without making a single point. Memory is checked per batch (the engine's estimate,
``sim.budget``) times the workers that hold a batch each. Both refusals name the limit and how to lift it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from analysis.sweep.designs import Vary
from sim.budget import check_memory
from sim.limits import LimitError, available_memory, lift, limit, size


def design_points(vary: Sequence[Vary], kind: str, samples: int | None) -> int:
    """How many points the design will have (a grid's product of level counts, an lhs's samples, Sobol's and
    Morris's rows), from the entries as given (a `dynamics.*` entry counts as one path)."""
    if kind == "lhs":
        return samples or 0
    if kind in ("sobol", "morris"):  # SALib's N·(d+2) and N·(d+1) rows
        return (samples or 0) * (len(vary) + (2 if kind == "sobol" else 1))
    return math.prod(len(v.levels) for v in vary if v.levels is not None)


def check_runs(points: int, seeds: int, scenarios: int = 1) -> int:
    """The plan's run count; LimitError above the `runs` limit (``--max-runs``)."""
    runs = points * seeds * scenarios
    if runs > limit("runs"):
        what = f"{scenarios} scenarios × " if scenarios != 1 else f"{points} point{'s' if points != 1 else ''} × "
        raise LimitError(f"{what}{seeds} seeds = {runs} runs, more than the limit of {limit('runs')} runs "
                         f"per plan; {lift('runs', '--max-runs')}")
    return runs


POINT_BYTES = 240  # a design point held in memory: a dict, plus about 100 bytes per varied path


def check_points(points: int, paths: int, lazy: bool) -> None:
    """LimitError when a design that holds its points (a Latin hypercube; grids are lazy) would not fit in memory."""
    if lazy:
        return
    need, available = points * (POINT_BYTES + 100 * paths), available_memory()
    if available is not None and need > available:
        raise LimitError(f"a design of {points} points over {paths} paths needs about {size(need)} to plan, more "
                         f"than the {size(available)} of memory available: use fewer --samples; set "
                         "DIPSIM_MAX_MEMORY=BYTES to try anyway")


def check_batches(actors: int, issues: int, rounds: int, batch_size: int, workers: int, keep_rounds: bool) -> None:
    """LimitError when ``workers`` batches of ``batch_size`` runs, held at once, would not fit in memory."""
    check_memory(actors, issues, rounds, batch_size * workers, keep_rounds,
                 hint=f"--batch-size N, or fewer --workers than {workers}" if workers > 1 else "--batch-size N")


def scenario_size(data: dict) -> tuple[int, int, int]:
    """(actors, issues, rounds) of a raw scenario mapping, as written (a population's count; at least 1 each)."""
    population = data.get("population") if isinstance(data.get("population"), dict) else None
    actors = population.get("count", 2) if population else len(data.get("actors") or {})
    issues = len(data.get("issues") or {}) or (population.get("issues", 1) if population else 1)
    rounds = data.get("rounds", 1)
    return tuple(v if isinstance(v, int) and not isinstance(v, bool) and v > 0 else 1  # type: ignore[return-value]
                 for v in (actors, issues, rounds))

"""A new sweep or comparison from what a user asked for: the plan, its batch size and worker count, its folder.

The CLI parses arguments into a ``Request``; everything that decides (sweep files against flags, the root seed, the
default batch size and whether a pool is worth starting) is here, so ``dipsim sweep`` and ``dipsim compare`` share it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from analysis.sweep.backends import cpu_count
from analysis.sweep.designs import SAMPLED, DesignError, parse_group, parse_vary
from analysis.sweep.designs_gsa import FLAGS, GSA_DESIGNS, requirement_problems
from analysis.sweep.execute import load_plan
from analysis.sweep.file import parse_sweep
from analysis.sweep.limits import check_points, check_runs, design_points
from analysis.sweep.plan import (
    DEFAULT_BATCH,
    POOL_START_SECONDS,
    Plan,
    Source,
    auto_batch,
    cells,
    check_counts,
    compare_plan,
    read_source,
    serial_seconds,
    sweep_plan,
)
from analysis.sweep.request import COMPARE_SEEDS, SWEEP_SEEDS, Request, is_sweep_data
from sim.seeding import default_seed
from sim.yamlio import read_yaml


def stamp() -> str:
    """The time part of a default output folder name."""
    return dt.datetime.now().strftime("%Y%m%d-%H%M%S")


def source_seed(source: Source) -> int | None:
    """The `seed:` a scenario file sets, if any."""
    seed = source.data.get("seed")
    return seed if isinstance(seed, int) and not isinstance(seed, bool) else None


def workers_of(request: Request, plan: Plan) -> int | None:
    """The worker count asked for; else one process for a sweep shorter than a pool takes to start; else None
    (every core)."""
    if request.workers is None and request.backend == "local" and serial_seconds(plan) < POOL_START_SECONDS:
        return 1
    return request.workers


def batch_size(request: Request, plan: Plan) -> int:
    """The batch size asked for, else a default sized to the scenario that gives every worker several batches."""
    weight = max(cells(s) for s in plan.sources)
    return request.batch_size or auto_batch(plan.total, workers_of(request, plan) or cpu_count(), weight)


def _finish(plan: Plan, request: Request) -> Plan:
    plan.batch_size = batch_size(request, plan)
    plan.keep_rounds = request.keep_rounds
    return plan


def new_sweep(path: Path, request: Request) -> tuple[Plan, Path]:
    """The plan and output folder of a sweep of a scenario or sweep file (ScenarioError/DesignError on bad input);
    the request's settings override a sweep file's."""
    check_counts(request.seeds, request.batch_size, request.samples)
    doc = read_yaml(path)
    vary = [parse_vary(a) for a in request.vary]
    groups = [parse_group(g) for g in request.groups]
    design, samples, seeds, seed, levels, located = "grid", None, None, None, None, dict(FLAGS)
    sweep_file = is_sweep_data(doc.data)
    if sweep_file:
        sf = parse_sweep(doc)
        flagged = {v.path for v in vary}
        vary = [v for v in sf.vary if v.path not in flagged] + vary
        design, samples, seeds, seed, path = sf.design, sf.samples, sf.seeds, sf.seed, sf.scenario
        levels = sf.levels
        named = {g.name for g in groups}
        groups = [g for g in sf.groups if g.name not in named] + groups
        located |= {k: w for k, w in (sf.located or {}).items() if getattr(request, k) is None}
    source = read_source(path)
    root = default_seed(request.seed, seed, source_seed(source))
    design = request.design or design
    samples = request.samples if request.samples is not None else (samples if design in SAMPLED else None)
    if design == "lhs" and samples is None and sweep_file and not request.design:
        raise DesignError([f"{sf.where}: sweep.design: an lhs design needs `samples: N` in the sweep block "
                           "(or --samples N)"])
    levels = request.levels if request.levels is not None else levels
    if design in GSA_DESIGNS and (lines := requirement_problems(design, len(vary), samples, levels, located)):
        raise DesignError(lines)
    n_seeds = request.seeds or seeds or SWEEP_SEEDS
    check_runs(design_points(vary, design, samples), n_seeds)  # before building a single point
    check_points(design_points(vary, design, samples), len(vary), lazy=design == "grid")
    plan = sweep_plan(source, vary, design, samples, n_seeds, root, DEFAULT_BATCH,
                      levels if design == "morris" else None, groups)
    out = Path(request.out) if request.out else Path("out") / f"sweep-{Path(path).stem}-{stamp()}"
    return _finish(plan, request), out


def new_compare(paths: Sequence[Path], request: Request) -> tuple[Plan, Path]:
    """The plan and output folder of a comparison: the same seeds (children of one root) through every scenario."""
    seeds = request.seeds if request.seeds is not None else COMPARE_SEEDS
    check_counts(seeds, request.batch_size, None)
    check_runs(1, seeds, len(paths))
    sources = [read_source(p) for p in paths]
    plan = compare_plan(sources, seeds, default_seed(request.seed, source_seed(sources[0])))
    out = Path(request.out) if request.out else Path("out") / f"compare-{stamp()}"
    return _finish(plan, request), out


def resumed(out: Path) -> tuple[Plan, Path]:
    """The saved plan of an interrupted sweep or comparison."""
    try:
        return load_plan(out), out
    except FileNotFoundError as e:
        raise DesignError([f"--resume {out}: {e}"]) from e

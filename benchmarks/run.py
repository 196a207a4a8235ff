"""Throughput of dipsim against a plain-Mesa baseline, all measured in this one run, reported as ratios.

    python -m benchmarks.run [--runs 32768] [--batch 1024] [--plain-runs 200] [--repeats 5] [--all]

Measures runs/s on the article baseline for: plain Mesa (benchmarks/plain_mesa.py, agents looping over their
contacts); the dipsim Mesa façade (a batch of one per run); the batch engine on one worker, as a sweep's worker
runs it (``EngineRunner.outcome_arrays``: no event log, every outcome column), in batches of ``--batch`` and of
256, and once more with the event log and outcome rows (what ``simulate(...).outcomes()`` does by default);
the batch engine on all cores (a process pool over batches, the sweep worker's call); and ``dipsim sweep``
itself end to end (``analysis.sweep.execute`` on all cores: tasks, workers, typed tables, Parquet parts,
manifest, the final runs.parquet); and the whole ``dipsim sweep`` command in a new process at ``--command-runs``
(default 20,000 and 100,000 runs: imports, planning, pool, table, headline, dashboard), and on a dask LocalCluster
at ``--dask-runs`` (default 20,000; when dask.distributed is installed). The timings of the
implementations are interleaved, repeat by repeat, so a change in machine load hits all of them alike; each
figure is the median of ``--repeats``. Also checks that
plain Mesa and dipsim agree in distribution. ``--all`` then also measures the peak memory of the 100,000-run
sweep (benchmarks/memory.py) and the 1,000-actor populations (benchmarks/population.py). Prints Markdown
tables; docs/performance.md keeps the figures with this command.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from pathlib import Path

import numpy as np

import scenarios
from analysis.sweep.backends import make_backend
from analysis.sweep.designs import parse_vary
from analysis.sweep.execute import execute, start
from analysis.sweep.plan import read_source, sweep_plan
from analysis.sweep.tasks import EngineRunner
from benchmarks.plain_mesa import run_plain
from sim.engine import simulate
from sim.loader import load_scenario
from sim.model import DiplomacyModel
from sim.schema import Scenario

SWEEP_BATCH = 256  # a smaller batch, to show how per-run cost depends on batch size


@cache
def _scenario() -> Scenario:
    """The article baseline, loaded once per process."""
    return load_scenario(scenarios.builtin())


def _engine_batch(seeds: list[int]) -> dict[str, np.ndarray]:
    """One batch as a sweep's worker runs it: the engine without event log, every outcome as a column."""
    return EngineRunner().outcome_arrays([_scenario()] * len(seeds), seeds)


def _logged_batch(seeds: list[int]) -> list[dict]:
    """One batch with the event log (reasons as text) and one outcome dict per run: ``simulate`` as a run does."""
    return simulate(_scenario(), seeds).outcomes()


def _sweep(runs: int, batch: int, workers: int) -> None:
    """``dipsim sweep`` of the article baseline over UK openness, ``runs`` runs, into a scratch directory."""
    points = 16
    plan = sweep_plan(read_source(scenarios.builtin()), [parse_vary(f"actors.UK.strategy.openness=0:1:{points}")],
                      "grid", None, max(1, runs // points), 0, batch)
    out = Path(tempfile.mkdtemp(prefix="dipsim-bench-"))
    try:
        start(plan, out)
        with make_backend("local", workers) as backend:
            execute(plan, out, backend, progress=False)
    finally:
        shutil.rmtree(out)


def _sweep_command(runs: int, workers: int, backend: str = "local") -> None:
    """The whole ``dipsim sweep`` command in a new process, as a person types it: imports, planning, the pool
    (or a dask LocalCluster), the runs, runs.parquet, the printed headline and the dashboard (``--plotly shared``)."""
    points = 16
    out = Path(tempfile.mkdtemp(prefix="dipsim-bench-cmd-")) / "sweep"
    try:
        subprocess.run([sys.executable, "-m", "dipsim", "sweep", "article_baseline", "--vary",
                        f"actors.UK.strategy.openness=0:1:{points}", "--seeds", str(max(1, runs // points)),
                        "--workers", str(workers), "--backend", backend, "--no-progress", "--plotly", "shared",
                        "--out", str(out)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    finally:
        shutil.rmtree(out.parent)


def _batches(runs: int, size: int) -> list[list[int]]:
    return [list(range(i, min(runs, i + size))) for i in range(0, runs, size)]


def _load() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg()) + " (1, 5, 15 min)"


def measure(jobs: dict[str, tuple[Callable[[], object], int]], repeats: int) -> dict[str, float]:
    """Median runs/s of each job (a callable doing ``n`` runs), the jobs' timings interleaved repeat by repeat."""
    times: dict[str, list[float]] = {name: [] for name in jobs}
    for _ in range(repeats):
        for name, (fn, _n) in jobs.items():
            t = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t)
    return {name: n / statistics.median(times[name]) for name, (_fn, n) in jobs.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=32768, help="runs per timing of the batch engine and of the sweep")
    ap.add_argument("--batch", type=int, default=1024, help="runs per engine batch")
    ap.add_argument("--plain-runs", type=int, default=200, help="runs per timing of plain Mesa and the façade")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--command-runs", type=int, nargs="*", default=[20000, 100000], metavar="N",
                    help="runs of each timing of the whole `dipsim sweep` command (a new process)")
    ap.add_argument("--dask-runs", type=int, nargs="*", default=[20000], metavar="N",
                    help="runs of each timing of the whole command on a dask LocalCluster (--backend dask; none "
                    "without dask.distributed)")
    ap.add_argument("--all", action="store_true", help="also the sweep's peak memory and the 1,000-actor timings")
    args = ap.parse_args()
    sc = _scenario()
    chunks, sweep_chunks = _batches(args.runs, args.batch), _batches(args.runs, SWEEP_BATCH)
    before = _load()

    def plain() -> None:
        for s in range(args.plain_runs):
            run_plain(sc, s)

    def facade() -> None:
        for s in range(args.plain_runs):
            DiplomacyModel(sc, rng=s).run_for(sc.rounds)

    with ProcessPoolExecutor(args.workers) as pool:
        list(pool.map(_engine_batch, chunks[: args.workers]))  # start and warm the workers
        commands = {f"`dipsim sweep` command, whole (new process: imports, plan, pool, table, headline, "
                    f"dashboard), {n:,} runs": ((lambda n=n: _sweep_command(n, args.workers)), n // 16 * 16)
                    for n in args.command_runs}
        if importlib.util.find_spec("distributed") is not None:
            commands |= {f"`dipsim sweep --backend dask` command, whole (a LocalCluster of {args.workers} workers), "
                         f"{n:,} runs": ((lambda n=n: _sweep_command(n, args.workers, "dask")), n // 16 * 16)
                         for n in args.dask_runs}
        rates = measure({
            "plain Mesa (agents loop over contacts)": (plain, args.plain_runs),
            "dipsim Mesa façade (a batch of one per run)": (facade, args.plain_runs),
            f"dipsim batch engine, 1 worker, batches of {args.batch}": (
                lambda: [_engine_batch(c) for c in chunks], args.runs),
            f"dipsim batch engine, 1 worker, batches of {SWEEP_BATCH}": (
                lambda: [_engine_batch(c) for c in sweep_chunks], args.runs),
            f"dipsim batch engine, 1 worker, batches of {args.batch}, with event log and outcome dicts": (
                lambda: [_logged_batch(c) for c in chunks], args.runs),
            f"dipsim batch engine, {args.workers} workers, batches of {args.batch}": (
                lambda: list(pool.map(_engine_batch, chunks)), args.runs),
            f"`dipsim sweep` end to end, {args.workers} workers (pool start-up included)": (
                lambda: _sweep(args.runs, args.batch, args.workers), args.runs),
        } | commands, args.repeats)

    ours = _logged_batch(list(range(1000)))
    theirs = [run_plain(sc, s) for s in range(1000)]
    life = [np.array([o["UK-Russia:lifetime"] for o in x]) for x in (ours, theirs)]
    plain_rate = rates["plain Mesa (agents loop over contacts)"]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"numpy {np.__version__}")
    print(f"{before} before, {_load()} after")
    print(f"article baseline, {sc.rounds} rounds; median of {args.repeats} interleaved timings; "
          f"{args.runs} engine runs and {args.plain_runs} plain/façade runs per timing\n")
    print("| implementation | runs/s | × plain Mesa |")
    print("|---|---:|---:|")
    for name, rate in rates.items():
        print(f"| {name} | {rate:,.0f} | {rate / plain_rate:,.1f} |")
    print(f"\nsame model check (1000 seeds): median channel lifetime dipsim {np.median(life[0])}, "
          f"plain Mesa {np.median(life[1])}; mean {life[0].mean():.2f} vs {life[1].mean():.2f}")
    if args.all:
        from benchmarks import memory, population

        print()
        memory.report(100, 1000, args.workers)
        population.report(3, scaling=False)


if __name__ == "__main__":
    main()

"""Throughput of dipsim against a plain-Mesa baseline, all measured in this one run, reported as ratios.

    python -m benchmarks.run [--runs 4096] [--plain-runs 200] [--repeats 3]

Measures runs/s on the article baseline for: plain Mesa (benchmarks/plain_mesa.py, agents looping over their
contacts); the dipsim Mesa façade (a batch of one per run); the batch engine on one worker; the batch engine on
all cores (a process pool over batches). Also checks that plain Mesa and dipsim agree in distribution. Prints a
Markdown table; docs/performance.md keeps the figures with this command.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np

import scenarios
from benchmarks.plain_mesa import run_plain
from sim.engine import simulate
from sim.loader import load_scenario
from sim.model import DiplomacyModel

BATCH = 512


def _scenario():
    return load_scenario(scenarios.builtin())


def _engine_batch(seeds: list[int]) -> list[dict]:
    return simulate(_scenario(), seeds).outcomes()


def _rate(fn, n: int, repeats: int) -> float:
    """Median runs/s of ``fn()`` (which performs ``n`` runs) over ``repeats`` timings."""
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return n / statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=8192, help="runs for the batch engine")
    ap.add_argument("--plain-runs", type=int, default=200, help="runs for plain Mesa and the façade")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    sc = _scenario()
    seeds = list(range(args.runs))
    chunks = [seeds[i : i + BATCH] for i in range(0, len(seeds), BATCH)]
    workers = os.cpu_count() or 1

    plain = _rate(lambda: [run_plain(sc, s) for s in range(args.plain_runs)], args.plain_runs, args.repeats)

    def facade() -> None:
        for s in range(args.plain_runs):
            DiplomacyModel(sc, rng=s).run_for(sc.rounds)

    mesa_facade = _rate(facade, args.plain_runs, args.repeats)
    one = _rate(lambda: [_engine_batch(c) for c in chunks], args.runs, args.repeats)
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(_engine_batch, chunks[:workers]))  # warm the workers
        many = _rate(lambda: list(pool.map(_engine_batch, chunks)), args.runs, args.repeats)

    ours = simulate(sc, range(1000)).outcomes()
    theirs = [run_plain(sc, s) for s in range(1000)]
    life = [np.array([o["UK-Russia:lifetime"] for o in x]) for x in (ours, theirs)]
    print(f"machine: {platform.machine()}, {workers} cores, Python {platform.python_version()}")
    print(f"article baseline, {sc.rounds} rounds; engine batches of {BATCH}; median of {args.repeats} timings\n")
    print("| implementation | runs/s | × plain Mesa |")
    print("|---|---:|---:|")
    for name, rate in (("plain Mesa (agents loop over contacts)", plain), ("dipsim Mesa façade", mesa_facade),
                       ("dipsim batch engine, 1 worker", one), (f"dipsim batch engine, {workers} workers", many)):
        print(f"| {name} | {rate:,.0f} | {rate / plain:,.1f} |")
    print(f"\nsame model check (1000 seeds): median channel lifetime dipsim {np.median(life[0])}, "
          f"plain Mesa {np.median(life[1])}; mean {life[0].mean():.2f} vs {life[1].mean():.2f}")


if __name__ == "__main__":
    main()

"""Large populations: a 1,000-actor ``population:`` scenario × 100 rounds, and how the cost grows.

    python -m benchmarks.population [--repeats 3] [--no-scaling]

Times one run (seed 1) of scenarios/validation/hegselmann_krause.yaml (every pair in contact, synchronous
mean update), scenarios/validation/deffuant.yaml (random pairwise matching) and a "diplomacy population"
(Hegselmann-Krause's complete contact with 3 issues, tit-for-tat, openness 0.8, step updates and trust that
moves), each at 1,000 actors × 100 rounds; then the per-round cost against actors N, issues K and runs R.
Figures are medians of ``--repeats``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from sim.engine import Engine
from sim.loader import load_scenario

VALIDATION = Path(__file__).parents[1] / "scenarios" / "validation"
HK, DW = VALIDATION / "hegselmann_krause.yaml", VALIDATION / "deffuant.yaml"
DIPLOMACY = ["population.issues=3", "population.strategy.reciprocity=tit_for_tat",
             "population.strategy.openness=0.8", "dynamics.update=step", "population.trust=0.5",
             "dynamics.trust_sensitivity=0.2", "dynamics.trust_gain=0.2", "dynamics.trust_loss=0.2"]


def seconds(path: Path, overrides: list[str], runs: int = 1, repeats: int = 3) -> float:
    """Median wall seconds of building and playing ``runs`` runs of a scenario."""
    sc = load_scenario(path, overrides)
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        Engine(sc, list(range(1, runs + 1)), record=False).run()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def report(repeats: int, scaling: bool = True) -> None:
    """Print the 1,000-actor timings and, with ``scaling``, the cost against N, K and R."""
    print("load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    print("\n| 1,000 actors × 100 rounds, one run | seconds |\n|---|---:|")
    big = ["population.count=1000", "rounds=100"]
    for name, path, extra in (("Hegselmann-Krause (all pairs meet, mean update)", HK, []),
                              ("Deffuant-Weisbuch (random pairwise matching)", DW, []),
                              ("diplomacy population (all pairs, 3 issues, tit-for-tat, trust moves)", HK, DIPLOMACY)):
        print(f"| {name} | {seconds(path, big + extra, repeats=repeats):.2f} |")
    if not scaling:
        return
    per_round = "ms per round"
    print(f"\nactors N (diplomacy population, K = 3, R = 1, 20 rounds)\n\n| N | {per_round} |\n|---:|---:|")
    for n in (125, 250, 500, 1000):
        s = seconds(HK, [f"population.count={n}", "rounds=20", *DIPLOMACY], repeats=repeats)
        print(f"| {n} | {1000 * s / 20:.1f} |")
    print(f"\nissues K (diplomacy population, N = 250, R = 1, 20 rounds)\n\n| K | {per_round} |\n|---:|---:|")
    for k in (1, 2, 4, 8, 16):
        s = seconds(HK, ["population.count=250", "rounds=20", *DIPLOMACY, f"population.issues={k}"], repeats=repeats)
        print(f"| {k} | {1000 * s / 20:.1f} |")
    print(f"\nruns R (diplomacy population, N = 100, K = 3, 20 rounds)\n\n| R | {per_round} | ms per run-round |"
          "\n|---:|---:|---:|")
    for r in (1, 4, 16, 64, 256):
        s = seconds(HK, ["population.count=100", "rounds=20", *DIPLOMACY], runs=r, repeats=repeats)
        print(f"| {r} | {1000 * s / 20:.1f} | {1000 * s / 20 / r:.3f} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--no-scaling", action="store_true", help="only the 1,000-actor timings")
    args = ap.parse_args()
    report(args.repeats, scaling=not args.no_scaling)


if __name__ == "__main__":
    main()

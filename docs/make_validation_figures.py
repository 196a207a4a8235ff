"""Regenerate the bounded-confidence figures and measured numbers of docs/validation.md with dipsim's own engine.

Usage: ``.venv/bin/python docs/make_validation_figures.py [--seeds 20] [--figures-only]``. Writes
``docs/img/validation_*.png`` (matplotlib, Agg backend; it comes with the ``dev`` extra through axelrod) and
prints the markdown tables the doc quotes. One core; 4-6 minutes with 20 seeds on a shared 2-core machine
(--figures-only: about 35 s).
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from analysis import clusters as cl  # noqa: E402
from sim.engine import Engine, simulate  # noqa: E402
from sim.loader import load_scenario  # noqa: E402
from sim.schema import Scenario  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
IMG = ROOT / "docs" / "img"
DW = ROOT / "scenarios" / "validation" / "deffuant.yaml"
HK = ROOT / "scenarios" / "validation" / "hegselmann_krause.yaml"
DW_CASES = [(0.5, "1"), (0.25, "2"), (0.2, "2"), (0.1, "4 or 5")]  # (d, published clusters ≥ 2 %)
DW_ROUNDS = {0.5: 40, 0.25: 80, 0.2: 120, 0.1: 200}  # full convergence of the plotted run


def _load(path: Path, *overrides: str) -> Scenario:
    """A validation scenario with ``--set``-style overrides."""
    return load_scenario(path, list(overrides))


def _clusters_text(n: int, what: str = "") -> str:
    """'1 cluster' or 'n clusters', with an optional qualifier."""
    return f"{n} cluster{'' if n == 1 else 's'}{what}"


def _trajectories(ax: plt.Axes, pos: np.ndarray, title: str, every: int = 1) -> None:
    """Opinion of every ``every``-th agent against rounds."""
    ax.plot(np.arange(pos.shape[0]), pos[:, ::every], lw=0.4, alpha=0.35, color="tab:blue")
    ax.set_title(title, fontsize=9)
    ax.set_xlabel("round")
    ax.set_ylim(-0.02, 1.02)


def settle(sc: Scenario, seed: int, strict: bool) -> tuple[np.ndarray, int, float]:
    """Step one run until its clusters are final; (opinions, rounds used, seconds)."""
    engine = Engine(sc, [seed], record=False)
    d = sc.population.strategy.latitude
    start = time.perf_counter()
    while engine.round < sc.rounds and not cl.settled(engine.state.position[0, :, 0], d, strict=strict):
        engine.step()
    return engine.state.position[0, :, 0], engine.round, time.perf_counter() - start


def final_counts(x: np.ndarray, d: float, strict: bool) -> tuple[int, int]:
    """Clusters of a settled state: (holding ≥ 2 %, all)."""
    sizes = np.array([len(g) for g in cl.groups(x, d, inclusive=strict)])
    return int((sizes >= cl.MIN_SHARE * len(x)).sum()), len(sizes)


def deffuant_figure() -> list[str]:
    """Opinions against rounds for each d (seed 0, N = 1000); check the converged count equals the settled one."""
    fig, axes = plt.subplots(1, 4, figsize=(14, 3.2), sharey=True)
    notes = []
    for ax, (d, _) in zip(axes, DW_CASES, strict=True):
        sc = _load(DW, f"population.strategy.latitude={d}", f"rounds={DW_ROUNDS[d]}")
        start = time.perf_counter()
        pos = simulate(sc, [0], record=True).series()["position"][:, 0, :, 0]
        secs = time.perf_counter() - start
        found = cl.clusters(pos[-1])
        _trajectories(ax, pos, f"d = {d}: {_clusters_text(len(found), ' ≥ 2 %')}", every=5)
        x = settle(_load(DW, f"population.strategy.latitude={d}", "rounds=400"), 0, True)[0]
        settled = final_counts(x, d, True)
        notes.append(f"| {d} | {DW_ROUNDS[d]} | {secs:.1f} s | {len(found)} | {settled[0]} |")
    axes[0].set_ylabel("opinion")
    fig.suptitle("Deffuant-Weisbuch in dipsim: N = 1000, μ = 0.5, uniform start, seed 0 (every 5th agent)", fontsize=10)
    fig.tight_layout()
    fig.savefig(IMG / "validation_deffuant.png", dpi=110)
    plt.close(fig)
    head = "| d | rounds | time | clusters ≥ 2 % after the rounds (gap 1e-3) | at settling |"
    return [head, "|---|---|---|---|---|", *notes]


def deffuant_table(seeds: int) -> list[str]:
    """Cluster counts (≥ 2 %) over seeds 0..seeds-1 for each d, and the rounds needed to settle."""
    rows = ["| d | published | dipsim: clusters ≥ 2 % (seeds) | rounds to settle (median, max) | s per run (median) |",
            "|---|---|---|---|---|"]
    for d, published in DW_CASES:
        sc = _load(DW, f"population.strategy.latitude={d}", "rounds=400")
        counts, rounds, secs = Counter(), [], []
        for seed in range(seeds):
            x, used, s = settle(sc, seed, strict=True)
            counts[final_counts(x, d, True)[0]] += 1
            rounds.append(used)
            secs.append(s)
        text = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items()))
        rows.append(f"| {d} | {published} | {text} | {int(np.median(rounds))}, {max(rounds)} | {np.median(secs):.1f} |")
        print(rows[-1], flush=True)
    return rows


def hk_figures(seeds: int) -> list[str]:
    """Regular start (n = 100, ε = 0.05) and uniform starts (n = 625, ε = 0.25 and 0.01): figures and counts."""
    sc = _load(HK, "population.count=100", "population.position=regular", "population.strategy.latitude=0.05")
    pos = simulate(sc, [0], record=True).series()["position"][:, 0, :, 0]
    found = cl.clusters(pos[-1], min_share=0)
    fig, ax = plt.subplots(figsize=(6, 4))
    _trajectories(ax, pos, "Hegselmann-Krause in dipsim: x_i = i/99, ε = 0.05")
    ax.set_ylabel("opinion")
    fig.tight_layout()
    fig.savefig(IMG / "validation_hk_regular.png", dpi=110)
    plt.close(fig)
    rows = ["| cluster | " + " | ".join(f"{c.center:.6f}" for c in found) + " |",
            "|---|" + "---|" * len(found),
            "| size | " + " | ".join(str(c.size) for c in found) + " |"]
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.4), sharey=True)
    for ax, eps, rounds in zip(axes, (0.25, 0.01), (30, 20), strict=True):
        run = _load(HK, f"population.strategy.latitude={eps}", f"rounds={rounds}")
        pos = simulate(run, [0], record=True).series()["position"][:, 0, :, 0]
        _trajectories(ax, pos, f"n = 625, ε = {eps}, seed 0: {_clusters_text(cl.count(pos[-1], min_share=0))}", every=3)
        if not seeds:
            continue
        counts, used = Counter(), []
        for seed in range(seeds):
            x, r, _ = settle(_load(HK, f"population.strategy.latitude={eps}", "rounds=300"), seed, strict=False)
            counts[final_counts(x, eps, False)[1]] += 1
            used.append(r)
        text = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items()))
        rows.append(f"\nε = {eps}: clusters (all sizes) over {seeds} seeds {{{text}}}; rounds to settle: median "
                    f"{int(np.median(used))}, max {max(used)}")
    axes[0].set_ylabel("opinion")
    fig.tight_layout()
    fig.savefig(IMG / "validation_hk_uniform.png", dpi=110)
    plt.close(fig)
    return rows


def main() -> None:
    """Write the figures; print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20, help="seeds per ensemble (default 20)")
    parser.add_argument("--figures-only", action="store_true", help="skip the seed ensembles")
    args = parser.parse_args()
    IMG.mkdir(parents=True, exist_ok=True)
    print("\n".join(deffuant_figure()), flush=True)
    print("\n".join(hk_figures(0 if args.figures_only else args.seeds)), flush=True)
    if not args.figures_only:
        print("\n".join(deffuant_table(args.seeds)))


if __name__ == "__main__":
    main()

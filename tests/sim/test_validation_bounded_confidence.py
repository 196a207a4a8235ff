"""The engine reproduces Deffuant-Weisbuch (2000) and Hegselmann-Krause (2002) bounded confidence.

The statistical tests step a run until ``clusters.settled`` says its clusters are final (every part split at
gaps the threshold rules out is narrower than the threshold), then count; that count is the count after full
convergence, reached in far fewer rounds. Rounds needed over seeds 0-19 (N = 1000): d = 0.5 at most 10,
0.25 at most 36, 0.2 at most 71, 0.1 at most 134 (each round is N/2 pairwise meetings); HK n = 625: ε = 0.01 at
most 10, ε = 0.25 up to 173 (two big clusters ε apart merging slowly). docs/validation.md has the figures.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

import dipsim.cli
from analysis import clusters as cl
from sim.engine import Engine, simulate
from sim.loader import load_scenario
from sim.schema import Scenario

VALIDATION = Path(__file__).parents[2] / "scenarios" / "validation"
DW = VALIDATION / "deffuant.yaml"
HK = VALIDATION / "hegselmann_krause.yaml"
SEEDS = range(20)  # issue 5: ensemble frequencies over at least 20 seeds
REGULAR = ["population.count=100", "population.position=regular", "population.strategy.latitude=0.05"]
HK_CENTERS = [0.071307, 0.189977, 0.310927, 0.432104, 0.5, 0.567896, 0.689073, 0.810023, 0.928693]
HK_SIZES = [12, 12, 12, 12, 4, 12, 12, 12, 12]


def _scenario(path: Path, *overrides: str) -> Scenario:
    """A validation scenario with ``--set``-style overrides."""
    return load_scenario(path, list(overrides))


def _settle(sc: Scenario, seed: int, strict: bool) -> Engine:
    """One run stepped until its clusters are final, failing if that takes more than ``sc.rounds`` rounds."""
    engine = Engine(sc, [seed], record=False)
    confidence = sc.population.strategy.latitude
    while not cl.settled(engine.state.position[0, :, 0], confidence, strict=strict):
        assert engine.round < sc.rounds, f"seed {seed}: clusters not settled within {sc.rounds} rounds"
        engine.step()
    return engine


def _final_groups(x: np.ndarray, confidence: float, strict: bool) -> list[np.ndarray]:
    """The parts of a settled state: each converges to one cluster and no two ever interact again."""
    return cl.groups(x, confidence, inclusive=strict)


# ---- the rule is the published one ---------------------------------------------------------------------


def test_deffuant_round_is_pairwise_midpoint_step():
    """Every round each actor meets exactly one partner; closer than d (strictly), both move μ = 0.5 of the gap."""
    d = 0.3
    res = simulate(_scenario(DW, "population.count=50", f"population.strategy.latitude={d}", "rounds=40"), [3],
                   record=True)
    series = res.series()
    pos, heard, trust = series["position"][:, 0, :, 0], series["listen"][:, 0], series["trust"][:, 0]
    assert (trust == 1.0).all()
    for t in range(1, pos.shape[0]):
        met = heard[t] >= 0
        assert (met.sum(axis=1) == 1).all() and (met == met.T).all()
        assert (heard[t][met] == 1).all()
        partner = met.argmax(axis=1)
        x = pos[t - 1]
        gap = x[partner] - x
        expected = np.where(np.abs(gap) < d, x + 0.5 * gap, x)
        np.testing.assert_array_equal(pos[t], expected)


def test_deffuant_threshold_is_strict():
    """Two actors exactly d apart never move (Deffuant et al.: |x_i − x_j| < d)."""
    res = simulate(_scenario(DW, "population.count=2", "population.position=regular",
                             "population.strategy.latitude=1", "rounds=3"), [0])
    np.testing.assert_array_equal(res.state.position[0, :, 0], [0.0, 1.0])


def _hk_step(x: np.ndarray, eps: float) -> np.ndarray:
    """Hegselmann-Krause: everyone moves to the mean of the opinions within ε (≤), itself included."""
    near = np.abs(x[:, None] - x[None, :]) <= eps
    return (near * x[None, :]).sum(axis=1) / near.sum(axis=1)


def test_hegselmann_krause_round_is_mean_of_neighbours():
    """Each engine round equals the published synchronous update applied to the previous round's opinions."""
    eps = 0.2
    res = simulate(_scenario(HK, "population.count=60", f"population.strategy.latitude={eps}", "rounds=15"), [5],
                   record=True)
    pos = res.series()["position"][:, 0, :, 0]
    for t in range(1, pos.shape[0]):
        np.testing.assert_allclose(pos[t], _hk_step(pos[t - 1], eps), rtol=0, atol=1e-12)


def test_hegselmann_krause_threshold_is_inclusive():
    """Two actors exactly ε apart both move to their mean (|x_i − x_j| ≤ ε)."""
    res = simulate(_scenario(HK, "population.count=2", "population.position=regular",
                             "population.strategy.latitude=1", "rounds=1"), [0])
    np.testing.assert_array_equal(res.state.position[0, :, 0], [0.5, 0.5])


# ---- Deffuant-Weisbuch: N = 1000, μ = 0.5, uniform start --------------------------------------------------


def test_deffuant_mean_opinion_is_conserved():
    """Pairwise midpoint steps keep the mean opinion, to 1e-12 relative, every round."""
    res = simulate(_scenario(DW, "population.strategy.latitude=0.2", "rounds=25"), [11], record=True)
    means = res.series()["position"][:, 0, :, 0].mean(axis=1)
    np.testing.assert_allclose(means[1:], means[:-1], rtol=1e-12, atol=0)


@pytest.mark.parametrize(
    ("d", "allowed", "share", "rounds"),
    [
        (0.5, {1}, 0.8, 60),
        pytest.param(0.25, {2}, 0.8, 100, marks=pytest.mark.slow),
        pytest.param(0.2, {2}, 0.8, 150, marks=pytest.mark.slow),
        pytest.param(0.1, {4, 5}, 1.0, 300, marks=pytest.mark.slow),
    ],
)
def test_deffuant_cluster_counts(d: float, allowed: set[int], share: float, rounds: int):
    """Clusters holding ≥ 2 % of 1000 agents: d = 0.5 → 1, 0.25 → 2, 0.2 → 2 (≥ 80 % of seeds), 0.1 → 4 or 5 (all)."""
    sc = _scenario(DW, f"population.strategy.latitude={d}", f"rounds={rounds}")
    counts = Counter()
    for seed in SEEDS:
        x = _settle(sc, seed, strict=True).state.position[0, :, 0]
        sizes = np.array([len(g) for g in _final_groups(x, d, strict=True)])
        counts[int((sizes >= cl.MIN_SHARE * len(x)).sum())] += 1
    hits = sum(counts[k] for k in allowed)
    assert hits >= share * len(SEEDS), f"d={d}: cluster counts {dict(counts)}"


# ---- Hegselmann-Krause -----------------------------------------------------------------------------------


@pytest.mark.slow
def test_hegselmann_krause_consensus_at_quarter():
    """n = 625 uniform, ε = 0.25: consensus (one point) in every seed."""
    sc = _scenario(HK, "population.strategy.latitude=0.25", "rounds=300")
    for seed in SEEDS:
        engine = _settle(sc, seed, strict=False)
        engine.step()  # a settled single part meets in full: everyone moves to its mean
        assert cl.count(engine.state.position[0, :, 0], min_share=0) == 1, f"seed {seed}"


def test_hegselmann_krause_fragmentation_at_one_percent():
    """n = 625 uniform, ε = 0.01: 30-45 clusters (all sizes), final within 20 rounds."""
    sc = _scenario(HK, "population.strategy.latitude=0.01", "rounds=20")
    for seed in SEEDS:
        engine = _settle(sc, seed, strict=False)
        n = len(_final_groups(engine.state.position[0, :, 0], 0.01, strict=False))
        assert 30 <= n <= 45, f"seed {seed}: {n} clusters after {engine.round} rounds"


def test_hegselmann_krause_regular_start_nine_clusters():
    """x_i = i/99, ε = 0.05: exactly 9 clusters at the published points, sizes 12 × 8 and 4 at 0.5; order kept."""
    res = simulate(_scenario(HK, *REGULAR), [0], record=True)
    pos = res.series()["position"][:, 0, :, 0]
    assert (np.diff(pos, axis=1) >= 0).all(), "the order of opinions changed"
    found = cl.clusters(pos[-1], min_share=0)
    assert [c.size for c in found] == HK_SIZES
    np.testing.assert_allclose([c.center for c in found], HK_CENTERS, rtol=0, atol=1e-6)
    assert max(c.high - c.low for c in found) == 0.0


def test_cli_run_writes_every_final_position(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """`dipsim run` of the HK scenario with --set overrides exits 0 and summary.json holds every actor's position."""
    out = tmp_path / "hk"
    args = ["run", str(HK), *[a for s in REGULAR for a in ("--set", s)], "--out", str(out), "--no-dashboard"]
    assert dipsim.cli.main(args) == 0
    capsys.readouterr()
    positions = json.loads((out / "summary.json").read_text())["final"]["positions"]
    assert len(positions) == 100
    found = cl.clusters(np.array([p["issue1"] for p in positions.values()]), min_share=0)
    np.testing.assert_allclose([c.center for c in found], HK_CENTERS, rtol=0, atol=1e-6)

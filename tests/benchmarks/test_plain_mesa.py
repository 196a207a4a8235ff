"""The plain-Mesa reference plays the same model as dipsim: the same outcome distributions on other streams."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import ks_2samp

from benchmarks.plain_mesa import run_plain
from sim.engine import simulate

CHANNEL = "UK-Russia"


@pytest.mark.slow
@pytest.mark.parametrize("name", ["article_baseline.yaml", "uk_listens.yaml"])
def test_channel_lifetime_and_collapse_match_in_distribution(shipped, name):
    """400 plain-Mesa runs (Mesa's RNG, seeds 0-399) against 400 dipsim runs (other seeds): the channel's lifetime
    distributions agree (two-sample KS, p > 0.05), medians are equal, collapse rates within 5 points."""
    sc = shipped(name)
    plain = [run_plain(sc, seed) for seed in range(400)]
    ours = simulate(sc, list(range(1000, 1400))).outcomes()
    life = [np.array([o[f"{CHANNEL}:lifetime"] for o in out]) for out in (ours, plain)]
    assert ks_2samp(*life).pvalue > 0.05
    assert np.median(life[0]) == np.median(life[1])
    rates = [np.mean([o[f"{CHANNEL}:collapsed"] for o in out]) for out in (ours, plain)]
    assert abs(rates[0] - rates[1]) <= 0.05
    assert life[0].std() > 0  # a distribution, not one value


def test_a_different_model_is_told_apart(shipped):
    """The check can fail: plain Mesa on the baseline against dipsim with the UK listening differs."""
    plain = [run_plain(shipped(), seed)[f"{CHANNEL}:lifetime"] for seed in range(200)]
    other = [o[f"{CHANNEL}:lifetime"] for o in simulate(shipped("uk_listens.yaml"), list(range(200))).outcomes()]
    assert ks_2samp(plain, other).pvalue < 1e-6

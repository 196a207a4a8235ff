"""The EMA Workbench adapter: perform_experiments on a dipsim model equals `dipsim sweep` rows for the same seeds."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from dipsim import api

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    ema_workbench = pytest.importorskip("ema_workbench",
                                        reason="EMA Workbench not installed: pip install 'dipsim[ema]'")

from dipsim import ema  # noqa: E402

VARY = {"channels.UK-Russia.patience": (1, 8), "dynamics.reciprocity_memory": (0.1, 0.6),
        "actors.UK.strategy.speaking": ["respectful", "assertive", "ultimatum"]}
OUTCOMES = ["UK-Russia:lifetime", "UK-Russia:collapsed", "trust:Russia->UK", "agreement_round"]


@pytest.fixture(scope="module")
def swept():
    """An LHS sweep with one seed per point: each row is one experiment."""
    return api.sweep("article_baseline", vary={k: v if isinstance(v, tuple) else ",".join(v) for k, v in VARY.items()},
                     design="lhs", samples=40, seeds=1, seed=2)


def _samples(rows):
    return [ema_workbench.Sample(name=k, **{ema.identifier(p): r[p] for p in VARY}, seed=int(r["seed"]))
            for k, (_, r) in enumerate(rows.iterrows())]


def _check(experiments, outcomes, rows):
    assert len(experiments) == len(rows)
    for o in OUTCOMES:
        expected = rows[o].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        np.testing.assert_array_equal(outcomes[ema.identifier(o)], expected, err_msg=o)
    np.testing.assert_array_equal(experiments["seed"].to_numpy(), rows["seed"].to_numpy())


def test_batched_experiments_equal_sweep_rows(swept):
    m = ema.model("article_baseline", uncertainties=VARY, outcomes=OUTCOMES)
    assert ema.names(m) == {"channels_UK_Russia_patience": "channels.UK-Russia.patience",
                            "dynamics_reciprocity_memory": "dynamics.reciprocity_memory",
                            "actors_UK_strategy_speaking": "actors.UK.strategy.speaking",
                            "UK_Russia_lifetime": "UK-Russia:lifetime", "UK_Russia_collapsed": "UK-Russia:collapsed",
                            "trust_Russia_to_UK": "trust:Russia->UK", "agreement_round": "agreement_round"}
    assert [u.name for u in m.uncertainties][-1] == "seed"
    with ema.BatchEvaluator(m, batch_size=16) as evaluator:
        experiments, outcomes = ema_workbench.perform_experiments(m, _samples(swept), evaluator=evaluator)
    _check(experiments, outcomes, swept)


def test_the_default_evaluator_one_call_per_run_gives_the_same(swept):
    m = ema.model("article_baseline", uncertainties=VARY, outcomes=OUTCOMES)
    rows = swept.iloc[:6]
    experiments, outcomes = ema_workbench.perform_experiments(m, _samples(rows))
    _check(experiments, outcomes, rows)


def test_default_model_samples_dynamics_ranges_and_runs():
    m = ema.model("article_baseline")
    names = [u.name for u in m.uncertainties]
    assert "dynamics_reciprocity_memory" in names and names[-1] == "seed"
    assert "UK_Russia_lifetime" in [o.name for o in m.outcomes]
    experiments, outcomes = ema_workbench.perform_experiments(m, 8, evaluator=ema.BatchEvaluator(m))
    assert len(experiments) == 8 and np.isfinite(outcomes["UK_Russia_lifetime"]).all()

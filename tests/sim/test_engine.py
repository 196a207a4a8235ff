"""Determinism: twin runs, batch rows versus single runs, mixed batches, and the Mesa façade."""

from __future__ import annotations

import numpy as np
import pytest

from sim.engine import Engine, simulate
from sim.model import DiplomacyModel

SEEDS = [0, 1, 7, 12345, 2**40]


def _same(a, b) -> None:
    sa, sb = a.series(), b.series()
    assert sa.keys() == sb.keys()
    for key in sa:
        np.testing.assert_array_equal(sa[key], sb[key], err_msg=key)


def test_twin_runs_are_identical(shipped):
    sc = shipped()
    a, b = simulate(sc, SEEDS, record=True), simulate(sc, SEEDS, record=True)
    _same(a, b)
    assert a.log == b.log
    assert a.outcomes() == b.outcomes()


@pytest.mark.parametrize("name", ["article_baseline.yaml", "uk_listens.yaml", "early_exposure.yaml"])
def test_batch_row_equals_single_run(shipped, name):
    sc = shipped(name)
    batch = simulate(sc, SEEDS, record=True)
    series = batch.series()
    for k, seed in enumerate(SEEDS):
        one = simulate(sc, [seed], record=True)
        for key, values in one.series().items():
            np.testing.assert_array_equal(values[:, 0], series[key][:, k], err_msg=f"{key} seed {seed}")
        assert one.log[0] == batch.log[k]
        assert one.outcomes()[0] == batch.outcomes()[k]


def test_mixed_batch_equals_separate_batches(shipped):
    """Runs of different sweep points in one batch behave as if run alone."""
    base, listens = shipped(), shipped("article_baseline.yaml", "actors.UK.strategy.openness=0.9")
    mixed = simulate([base, listens, base, listens], [3, 3, 4, 4])
    alone = simulate(base, [3, 4]).outcomes() + simulate(listens, [3, 4]).outcomes()
    assert mixed.outcomes() == [alone[0], alone[2], alone[1], alone[3]]


def test_different_seeds_differ(shipped):
    out = simulate(shipped(), list(range(50))).outcomes()
    assert len({o["UK-Russia:lifetime"] for o in out}) > 1


def test_facade_equals_engine(shipped):
    sc = shipped("uk_listens.yaml")
    model = DiplomacyModel(sc, rng=11)
    engine = Engine(sc, [11], record=True)
    for _ in range(sc.rounds):
        model.step()
        engine.step()
        np.testing.assert_array_equal(model.engine.state.position, engine.state.position)
        np.testing.assert_array_equal(model.engine.state.trust, engine.state.trust)
    assert not model.running
    frame = model.datacollector.get_agent_vars_dataframe()
    uk = model.agent("UK")
    assert frame.index.names == ["Step", "actor"] and frame.index.get_level_values("Step").dtype == np.int64
    assert list(frame.loc[0].index) == list(sc.actors) and frame.index.get_level_values("Step").max() == sc.rounds
    final = frame.xs("UK", level="actor").iloc[-1]
    assert final["position:territory"] == engine.state.position[0, uk.index, 0]
    assert model.events == engine.log[0]
    assert uk.trust_in("Russia") == engine.state.trust[0, uk.index, engine.actor_index("Russia")]


def test_facade_rejects_non_integer_rng(shipped):
    with pytest.raises(TypeError):
        DiplomacyModel(shipped(), rng=np.random.default_rng(1))


def test_scenarios_of_different_structure_cannot_share_a_batch(shipped):
    with pytest.raises(ValueError, match="share"):
        simulate([shipped(), shipped("no_back_channel.yaml")], [1, 2])


@pytest.mark.parametrize("name", ["article_baseline.yaml", "europe_seat.yaml", "no_back_channel.yaml"])
def test_outcome_arrays_are_the_outcome_rows(shipped, name):
    """The typed outcome arrays a sweep writes hold the same values as the outcome rows: NaN where a round
    never came (None in a row), bools as bool, counts as int64, names as objects."""
    res = simulate(shipped(name), list(range(30)))
    arrays, rows = res.outcome_arrays(), res.outcomes()
    assert list(arrays) == list(rows[0])
    for key, a in arrays.items():
        values = [row[key] for row in rows]
        assert len(a) == len(rows)
        if a.dtype == bool:
            assert all(isinstance(v, bool) for v in values) and a.tolist() == values, key
        elif a.dtype == np.int64:
            assert all(type(v) is int for v in values) and a.tolist() == values, key
        elif a.dtype == object:  # names: who did not listen
            assert key.endswith(":did_not_listen") and a.tolist() == values, key
            assert set(values) <= {None, "both", *res.structure.actors}, key
        else:
            assert a.dtype == np.float64, key
            assert [None if np.isnan(x) else x for x in a.tolist()] == values, key
    assert np.isnan(arrays["agreement_round"]).all()  # the article's stalemate, in every run

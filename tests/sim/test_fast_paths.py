"""The engine's fast paths change nothing: pair layouts, runs-last storage, shortcuts, and the random streams."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim import channels as ch
from sim import dynamics, seeding
from sim.engine import Engine, simulate
from sim.loader import load_scenario
from sim.seeding import RunStreams, seeded_states

SEEDS = [0, 1, 7, 12345, 2**40]
VALIDATION = Path(__file__).parents[2] / "scenarios" / "validation"


def _same(a, b) -> None:
    """Two batch results agree in every recorded value, log entry and outcome."""
    sa, sb = a.series(), b.series()
    assert sa.keys() == sb.keys()
    for key in sa:
        np.testing.assert_array_equal(sa[key], sb[key], err_msg=key)
    assert a.log == b.log
    assert a.outcomes() == b.outcomes()


def _dense_persuade(pos, weight, salience, latitude, update):
    """The persuasion rule written densely over all (i, j), as the engine did before pair layouts."""
    gap = pos[:, None, :, :] - pos[:, :, None, :]
    lat = latitude[:, :, None, None]
    within = np.abs(gap) < lat if update == "step" else np.abs(gap) <= lat
    w = within * weight[:, :, :, None]
    total = w.sum(axis=2)
    pull = np.einsum("rijk,rijk->rik", w, gap)
    move = pull / (np.maximum(total, 1.0) if update == "step" else 1.0 + total)
    return np.clip(pos + (1.0 - salience) * move, 0.0, 1.0)


@pytest.mark.parametrize("update", ["step", "mean"])
@pytest.mark.parametrize("share", [0.0, 1.0])
def test_pair_layouts_persuade_like_the_dense_rule(update, share, monkeypatch):
    """Sparse slots and all-cells layouts give the dense rule's positions (to rounding) where pairs are possible."""
    monkeypatch.setattr(ch, "DENSE_SHARE", share)
    rng = np.random.default_rng(3)
    r, n, k = 6, 7, 3
    possible = rng.random((n, n)) < 0.4
    possible |= possible.T
    pos, sal, lat = rng.random((r, n, k)), rng.random((r, n, k)), rng.random((r, n))
    weight = rng.random((r, n, n)) * possible * ~np.eye(n, dtype=bool)
    pairs = ch.Pairs(n, possible)
    assert pairs.complete == (share == 0.0)
    p3 = np.ascontiguousarray(np.moveaxis(pos, 0, -1))
    w = pairs.gather(np.ascontiguousarray(weight.transpose(2, 1, 0)))  # stored speaker-major
    lat_p = pairs.listener(np.ascontiguousarray(lat.T))[:, None, :]
    new = dynamics.move(pairs, p3, pairs.speaker(p3), np.ascontiguousarray(w), 1.0 - np.moveaxis(sal, 0, -1), lat_p,
                        update)
    np.testing.assert_allclose(np.moveaxis(new, -1, 0), _dense_persuade(pos, weight, sal, lat, update), rtol=0,
                               atol=1e-15)


def test_matching_layout_reads_and_writes_each_partner():
    """A matching pairs every actor with its partner both ways; gather and put touch exactly those cells."""
    keys = np.random.default_rng(5).random((4, 9))
    partner = ch.random_partners(keys)
    m = ch.Matching(partner)
    stored = np.arange(1.0, 9 * 9 * 4 + 1).reshape(9, 9, 4)  # speaker-major: [j, i, run], all > 0
    got = m.gather(stored)
    for run in range(4):
        for i in range(9):
            assert got[i, run] == stored[partner[i, run], i, run]
            assert partner[partner[i, run], run] == i
    np.testing.assert_array_equal(m.reverse(got)[:, 0], [stored[i, partner[i, 0], 0] for i in range(9)])
    m.put(stored, -got)
    touched = stored < 0
    assert touched.sum() == 9 * 4 and all(touched[partner[i, r], i, r] for i in range(9) for r in range(4))
    assert (m.distinct.sum(axis=0) == 8).all()  # 9 actors: every one has a partner but the odd one out


@pytest.mark.parametrize("name", ["article_baseline.yaml", "early_exposure.yaml"])
def test_sparse_and_all_cells_layouts_play_identical_runs(shipped, name, monkeypatch):
    """The pair layout is an implementation detail: every recorded value is bit for bit the same."""
    sc = shipped(name)
    monkeypatch.setattr(ch, "DENSE_SHARE", 1.0)
    sparse = simulate(sc, SEEDS, record=True)
    monkeypatch.setattr(ch, "DENSE_SHARE", 0.0)
    cells = simulate(sc, SEEDS, record=True)
    _same(sparse, cells)


def test_events_between_rounds_are_seen_by_the_runs_last_storage(shipped):
    """State arrays are runs-first views of runs-last storage: an in-place change is what the next round reads."""
    sc = shipped()
    a, b = Engine(sc, [3, 4], record=False), Engine(sc, [3, 4], record=False)
    for engine in (a, b):
        engine.step()
    a.state.trust[1, 0, 1] = 0.0  # UK's trust in Russia, run 1 only
    np.testing.assert_array_equal(np.moveaxis(a.state.trust, 0, -1)[0, 1], [b.state.trust[0, 0, 1], 0.0])
    for engine in (a, b):
        engine.step()
    assert a.state.trust[0, 0, 1] == b.state.trust[0, 0, 1]
    assert a.state.trust[1, 0, 1] != b.state.trust[1, 0, 1]


class _NoShortcuts(Engine):
    """The engine with its exact shortcuts turned off: coins always drawn and compared, trust always updated."""

    def _refresh(self) -> None:
        super()._refresh()
        self._coins_matter, self._trust_fixed = True, False


@pytest.mark.parametrize("name", ["hegselmann_krause.yaml", "deffuant.yaml"])
def test_shortcuts_change_nothing(name):
    """Openness 1 with trust_sensitivity 0 makes every coin irrelevant; zero gain, loss and penalty fix trust."""
    sc = load_scenario(VALIDATION / name, ["population.count=31", "rounds=12"])
    fast = Engine(sc, SEEDS, record=True)
    assert not fast._coins_matter and fast._trust_fixed
    _same(fast.run(), _NoShortcuts(sc, SEEDS, record=True).run())


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(0, 2**130), min_size=1, max_size=5))
def test_seeding_is_numpys(seeds):
    """Each run's stream starts where ``default_rng(SeedSequence(seed))`` does, for any non-negative seed."""
    expected = [tuple(np.random.PCG64(s).state["state"].values()) for s in seeds]
    assert seeded_states(seeds) == expected


@pytest.mark.parametrize(("skip", "block_draws"), [(False, 2**17), (False, 1), (True, 2**17)])
def test_streams_are_default_rng_whatever_the_chunking_or_skipping(skip, block_draws, monkeypatch):
    """Round t's parts are draws t·L … of the run's own generator, chunked or skipping unused parts alike, and
    whether the runs' draws are gathered a block of runs at a time or one run at a time."""
    monkeypatch.setattr(seeding, "SKIP_ABOVE", 0 if skip else 10**9)
    monkeypatch.setattr(seeding, "BLOCK_DRAWS", block_draws)
    seeds = np.array([0, 9, 2**40])
    parts = (("coins", 4), ("draws", 4), ("keys", 2))
    coins = np.array([3, 0, 2])
    streams = RunStreams(seeds, parts, rounds=5, budget=20, select={"coins": coins})  # chunks of 2 rounds
    assert streams.skip == skip
    first = streams.take(3)
    rounds = [streams.next_round({"keys"} if t % 2 else None) for t in range(5)]
    for run, seed in enumerate(seeds.tolist()):
        ref = np.random.default_rng(np.random.SeedSequence(seed)).random(3 + 5 * 10)
        np.testing.assert_array_equal(first[run], ref[:3])
        for t, u in enumerate(rounds):
            at = 3 + 10 * t
            np.testing.assert_array_equal(u["keys"][:, run], ref[at + 8 : at + 10])
            if not (skip and t % 2):
                np.testing.assert_array_equal(u["coins"][:, run], ref[at : at + 4][coins])
                np.testing.assert_array_equal(u["draws"][:, run], ref[at + 4 : at + 8])

"""The maths modules' functions on small hand-checked arrays (the functions the engine calls)."""

from __future__ import annotations

import numpy as np

from sim import channels, decisions, dynamics, strategies, tracks


def _move(pos, weight, salience, latitude, update, instead=None):
    """dynamics.move over every ordered pair of len(pos) actors, one run: pos (N,), weight[i][j], latitude (N,)."""
    n = len(pos)
    pairs = channels.Pairs(n, np.ones((n, n), dtype=bool))
    x = np.array(pos, dtype=float)[:, None, None]  # (N, K=1, R=1)
    heard = pairs.speaker(x)
    if instead is not None:  # (i, j, value): i hears value instead of j's position
        i, j, value = instead
        heard[pairs.index[i, j]] = value
    w = pairs.gather(np.ascontiguousarray(np.array(weight, dtype=float).T[:, :, None]))
    lat = pairs.listener(np.array(latitude, dtype=float)[:, None])[:, None, :]
    movable = 1.0 - np.array(salience, dtype=float)[:, None, None]
    return dynamics.move(pairs, x, heard, w, movable, lat, update)[:, 0, 0]


def test_deffuant_pair_moves_mu_of_the_gap_and_conserves_the_mean():
    listen = np.array([[0, 1, 0], [1, 0, 0], [0, 0, 0]], dtype=bool)
    w = dynamics.persuasion_weight(listen, np.ones((3, 3)), np.ones((3, 3)), np.ones((3, 3)), 0.5)
    new = _move([0.2, 0.6, 0.9], w, [0, 0, 0], [0.5] * 3, "step")
    np.testing.assert_allclose(new, [0.4, 0.4, 0.9])
    assert new.sum() == 0.2 + 0.6 + 0.9


def test_persuasion_weight_multiplies_its_factors():
    w = dynamics.persuasion_weight(np.array([True, False, True]), np.array([0.5, 1.0, 0.8]), np.array([2.0, 1, 0.5]),
                                   np.array([1.0, 1, 0.6]), np.array(0.5))
    np.testing.assert_allclose(w, [0.5, 0.0, 0.12])


def test_step_ignores_arguments_at_or_beyond_latitude():
    w = [[0.0, 0.5], [0.5, 0.0]]
    np.testing.assert_array_equal(_move([0.0, 0.5], w, [0, 0], [0.5, 0.5], "step"), [0.0, 0.5])
    # Hegselmann-Krause: weight 1 for the other, self included by the rule
    np.testing.assert_allclose(_move([0.0, 0.5], [[0, 1], [1, 0]], [0, 0], [0.5, 0.5], "mean"), [0.25, 0.25])


def test_a_mediator_is_heard_as_its_proposal():
    new = _move([0.0, 1.0], [[0.0, 0.5], [0.0, 0.0]], [0, 0], [1, 1], "step", instead=(0, 1, 0.4))
    np.testing.assert_allclose(new, [0.2, 1.0])


def test_salience_scales_the_move():
    new = _move([0.0, 0.8], [[0.0, 0.5], [0.5, 0.0]], [1.0, 0.5], [1, 1], "step")
    np.testing.assert_allclose(new, [0.0, 0.6])


def test_trust_rises_when_listened_to_and_falls_when_ignored():
    trust, met = np.full(2, 0.5), np.ones(2, dtype=bool)
    heard = np.array([True, False])  # pair 0: the other listened; pair 1: the other ignored the hearer
    keep = dynamics.kept_when_ignored(np.array(0.2), np.array([1.0, 1.0]))
    new = dynamics.trust_after(trust, met, heard, keep, np.ones(2), np.array(0.2))
    assert new[0] == 0.5 + 0.2 * 0.5 and new[1] == 0.5 * 0.8
    softened = dynamics.trust_after(trust, met, heard, dynamics.kept_when_ignored(np.array(0.2), np.full(2, 0.5)),
                                    np.ones(2), np.array(0.2))
    assert softened[1] > new[1]
    ultimatum = dynamics.trust_after(trust, met, heard, keep, np.array([1.0, 0.9]), np.array(0.2))
    assert ultimatum[1] < new[1]
    np.testing.assert_array_equal(dynamics.trust_after(trust, ~met, heard, keep, np.ones(2), np.array(0.2)), trust)


def test_listening_chance_and_allies():
    contact, intent = np.array([True, True, True, False]), np.array([True, True, False, True])
    coins = np.array([0.5, 0.5, 0.0, 0.0])
    # chance openness × (1 − sensitivity·(1 − trust)) = 0.8 × (1 − 0.5·0.5) = 0.6 for pair 0, 0.8 × 0.5 = 0.4 for 1
    chance = decisions.listen_chance(np.full(4, 0.8), np.array([0.5, 0.0, 1, 1]), 0.0, 0.0, 0.0, np.array(0.5), 0.0)
    got = strategies.listening(contact, intent, coins, chance, np.array([False, False, True, True]))
    np.testing.assert_array_equal(got, [True, False, True, False])  # an ally listens whatever its intent, if met
    assert strategies.listening(contact, intent, None, None, np.zeros(4, bool)).tolist() == \
        [True, True, False, False]  # no coins: the chance is exactly 1


def test_random_partners_are_a_perfect_matching():
    partner = channels.random_partners(np.random.default_rng(0).random((50, 7)))
    runs = np.arange(50)
    assert (partner[partner, runs] == np.arange(7)[:, None]).all()
    assert ((partner == np.arange(7)[:, None]).sum(axis=0) == 1).all()  # the odd one out sits out


def test_proposal_is_capability_salience_weighted():
    members = np.array([[True, True, False]])[:, :, None]  # (T, N, R)
    w = tracks.weights_of(np.array([1.0, 3.0, 1.0])[:, None], np.ones((3, 1, 1)), members)
    np.testing.assert_allclose(tracks.proposal_of(*w, np.array([0.0, 1.0, 0.5])[:, None, None])[0, 0], [0.75])


def test_sidelining_gap_only_for_those_left_out_and_pressure_averages_it():
    pos = np.array([0.0, 1.0, 0.2])[:, None, None]
    dev = tracks.deviation(pos, np.array([[[0.5]]]))
    gap = tracks.gap_of(dev, np.ones((3, 1, 1)), np.array([[True, True, False]])[:, :, None], np.array([[True]]))
    np.testing.assert_allclose(gap[:, 0], [0.0, 0.0, 0.3])
    np.testing.assert_allclose(tracks.pressure_after(np.full((3, 1), 0.1), gap, np.array([0.5]))[:, 0],
                               [0.05, 0.05, 0.2])


def test_channel_rules():
    count = np.array([[1, 2, 0]])
    channels.count_streak(count, np.array([[True, True, False]]), np.array([[True, False, True]]))
    assert count.tolist() == [[2, 0, 0]]
    assert channels.out_of_patience(np.array([True, True]), np.array([3, 1]), np.array([3, 2]), np.array([0, 5])
                                    ).tolist() == [True, True]  # patience 2 - cut 5: collapses after one round
    trust = np.array([[[1.0, 0.7], [0.4, 1.0]]])
    ends = np.array([[0, 1]])
    assert channels.mutual_trust(trust, ends).tolist() == [[0.4]]
    again = channels.reopening(np.array([[channels.COLLAPSED, channels.COLLAPSED, channels.OPEN]]),
                               np.array([[2, 5, 2]]), np.array([[True, True, True]]), np.array([[3, 3, 3]]),
                               np.array([[0.5, 0.5, 0.5]]), np.array([[0.4, 0.4, 0.4]]), 6)
    assert again.tolist() == [[True, False, False]]  # the second has not cooled down; the third is open

"""The pure dynamics functions on small hand-checked arrays."""

from __future__ import annotations

import numpy as np

from sim import channels, dynamics, tracks


def test_deffuant_pair_moves_mu_of_the_gap_and_conserves_the_mean():
    pos = np.array([[[0.2], [0.6], [0.9]]])
    listen = np.zeros((1, 3, 3), dtype=bool)
    listen[0, 0, 1] = listen[0, 1, 0] = True
    w = dynamics.persuasion_weights(
        listen, np.ones((1, 3, 3)), np.ones((1, 3, 3)), np.ones((1, 3)), np.full((1, 1, 1), 0.5)
    )
    new = dynamics.persuade(pos, w, np.zeros((1, 3, 1)), np.full((1, 3), 0.5), "step")
    np.testing.assert_allclose(new[0, :, 0], [0.4, 0.4, 0.9])
    assert new.sum() == pos.sum()


def test_step_ignores_arguments_at_or_beyond_latitude():
    pos = np.array([[[0.0], [0.5]]])
    w = np.full((1, 2, 2), 0.5)
    same = dynamics.persuade(pos, w, np.zeros((1, 2, 1)), np.full((1, 2), 0.5), "step")
    np.testing.assert_array_equal(same, pos)
    heard = np.array([[[0.0, 1.0], [1.0, 0.0]]])  # Hegselmann-Krause: weight 1 for the other, self included by the rule
    moved = dynamics.persuade(pos, heard, np.zeros((1, 2, 1)), np.full((1, 2), 0.5), "mean")
    np.testing.assert_allclose(moved[0, :, 0], [0.25, 0.25])


def test_a_mediator_is_heard_as_its_proposal():
    pos = np.array([[[0.0], [1.0]]])
    w = np.array([[[0.0, 0.5], [0.0, 0.0]]])
    new = dynamics.persuade(
        pos,
        w,
        np.zeros((1, 2, 1)),
        np.ones((1, 2)),
        "step",
        (np.array([0]), np.array([0]), np.array([1]), np.array([[0.4]])),
    )
    np.testing.assert_allclose(new[0, :, 0], [0.2, 1.0])


def test_salience_scales_the_move():
    pos = np.array([[[0.0], [0.8]]])
    w = np.array([[[0.0, 0.5], [0.5, 0.0]]])
    new = dynamics.persuade(pos, w, np.array([[[1.0], [0.5]]]), np.ones((1, 2)), "step")
    np.testing.assert_allclose(new[0, :, 0], [0.0, 0.6])


def test_trust_rises_when_listened_to_and_falls_when_ignored():
    trust = np.full((1, 2, 2), 0.5)
    met = np.ones((1, 2, 2), dtype=bool)
    listen = np.array([[[False, True], [False, False]]])  # 0 listens to 1; 1 ignores 0
    new = dynamics.update_trust(trust, met, listen, np.ones((1, 2)), np.zeros((1, 2)), np.array([0.2]), np.array([0.2]))
    assert new[0, 1, 0] == 0.5 + 0.2 * 0.5  # 1 trusts 0 more: 0 listened to 1
    assert new[0, 0, 1] == 0.5 * 0.8  # 0 trusts 1 less: 1 ignored 0
    softened = dynamics.update_trust(
        trust, met, listen, np.full((1, 2), 0.5), np.zeros((1, 2)), np.array([0.2]), np.array([0.2])
    )
    assert softened[0, 0, 1] > new[0, 0, 1]
    ultimatum = dynamics.update_trust(
        trust, met, listen, np.ones((1, 2)), np.array([[0.0, 0.1]]), np.array([0.2]), np.array([0.2])
    )
    assert ultimatum[0, 0, 1] < new[0, 0, 1]


def test_random_matching_is_a_perfect_matching():
    m = channels.random_matching(np.random.default_rng(0).random((50, 7)))
    assert (m == m.transpose(0, 2, 1)).all()
    assert (m.sum(axis=2) <= 1).all() and (m.sum(axis=(1, 2)) == 6).all()


def test_proposal_is_capability_salience_weighted():
    pos = np.array([[[0.0], [1.0], [0.5]]])
    prop = tracks.proposal(pos, np.array([[1.0, 3.0, 1.0]]), np.ones((1, 3, 1)), np.array([[[True, True, False]]]))
    np.testing.assert_allclose(prop[0, 0], [0.75])


def test_sidelining_gap_only_for_those_left_out():
    pos = np.array([[[0.0], [1.0], [0.2]]])
    sal = np.ones((1, 3, 1))
    members = np.array([[[True, True, False]]])
    prop = np.array([[[0.5]]])
    gap = tracks.sidelining_gap(pos, sal, prop, members, np.array([[True]]))
    np.testing.assert_allclose(gap[0], [0.0, 0.0, 0.3])

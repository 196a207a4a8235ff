"""The decision model (sim/decisions.py): unit cases and properties, and what it does in the engine over many seeds."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim import decisions as d
from sim.engine import simulate

unit = st.floats(0.0, 1.0)
SEEDS = list(range(300))


def test_excess_distance_counts_only_beyond_latitude_weighted_by_salience():
    gap = np.array([[[0.3], [0.9]]])  # (1, K=2, R=1)
    sal = np.array([[[1.0], [0.5]]])
    lat = np.array([[[0.4]]])
    assert np.allclose(d.excess_distance(gap, sal, lat), [[(0.0 + 0.5 * 0.5) / 2]])
    assert np.allclose(d.excess_distance(gap, 0 * sal, lat), 0.0)


@settings(max_examples=200, deadline=None)
@given(unit, unit, unit, st.floats(0, 2), st.floats(0, 0.5), st.floats(0, 1), st.floats(0, 1), st.floats(0, 1.5))
def test_listen_chance_is_a_probability_capped_by_openness_and_monotone(o, t, s, x, c, w, t2, a):
    args = dict(excess=np.array(x), style_cost=np.array(c), worth=np.array(w), sensitivity=np.array(s),
                distance_aversion=np.array(a))
    p = d.listen_chance(np.array(o), np.array(t), **args)
    assert 0.0 <= p <= o + 1e-12
    higher = d.listen_chance(np.array(o), np.array(max(t, t2)), **args)
    assert higher >= p - 1e-12  # more trust never lowers it
    farther = d.listen_chance(np.array(o), np.array(t), **{**args, "excess": np.array(x + 0.1)})
    assert farther <= p + 1e-12  # farther never raises it
    costlier = d.listen_chance(np.array(o), np.array(t), **{**args, "style_cost": np.array(c + 0.1)})
    assert costlier <= p + 1e-12


def test_listen_chance_reduces_to_the_plain_rule_without_the_new_costs():
    o, t, s = np.array([0.3, 0.9]), np.array([0.2, 0.7]), np.array(0.2)
    plain = o * (1 - s * (1 - t))
    assert np.allclose(d.listen_chance(o, t, np.zeros(2), np.zeros(2), 0.0, s, np.array(0.5)), plain)


@settings(max_examples=200, deadline=None)
@given(unit, unit, unit, unit, st.floats(0, 1), st.floats(0, 0.5), st.booleans())
def test_continue_value_rises_with_reciprocity_worth_trust_and_falls_with_costs(rho, worth, trust, thr, x, c, exp):
    def v(**kw):
        base = dict(reciprocity=rho, worth=worth, trust=trust, excess=x, style_cost=c, exposed=float(exp))
        base.update(kw)
        return d.continue_value(*(np.array(base[k]) for k in ("reciprocity", "worth", "trust", "excess",
                                                              "style_cost", "exposed")),
                                np.array(0.3), np.array(0.5), np.array(0.2)).total
    assert v(trust=min(1.0, trust + 0.1)) >= v()
    assert v(reciprocity=rho + 0.1) > v()
    assert v(worth=worth + 0.1) > v()
    assert v(excess=x + 0.1) < v()
    assert v(exposed=1.0) <= v(exposed=0.0)


def test_grievance_is_the_worse_sides_shortfall_as_a_share_of_walking_away():
    def val(total):
        z = np.zeros(2)
        return d.Value(z, z, z, z, np.array(total))
    g = d.grievance((val([0.3, 0.5]), val([0.1, 0.6])), np.array([0.4, 0.4]))
    assert np.allclose(g, [0.75, 0.0])
    assert np.isinf(d.grievance((val([-0.1]), val([0.5])), np.array([0.0])))[0]
    tiny = d.grievance((val([-0.3]), val([0.5])), np.array([5e-324]))  # hypothesis found it: no overflow warning
    assert np.isinf(tiny[0])


def test_bloc_share_is_what_the_others_allies_hold():
    cap = np.array([[0.5], [0.8], [0.5]])  # UK, Russia, EU
    alliance = np.zeros((3, 3), dtype=bool)
    alliance[0, 2] = alliance[2, 0] = True
    share = d.bloc_share(cap, alliance, np.array([[0, 1]]))
    assert np.allclose(share[:, 0, 0], [0.0, 0.5])  # the UK splits nothing off Russia; Russia splits the EU off


def test_perceived_mistakes_only_heard_rounds():
    heard = np.array([True, True, False, False])
    draw = np.array([0.05, 0.5, 0.05, 0.5])
    assert (d.perceived(heard, draw, np.array(0.1)) == [False, True, False, False]).all()
    assert d.perceived(heard, None, np.array(0.1)) is heard


def _lifetime(sc_loader, *overrides) -> float:
    out = simulate(sc_loader("article_baseline.yaml", *overrides), SEEDS).outcomes()
    return float(np.mean([o["UK-Russia:lifetime"] for o in out]))


def test_baseline_lifetime_rises_with_russias_trust_in_the_uk(shipped):
    """relations[5] is Russia -> UK."""
    life = [_lifetime(shipped, f"relations.5.trust={t}") for t in (0.1, 0.3, 0.5)]
    assert life[0] < life[1] < life[2], life


def test_baseline_lifetime_falls_with_the_distance_of_positions(shipped):
    """Russia's positions from just beyond its latitude (0.5) of the UK's to the far end (channel opened at round 0,
    so pressure's effect on opening does not enter); within latitude distance costs nothing."""
    life = [_lifetime(shipped, "channels.0.opens=0",
                      *(f"actors.Russia.position.{i}={x}" for i in ("territory", "security", "sanctions")))
            for x in (0.65, 0.75, 0.85, 0.95)]
    assert all(a > b for a, b in zip(life, life[1:], strict=False)), life


def test_ultimatum_shortens_the_channel_against_respectful_at_every_openness(shipped):
    for o in (0.15, 0.4, 0.6, 0.85, 1.0):
        life = {s: _lifetime(shipped, f"actors.UK.strategy.openness={o}", f"actors.UK.strategy.speaking_to.Russia={s}")
                for s in ("respectful", "ultimatum")}
        assert life["ultimatum"] < life["respectful"], (o, life)


def test_perception_noise_shortens_plain_tit_for_tat_more_than_generous(shipped):
    """The echo result studied directly: mistaken rounds set tit-for-tat retaliating; generosity forgives."""
    def life(rule: str, noise: float) -> float:
        out = simulate(shipped("uk_listens.yaml", f"actors.UK.strategy.reciprocity={rule}",
                               f"actors.Russia.strategy.reciprocity={rule}", f"dynamics.perception_noise={noise}",
                               "actors.UK.strategy.openness=1.0", "actors.Russia.strategy.openness=1.0"),
                       SEEDS).outcomes()
        return float(np.mean([o["UK-Russia:lifetime"] for o in out]))
    tft_loss = life("tit_for_tat", 0.0) - life("tit_for_tat", 0.1)
    gtft_loss = life("generous_tit_for_tat", 0.0) - life("generous_tit_for_tat", 0.1)
    assert tft_loss > 0 and tft_loss > gtft_loss, (tft_loss, gtft_loss)


def test_noise_has_its_own_stream_a_run_without_noise_is_the_same_in_a_noisy_batch(shipped):
    plain, noisy = shipped("uk_listens.yaml"), shipped("uk_listens.yaml", "dynamics.perception_noise=0.1")
    alone = simulate(plain, SEEDS[:40]).outcome_arrays()
    mixed = simulate([plain] * 40 + [noisy] * 40, SEEDS[:40] * 2).outcome_arrays()
    for k, v in alone.items():
        assert np.array_equal(v, mixed[k][:40], equal_nan=v.dtype.kind == "f"), k
    assert not np.array_equal(alone["trust:Russia->UK"], mixed["trust:Russia->UK"][40:])


def test_collapse_reason_names_what_tipped_it(shipped):
    res = simulate(shipped(), SEEDS[:50])
    reasons = [res.channel_records(r)[0]["reason"] or "" for r in range(res.n_runs)]
    tipped = [w for w in reasons if "Russia: UK did not listen" in w]
    assert tipped and all("trust" in w and "worth" in w and "walking away" in w for w in tipped)

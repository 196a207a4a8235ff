"""Bueno de Mesquita's expected-utility forecast: the published EC car-emissions case and invariants."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.errors import ScenarioError
from sim.forecast import forecast, from_scenario, read_csv, weighted_median
from sim.forecast_offers import (
    OFFER_RULES,
    choose,
    expected_utilities,
    offers,
    risk_exponents,
    win_probability,
)
from sim.schema import Scenario

EC = Path(__file__).parents[2] / "scenarios" / "ec_emissions.csv"


@pytest.fixture(scope="module")
def ec():
    """The EC case read from the shipped CSV, run for 10 rounds with Q = T = 1."""
    data = read_csv(EC)
    return data, forecast(data.actors, data.capability, data.position, data.salience, rounds=10)


def test_csv_skips_comment_and_reads_table(ec):
    data, _ = ec
    assert EC.read_text().startswith("#")
    assert data.actors[:3] == ["Netherlands", "Belgium", "Luxembourg"]
    assert len(data.actors) == 10
    assert data.salience.max() == 100


def test_step0_median_and_mean(ec):
    _, r = ec
    assert r.median[0] == 7.0
    assert r.mean[0] == pytest.approx(7.389955686853767, rel=1e-12)


def test_round1_reproduces_scholz(ec):
    _, r = ec
    moves = {o.actor: o for o in r.offers[0]}
    assert (moves["Belgium"].kind, moves["Belgium"].partner) == ("compromise", "France")
    assert round(moves["Belgium"].position, 4) == 8.4159
    assert (moves["Luxembourg"].kind, moves["Luxembourg"].partner) == ("confrontation", "Belgium")
    assert moves["Luxembourg"].position == 7.0
    assert (moves["Ireland"].kind, moves["Ireland"].partner) == ("confrontation", "Luxembourg")
    assert moves["Ireland"].position == 4.0
    row = dict(zip(r.actors, r.positions[1], strict=True))
    assert row["Belgium"] == pytest.approx(8.41593, abs=1e-5)
    assert (row["Luxembourg"], row["Ireland"]) == (7.0, 4.0)
    moved = {a for a, p0, p1 in zip(r.actors, r.positions[0], r.positions[1], strict=True) if p0 != p1}
    assert moved == {"Belgium", "Luxembourg", "Ireland"}


# Mean position after each of rounds 1-10 of the EC case (Q = T = 1), as printed by the public Python port of
# Scholz's code (github.com/dmasad/bdm-scholz-expected-utility-model, Example.log; a Python 3 version of
# github.com/jmckib/bdm-scholz-expected-utility-model). Rounds 1-4 are the figures quoted for Scholz et al. (2011).
SCHOLZ_MEANS = (7.4613, 7.5525, 7.5901, 7.3581, 7.3492, 7.4149, 7.5105, 7.5724, 7.3250, 7.2421)
# Belgium's compromise partner in each round of the same log: it jumps to the Netherlands in rounds 4 and 9.
SCHOLZ_BELGIUM = ("France", "France", "France", "Netherlands", "France",
                  "France", "France", "France", "Netherlands", "France")


def test_all_ten_rounds_reproduce_scholz_mean_trajectory(ec):
    _, r = ec
    assert r.offer_rule == "scholz"
    np.testing.assert_allclose(r.mean[1:], SCHOLZ_MEANS, atol=0.005, rtol=0)


def test_belgium_partners_follow_scholz_code(ec):
    _, r = ec
    belgium = [next(o for o in rnd if o.actor == "Belgium") for rnd in r.offers]
    assert all(o.kind == "compromise" for o in belgium)
    assert tuple(o.partner for o in belgium) == SCHOLZ_BELGIUM
    assert belgium[3].position == pytest.approx(4.800881, abs=1e-5)
    assert belgium[8].position == pytest.approx(4.144849, abs=1e-5)


def test_least_movement_rule_leaves_trajectory_after_round_3(ec):
    data, scholz = ec
    r = forecast(data.actors, data.capability, data.position, data.salience, rounds=10, offer_rule="least-movement")
    np.testing.assert_allclose(r.mean[:4], scholz.mean[:4], rtol=1e-12)
    assert r.mean[4] == pytest.approx(7.6039, abs=5e-5)
    assert abs(r.mean[4] - SCHOLZ_MEANS[3]) > 0.2
    assert next(o for o in r.offers[3] if o.actor == "Belgium").partner == "France"


def test_round4_belgium_ranks_compromises_by_rule(ec):
    """Belgium has compromises from France and the Netherlands in round 4: each rule picks its own."""
    data, scholz = ec
    x = scholz.positions[3]
    c, s = data.capability, data.salience / data.salience.max()
    span = float(data.position.max() - data.position.min())
    mu = float(scholz.median[3])
    r = risk_exponents(x, c * s, s, span, mu, 1.0, 1.0)
    e = expected_utilities(x, s, r, win_probability(x, c * s, r, span), span, mu, 1.0, 1.0)
    belgium = data.actors.index("Belgium")
    mine = [o for o in offers(x, e) if o.actor == belgium]
    compromises = {data.actors[o.partner]: o for o in mine if o.kind == "compromise"}
    assert {"France", "Netherlands"} <= set(compromises)
    assert not any(o.kind == "confrontation" for o in mine)
    moved = {name: abs(o.position - x[belgium]) for name, o in compromises.items()}
    assert min(moved, key=moved.get) == "France"
    picked = {rule: data.actors[choose(x, mine, rule)[0].partner] for rule in OFFER_RULES}
    assert picked == {"scholz": "Netherlands", "least-movement": "France"}


def test_scholz_rule_depends_on_scale_direction(ec):
    """Scholz's compromise value is a point on the scale: reversed, Belgium takes France's offer in round 4."""
    data, scholz = ec
    flipped = forecast(data.actors, data.capability, 14 - data.position, data.salience, rounds=4)
    np.testing.assert_allclose(14 - flipped.mean[:4], scholz.mean[:4], rtol=1e-12)
    assert next(o for o in flipped.offers[3] if o.actor == "Belgium").partner == "France"
    assert 14 - flipped.mean[4] == pytest.approx(7.6039, abs=5e-5)
    least = forecast(data.actors, data.capability, 14 - data.position, data.salience, rounds=4,
                     offer_rule="least-movement")
    np.testing.assert_allclose(least.mean, flipped.mean, rtol=1e-12)


def test_unknown_offer_rule_raises(ec):
    data, _ = ec
    with pytest.raises(ValueError, match="unknown offer rule 'nearest'; expected one of scholz, least-movement"):
        forecast(data.actors, data.capability, data.position, data.salience, rounds=1, offer_rule="nearest")


def test_result_shapes(ec):
    data, r = ec
    n = len(data.actors)
    assert r.positions.shape == (11, n)
    assert r.median.shape == r.mean.shape == (11,)
    assert r.risk.shape == (10, n)
    assert len(r.offers) == 10
    assert set(r.final) == set(data.actors)


def test_salience_scale_0_100_equals_0_1(ec):
    data, r = ec
    r01 = forecast(data.actors, data.capability, data.position, data.salience / 100, rounds=10)
    np.testing.assert_allclose(r01.positions, r.positions, rtol=1e-12)


def test_risk_exponents_in_range(ec):
    _, r = ec
    assert ((r.risk >= 0.5 - 1e-12) & (r.risk <= 2 + 1e-12)).all()


def test_q1_makes_t_irrelevant(ec):
    data, r = ec
    other = forecast(data.actors, data.capability, data.position, data.salience, rounds=10, t=0.3)
    np.testing.assert_array_equal(other.positions, r.positions)


def test_q_below_one_runs_and_stays_in_range(ec):
    data, _ = ec
    r = forecast(data.actors, data.capability, data.position, data.salience, rounds=5, q=0.5, t=0.5)
    assert np.isfinite(r.positions).all()
    assert (r.positions >= 4).all() and (r.positions <= 10).all()


def test_consensus_is_stable_immediately():
    r = forecast(["a", "b", "c"], [1, 2, 3], [0.4, 0.4, 0.4], [0.5, 0.5, 0.5], rounds=3)
    assert r.stable_at == 0
    assert r.positions.shape == (4, 3)
    assert (r.positions == 0.4).all()
    assert r.offers == [[], [], []]


def test_stable_state_is_padded_not_recomputed():
    """A weak actor capitulates to a strong one in round 1: a fixed point from row 1 on."""
    r = forecast(["strong", "weak"], [1.0, 0.1], [0.0, 1.0], [1.0, 0.9], rounds=4)
    got = [(o.actor, o.kind, o.partner, o.position) for o in r.offers[0]]
    assert got == [("weak", "capitulation", "strong", 0.0)]
    assert r.stable_at == 1
    k = r.stable_at
    assert all(not o for o in r.offers[k:])
    np.testing.assert_array_equal(r.positions[k:], np.broadcast_to(r.positions[k], r.positions[k:].shape))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"actors": ["a"]}, "at least two"),
        ({"actors": ["a", "a"]}, "unique"),
        ({"position": [0.0, np.nan]}, "finite"),
        ({"salience": [1.0]}, "one value per actor"),
        ({"capability": [-1.0, 1.0]}, ">= 0"),
        ({"salience": [0.0, 0.0]}, "positive capability and salience"),
    ],
)
def test_bad_input_raises(kwargs, message):
    args = {"actors": ["a", "b"], "capability": [1.0, 1.0], "position": [0.0, 1.0], "salience": [1.0, 1.0]}
    args |= kwargs
    with pytest.raises(ValueError, match=message):
        forecast(**args)


def test_from_scenario_uses_default_salience():
    sc = Scenario.model_validate(
        {
            "name": "t",
            "rounds": 1,
            "issues": {"sanctions": None},
            "actors": {
                "UK": {"capability": 0.8, "position": {"sanctions": 0.9}, "salience": {"sanctions": 0.7}},
                "Russia": {"capability": 0.9, "position": {"sanctions": 0.1}},
            },
            "dynamics": {"default_salience": 0.4},
        }
    )
    data = from_scenario(sc, "sanctions")
    assert data.actors == ["UK", "Russia"]
    np.testing.assert_allclose(data.capability, [0.8, 0.9])
    np.testing.assert_allclose(data.position, [0.9, 0.1])
    np.testing.assert_allclose(data.salience, [0.7, 0.4])
    with pytest.raises(ValueError, match="unknown issue"):
        from_scenario(sc, "territory")


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "case.csv"
    p.write_text(text)
    return p


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("# c\nactor,capability,position\na,1,2\n", ":2:1: salience: missing column"),
        ("actor,capability,position,salience\na,1,2,3\nb,1,x2,3\n", ":3:5: position: 'x2' is not a number"),
        ("actor,capability,position,salience\na,1,2,3\nb,1,,3\n", ":3:5: position: missing value"),
        ("actor,capability,position,salience\na,-1,2,3\nb,1,2,3\n", ":2:3: capability: '-1' must be"),
        ("actor,capability,position,salience\na,1,2,3\na,1,2,3\n", ":3:1: actor: duplicate actor 'a'"),
        ("# only a comment\n", ":1:1: header: empty file"),
        ("actor,capability,position,salience\na,1,2,3\n", ":2:1: actor: need at least two actors"),
    ],
)
def test_csv_errors_name_file_line_column(tmp_path, text, expected):
    p = _write(tmp_path, text)
    with pytest.raises(ScenarioError) as err:
        read_csv(p)
    assert str(err.value).startswith(str(p) + expected)
    assert "\n" not in str(err.value)


def test_csv_reports_every_problem_one_line_each(tmp_path):
    p = _write(tmp_path, "actor,capability,position,salience\na,1,x,3\nb,y,2,3\n")
    with pytest.raises(ScenarioError) as err:
        read_csv(p)
    assert str(err.value).splitlines() == [
        f"{p}:2:5: position: 'x' is not a number",
        f"{p}:3:3: capability: 'y' is not a number",
    ]


def test_csv_missing_file(tmp_path):
    with pytest.raises(ScenarioError, match=r"nope\.csv:1:1: file: cannot read"):
        read_csv(tmp_path / "nope.csv")


_actor = st.tuples(
    st.floats(0.05, 1.0), st.floats(-50.0, 50.0).map(lambda v: round(v, 1)), st.floats(0.05, 1.0)
)


@settings(max_examples=40, deadline=None)
@given(st.lists(_actor, min_size=2, max_size=7))
def test_median_is_condorcet_winner(rows):
    c, x, s = (np.array(col) for col in zip(*rows, strict=True))
    w = c * s
    med = weighted_median(x, w)
    assert med in x
    margin = (w[:, None] * (np.abs(x[:, None] - x[None, :]) - np.abs(x - med)[:, None])).sum(axis=0)
    assert (margin >= -1e-9).all()


@settings(max_examples=30, deadline=None)
@given(st.lists(_actor, min_size=2, max_size=7), st.floats(0.1, 10.0), st.floats(-100.0, 100.0))
def test_positions_stay_in_range_and_are_affine_invariant(rows, scale, shift):
    c, x, s = (np.array(col) for col in zip(*rows, strict=True))
    names = [f"a{k}" for k in range(len(rows))]
    r = forecast(names, c, x, s, rounds=4)
    assert (r.positions >= x.min() - 1e-9).all() and (r.positions <= x.max() + 1e-9).all()
    moved = forecast(names, c, x * scale + shift, s, rounds=4)
    atol = 1e-7 * (1 + abs(shift))
    np.testing.assert_allclose(moved.positions, r.positions * scale + shift, rtol=1e-7, atol=atol)


@settings(max_examples=30, deadline=None)
@given(st.lists(_actor, min_size=2, max_size=6))
def test_probabilities_and_expected_utilities_are_well_formed(rows):
    c, x, s = (np.array(col) for col in zip(*rows, strict=True))
    span = float(x.max() - x.min()) or 1.0
    w = c * s
    r = risk_exponents(x, w, s, span, float(np.median(x)), 1.0, 1.0)
    p = win_probability(x, w, r, span)
    assert ((p >= 0) & (p <= 1)).all()
    same = x[:, None] == x[None, :]
    assert (p[same] == 0).all()
    e = expected_utilities(x, s, r, p, span, float(np.median(x)), 1.0, 1.0)
    assert e.shape == (len(x),) * 3
    assert np.isfinite(e).all()

"""Invariants for any valid scenario: positions, trust and reciprocity stay in [0, 1]; nothing is NaN."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.engine import simulate
from sim.references import reference_problems
from sim.schema import EVENT_TYPES, Scenario
from sim.strategies import RECIPROCITY, SPEECH

unit = st.floats(0.0, 1.0, allow_nan=False)


@st.composite
def scenarios(draw) -> Scenario:
    n, k = draw(st.integers(2, 5)), draw(st.integers(1, 3))
    rounds = draw(st.integers(1, 15))
    actors, issues = [f"A{i}" for i in range(n)], [f"i{j}" for j in range(k)]

    def strategy():
        return {
            "speaking": draw(st.sampled_from(list(SPEECH))),
            "openness": draw(unit),
            "reciprocity": draw(st.sampled_from(list(RECIPROCITY))),
            "latitude": draw(unit),
        }

    def pair():
        a, b = draw(st.lists(st.sampled_from(actors), min_size=2, max_size=2, unique=True))
        return [a, b]

    doc = {
        "name": "drawn",
        "rounds": rounds,
        "issues": {i: None for i in issues},
        "actors": {
            a: {
                "capability": draw(unit),
                "position": {i: draw(unit) for i in issues},
                "salience": {i: draw(unit) for i in issues},
                "strategy": strategy(),
            }
            for a in actors
        },
        "relations": [
            {"from": a, "to": b, "trust": draw(unit)} for a, b in [pair() for _ in range(draw(st.integers(0, 3)))]
        ],
        "dynamics": {
            "meeting": draw(st.sampled_from(["all", "random_matching"])),
            "update": draw(st.sampled_from(["step", "mean"])),
            "learning_rate": draw(unit),
            "trust_gain": draw(unit),
            "trust_loss": draw(unit),
            "reciprocity_memory": draw(unit),
            "track_pull": draw(unit),
            "trust_sensitivity": draw(unit),
        },
    }
    seen, channels = set(), []
    for _ in range(draw(st.integers(0, 2))):
        between = pair()
        if frozenset(between) in seen:
            continue
        seen.add(frozenset(between))
        reopen = draw(st.sampled_from(["never", {"cooldown": draw(st.integers(0, 5)), "min_trust": draw(unit)}]))
        channels.append(
            {
                "between": between,
                "opens": draw(st.sampled_from(["auto", 0, rounds - 1, None])),
                "patience": draw(st.integers(1, 4)),
                "threshold": draw(unit),
                "reopen": reopen,
            }
        )
    doc["channels"] = channels
    if draw(st.booleans()):
        members = draw(st.lists(st.sampled_from(actors), min_size=2, max_size=n, unique=True))
        doc["tracks"] = [{"name": "t", "mediator": members[0], "participants": members}]
    if draw(st.booleans()) and n > 2:
        doc["alliances"] = [actors[:2]]
    events = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(EVENT_TYPES))
        at = draw(st.integers(0, rounds - 1))
        ev = {"at": at, "type": kind}
        if kind in ("exposure", "open_channel", "close_channel"):
            if not channels:
                continue
            ev["channel"] = draw(st.sampled_from(channels))["between"]
        elif kind in ("join_track", "leave_track"):
            if "tracks" not in doc:
                continue
            ev.update(actor=draw(st.sampled_from(actors)), track="t")
        elif kind == "shift":
            ev.update(
                actor=draw(st.sampled_from(actors)),
                issue=draw(st.sampled_from(issues)),
                by=draw(st.floats(-1, 1, allow_nan=False)),
            )
        else:
            ev.update(actor=draw(st.sampled_from(actors)), strategy={"openness": draw(unit)})
        events.append(ev)
    doc["events"] = events
    sc = Scenario.model_validate(doc)
    assert reference_problems(sc) == []
    return sc


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sc=scenarios(), seed=st.integers(0, 2**32 - 1))
def test_state_stays_in_bounds_and_finite(sc, seed):
    res = simulate(sc, [seed, seed + 1], record=True)
    series = res.series()
    for name in ("position", "trust", "reciprocity", "pressure", "proposal"):
        values = series[name]
        assert np.isfinite(values).all(), name
        assert (values >= 0).all() and (values <= 1).all(), name
    for o in res.outcomes():
        assert all(not isinstance(v, float) or np.isfinite(v) for v in o.values())


@settings(max_examples=30, deadline=None)
@given(sc=scenarios())
def test_salience_one_never_moves(sc):
    pinned = sc.model_copy(deep=True)
    for actor in pinned.actors.values():
        actor.salience = dict.fromkeys(pinned.issues, 1.0)
    pinned.events = [e for e in pinned.events if e.type != "shift"]
    res = simulate(pinned, [1], record=True)
    pos = res.series()["position"][:, 0]
    np.testing.assert_array_equal(pos, np.broadcast_to(pos[0], pos.shape))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sc=scenarios(), seeds=st.lists(st.integers(0, 2**40), min_size=1, max_size=4))
def test_a_batch_without_its_log_plays_the_same_numbers(sc, seeds):
    """``log=False`` (what sweeps run) drops the texts only: every state array and outcome is the same."""
    with_log, without = simulate(sc, seeds), simulate(sc, seeds, log=False)
    assert without.log == [[] for _ in seeds]
    for name, a in vars(with_log.state).items():
        if name != "ch_reason":
            np.testing.assert_array_equal(a, getattr(without.state, name), err_msg=name)
    assert with_log.outcomes() == without.outcomes()

"""Styles toward named actors (`strategy.speaking_to`): only the named listener hears them."""

from __future__ import annotations

import numpy as np
import pytest

from sim import channels as ch
from sim.dynamics import directed_speech, pair_speech
from sim.engine import Engine, simulate
from sim.errors import ScenarioError
from sim.loader import load_scenario
from sim.schema import Scenario

SEEDS = list(range(200))


def _two_way(base: dict, a_to_b: str, default: str = "assertive") -> Scenario:
    data = {**base, "actors": {k: dict(v) for k, v in base["actors"].items()}}
    data["actors"]["A"]["strategy"] = {"speaking": default, "speaking_to": {"B": a_to_b}, "openness": 1.0}
    return Scenario.model_validate(data)


BASE = {
    "name": "t", "rounds": 20, "issues": {"x": {}},
    "actors": {"A": {"position": {"x": 0.1}}, "B": {"position": {"x": 0.9}}, "C": {"position": {"x": 0.2}}},
    "alliances": [["A", "B", "C"]],
}


def test_pair_speech_overrides_only_the_named_pair_in_pairs_and_matchings() -> None:
    speech = {"cost": np.array([[0.0, 0.0], [0.1, 0.1], [0.2, 0.2]])}  # (N=3, R=2) per speaker
    directed = np.array([[0, 1]])  # actor 0 speaks its own way to actor 1
    to = {"cost": np.array([[0.5, np.nan]])}  # in run 0 only
    pairs = ch.Pairs(3, np.ones((3, 3), dtype=bool))
    out = pair_speech(pairs, speech, directed, to)["cost"]
    row = pairs.index[1, 0]  # listener 1, speaker 0
    assert out[row].tolist() == [0.5, 0.0]
    others = np.delete(np.arange(len(pairs)), row)
    assert np.array_equal(out[others], pairs.speaker(speech["cost"])[others])
    matching = ch.Matching(np.array([[1, 2], [0, 1], [2, 0]]))  # run 0: 0<->1; run 1: 0<->2
    got = pair_speech(matching, speech, directed, to)["cost"]
    assert got[1].tolist() == [0.5, 0.1]  # listener 1 hears 0 (run 0, overridden), itself (run 1)
    assert got[2].tolist() == [0.2, 0.0]  # listener 2 hears itself, then 0 (no override toward 2)


def test_directed_speech_picks_the_style_toward_that_listener() -> None:
    per_actor = np.array([[0.1], [0.2], [0.3]])
    out = directed_speech(per_actor, np.array([0, 0, 2]), np.array([1, 2, 0]), np.array([[0, 1]]), np.array([[0.9]]))
    assert out.ravel().tolist() == [0.9, 0.1, 0.3]


def test_an_ultimatum_to_one_ally_costs_that_ally_s_trust_only() -> None:
    out = simulate(_two_way(BASE, "ultimatum"), SEEDS[:50], log=False).outcome_arrays()
    plain = simulate(_two_way(BASE, "assertive"), SEEDS[:50], log=False).outcome_arrays()
    assert (out["trust:B->A"] < plain["trust:B->A"]).all()
    assert np.array_equal(out["trust:C->A"], plain["trust:C->A"])


def test_the_same_style_by_speaking_to_or_by_speaking_gives_identical_runs() -> None:
    one = Scenario.model_validate({**BASE, "actors": {**BASE["actors"], "A": {"position": {"x": 0.1},
                                   "strategy": {"speaking": "ultimatum", "openness": 1.0}}}})
    named = _two_way(BASE | {"alliances": [["A", "B"]]}, "ultimatum", default="ultimatum")
    a = simulate(one.model_copy(update={"alliances": [["A", "B"]]}), SEEDS[:30], log=False).outcome_arrays()
    b = simulate(named, SEEDS[:30], log=False).outcome_arrays()
    assert a.keys() == b.keys() and all(np.array_equal(a[k], b[k], equal_nan=True) for k in a)


def test_a_set_strategy_event_changes_the_style_toward_a_named_actor() -> None:
    sc = _two_way(BASE, "ultimatum").model_copy()
    data = sc.model_dump(by_alias=True, exclude_none=True)
    data["events"] = [{"at": 5, "type": "set_strategy", "actor": "A", "strategy": {"speaking_to": {"B": "respectful"}}}]
    eng = Engine(Scenario.model_validate(data), [1])
    views = {}
    for r in range(7):
        eng.step()
        i = eng.actor_index("A")
        views[r] = dict(zip(eng.structure.speech_pairs[:, 1].tolist(), eng.params.speaking_to[0].tolist(), strict=True))
        assert eng.structure.speech_pairs[:, 0].tolist() == [i]
    assert views[4] != views[6]


@pytest.mark.parametrize("styles, message", [
    ({"Nobody": "ultimatum"}, "unknown actor 'Nobody'"),
    ({"UK": "ultimatum"}, "UK cannot address itself"),
])
def test_speaking_to_must_name_another_actor(tmp_path, styles, message) -> None:
    import scenarios

    text = scenarios.builtin("article_baseline.yaml").read_text()
    inline = "{" + ", ".join(f"{k}: {v}" for k, v in styles.items()) + "}"
    path = tmp_path / "s.yaml"
    path.write_text(text.replace("speaking_to: {Russia: ultimatum}", f"speaking_to: {inline}"))
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    lines = [str(p) for p in info.value.problems]
    assert any("actors.UK.strategy.speaking_to" in line and message in line for line in lines), lines

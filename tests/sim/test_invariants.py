"""DIPSIM_CHECK_INVARIANTS=1: the engine asserts the model's invariants every round, and the check can fail."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

import scenarios
from sim import engine as engine_module
from sim.engine import Engine, simulate
from sim.invariants import InvariantError, check_state, enabled
from sim.loader import load_scenario

SMALL = Path(__file__).resolve().parents[1] / "fixtures" / "valid" / "small.yaml"


@pytest.fixture
def checking(monkeypatch):
    monkeypatch.setenv("DIPSIM_CHECK_INVARIANTS", "1")


@pytest.mark.parametrize("value, on", [("1", True), ("yes", True), ("0", False), ("", False), ("false", False)])
def test_switch(monkeypatch, value: str, on: bool) -> None:
    monkeypatch.setenv("DIPSIM_CHECK_INVARIANTS", value)
    assert enabled() is on


@pytest.mark.parametrize("name", scenarios.listing())
def test_shipped_scenarios_keep_every_invariant(checking, name: str) -> None:
    sc = load_scenario(scenarios.builtin(name))
    simulate(sc, list(range(8)))  # raises InvariantError on the first broken round


def _state_after(rounds: int = 3):
    eng = Engine(load_scenario(SMALL), [0, 1], record=False)
    for _ in range(rounds):
        eng.step()
    return eng


@pytest.mark.parametrize("field, value, words", [
    ("trust", 1.5, "outside [0, 1]"), ("position", np.nan, "NaN or infinite"),
    ("reciprocity", -0.1, "outside [0, 1]"), ("pressure", np.inf, "NaN or infinite"),
    ("ch_lifetime", 99, "outside [0, 3]"), ("agreement_round", 50, "not a round played"),
])
def test_each_broken_invariant_is_caught(field: str, value: float, words: str) -> None:
    eng = _state_after()
    check_state(eng.state, 3, eng.rounds)  # intact
    getattr(eng.state, field)[(0,) * getattr(eng.state, field).ndim] = value
    with pytest.raises(InvariantError, match=rf"after round 3: {field}\[0.*{re.escape(words)}"):
        check_state(eng.state, 3, eng.rounds)


def test_the_engine_checks_every_round_when_switched_on(checking, monkeypatch) -> None:
    real = engine_module.dynamics.trust_after
    monkeypatch.setattr(engine_module.dynamics, "trust_after", lambda *a, **k: real(*a, **k) + 2.0)
    eng = Engine(load_scenario(SMALL), [0], record=False)
    with pytest.raises(InvariantError, match="after round 1: trust"):
        eng.run()
    monkeypatch.delenv("DIPSIM_CHECK_INVARIANTS")
    Engine(load_scenario(SMALL), [0], record=False).run()  # off: the same bug goes unnoticed

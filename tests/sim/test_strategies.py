"""The reciprocity and speech registries: documented, unique names, and scripted tables of every rule's replies."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sim.schema import Dynamics
from sim.strategies import (
    _RULES,
    RECIPROCITY,
    RECIPROCITY_CODES,
    SPEECH,
    History,
    ReciprocityRule,
    intent_of,
    rule_groups,
)

GENEROSITY = Dynamics().generosity


def _cell(value: bool | float) -> np.ndarray:
    """A (1, 1, 1) array: one run, one ordered pair."""
    return np.full((1, 1, 1), value)


def play(rule: ReciprocityRule, opponent: str, draws: list[float] | None = None) -> str:
    """Replies of ``rule`` to a scripted opponent (L = listen, I = ignore), History built step by step.

    ``draws`` are consumed one per turn (a turn without one gets 0.99); they matter only to stochastic rules.
    """
    draws = list(draws or [])
    met = opp_last = my_last = ever_ignored = False
    out = []
    for turn, move in enumerate(opponent):
        h = History(
            met=_cell(met),
            opp_last=_cell(opp_last),
            my_last=_cell(my_last),
            opp_ever_ignored=_cell(ever_ignored),
            draw=_cell(draws[turn] if turn < len(draws) else 0.99),
            generosity=_cell(GENEROSITY),
        )
        intent = rule.intent(h)
        assert intent.shape == (1, 1, 1) and intent.dtype == bool
        mine = bool(intent[0, 0, 0])
        out.append("L" if mine else "I")
        met, opp_last, my_last = True, move == "L", mine
        ever_ignored |= move == "I"
    return "".join(out)


# (rule, opponent script, draws, expected replies)
TABLE = [
    ("always_listen", "LIIIL", None, "LLLLL"),
    ("never_listen", "LLLIL", None, "IIIII"),
    ("tit_for_tat", "LIILIL", None, "LLIILI"),
    ("tit_for_tat", "IIII", None, "LIII"),
    ("grim_trigger", "LLILLL", None, "LLLIII"),
    ("grim_trigger", "LLLL", None, "LLLL"),
    ("win_stay_lose_shift", "LILIL", None, "LLIIL"),
    ("win_stay_lose_shift", "IIIIII", None, "LILILI"),
    ("generous_tit_for_tat", "LLLL", [0.9, 0.9, 0.9, 0.9], "LLLL"),
    ("generous_tit_for_tat", "IIIII", [0.9, 0.9, 0.1, 0.5, 0.3], "LILIL"),
    ("generous_tit_for_tat", "LILIL", [0.9, 0.9, 0.0, 0.9, 0.0], "LLLLL"),
    ("generous_tit_for_tat", "IIII", [0.0, GENEROSITY, np.nextafter(GENEROSITY, 0), 0.9], "LILI"),
]


def test_every_rule_has_a_table_row():
    assert {row[0] for row in TABLE} == set(RECIPROCITY)


@pytest.mark.parametrize(("name", "opponent", "draws", "expected"), TABLE)
def test_rule_table(name, opponent, draws, expected):
    assert play(RECIPROCITY[name], opponent, draws) == expected


def test_registry_names_unique_and_documented():
    names = [cls.name for cls in _RULES]
    assert len(names) == len(set(names)) == len(RECIPROCITY)
    assert list(RECIPROCITY_CODES) == names
    assert list(RECIPROCITY_CODES.values()) == list(range(len(names)))
    for rule in RECIPROCITY.values():
        assert isinstance(rule, ReciprocityRule)
        assert rule.description.strip(), rule.name
        assert rule.axelrod.strip(), rule.name
        assert isinstance(rule.stochastic, bool)
    assert [r.name for r in RECIPROCITY.values() if r.stochastic] == ["generous_tit_for_tat"]


def test_speech_registry_documented():
    assert len(SPEECH) == len({s.name for s in SPEECH.values()})
    for name, style in SPEECH.items():
        assert style.name == name and style.description.strip()
        assert style.persuasion > 0 and style.fall >= 0 and 0 <= style.penalty < 1


def _histories(shape: tuple[int, int, int]) -> st.SearchStrategy[History]:
    """Random batched histories of the given (runs, actors, actors) shape."""
    flags = arrays(bool, shape)
    return st.builds(
        History,
        met=flags,
        opp_last=flags,
        my_last=flags,
        opp_ever_ignored=flags,
        draw=arrays(float, shape, elements=st.floats(0.0, 1.0, exclude_max=True)),
        generosity=arrays(float, (shape[0], 1, 1), elements=st.floats(0.0, 1.0)),
    )


@settings(max_examples=60, deadline=None)
@given(_histories((2, 3, 3)))
def test_batched_intent_is_elementwise(h):
    for rule in RECIPROCITY.values():
        batched = rule.intent(h)
        assert batched.shape == h.met.shape and batched.dtype == bool
        for idx in np.ndindex(h.met.shape):
            one = History(
                *(_cell(getattr(h, f)[idx]) for f in ("met", "opp_last", "my_last", "opp_ever_ignored", "draw")),
                generosity=_cell(h.generosity[idx[0], 0, 0]),
            )
            assert bool(rule.intent(one)[0, 0, 0]) == bool(batched[idx]), (rule.name, idx)


@settings(max_examples=30, deadline=None)
@given(_histories((2, 4, 4)), st.lists(st.sampled_from(list(RECIPROCITY)), min_size=8, max_size=8))
def test_intent_of_applies_each_actors_own_rule(h, names):
    codes = np.array([RECIPROCITY_CODES[n] for n in names]).reshape(2, 4)
    out = intent_of(rule_groups(codes[..., None]), h)
    for run, actor in np.ndindex(codes.shape):
        rule = RECIPROCITY[names[run * 4 + actor]]
        np.testing.assert_array_equal(out[run, actor], rule.intent(h)[run, actor])

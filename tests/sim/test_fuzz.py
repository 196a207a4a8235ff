"""Fuzzing the loader and engine with mutated shipped scenarios: valid, or one located ScenarioError, never else.

A hypothesis mutator deletes, duplicates and renames keys, swaps types, writes extremes, unicode and huge
values into the shipped scenarios, and also edits their raw text (tabs, quotes, brackets, NUL, cut lines).
Every valid mutant is run with DIPSIM_CHECK_INVARIANTS=1, so the engine asserts the model's invariants every
round. The budget is fixed and the search derandomized: the same cases every run, a few seconds of CI.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import scenarios
from sim.engine import simulate
from sim.errors import ScenarioError
from sim.loader import load_scenario_text
from sim.schema import Scenario

LINE = re.compile(r"^[^\n:]+:\d+:\d+: [^\n]+$")  # FILE:LINE:COL: then one line (paths may hold spaces)
SHIPPED = {name: scenarios.builtin(name).read_text(encoding="utf-8") for name in scenarios.listing()}
FUZZ = settings(max_examples=120, derandomize=True, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
RUN_ROUNDS, RUN_ACTORS = 60, 40  # run valid mutants this long/large at most (bigger ones: load only)

WEIRD = [None, True, False, 0, -1, 1, 2, 0.5, -0.5, 1.5, 1e308, -1e308, 5e-324, float("nan"), float("inf"),
         2**31, 2**63 - 1, 2**63, -(2**63) - 1, 10**40, "", "x", "ünïcødé ✓", "никто", "🕊️" * 50, "1", "0.5",
         "true", "null", "x" * 5000, [], [1, 2], ["UK", "UK"], {}, {"a": 1}, {"type": "exposure"}]
KEYS = ["name", "rounds", "type", "at", "between", "actors", "position", "Ünïcode", "", "ＵＫ", "UK ", "__class__"]


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a mapping key or list item in the data."""
    out = []
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    for k, v in items:
        out.append((*prefix, k))
        out += _paths(v, (*prefix, k))
    return out


def _parent(data: Any, path: tuple) -> Any:
    for seg in path[:-1]:
        data = data[seg]
    return data


def _mutate(data: dict, draw: Any) -> dict:
    """One structural mutation of the scenario data, chosen by hypothesis."""
    paths = _paths(data)
    path = paths[draw(st.integers(0, len(paths) - 1))]
    parent, key = _parent(data, path), path[-1]
    kind = draw(st.sampled_from(["delete", "duplicate", "rename", "swap", "swap", "extreme", "add"]))
    if kind == "delete":
        del parent[key]
    elif kind == "duplicate" and isinstance(parent, list):
        parent.insert(key, copy.deepcopy(parent[key]))
    elif kind == "duplicate":
        parent[f"{key}_copy"] = copy.deepcopy(parent[key])
    elif kind == "rename" and isinstance(parent, dict):
        new = draw(st.sampled_from([str(key).upper(), f"{key}s", str(key)[:-1], f" {key}", f"{key}\u0301"]))
        parent[new] = parent.pop(key)
    elif kind == "add" and isinstance(parent[key] if key in parent or isinstance(parent, list) else None, dict):
        parent[key][draw(st.sampled_from(KEYS))] = draw(st.sampled_from(WEIRD))
    elif kind == "extreme":
        parent[key] = draw(st.sampled_from([0, -1, 2**63, 10**40, 1e308, float("nan"), 100_000, 100_001]))
    else:
        parent[key] = copy.deepcopy(draw(st.sampled_from(WEIRD)))
    return data


def _check(text: str) -> None:
    """The fuzz property: a Scenario (then run, invariants checked) or a ScenarioError of located lines."""
    try:
        sc = load_scenario_text(text, "mutant.yaml")
    except ScenarioError as e:
        assert e.problems, "a ScenarioError must carry problems"
        for p in e.problems:
            assert LINE.match(str(p)), str(p)
        return
    assert isinstance(sc, Scenario)
    if len(sc.actor_names) <= RUN_ACTORS:
        if sc.rounds > RUN_ROUNDS:
            try:
                sc = load_scenario_text(text, "mutant.yaml", [f"rounds={RUN_ROUNDS}"])
            except ScenarioError:
                return  # events or openings beyond the shorter horizon: loading was the test
        simulate(sc, [0, 1, 2])


@pytest.fixture(autouse=True)
def _invariants_on(monkeypatch):
    monkeypatch.setenv("DIPSIM_CHECK_INVARIANTS", "1")


@FUZZ
@given(name=st.sampled_from(sorted(SHIPPED)), data=st.data())
def test_structural_mutants_are_valid_or_located(name: str, data: st.DataObject) -> None:
    doc = yaml.safe_load(SHIPPED[name])
    for _ in range(data.draw(st.integers(1, 3))):
        if not isinstance(doc, dict) or not doc:
            break
        doc = _mutate(doc, data.draw)
    _check(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))


TEXT_EDITS = ["\t", "\0", "'", '"', "[", "{", "]", ":", ": ", "- ", "&a ", "*a", "!!python/object ", "%", "\n  ",
              "\ufeff", "\x07", "é", "🕊️", "#", "<<: ", "---\n", "\\", "\r"]


@FUZZ
@given(name=st.sampled_from(sorted(SHIPPED)), data=st.data())
def test_text_mutants_are_valid_or_located(name: str, data: st.DataObject) -> None:
    text = SHIPPED[name]
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(text)))
        edit = data.draw(st.sampled_from(["insert", "delete", "duplicate_line", "cut"]))
        if edit == "insert":
            text = text[:at] + data.draw(st.sampled_from(TEXT_EDITS)) + text[at:]
        elif edit == "delete":
            text = text[:at] + text[at + data.draw(st.integers(1, 20)):]
        elif edit == "duplicate_line":
            lines = text.split("\n")
            k = at % len(lines)
            text = "\n".join(lines[: k + 1] + lines[k:])
        else:
            text = text[:at]
    _check(text)

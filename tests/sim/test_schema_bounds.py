"""Every integer field of the scenario has a bound, in the message and in the JSON Schema: no int64 wrap-around."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sim.errors import ScenarioError
from sim.loader import load_scenario, load_scenario_text
from sim.schema import MAX_ROUNDS, json_schema

SMALL = Path(__file__).resolve().parents[1] / "fixtures" / "valid" / "small.yaml"
HUGE = 10**40
INT64 = 9223372036854775807


def _integers(node: Any, path: str = "") -> list[tuple[str, dict]]:
    """Every `"type": "integer"` subschema of the JSON Schema, with where it is."""
    found = []
    if isinstance(node, dict):
        if node.get("type") == "integer":
            found.append((path, node))
        for k, v in node.items():
            found += _integers(v, f"{path}/{k}")
    elif isinstance(node, list):
        for k, v in enumerate(node):
            found += _integers(v, f"{path}/{k}")
    return found


def test_every_integer_field_has_a_maximum_in_the_json_schema() -> None:
    ints = _integers(json_schema())
    assert len(ints) >= 10  # rounds, seed, opens, closes, at, patience, cooldown, exposure cut, count, issues
    unbounded = [p for p, s in ints if "maximum" not in s]
    assert not unbounded, unbounded


SETS = ["channels.0.patience", "channels.0.opens", "channels.0.reopen.cooldown", "rounds",
        "tracks.0.opens", "tracks.0.closes", "events.0.at", "dynamics.exposure_patience_cut"]


@pytest.mark.parametrize("path", SETS)
@pytest.mark.parametrize("value", [INT64, HUGE])
def test_huge_integers_are_refused_with_the_bound(path: str, value: int) -> None:
    """Defect 2: `--set channels.0.patience=9223372036854775807` wrapped to -9223372036854775808."""
    with pytest.raises(ScenarioError) as info:
        load_scenario(SMALL, [f"{path}={value}"])
    lines = [str(p) for p in info.value.problems]
    assert any(f"got {value}" in line and "must be an integer in [" in line for line in lines), lines


def test_seed_beyond_int64_is_refused() -> None:
    expected = rf"seed: --set seed={INT64 + 1}: must be an integer in \[0, {INT64}\], got {INT64 + 1}"
    with pytest.raises(ScenarioError, match=expected):
        load_scenario(SMALL, [f"seed={INT64 + 1}"])
    assert load_scenario(SMALL, [f"seed={INT64}"]).seed == INT64


def test_patience_in_yaml_beyond_int64_names_its_range() -> None:
    text = SMALL.read_text().replace("patience: 3", f"patience: {HUGE}", 1)
    assert f"patience: {HUGE}" in text
    with pytest.raises(ScenarioError, match=rf"patience: must be an integer in \[1, {MAX_ROUNDS}\], got {HUGE}"):
        load_scenario_text(text, "small.yaml")


def test_the_bound_is_the_largest_value_accepted() -> None:
    sc = load_scenario(SMALL, [f"channels.0.patience={MAX_ROUNDS}"])
    assert sc.channels[0].patience == MAX_ROUNDS

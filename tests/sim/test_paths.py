"""Dotted scenario paths (`--set`, `--vary`): named list items, schema-aware creation, hinted errors."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from sim.loader import load_scenario
from sim.paths import PathError, get_path, parse_value, resolve_path, set_path, validate_path
from sim.schema import Scenario
from sim.strategies import SPEECH
from sim.yamlio import read_yaml

SMALL = Path(__file__).resolve().parents[1] / "fixtures" / "valid" / "small.yaml"


@pytest.fixture
def data() -> dict[str, Any]:
    return copy.deepcopy(read_yaml(SMALL).data)


@pytest.mark.parametrize(
    ("text", "value"),
    [("0.5", 0.5), ("7", 7), ("never", "never"), ("[a,b]", ["a", "b"]), ("true", True),
     ("{cooldown: 4}", {"cooldown": 4}), ("US-led talks", "US-led talks"), ("[unclosed", "[unclosed")],
)
def test_parse_value_reads_yaml_scalars(text: str, value: Any) -> None:
    assert parse_value(text) == value


@pytest.mark.parametrize(
    ("path", "concrete", "value"),
    [
        ("actors.UK.strategy.openness", ("actors", "UK", "strategy", "openness"), 0.15),
        ("channels.UK-Russia.patience", ("channels", 0, "patience"), 3),
        ("channels.Russia-UK.patience", ("channels", 0, "patience"), 3),
        ("tracks.US-led talks.opens", ("tracks", 0, "opens"), 0),
        ("relations.UK-EU.trust", ("relations", 0, "trust"), 0.9),
        ("relations.EU-UK.trust", ("relations", 0, "trust"), 0.9),
        ("relations.Russia-UK.trust", ("relations", 1, "trust"), 0.1),
        ("events.2.by", ("events", 2, "by"), -0.05),
        ("issues.territory.low", ("issues", "territory", "low"), "Ukraine's 1991 borders"),
        # absent from the file: the schema default
        ("dynamics.meeting", ("dynamics", "meeting"), "all"),
        ("actors.EU.strategy.openness", ("actors", "EU", "strategy", "openness"), 0.5),
        ("dynamics.speech.ultimatum.penalty", ("dynamics", "speech", "ultimatum", "penalty"),
         SPEECH["ultimatum"].penalty),
        ("population.strategy.latitude", ("population", "strategy", "latitude"), 1.0),
    ],
)
def test_paths_resolve_and_read(data: dict[str, Any], path: str, concrete: tuple, value: Any) -> None:
    assert resolve_path(data, path) == concrete
    assert get_path(data, path) == value
    validate_path(data, path)


@pytest.mark.parametrize(
    ("path", "hint"),
    [
        ("actors.Uk.capability", "did you mean 'UK'?"),
        ("actors.France.capability", "unknown actor 'France'"),
        ("actors.UK.capabilty", "did you mean 'capability'?"),
        ("actors.UK.strategy.opennes", "did you mean 'openness'?"),
        ("actors.UK.position.teritory", "did you mean 'territory'?"),
        ("channels.UK-Rusia.patience", "did you mean 'UK-Russia'?"),
        ("channels.UK-EU.patience", "no item called 'UK-EU' in channels"),
        ("tracks.US talks.opens", "did you mean 'US-led talks'?"),
        ("events.9.at", "events has no item 9 (it has 4)"),
        ("events.0.by", "allowed: at, type, channel"),
        ("dynamics.meting", "did you mean 'meeting'?"),
        ("dynamics.speech.polite.penalty", "has no field 'polite' (allowed: respectful, assertive, ultimatum)"),
        ("population.strategy.latitud", "did you mean 'latitude'?"),
        ("rounds.x", "rounds is a single value"),
        ("bogus", "<root> has no field 'bogus' (allowed: name, description, rounds,"),
        ("a..b", "bad path"),
        ("", "bad path"),
    ],
)
def test_impossible_paths_raise_with_a_hint(data: dict[str, Any], path: str, hint: str) -> None:
    with pytest.raises(PathError) as info:
        validate_path(data, path)
    assert hint in str(info.value)
    before = copy.deepcopy(data)
    with pytest.raises(PathError):
        set_path(data, path, 1)
    assert data == before


def test_set_path_writes_named_items(data: dict[str, Any]) -> None:
    set_path(data, "channels.Russia-UK.patience", 9)
    set_path(data, "tracks.US-led talks.participants", ["US", "Russia"])
    set_path(data, "relations.UK-EU.trust", 0.2)
    assert data["channels"][0]["patience"] == 9
    assert data["tracks"][0]["participants"] == ["US", "Russia"]
    assert data["relations"][0]["trust"] == 0.2


def test_set_path_creates_only_what_is_needed(data: dict[str, Any]) -> None:
    set_path(data, "dynamics.meeting", "random_matching")
    set_path(data, "actors.EU.strategy.openness", 0.9)
    assert data["dynamics"] == {"meeting": "random_matching"}
    assert data["actors"]["EU"]["strategy"] == {"openness": 0.9}


def test_set_path_keeps_required_siblings_of_a_partial_default(data: dict[str, Any]) -> None:
    set_path(data, "dynamics.speech.ultimatum.penalty", 0.2)
    sc = Scenario.model_validate(data)
    assert sc.dynamics.speech.ultimatum.penalty == 0.2
    assert sc.dynamics.speech.ultimatum.persuasion == SPEECH["ultimatum"].persuasion


def test_set_path_replaces_a_scalar_by_a_mapping_when_the_schema_allows(data: dict[str, Any]) -> None:
    set_path(data, "channels.UK-Russia.reopen.cooldown", 4)
    assert data["channels"][0]["reopen"] == {"cooldown": 4}
    assert Scenario.model_validate(data).channels[0].reopen.cooldown == 4  # type: ignore[union-attr]


def test_set_path_on_a_population_scenario() -> None:
    data = {"name": "p", "rounds": 5, "population": {"count": 10}}
    set_path(data, "population.strategy.latitude", 0.3)
    set_path(data, "population.count", 50)
    sc = Scenario.model_validate(data)
    assert sc.population is not None and sc.population.strategy.latitude == 0.3 and sc.population.count == 50


def test_validate_path_accepts_a_model() -> None:
    sc = load_scenario(SMALL)
    validate_path(sc, "channels.UK-Russia.patience")
    assert get_path(sc, "tracks.US-led talks.mediator") == "US"
    with pytest.raises(PathError, match="did you mean 'Russia'"):
        validate_path(sc, "actors.Rusia.capability")


def test_event_fields_follow_the_event_type(data: dict[str, Any]) -> None:
    validate_path(data, "events.1.strategy.openness")
    with pytest.raises(PathError, match="allowed: at, type, actor, issue, by"):
        validate_path(data, "events.2.strategy")

"""Error paths name list items as --vary does, and a duplicate block does not spawn a problem per lost name."""

from __future__ import annotations

import pytest

from sim.errors import ScenarioError
from sim.loader import load_scenario_text
from sim.paths import named_path, resolve_path

TEXT = """name: x
rounds: 10
issues: {t: {}}
actors:
  A: {position: {t: 0.1}}
  B: {position: {t: 0.9}}
relations:
  - {between: [A, B], trust: 0.5}
tracks:
  - {name: talks, mediator: A, participants: [A, B]}
channels:
  - {between: [A, B], patience: 2}
events:
  - {at: 1, type: exposure, channel: [A, B]}
"""


def _lines(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(text, "x.yaml")
    return str(info.value).splitlines()


def test_error_paths_name_channels_tracks_and_relations() -> None:
    lines = _lines(TEXT.replace("patience: 2", "patience: 0").replace("trust: 0.5", "trust: 5"))
    assert lines == ["x.yaml:8:23: relations.A-B.trust: must be a number in [0, 1], got 5",
                     "x.yaml:12:23: channels.A-B.patience: must be an integer in [1, 100000], got 0"]
    lines = _lines(TEXT.replace("participants: [A, B]", "participants: [A, C]").replace("at: 1,", "at: 99,"))
    assert any(ln.startswith("x.yaml:10:") and "tracks.talks.participants.1: unknown actor 'C'" in ln
               for ln in lines), lines
    assert any(ln.startswith("x.yaml:14:") and "events.0.at: round 99 is outside the horizon" in ln
               for ln in lines), lines  # events have no names: by index


def test_named_paths_round_trip_through_resolve() -> None:
    import yaml

    data = yaml.safe_load(TEXT)
    for concrete in [("channels", 0, "patience"), ("tracks", 0, "participants", 1), ("relations", 0, "trust")]:
        named = named_path(data, concrete)
        assert all(not isinstance(seg, int) for seg in named[:2])
        assert resolve_path(data, ".".join(map(str, named))) == concrete


def test_duplicate_actors_block_does_not_spawn_unknown_actors() -> None:
    dup = TEXT.replace("relations:", "actors:\n  C: {position: {t: 0.5}}\n  D: {position: {t: 0.5}}\nrelations:")
    assert _lines(dup) == ["x.yaml:7:1: actors: duplicate key 'actors' (first at line 4)"]


def test_a_duplicate_actor_keeps_real_unknown_names() -> None:
    dup = TEXT.replace("  B: {position: {t: 0.9}}", "  A: {position: {t: 0.9}}")
    lines = _lines(dup)
    assert lines[0] == "x.yaml:6:3: actors.A: duplicate key 'A' (first at line 5)"
    assert not any("at least two actors" in ln for ln in lines), lines
    assert any("unknown actor 'B'" in ln for ln in lines[1:])  # B really is undefined

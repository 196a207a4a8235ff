"""Scenario loading: every malformed fixture fails with a located one-line error naming what is allowed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sim.errors import Problem, ScenarioError
from sim.loader import load_scenario, load_scenario_text
from sim.schema import Scenario

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
MALFORMED = sorted((FIXTURES / "malformed").glob("*.yaml"))
SMALL = FIXTURES / "valid" / "small.yaml"
LINE = re.compile(r"^[^:]+:\d+:\d+: \S+: .+")


def _header(path: Path) -> tuple[str, int]:
    """The `# expect: ...` substring and `# at: LINE` of a malformed fixture."""
    first, second = path.read_bytes().decode("ascii", errors="replace").splitlines()[:2]
    assert first.startswith("# expect: ") and second.startswith("# at: "), path.name
    return first.removeprefix("# expect: "), int(second.removeprefix("# at: "))


def _problems(path: Path | str, overrides: tuple[str, ...] = ()) -> list[Problem]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, overrides)
    return info.value.problems


def test_enough_malformed_fixtures() -> None:
    assert len(MALFORMED) >= 30


@pytest.mark.parametrize("path", MALFORMED, ids=[p.stem for p in MALFORMED])
def test_malformed_fixture_is_refused_where_expected(path: Path) -> None:
    expect, line = _header(path)
    problems = _problems(path)
    matching = [p for p in problems if expect in str(p)]
    assert matching, f"{expect!r} not in:\n" + "\n".join(map(str, problems))
    assert matching[0].line == line, str(matching[0])
    for p in problems:
        text = str(p)
        assert LINE.match(text) and "\n" not in text, text
        assert text.startswith(f"{path}:")


def test_valid_small_scenario_loads() -> None:
    sc = load_scenario(SMALL)
    assert isinstance(sc, Scenario)
    assert sc.actor_names == ["UK", "Russia", "EU", "US", "Ukraine"]
    assert sc.issue_names == ["territory", "security", "sanctions"]


def test_all_independent_problems_are_reported_at_once() -> None:
    text = SMALL.read_text()
    text = text.replace("capability: 0.55", "capability: 1.55")
    text = text.replace("reciprocity: grim_trigger", "reciprocity: grim")
    text = text.replace("tolerance: 0.1", "tolerence: 0.1")
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(text, "three.yaml")
    lines = str(info.value).splitlines()
    assert len(lines) == 3, lines
    assert "actors.UK.capability: must be a number in [0, 1], got 1.55" in lines[0]
    assert "unknown reciprocity rule 'grim' (did you mean 'grim_trigger'?" in lines[1]
    assert "agreement.tolerence: unknown key 'tolerence' (did you mean 'tolerance'?" in lines[2]
    assert [ln.split(":")[1] for ln in lines] == ["15", "21", "66"]


def test_cross_reference_problems_are_all_reported() -> None:
    text = SMALL.read_text().replace("mediator: US", "mediator: USA").replace("actor: EU,", "actor: EUU,")
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(text, "refs.yaml")
    messages = [p.message for p in info.value.problems]
    assert any("unknown actor 'USA' (did you mean 'US'?" in m for m in messages)
    assert any("unknown actor 'EUU' (did you mean 'EU'?" in m for m in messages)


def test_overrides_take_effect() -> None:
    sc = load_scenario(
        SMALL,
        [
            "actors.UK.strategy.openness=0.9",
            "channels.Russia-UK.patience=5",
            "tracks.US-led talks.opens=2",
            "relations.UK-EU.trust=0.7",
            "dynamics.meeting=random_matching",
            "dynamics.speech.ultimatum.penalty=0.2",
            "actors.EU.strategy.reciprocity=grim_trigger",
            "channels.UK-Russia.reopen={cooldown: 4, min_trust: 0.2}",
        ],
    )
    assert sc.actors["UK"].strategy.openness == 0.9
    assert sc.channels[0].patience == 5
    assert sc.tracks[0].opens == 2
    assert sc.relations[0].trust == 0.7
    assert sc.dynamics.meeting == "random_matching"
    assert sc.dynamics.speech.ultimatum.penalty == 0.2
    assert sc.dynamics.speech.ultimatum.persuasion > 0  # the other coefficients keep their defaults
    assert sc.actors["EU"].strategy.reciprocity == "grim_trigger"
    assert sc.channels[0].reopen.cooldown == 4  # type: ignore[union-attr]


def test_bad_override_value_is_located_at_the_overridden_node() -> None:
    (p,) = _problems(SMALL, ("actors.UK.strategy.openness=1.9",))
    assert str(p) == (
        f"{SMALL}:20:7: actors.UK.strategy.openness: --set actors.UK.strategy.openness=1.9: "
        "must be a number in [0, 1], got 1.9"
    )


@pytest.mark.parametrize(
    ("override", "expect"),
    [
        ("actors.UK.strategy.opennes=0.9", "did you mean 'openness'?"),
        ("actors.Uk.capability=0.3", "unknown actor 'Uk' in actors (did you mean 'UK'?"),
        ("channels.UK-Rusia.patience=2", "did you mean 'UK-Russia'?"),
        ("events.0.at=100", "round 100 is outside the horizon"),
        ("dynamics.meeting=sometimes", "unknown meeting rule 'sometimes' (allowed: all, random_matching)"),
        ("rounds", "expected PATH=VALUE"),
        ("seed=-1", "must be an integer in [0, 9223372036854775807], got -1"),
    ],
)
def test_bad_override_is_reported_as_set(override: str, expect: str) -> None:
    problems = _problems(SMALL, (override,))
    assert len(problems) == 1
    text = str(problems[0])
    assert f"--set {override}: " in text and expect in text, text
    assert LINE.match(text), text


def test_missing_file_is_one_line() -> None:
    (p,) = _problems("no/such/scenario.yaml")
    assert str(p).startswith("no/such/scenario.yaml:0:0: <root>: cannot read the file")


def test_merge_keys_and_anchors_are_allowed() -> None:
    text = SMALL.read_text().replace(
        "    strategy: {speaking: respectful, openness: 0.6, reciprocity: generous_tit_for_tat}",
        "    strategy: &calm {speaking: respectful, openness: 0.6, reciprocity: generous_tit_for_tat}",
    ).replace("    capability: 0.4\n", "    capability: 0.4\n    strategy: {<<: *calm, openness: 0.2}\n")
    sc = load_scenario_text(text)
    assert sc.actors["Ukraine"].strategy.speaking == "respectful"
    assert sc.actors["Ukraine"].strategy.openness == 0.2


def test_problem_line_format() -> None:
    p = Problem("f.yaml", 3, 5, ("events", 2, "at"), "round 99 is outside\nthe horizon")
    assert str(p) == "f.yaml:3:5: events.2.at: round 99 is outside the horizon"
    assert str(Problem("f.yaml", 1, 1, (), "empty")) == "f.yaml:1:1: <root>: empty"


MIXED = """\
name: mixed
rounds: 5
issues: {trade: null}
actors:
  A: {position: {trade: 0.2}, strategy: {reciprocity: tit_for_tatt}}
  B: {position: {trad: 0.9}}
channels:
  - {between: [A, C], patience: 0}
"""


def test_structural_and_reference_problems_are_reported_in_one_pass():
    with pytest.raises(ScenarioError) as err:
        load_scenario_text(MIXED, "mixed.yaml")
    text = str(err.value)
    for expected in ("actors.A.strategy.reciprocity: unknown reciprocity rule 'tit_for_tatt'",
                     "channels.A-C.patience: must be an integer in [1, 100000]",
                     "actors.B.position: missing issue 'trade'",
                     "actors.B.position.trad: unknown issue 'trad'", "channels.A-C.between.1: unknown actor 'C'"):
        assert expected in text
    assert len(err.value.problems) == 5


def test_dropping_an_invalid_value_invents_no_reference_problem():
    bad_value = MIXED.replace("{trade: 0.2}, strategy: {reciprocity: tit_for_tatt}", "{trade: high}")
    with pytest.raises(ScenarioError) as err:
        load_scenario_text(bad_value, "v.yaml")
    paths = [".".join(map(str, p.path)) for p in err.value.problems]
    assert "actors.A.position.trade" in paths
    assert "actors.A.position" not in paths  # no "missing issue 'trade'" for the value it dropped
    missing_required = "name: x\nrounds: 5\nissues: {t: null}\nactors: {A: {position: {t: 2}}, B: {}}\n"
    with pytest.raises(ScenarioError) as err:
        load_scenario_text(missing_required, "m.yaml")
    assert all("unknown" not in p.message for p in err.value.problems)

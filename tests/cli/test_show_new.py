"""`dipsim show` prints the merged scenario as YAML that loads the same; `dipsim new` writes files that validate."""

from __future__ import annotations

from pathlib import Path

import pytest

import scenarios
from dipsim.cli import main
from sim.loader import load_scenario, load_scenario_text

COUNTERFACTUALS = ["uk_listens", "europe_seat", "early_exposure", "no_back_channel"]


@pytest.mark.parametrize("name", COUNTERFACTUALS)
def test_show_prints_yaml_that_loads_to_the_same_scenario(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", name]) == 0
    text = capsys.readouterr().out
    assert text.startswith("# merged from ") and "extends" not in text.split("\n", 1)[1]
    assert "overrides" not in text
    assert load_scenario_text(text, "shown.yaml") == load_scenario(scenarios.builtin(f"{name}.yaml"))


def test_show_of_an_invalid_diff_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("extends: uk_listens\noverrides:\n  actors.UK.strategy.openness: 3\n")
    assert main(["show", str(path)]) == 2
    assert capsys.readouterr().err.startswith(f"{path}:3:3: actors.UK.strategy.openness: must be a number in [0, 1]")


def test_new_starter_validates_and_checks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["new", "camp_david"]) == 0
    text = Path("camp_david.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=") and text.count("#") >= 10
    assert main(["validate", "camp_david.yaml"]) == 0
    assert main(["check", "camp_david.yaml", "--seeds", "20"]) == 0
    assert main(["new", "camp_david"]) == 2  # never overwrites
    assert "exists; not overwritten" in capsys.readouterr().err


@pytest.mark.parametrize("base", ["uk_listens", "shipped-path"])
def test_new_from_writes_a_diff_that_validates(base: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    arg = str(scenarios.builtin("uk_listens.yaml")) if base == "shipped-path" else base
    assert main(["new", "sub/what_if", "--from", arg]) == 0
    text = Path("sub/what_if.yaml").read_text()
    assert "\nextends: " in text and "\noverrides:" in text
    assert main(["validate", "sub/what_if.yaml"]) == 0
    merged = load_scenario("sub/what_if.yaml")
    assert merged.model_dump(exclude={"name", "expect"}) == load_scenario(
        scenarios.builtin("uk_listens.yaml")).model_dump(exclude={"name", "expect"})

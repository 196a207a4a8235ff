"""`extends:` diffs: shipped counterfactuals equal their old full copies; errors land in the file that wrote them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import scenarios
from sim.compose import compose_file
from sim.errors import ScenarioError
from sim.loader import load_scenario

BEFORE = Path(__file__).resolve().parents[1] / "fixtures" / "before_extends"  # the full copies, before extends:
COUNTERFACTUALS = ["uk_listens.yaml", "europe_seat.yaml", "early_exposure.yaml", "no_back_channel.yaml"]


def _problems(path: Path) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return [str(p) for p in info.value.problems]


@pytest.mark.parametrize("name", COUNTERFACTUALS)
def test_shipped_diff_equals_the_old_full_copy(name: str, tmp_path: Path) -> None:
    """Against the baseline the old copy was made from (kept beside it), the diff loads to the same scenario."""
    shutil.copy(BEFORE / "article_baseline.yaml", tmp_path / "article_baseline.yaml")
    shutil.copy(scenarios.builtin(name), tmp_path / name)
    new, old = load_scenario(tmp_path / name), load_scenario(BEFORE / name)
    assert old.expect == [] and new.expect  # the claims are new; everything the engine reads is the same
    assert _plain_styles(new.model_copy(update={"expect": []})) == old


def _plain_styles(sc):
    """The scenario with every `speaking_to` entry that repeats the actor's own `speaking` left out (the old copies
    predate `speaking_to`; uk_listens.yaml names the UK's respectful style toward Russia, as its `speaking` says)."""
    actors = {}
    for name, a in sc.actors.items():
        kept = {b: v for b, v in a.strategy.speaking_to.items() if v != a.strategy.speaking}
        actors[name] = a.model_copy(update={"strategy": a.strategy.model_copy(update={"speaking_to": kept})})
    return sc.model_copy(update={"actors": actors})


@pytest.mark.parametrize("name", COUNTERFACTUALS)
def test_shipped_diff_is_short_and_extends_the_shipped_baseline(name: str) -> None:
    path = scenarios.builtin(name)
    assert len(path.read_text().splitlines()) <= 20
    assert compose_file(path).chain[1:] == (str(scenarios.builtin("article_baseline.yaml")),)


def _write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (folder / name).write_text(text)


BASE = """name: base
rounds: 10
issues: {t: {}}
actors:
  A: {position: {t: 0.1}}
  B: {position: {t: 0.9}}
channels:
  - {between: [A, B], patience: 2}
events:
  - {at: 1, type: exposure, channel: [A, B]}
"""


def test_deep_merge_overrides_and_appended_events(tmp_path: Path) -> None:
    _write(tmp_path, {"base.yaml": BASE, "child.yaml": """extends: base.yaml
actors:
  A: {strategy: {openness: 0.9}}
overrides:
  channels.B-A.patience: 5
events:
  - {at: 2, type: exposure, channel: [B, A]}
"""})
    sc = load_scenario(tmp_path / "child.yaml")
    assert sc.actors["A"].strategy.openness == 0.9 and sc.actors["A"].position == {"t": 0.1}
    assert sc.channels[0].patience == 5
    assert [e.at for e in sc.events] == [1, 2]


def test_chain_of_three_and_shipped_name(tmp_path: Path) -> None:
    _write(tmp_path, {"one.yaml": "extends: uk_listens\nname: one\n",
                      "two.yaml": "extends: one.yaml\noverrides: {actors.UK.strategy.openness: 0.5}\n"})
    sc = load_scenario(tmp_path / "two.yaml")
    assert sc.name == "one" and sc.actors["UK"].strategy.openness == 0.5
    assert sc.actors["UK"].strategy.speaking == "respectful"


def test_cycle_is_refused_with_the_chain(tmp_path: Path) -> None:
    _write(tmp_path, {"a.yaml": "extends: b.yaml\nname: a\n", "b.yaml": "extends: c.yaml\n",
                      "c.yaml": "extends: a.yaml\n"})
    (line,) = _problems(tmp_path / "a.yaml")
    a, b, c = (str(tmp_path / n) for n in ("a.yaml", "b.yaml", "c.yaml"))
    assert line.startswith(f"{c}:1:1: extends: extends cycle: {a} -> {b} -> {c} -> {a}")


def test_errors_are_located_in_the_file_that_wrote_them(tmp_path: Path) -> None:
    bad_base = BASE.replace("patience: 2", "patience: 0")
    _write(tmp_path, {"base.yaml": bad_base, "child.yaml": """extends: base.yaml
name: child
overrides:
  actors.A.capability: 2
actors:
  B: {strategy: {reciprocity: grim}}
"""})
    lines = _problems(tmp_path / "child.yaml")
    base, child = tmp_path / "base.yaml", tmp_path / "child.yaml"
    assert any(ln.startswith(f"{base}:8:") and "patience: must be an integer in [1," in ln for ln in lines), lines
    assert any(ln.startswith(f"{child}:4:3: actors.A.capability: must be a number in [0, 1]") for ln in lines), lines
    assert any(ln.startswith(f"{child}:6:") and "unknown reciprocity rule 'grim'" in ln for ln in lines), lines
    assert len(lines) == 3, lines


def test_bad_extends_and_bad_override_path(tmp_path: Path) -> None:
    _write(tmp_path, {"base.yaml": BASE, "typo.yaml": "extends: uk_listen\n",
                      "path.yaml": "extends: base.yaml\noverrides:\n  channels.A-C.patience: 3\n"})
    (line,) = _problems(tmp_path / "typo.yaml")
    assert "1:1: extends: no such file" in line and "did you mean 'uk_listens'?" in line
    (line,) = _problems(tmp_path / "path.yaml")
    assert line.startswith(f"{tmp_path / 'path.yaml'}:3:3: overrides.channels.A-C.patience: no item called 'A-C'")


def test_overrides_without_extends_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, {"x.yaml": BASE + "overrides: {rounds: 3}\n"})
    (line,) = _problems(tmp_path / "x.yaml")
    assert "overrides: `overrides:` changes the scenario named by `extends:`" in line

"""`--vary PATH=+-S` (the scenario's value ± S) and `--group NAME=PATTERNS` (Sobol/Morris over groups of paths)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import scenarios
from analysis.sensitivity import analyse, factors_of
from analysis.sweep.designs import (
    DesignError,
    Group,
    Vary,
    expand_defaults,
    group_of,
    make_design,
    parse_group,
    parse_vary,
)
from analysis.sweep.plan import read_source
from dipsim.cli import main


@pytest.fixture(scope="module")
def baseline() -> dict:
    return read_source(scenarios.builtin("article_baseline.yaml")).data


def test_a_spread_is_the_value_plus_minus_s_within_the_field_bounds(baseline) -> None:
    (one,) = expand_defaults([parse_vary("actors.UK.capability=+-0.1")], baseline)
    assert one.bounds == (0.45, 0.65) and one.levels is None
    (low,) = expand_defaults([parse_vary("actors.UK.position.territory=±0.15")], baseline)
    assert low.bounds == (0.0, 0.25)  # 0.10 - 0.15 clipped at the schema's lower bound


def test_a_prefix_spread_varies_every_fraction_the_scenario_writes_under_it(baseline) -> None:
    out = {v.path: v.bounds for v in expand_defaults([parse_vary("actors.*=+-0.15")], baseline)}
    assert out["actors.Russia.salience.territory"] == (0.82, 1.0)  # 0.97 + 0.15 clipped at 1
    assert out["actors.UK.sidelining_threshold"] == (0.1, 0.4)
    assert "actors.UK.strategy.speaking" not in out and "actors.UK.source" not in out  # names, not numbers
    per_actor = 1 + 3 + 3 + 2  # capability, positions, saliences, openness and latitude
    assert len(out) == 5 * per_actor + 1  # + the UK's sidelining threshold, the one actor that writes it
    relations = expand_defaults([parse_vary("relations.*=+-0.15")], baseline)
    assert [v.path for v in relations] == [f"relations.{k}.trust" for k in range(10)]


def test_explicit_entries_win_over_a_prefix_spread(baseline) -> None:
    out = expand_defaults([parse_vary("actors.*=+-0.15"), parse_vary("actors.UK.capability=0.5:0.6")], baseline)
    assert [v.bounds for v in out if v.path == "actors.UK.capability"] == [(0.5, 0.6)]


@pytest.mark.parametrize("arg, message", [
    ("actors.UK.capability=+-0", "+-S needs a number S > 0"),
    ("actors.UK.capability=+-x", "+-S needs a number S > 0"),
])
def test_a_bad_spread_is_a_located_error(arg: str, message: str) -> None:
    with pytest.raises(DesignError) as info:
        parse_vary(arg)
    assert info.value.lines[0].startswith(f"--vary {arg}: actors.UK.capability:") and message in info.value.lines[0]


def test_a_spread_of_a_name_says_to_give_a_range(baseline) -> None:
    with pytest.raises(DesignError) as info:
        expand_defaults([parse_vary("actors.UK.strategy.speaking=+-0.1")], baseline)
    assert "needs a number the scenario writes" in info.value.lines[0]


def test_groups_take_the_first_matching_pattern_and_leave_the_rest_alone() -> None:
    paths = ["actors.UK.capability", "relations.0.trust", "dynamics.distrust_cost", "dynamics.generosity", "x"]
    groups = [parse_group("weights=dynamics.distrust_cost"), parse_group("substantive=actors.*,relations.*"),
              parse_group("dynamics=dynamics.*")]
    assert group_of(paths, groups) == {"actors.UK.capability": "substantive", "relations.0.trust": "substantive",
                                       "dynamics.distrust_cost": "weights", "dynamics.generosity": "dynamics",
                                       "x": "x"}


def test_a_group_without_paths_and_groups_on_a_grid_are_refused() -> None:
    with pytest.raises(DesignError, match="matches none of the 1 varied paths"):
        group_of(["a"], [parse_group("g=b.*")])
    with pytest.raises(DesignError, match="expected NAME=PATTERN"):
        parse_group("nothing")
    with pytest.raises(DesignError, match="groups are for --design sobol or morris"):
        make_design([Vary("a", levels=(1, 2))], "grid", groups=[Group("g", ("a",))])


def test_grouped_sobol_of_ishigami_matches_the_analytic_group_indices() -> None:
    """Groups {x1, x3} and {x2}: S_T({x1, x3}) = 1 - S1(x2) = 0.5576, S_T({x2}) = 0.4424 (x2 acts alone)."""
    vary = [Vary(f"x{k}", bounds=(-math.pi, math.pi)) for k in (1, 2, 3)]
    design = make_design(vary, "sobol", 4096, seed=1, groups=[Group("odd", ("x1", "x3"))])
    assert len(design.points) == 4096 * (2 + 2)  # N·(G+2) with G = 2 groups, not N·(d+2)
    manifest = design.manifest()
    assert manifest["groups"] == {"x1": "odd", "x2": "x2", "x3": "odd"} and factors_of(manifest) == ["odd", "x2"]
    pts = pd.DataFrame(design.points)
    y = np.sin(pts.x1) + 7 * np.sin(pts.x2) ** 2 + 0.1 * pts.x3**4 * np.sin(pts.x1)
    table = pd.DataFrame({"run_id": np.arange(len(pts)), "y": y})
    result, _ = analyse(table, manifest, 1, ["y"], seed=2, resamples=100)
    st = result[result["index"] == "ST"].set_index("parameter")["value"]
    assert st["odd"] == pytest.approx(0.5576, abs=0.04) and st["x2"] == pytest.approx(0.4424, abs=0.04)


def test_grouped_sweep_and_sensitivity_from_the_command_line(tmp_path, capsys) -> None:
    """Group indices of the article baseline: the respectful style's coefficients (nobody speaks respectfully) score
    exactly 0; the channel's own settings do not."""
    out = tmp_path / "g"
    assert main(["sweep", "article_baseline", "--vary", "dynamics.speech.respectful.*", "--vary",
                 "channels.UK-Russia.*", "--vary", "actors.UK.strategy.openness=+-0.1",
                 "--group", "respectful=dynamics.speech.respectful.*", "--group", "channel=channels.*",
                 "--design", "sobol", "--samples", "16", "--seeds", "4", "--out", str(out), "--no-progress",
                 "--no-dashboard"]) == 0
    assert main(["sensitivity", str(out), "--outcome", "UK-Russia:lifetime", "--no-dashboard"]) == 0
    printed = capsys.readouterr().out
    assert "in 3 groups (respectful: 4 paths, channel: 2 paths, actors.UK.strategy.openness: 1 path)" in printed
    result = pd.read_parquet(out / "sensitivity.parquet")
    st = result[result["index"] == "ST"].set_index("parameter")
    assert st.loc["respectful", "value"] == 0 and st.loc["channel", "value"] > 0.05


def test_a_sweep_file_names_its_groups_and_a_bad_one_is_located(tmp_path) -> None:
    from analysis.sweep.setup import Request, new_sweep

    base = scenarios.builtin("article_baseline.yaml")
    path = tmp_path / "s.yaml"
    path.write_text(f"scenario: {base}\nsweep:\n  vary:\n    actors.*: +-0.1\n    dynamics.distrust_cost: 0:0.8\n"
                    "  groups:\n    substantive: [actors.*, relations.*]\n    nobody: [dynamics.wedge*]\n"
                    "  design: morris\n  samples: 2\n  seeds: 2\n")
    with pytest.raises(DesignError) as info:
        new_sweep(path, Request())
    assert info.value.lines[0].startswith(f"{path}:8:5: sweep.groups.nobody: matches none")
    path.write_text(path.read_text().replace("    nobody: [dynamics.wedge*]\n", ""))
    plan, _ = new_sweep(path, Request())
    assert set(plan.design["groups"].values()) == {"substantive", "dynamics.distrust_cost"}
    assert len(plan.points) == 2 * (2 + 1)


def test_a_path_given_one_value_is_held_at_it_not_sampled() -> None:
    vary = [Vary("a", bounds=(0, 1.0)), Vary("b", levels=(7,)), Vary("c", bounds=(0.0, 1.0)), Vary("d", bounds=(0, 9))]
    design = make_design(vary, "sobol", 8, seed=1, groups=[Group("g", ("a", "b", "c"))])
    assert len(design.points) == 8 * (2 + 2)  # groups g and d; b is no factor
    assert {p["b"] for p in design.points} == {7} and design.manifest()["fixed"] == ["b"]
    assert factors_of(design.manifest()) == ["g", "d"] and design.groups == {"a": "g", "c": "g", "d": "d"}
    with pytest.raises(DesignError, match="every varied path has one value"):
        make_design([Vary("b", levels=(7,))], "morris", 4, seed=1)
    with pytest.raises(DesignError, match="S_T = 1 by definition"):
        make_design(vary, "sobol", 8, seed=1, groups=[Group("g", ("*",))])

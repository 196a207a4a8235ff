"""Designs: VALUES parsing, grids, seeded Latin hypercubes, sweep files."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from analysis.sweep.designs import DesignError, Vary, column_kind, grid, lhs, make_design, parse_values, parse_vary
from analysis.sweep.file import load_sweep
from sim.errors import ScenarioError

OPEN = "actors.UK.strategy.openness"
PAT = "channels.UK-Russia.patience"


@pytest.mark.parametrize(
    ("text", "levels"),
    [
        ("0,0.5,1", (0, 0.5, 1)),
        ("0:1:11", tuple(k / 10 for k in range(11))),
        ("0:1:3", (0.0, 0.5, 1.0)),
        ("1:5:5", (1, 2, 3, 4, 5)),
        ("2:4:1", (2,)),
        ("respectful,ultimatum", ("respectful", "ultimatum")),
        ("auto", ("auto",)),
        ("0.3", (0.3,)),
        (" 3 , auto ", (3, "auto")),
    ],
)
def test_levels(text: str, levels: tuple) -> None:
    assert parse_values(text) == (levels, None)


def test_linspace_values_are_clean_and_typed() -> None:
    levels, _ = parse_values("0:1:11")
    assert levels[3] == 0.3 and all(isinstance(v, float) for v in levels)
    ints, _ = parse_values("1:9:5")
    assert ints == (1, 3, 5, 7, 9) and all(isinstance(v, int) for v in ints)
    assert parse_values("1:2:3")[0] == (1.0, 1.5, 2.0)


def test_range() -> None:
    assert parse_values("0:1") == (None, (0, 1))
    assert parse_values("0.2:0.8") == (None, (0.2, 0.8))


@pytest.mark.parametrize("text", ["", "0,,1", "0:1:0", "0:1:2.5", "1:0", "0.5:0.5"])
def test_bad_values(text: str) -> None:
    with pytest.raises(ValueError):
        parse_values(text)


def test_parse_vary_names_the_flag() -> None:
    v = parse_vary(f"{OPEN}=0:1:5")
    assert v.path == OPEN and len(v.levels) == 5
    with pytest.raises(DesignError) as e:
        parse_vary("openness")
    assert e.value.lines[0].startswith("--vary openness: expected PATH=VALUES")
    with pytest.raises(DesignError) as e:
        parse_vary(f"{OPEN}=0,,1")
    assert e.value.lines == [f"--vary {OPEN}=0,,1: {OPEN}: empty value in list '0,,1'"]


def test_grid_sizes_and_order() -> None:
    meeting = parse_vary("dynamics.meeting=all,random_matching")
    points = grid([parse_vary(f"{OPEN}=0:1:11"), parse_vary(f"{PAT}=1,3,5"), meeting])
    assert len(points) == 11 * 3 * 2
    assert points[0] == {OPEN: 0.0, PAT: 1, "dynamics.meeting": "all"}
    assert points[1] == {OPEN: 0.0, PAT: 1, "dynamics.meeting": "random_matching"}  # last path varies fastest
    assert grid([]) == [{}]


def test_grid_refuses_ranges() -> None:
    with pytest.raises(DesignError) as e:
        grid([parse_vary(f"{OPEN}=0:1")])
    assert e.value.lines[0].startswith(f"--vary {OPEN}=0:1: {OPEN}: a range lo:hi needs --design lhs")


def test_lhs_in_range_stratified_and_seeded() -> None:
    vary = [parse_vary(f"{OPEN}=0.2:0.6"), parse_vary(f"{PAT}=1:8"), parse_vary("actors.UK.strategy.speaking=a,b,c,d")]
    points = lhs(vary, 40, seed=3)
    assert len(points) == 40
    x = np.array([p[OPEN] for p in points])
    assert ((x >= 0.2) & (x <= 0.6)).all()
    assert sorted(np.floor((x - 0.2) / 0.4 * 40).astype(int)) == list(range(40))  # one point per stratum
    patience = [p[PAT] for p in points]
    assert all(isinstance(v, int) and 1 <= v <= 8 for v in patience) and set(patience) == set(range(1, 9))
    assert sorted(p["actors.UK.strategy.speaking"] for p in points) == sorted("abcd" * 10)
    assert lhs(vary, 40, seed=3) == points
    assert lhs(vary, 40, seed=4) != points


def test_make_design_errors() -> None:
    v = parse_vary(f"{OPEN}=0:1")
    with pytest.raises(DesignError, match="needs --samples"):
        make_design([v], "lhs")
    with pytest.raises(DesignError, match="only used by --design lhs"):
        make_design([parse_vary(f"{OPEN}=0,1")], "grid", samples=5)
    with pytest.raises(DesignError, match="varied twice"):
        make_design([parse_vary(f"{OPEN}=0,1"), parse_vary(f"{OPEN}=1")])
    with pytest.raises(DesignError, match="at least one --vary"):
        make_design([], "lhs", samples=3)
    d = make_design([v], "lhs", samples=6, seed=1)
    assert d.manifest()["vary"] == {OPEN: [0, 1]} and d.manifest()["samples"] == 6 and len(d.points) == 6


def test_column_kind() -> None:
    assert column_kind([1, 2]) == "int"
    assert column_kind([0, 0.5]) == "float"
    assert column_kind([True, False]) == "bool"
    assert column_kind(["a", "b"]) == "str"
    assert column_kind([3, "auto"]) == "str"


def _write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "sc.yaml").write_text("name: x\n")
    path = tmp_path / "exp.yaml"
    path.write_text(text)
    return path


def test_sweep_file(tmp_path: Path) -> None:
    path = _write(tmp_path, f"scenario: sc.yaml\nsweep:\n  vary:\n    {OPEN}: 0:1:3\n    {PAT}: [2, 5]\n"
                            "  design: grid\n  seeds: 4\n  seed: 9\n")
    sf = load_sweep(path)
    assert sf.scenario == (tmp_path / "sc.yaml").resolve()
    assert [v.levels for v in sf.vary] == [(0.0, 0.5, 1.0), (2, 5)]
    assert (sf.design, sf.samples, sf.seeds, sf.seed) == ("grid", None, 4, 9)
    assert sf.vary[0].where == f"{path}:4:5"


def test_sweep_file_unknown_key_is_located(tmp_path: Path) -> None:
    path = _write(tmp_path, "scenario: sc.yaml\nsweep:\n  seeds: 4\n  desing: lhs\n")
    with pytest.raises(ScenarioError) as e:
        load_sweep(path)
    assert str(e.value) == f"{path}:4:3: sweep.desing: unknown key 'desing' (did you mean 'design'? " \
                           "allowed: vary, design, samples, levels, groups, seeds, seed)"


def test_sweep_file_bad_values_are_located(tmp_path: Path) -> None:
    path = _write(tmp_path, "scenario: sc.yaml\nsweep:\n  design: anneal\n  seeds: 0\n")
    with pytest.raises(ScenarioError) as e:
        load_sweep(path)
    lines = str(e.value).splitlines()
    assert lines[0].startswith(f"{path}:3:3: sweep.design:") and "'grid', 'lhs', 'sobol' or 'morris'" in lines[0]
    assert lines[1].startswith(f"{path}:4:3: sweep.seeds:")
    missing = _write(tmp_path, "scenario: nowhere.yaml\n")
    with pytest.raises(ScenarioError, match=r"exp.yaml:1:1: scenario: no such file"):
        load_sweep(missing)


def test_sweep_file_bad_vary_is_located(tmp_path: Path) -> None:
    path = _write(tmp_path, f"scenario: sc.yaml\nsweep:\n  vary:\n    {OPEN}: 0:1:0\n")
    with pytest.raises(DesignError) as e:
        load_sweep(path)
    assert e.value.lines[0].startswith(f"{path}:4:5: sweep.vary.{OPEN}: '0:1:0': the count")


def test_vary_probes() -> None:
    assert Vary("p", bounds=(0, 1)).probes() == [0, 1]
    assert Vary("p", levels=(1, 2, 3)).probes() == [1, 3]  # numeric bounds are intervals: the ends decide
    assert Vary("p", levels=tuple(range(10_000))).probes() == [0, 9999]
    with_nan = Vary("p", levels=(0.5, float("nan"), 0.2, 0.9)).probes()
    assert with_nan[:2] == [0.2, 0.9] and math.isnan(with_nan[2])  # non-finite levels are always probed
    assert Vary("p", levels=("a", "b", "c")).probes() == ["a", "b", "c"]
    assert Vary("p", levels=(1, "x", 3)).probes() == [1, "x", 3]


def test_sweep_file_colon_values_are_not_base_60(tmp_path: Path) -> None:
    """YAML 1.1 reads an unquoted 1:8 as 68; a sweep file means the range 1:8."""
    path = _write(tmp_path, f"scenario: sc.yaml\nsweep:\n  vary:\n    {PAT}: 1:8\n    {OPEN}: '0:1:3'\n"
                            "  design: lhs\n  samples: 3\n")
    sf = load_sweep(path)
    assert sf.vary[0].bounds == (1, 8) and sf.vary[1].levels == (0.0, 0.5, 1.0)

"""Sobol and Morris designs (SALib): sizes, values inside the ranges, default ranges, located requirement errors."""

from __future__ import annotations

import argparse

import pytest

import scenarios
from analysis.sweep.designs import DesignError, Vary, expand_defaults, make_design, parse_vary
from analysis.sweep.plan import read_source, sweep_plan
from dipsim.commands import sweep
from sim.ranges import plausible_ranges
from sim.yamlio import read_yaml

BASE = scenarios.builtin()


def _vary() -> list[Vary]:
    return [Vary("a", bounds=(0.0, 2.0)), Vary("n", bounds=(1, 8)), Vary("s", levels=("x", "y", "z"))]


def test_sobol_design_has_saltelli_size_and_values_inside_ranges():
    d = make_design(_vary(), "sobol", 64, seed=3)
    assert len(d.points) == 64 * (3 + 2)
    assert all(0.0 <= p["a"] <= 2.0 and p["n"] in range(1, 9) and p["s"] in ("x", "y", "z") for p in d.points)
    assert {p["s"] for p in d.points} == {"x", "y", "z"} and {p["n"] for p in d.points} == set(range(1, 9))
    assert make_design(_vary(), "sobol", 64, seed=3).points == d.points  # seeded
    assert make_design(_vary(), "sobol", 64, seed=4).points != d.points


def test_morris_design_has_trajectories_and_keeps_its_unit_matrix():
    d = make_design(_vary(), "morris", 10, seed=1, levels=4)
    assert len(d.points) == 10 * (3 + 1)
    m = d.manifest()
    assert m["kind"] == "morris" and m["levels"] == 4 and len(m["unit"]) == len(d.points)
    assert {round(x, 6) for row in m["unit"] for x in row} <= {0.0, round(1 / 3, 6), round(2 / 3, 6), 1.0}
    # consecutive rows of a trajectory differ in exactly one factor
    assert all(sum(a != b for a, b in zip(m["unit"][k], m["unit"][k + 1], strict=True)) == 1
               for t in range(10) for k in range(t * 4, t * 4 + 3))


@pytest.mark.parametrize("kind, samples, levels, words", [
    ("sobol", 100, None, "--samples 100: Saltelli's Sobol design needs a power of two, e.g. 64 or 128"),
    ("sobol", None, None, "--design sobol: needs samples"),
    ("morris", 10, 3, "--levels 3: Morris levels must be an even number"),
    ("morris", 1, None, "--samples 1: a Morris design needs at least 2 trajectories"),
    ("sobol", 64, 4, "--levels 4: only used by a morris design"),
    ("grid", None, 4, "--levels 4: only used by --design morris"),
])
def test_design_requirements_are_checked(kind, samples, levels, words):
    vary = _vary() if kind != "grid" else [Vary("s", levels=("x", "y"))]
    with pytest.raises(DesignError) as e:
        make_design(vary, kind, samples, levels=levels)
    assert any(words in line for line in e.value.lines), e.value.lines


def test_star_stands_for_every_plausible_range_and_explicit_entries_win():
    data = read_yaml(BASE).data
    vary = [parse_vary("dynamics.*"), parse_vary("dynamics.trust_loss=0.1:0.2")]
    out = expand_defaults(vary, data)
    ranges = plausible_ranges()
    assert sorted(v.path for v in out) == sorted(ranges)  # each path once
    by_path = {v.path: v.bounds for v in out}
    assert by_path.pop("dynamics.trust_loss") == (0.1, 0.2)
    assert all(b == ranges[p] for p, b in by_path.items())


def test_sobol_plan_uses_the_same_seeds_at_every_point():
    plan = sweep_plan(read_source(BASE), [parse_vary("channels.UK-Russia.*")], "sobol", 4, 3, root_seed=5)
    seeds = [r.seed for r in plan.runs(range(plan.total))]
    assert len(set(seeds)) == 3 and seeds[:3] * len(plan.points) == seeds
    lhs = sweep_plan(read_source(BASE), [parse_vary("channels.UK-Russia.threshold=0.2:0.6")], "lhs", 4, 3, 5)
    assert len({r.seed for r in lhs.runs(range(lhs.total))}) == lhs.total  # other designs: a stream per run


def _plan_args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    sweep.register(parser.add_subparsers())
    return parser.parse_args(["sweep", *argv])


def test_sweep_file_requirements_are_located_in_the_file(tmp_path):
    f = tmp_path / "gsa.yaml"
    f.write_text(f"scenario: {BASE}\nsweep:\n  vary:\n    dynamics: default-ranges\n  design: sobol\n"
                 "  samples: 100\n  seeds: 2\n", encoding="utf-8")
    with pytest.raises(DesignError) as e:
        sweep._plan(_plan_args(str(f)))
    assert e.value.lines == [f"{f}:6:3: sweep.samples: 100: Saltelli's Sobol design needs a power of two, "
                             "e.g. 64 or 128"]
    plan, _ = sweep._plan(_plan_args(str(f), "--samples", "8"))  # the flag overrides the file
    assert plan.design["kind"] == "sobol" and len(plan.points) == 8 * (len(plausible_ranges()) + 2)


def test_bad_prefix_is_a_located_design_error():
    with pytest.raises(DesignError) as e:
        expand_defaults([parse_vary("dynamics.trust_loss.*")], read_yaml(BASE).data)
    assert e.value.lines[0].startswith("--vary dynamics.trust_loss.*: ") and "single value" in e.value.lines[0]

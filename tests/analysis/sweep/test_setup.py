"""Sweep setup: one root-seed rule (request, else sweep file, else scenario), flags over sweep files, workers."""

from __future__ import annotations

from pathlib import Path

import pytest

import scenarios
from analysis.sweep.designs import DesignError
from analysis.sweep.setup import COMPARE_SEEDS, SWEEP_SEEDS, Request, new_compare, new_sweep, workers_of

BASE = scenarios.builtin()
SWEEP_FILE = BASE.parent / "sweeps" / "openness_patience.yaml"  # seed: 1, seeds: 50, 6 x 4 points
OPEN = "actors.UK.strategy.openness=0,1"


def test_root_seed_is_the_request_then_the_sweep_file_then_the_scenario(tmp_path: Path) -> None:
    assert new_sweep(BASE, Request(vary=[OPEN], out=str(tmp_path)))[0].root_seed == 7  # article_baseline: seed 7
    assert new_sweep(SWEEP_FILE, Request())[0].root_seed == 1
    assert new_sweep(SWEEP_FILE, Request(seed=0))[0].root_seed == 0
    bare = tmp_path / "bare.yaml"
    bare.write_text("\n".join(line for line in BASE.read_text().splitlines() if not line.startswith("seed:")))
    assert new_sweep(bare, Request(vary=[OPEN]))[0].root_seed == 0
    assert new_compare([bare, BASE], Request())[0].root_seed == 0  # the first scenario's seed
    assert new_compare([BASE, bare], Request())[0].root_seed == 7


def test_flags_override_a_sweep_file() -> None:
    plan, _ = new_sweep(SWEEP_FILE, Request())
    assert (len(plan.points), plan.seeds) == (24, 50)
    plan, _ = new_sweep(SWEEP_FILE, Request(vary=["actors.UK.strategy.openness=0.5"], seeds=3))
    assert (len(plan.points), plan.seeds) == (4, 3)


def test_defaults_and_bad_counts(tmp_path: Path) -> None:
    assert new_sweep(BASE, Request(vary=[OPEN]))[0].seeds == SWEEP_SEEDS
    assert new_compare([BASE], Request())[0].seeds == COMPARE_SEEDS
    with pytest.raises(DesignError, match="--seeds 0"):
        new_sweep(BASE, Request(vary=[OPEN], seeds=0))


def test_a_short_sweep_runs_in_one_process_unless_workers_are_given() -> None:
    plan, _ = new_sweep(BASE, Request(vary=[OPEN], seeds=2))
    assert workers_of(Request(), plan) == 1
    assert workers_of(Request(workers=3), plan) == 3
    assert workers_of(Request(backend="dask"), plan) is None

"""Large plans: counted before planning, planned lazily (a 10^7-run grid holds its levels, not its points)."""

from __future__ import annotations

import itertools
import json
import tracemalloc

import pytest

import scenarios
from analysis.sweep.designs import GridPoints, parse_vary
from analysis.sweep.limits import check_runs, design_points
from analysis.sweep.plan import Plan, read_source, sweep_plan
from sim.limits import LimitError, use

UK, EU = "actors.UK.strategy.openness", "actors.EU.strategy.openness"


def test_grid_points_are_the_product_in_order() -> None:
    levels = [(0, 1, 2), ("a", "b"), (0.5,)]
    lazy = GridPoints(["x", "y", "z"], levels)
    eager = [dict(zip("xyz", combo, strict=True)) for combo in itertools.product(*levels)]
    assert len(lazy) == 6 and lazy == eager and lazy[-1] == eager[-1] and lazy[1:3] == eager[1:3]
    with pytest.raises(IndexError):
        lazy[6]
    assert GridPoints.from_json(json.loads(json.dumps(lazy.to_json()))) == lazy
    assert GridPoints([], []) == [{}]


def test_counting_needs_no_points() -> None:
    vary = [parse_vary(f"{UK}=0:1:10000"), parse_vary(f"{EU}=0:1:1000")]
    assert design_points(vary, "grid", None) == 10_000_000
    assert design_points(vary, "lhs", 50) == 50
    assert check_runs(10_000_000, 1) == 10_000_000
    with pytest.raises(LimitError, match="10000000 points × 2 seeds = 20000000 runs"):
        check_runs(10_000_000, 2)
    use(runs=20_000_000)
    try:
        assert check_runs(10_000_000, 2) == 20_000_000
    finally:
        use()


def test_a_ten_million_run_grid_is_planned_lazily() -> None:
    """Defect 4: planning this grid reached 8.6 GB before anything ran."""
    source = read_source(scenarios.builtin())
    vary = [parse_vary(f"{UK}=0:1:10000"), parse_vary(f"{EU}=0:1:1000")]
    tracemalloc.start()
    plan = sweep_plan(source, vary, "grid", None, 1, 7, 1024)
    saved = json.dumps(plan.to_json())
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert plan.total == 10_000_000 and plan.n_batches == 9766
    assert peak < 64 * 2**20, peak
    assert len(saved) < 2**20  # plan.json holds the levels, not ten million points
    again = Plan.from_json(json.loads(saved))
    last = again.task(again.n_batches - 1).runs[-1]
    assert last.run_id == 9_999_999 and last.point == {UK: 1.0, EU: 1.0}
    assert again.task(0).runs[1].point == {UK: 0.0, EU: pytest.approx(1 / 999)}
    assert again.vary_kinds == {UK: "float", EU: "float"}

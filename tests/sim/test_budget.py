"""The memory estimate refuses a batch that cannot fit before anything is built, and says how much it needs."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from sim.budget import check_memory, per_run_bytes
from sim.engine import Engine
from sim.limits import LimitError
from sim.loader import load_scenario, load_scenario_text

SMALL = Path(__file__).resolve().parents[1] / "fixtures" / "valid" / "small.yaml"
HUGE_POPULATION = """name: crowd
rounds: 1000
population: {count: 30000, issues: 100}
"""


def test_a_population_too_large_for_the_machine_is_refused_before_building(monkeypatch) -> None:
    monkeypatch.setenv("DIPSIM_MAX_MEMORY", str(16 * 10**9))  # whatever this machine has: 16 GB is not enough
    sc = load_scenario_text(HUGE_POPULATION)
    tracemalloc.start()
    with pytest.raises(LimitError) as info:
        Engine(sc, [0], record=False)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    message = str(info.value)
    assert "one run of 30000 actors × 100 issues × 1000 rounds needs about" in message
    assert "more than the 16.0 GB of memory available" in message and "DIPSIM_MAX_MEMORY" in message
    assert "\n" not in message
    assert peak < 100 * 2**20  # refused before any actors × actors array exists


def test_estimate_grows_with_actors_squared_and_with_recording() -> None:
    small, big = per_run_bytes(10, 2, 50, False), per_run_bytes(100, 2, 50, False)
    assert 80 < big / small < 120
    assert per_run_bytes(10, 2, 50, True) > per_run_bytes(10, 2, 50, False)
    assert per_run_bytes(10, 2, 500, True) > per_run_bytes(10, 2, 50, True)


def test_batch_refusal_says_how_many_runs_fit(monkeypatch) -> None:
    one = per_run_bytes(5, 3, 30, False)
    monkeypatch.setenv("DIPSIM_MAX_MEMORY", str(one * 10))
    with pytest.raises(LimitError, match=r"a batch of 100 runs .* at most 10 runs per batch fit \(--batch-size N\)"):
        check_memory(5, 3, 30, 100, False)
    check_memory(5, 3, 30, 10, False)  # fits: no error


def test_ordinary_scenarios_fit() -> None:
    Engine(load_scenario(SMALL), list(range(64)), record=True)

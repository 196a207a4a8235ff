"""benchmarks.dashboard runs end to end on a small population (its figures are timings: not asserted here)."""

from __future__ import annotations

from pathlib import Path

from benchmarks import dashboard as B


def test_steps_and_command_report_each_measure(tmp_path: Path) -> None:
    steps = B.steps(tmp_path / "steps", 20, 30)
    assert set(steps) == {"imports", "simulation", "tables", "dashboard", "peak_mib", "page_mb"}
    assert all(v > 0 for v in steps.values())
    assert (tmp_path / "steps" / "dashboard.html").is_file()
    whole = B.command(tmp_path / "run", 20, 30)
    assert whole["wall"] > 0 and whole["peak_mib"] > 0
    assert (tmp_path / "run" / "rounds.parquet").is_file() and (tmp_path / "run" / "dashboard.html").is_file()

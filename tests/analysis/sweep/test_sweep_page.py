"""The sweep's page as `dipsim sweep` draws it: from the columns it shows, warmed on the first part, drawn aside."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import scenarios
from analysis.dashboard import SWEEP_UNSHOWN, read_table, sweep_page
from analysis.sweep.backends import SerialBackend
from analysis.sweep.designs import parse_vary
from analysis.sweep.execute import dashboard_problem, execute, start, warm_dashboard
from analysis.sweep.plan import read_source, sweep_plan


def _sweep(out: Path) -> None:
    plan = sweep_plan(read_source(scenarios.builtin()), [parse_vary("actors.UK.strategy.openness=0:1:3")], "grid",
                      None, 4, 3, 5)
    start(plan, out)
    execute(plan, out, SerialBackend(), progress=False)


def test_the_page_reads_only_what_it_shows_and_the_warm_up_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "s"
    _sweep(out)
    shown = read_table(out, "runs", skip=SWEEP_UNSHOWN)
    whole = pd.read_parquet(out / "runs.parquet")
    assert list(shown.columns) == [c for c in whole.columns if c not in ("run_id", "seed")]
    pd.testing.assert_frame_equal(shown, whole.drop(columns=["run_id", "seed"]))
    warm_dashboard()  # imports and draws a throw-away figure, writes nothing
    assert not (out / "dashboard.html").exists()
    assert dashboard_problem(out, "inline") is None
    page = (out / "dashboard.html").read_text(encoding="utf-8")
    assert "actors.UK.strategy.openness" in page
    assert sweep_page(out, ("", ""), whole.iloc[:2]) != sweep_page(out, ("", ""))  # given runs are drawn instead


def test_a_failing_page_is_a_warning_line_not_a_crash(tmp_path: Path) -> None:
    out = tmp_path / "s"
    _sweep(out)
    (out / "manifest.json").write_text("{not json", encoding="utf-8")
    problem = dashboard_problem(out)
    assert problem is not None and problem.startswith("warning: dashboard not written: DashboardError")
    assert not (out / "dashboard.html").exists()

"""Sensitivity and discovery figures: ranked bars with intervals per outcome, the peeling trajectory, the hook."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis.dashboard import sweep_page
from tests.analysis.figspec import peeling_figure, ranked_figure

RESULT = pd.DataFrame({
    "outcome": ["life"] * 4 + ["trust"] * 4,
    "parameter": ["p", "p", "q", "q"] * 2,
    "method": "sobol",
    "index": ["ST", "S1"] * 4,
    "value": [0.6, 0.4, 0.1, 0.05, 0.2, 0.1, 0.5, 0.3],
    "lo": [0.5, 0.3, 0.05, 0.0, 0.1, 0.0, 0.4, 0.2],
    "hi": [0.7, 0.5, 0.15, 0.1, 0.3, 0.2, 0.6, 0.4],
    "rank": [1, 1, 2, 2, 2, 2, 1, 1],
})
FOUND = {"where": "life >= 10", "chosen": 1, "lines": ["life >= 10 in 90 % of runs where p ≥ 4"],
         "trajectory": [{"coverage": 1.0, "density": 0.3, "mass": 1.0, "restricted": 0},
                        {"coverage": 0.6, "density": 0.9, "mass": 0.2, "restricted": 1}]}


def test_ranked_figure_orders_bars_and_carries_intervals_per_outcome():
    fig = ranked_figure(RESULT)
    assert len(fig.data) == 4 and [t.visible for t in fig.data] == [True, True, False, False]
    st_life = fig.data[0]
    assert list(st_life.y) == ["q", "p"]  # highest S_T at the top of a horizontal bar chart
    assert list(st_life.x) == [0.1, 0.6]
    assert list(st_life.error_x.array) == pytest.approx([0.05, 0.1])
    assert list(st_life.error_x.arrayminus) == pytest.approx([0.05, 0.1])
    assert list(fig.data[2].y) == ["p", "q"]  # the second outcome ranks q first
    assert [b.label for b in fig.layout.updatemenus[0].buttons] == ["life", "trust"]


def test_peeling_figure_marks_the_chosen_box():
    fig = peeling_figure(FOUND)
    assert list(fig.data[0].x) == [1.0, 0.6] and list(fig.data[1].x) == [0.6] and list(fig.data[1].y) == [0.9]


def test_sweep_dashboard_shows_saved_sensitivity_and_discovery(sweep_dir):
    before = sweep_page(sweep_dir)
    assert "fig-sensitivity" not in before and "fig-peeling" not in before
    RESULT.to_parquet(sweep_dir / "sensitivity.parquet", index=False)
    (sweep_dir / "discovery.json").write_text(json.dumps(FOUND), encoding="utf-8")
    page = sweep_page(sweep_dir)
    assert "What decides the outcomes (sensitivity)" in page and "fig-sensitivity" in page
    assert "Where it happens (scenario discovery)" in page and "fig-peeling" in page
    assert "life &gt;= 10 in 90 % of runs where p ≥ 4" in page

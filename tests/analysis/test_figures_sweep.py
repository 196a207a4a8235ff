"""Sweep figures on small tables: parameter/outcome detection, statistics, traces, menus, survival heatmaps (each
figure checked to be what plotly's validation would make of it: ``figspec``)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.columns import Columns
from analysis.dashboard import read_runs
from analysis.figures import sweep as S
from analysis.figures.common import outcome_order, outcome_unit, txt, wilson
from tests.analysis import figspec as V

OPEN, PAT, SPEAK = "actors.UK.strategy.openness", "channels.UK-Russia.patience", "actors.UK.strategy.speaking"


def load(d: Path) -> tuple[dict, Columns]:
    return json.loads((d / "manifest.json").read_text()), read_runs(d)


def frame(stats: Columns) -> pd.DataFrame:
    """``stats_by``'s columns as the frame the pandas version returned."""
    return pd.DataFrame({c: stats[c] for c in stats.columns})


def test_parameters_outcomes_and_channels(sweep_dir: Path) -> None:
    manifest, runs = load(sweep_dir)
    params = S.parameters(manifest, runs)
    assert params == [OPEN, PAT]
    outs = S.outcomes(runs, params)
    assert "run_id" not in outs and "seed" not in outs and OPEN not in outs
    assert outs[:2] == ["UK-Russia:lifetime", "EU-Russia:lifetime"]
    assert {"agreement", "agreement_round", "polarization", "trust:Russia->UK"} <= set(outs)
    assert S.channels(runs) == ["UK-Russia", "EU-Russia"]


def test_stats_by_level_median_and_rate() -> None:
    runs = Columns({"p": np.array([0, 0, 0, 1, 1, 1]), "life": np.array([1, 2, 3, 10, 20, 30]),
                    "ok": np.array([True, False, False, True, True, True])})
    s = frame(S.stats_by(runs, "p", "life")).set_index("x")
    assert s.loc[0, "median"] == 2 and s.loc[1, "median"] == 20
    assert s.loc[1, "q25"] == 15 and s.loc[1, "q75"] == 25
    r = frame(S.stats_by(runs, "p", "ok")).set_index("x")
    assert r.loc[0, "median"] == pytest.approx(1 / 3)
    assert (r.loc[0, "q25"], r.loc[0, "q75"]) == pytest.approx(wilson(1, 3))


def test_lhs_parameter_is_binned(lhs_sweep_dir: Path) -> None:
    _, runs = load(lhs_sweep_dir)
    assert S.distinct_count(runs[OPEN]) > S.MAX_LEVELS
    assert S.distinct_count(S.levels(runs[OPEN])) <= S.BINS
    assert S.distinct_count(S.levels(runs[SPEAK])) == 3


def test_outcome_vs_parameter_menu_and_axes(sweep_dir: Path) -> None:
    manifest, runs = load(sweep_dir)
    outs = S.outcomes(runs, S.parameters(manifest, runs))
    fig = V.outcome_vs_parameter(runs, OPEN, outs)
    visible = [t for t in fig.data if t.visible]
    assert [t.name for t in visible] == ["5-95 % of runs", "interquartile range", "median"]
    assert fig.layout.xaxis.title.text == OPEN
    assert fig.layout.yaxis.title.text == "UK-Russia channel lifetime (rounds open)"
    buttons = fig.layout.updatemenus[0].buttons
    assert [b.label for b in buttons] == [txt(o) for o in outs]
    agreement = buttons[outs.index("agreement")]
    shown = [t.name for t, v in zip(fig.data, agreement.args[0]["visible"], strict=True) if v]
    assert shown == ["95 % interval", "share of runs"]
    assert agreement.args[1]["yaxis.title.text"] == "agreement (share of runs)"
    median = visible[-1]
    assert list(median.x) == [0.0, 0.5, 1.0]
    expected = np.median(runs["UK-Russia:lifetime"][runs[OPEN] == 0.5])
    assert median.y[1] == expected


def test_categorical_parameter_uses_error_bars(lhs_sweep_dir: Path) -> None:
    manifest, runs = load(lhs_sweep_dir)
    fig = V.outcome_vs_parameter(runs, SPEAK, ["UK-Russia:lifetime"])
    assert len(fig.data) == 1 and fig.data[0].error_y.array is not None
    assert set(fig.data[0].x) == {"respectful", "assertive", "ultimatum"}
    assert not fig.layout.updatemenus  # one outcome: no menu


def test_survival_heatmap_values(sweep_dir: Path) -> None:
    manifest, runs = load(sweep_dir)
    figs = V.survival_heatmaps(runs, S.parameters(manifest, runs))
    assert len(figs) == 1
    fig = figs[0]
    assert len(fig.data) == 2  # one per back channel, switched by a menu
    heat = fig.data[0]
    assert list(heat.x) == ["0", "0.5", "1"] and list(heat.y) == ["1", "3", "5"]
    d = runs.where((runs[OPEN] == 1.0) & (runs[PAT] == 5))
    assert heat.z[2][2] == pytest.approx(1 - d["UK-Russia:collapsed"].mean())
    assert fig.layout.xaxis.title.text == OPEN and fig.layout.yaxis.title.text == PAT
    assert S.survival_heatmaps(runs, [OPEN]) == []
    none = V.survival_heatmap(Columns({OPEN: runs[OPEN], PAT: runs[PAT]}), OPEN, PAT, ["UK-Russia"])
    assert none.layout.annotations[0].text == "no back channels in this sweep"


def test_distributions_and_parallel(lhs_sweep_dir: Path) -> None:
    manifest, runs = load(lhs_sweep_dir)
    fig = V.distributions_figure(runs)
    assert [t.type for t in fig.data] == ["histogram", "histogram", "scatter"]
    assert fig.layout.xaxis.title.text == "lifetime (rounds open)"
    assert fig.layout.xaxis2.title.text == "round of agreement (rounds)"
    agreed = (~np.isnan(runs["agreement_round"])).sum()
    assert fig.data[2].y[-1] == pytest.approx(agreed / len(runs))
    par = V.parallel_figure(runs, S.parameters(manifest, runs), "UK-Russia:lifetime")
    dims = par.data[0].dimensions
    assert [d.label for d in dims] == [OPEN, PAT, SPEAK, "UK-Russia:lifetime"]
    assert list(dims[2].ticktext) == ["assertive", "respectful", "ultimatum"]


def test_outcome_units_and_order() -> None:
    assert outcome_unit("UK-Russia:lifetime") == "UK-Russia channel lifetime (rounds open)"
    assert outcome_unit("trust:Russia->UK") == "final trust Russia → UK (0-1)"
    assert outcome_order(["trust:a->b", "agreement", "x", "A-B:collapsed", "A-B:lifetime"]) == [
        "A-B:lifetime", "A-B:collapsed", "agreement", "trust:a->b", "x"]
    lo, hi = wilson(0, 10)
    assert lo == 0 and 0 < hi < 0.35
    assert np.isnan(wilson(0, 0)[0])

"""Compare figures and sentences on small tables."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from analysis.figures import compare as C
from analysis.figures.common import PALETTE


def table() -> pd.DataFrame:
    rows = []
    for seed, (a, b) in enumerate([(5, 36), (4, 30), (6, 40)]):
        rows.append({"run_id": seed, "seed": seed, "scenario": "baseline", "UK-Russia:lifetime": a,
                     "UK-Russia:collapsed": True, "agreement": seed == 0, "trust:Russia->UK": 0.1})
        rows.append({"run_id": seed + 3, "seed": seed, "scenario": "UK listens", "UK-Russia:lifetime": b,
                     "UK-Russia:collapsed": seed == 0, "agreement": True, "trust:Russia->UK": 0.55})
    return pd.DataFrame(rows)


def test_difference_in_medians_is_stated() -> None:
    runs = table()
    lines = C.differences(runs, ["baseline", "UK listens"], C.key_outcomes(runs))
    assert lines[0] == "UK listens vs baseline: median UK-Russia lifetime 36 vs 5 rounds (+31)"
    assert "UK listens vs baseline: UK-Russia collapsed in 33% vs 100% of runs (-67 points)" in lines
    assert "UK listens vs baseline: agreement in 100% vs 33% of runs (+67 points)" in lines
    assert "UK listens vs baseline: median final trust Russia → UK 0.55 vs 0.10 (+0.45)" in lines


def test_scenario_order_from_manifest(compare_dir: Path) -> None:
    manifest = json.loads((compare_dir / "manifest.json").read_text())
    runs = pd.read_parquet(compare_dir / "runs.parquet")
    assert C.scenario_names(manifest, runs) == ["baseline", "UK listens"]
    assert C.scenario_names({}, runs) == ["baseline", "UK listens"]


def test_distribution_figure_side_by_side_with_menu() -> None:
    runs = table()
    outs = ["UK-Russia:lifetime", "trust:Russia->UK"]
    fig = C.distribution_figure(runs, ["baseline", "UK listens"], outs)
    assert [t.type for t in fig.data] == ["violin"] * 4
    assert [t.name for t in fig.data if t.visible] == ["baseline", "UK listens"]
    assert [t.line.color for t in fig.data[:2]] == list(PALETTE[:2])  # colour per scenario
    assert fig.layout.yaxis.title.text == "UK-Russia channel lifetime (rounds open)"
    assert [b.label for b in fig.layout.updatemenus[0].buttons] == ["UK-Russia:lifetime", "trust:Russia-&gt;UK"]
    assert list(fig.data[1].y) == [36, 30, 40]


def test_rates_and_ecdf() -> None:
    runs = table()
    fig = C.rates_figure(runs, ["baseline", "UK listens"], ["UK-Russia:collapsed", "agreement"])
    assert [t.name for t in fig.data] == ["baseline", "UK listens"]
    assert list(fig.data[0].y) == pytest.approx([1.0, 1 / 3])
    assert fig.layout.yaxis.title.text == "share of runs (95 % interval)"
    ecdf = C.ecdf_figure(runs, ["baseline", "UK listens"], ["UK-Russia:lifetime"])
    assert list(ecdf.data[0].x) == [4, 5, 6] and list(ecdf.data[0].y) == pytest.approx([1 / 3, 2 / 3, 1])
    assert ecdf.layout.xaxis.title.text == "UK-Russia channel lifetime (rounds open)"


def test_median_table() -> None:
    runs = table()
    t = C.median_table(runs, ["baseline", "UK listens"], ["UK-Russia:lifetime", "agreement"])
    assert t.columns.tolist() == ["outcome", "baseline", "UK listens"]
    assert t.iloc[0].tolist() == ["UK-Russia channel lifetime (rounds open) (median)", 5.0, 36.0]
    assert t.iloc[1].tolist() == ["agreement (share of runs) (rate)", "33% of 3 runs", "100% of 3 runs"]


def test_median_table_rates_say_how_many_runs_and_leave_gaps_empty() -> None:
    runs = table()
    runs["UK-Russia:collapsed"] = pd.Series([True, None, False, None, True, None], dtype=object)
    t = C.median_table(runs, ["baseline", "UK listens"], ["UK-Russia:collapsed"])
    assert t.iloc[0].tolist() == ["UK-Russia channel collapsed (share of runs) (rate)", "67% of 3 runs", None]


def test_channel_missing_in_one_scenario() -> None:
    """A scenario without the back channel has gaps (None) in its columns, as the sweep writer types them."""
    runs = table()
    runs["UK-Russia:collapsed"] = pd.Series([True, None, True, None, True, None], dtype=object)
    runs.loc[runs["scenario"] == "UK listens", "UK-Russia:lifetime"] = float("nan")
    outs = ["UK-Russia:lifetime", "UK-Russia:collapsed", "agreement"]
    lines = C.differences(runs, ["baseline", "UK listens"], outs)
    assert lines == ["UK listens vs baseline: agreement in 100% vs 33% of runs (+67 points)"]  # no n/a lines
    assert C.not_compared(runs, ["baseline", "UK listens"], outs) == outs[:2]
    fig = C.rates_figure(runs, ["baseline", "UK listens"], ["UK-Russia:collapsed"])
    assert fig.data[0].y[0] == 1.0


def test_short_names() -> None:
    full = ["UK-Russia back channel (baseline)", "UK-Russia back channel (the UK listens)"]
    assert C.short_names(full) == dict(zip(full, ["baseline", "the UK listens"], strict=True))
    assert C.short_names(["baseline", "UK listens"]) == {"baseline": "baseline", "UK listens": "UK listens"}
    assert C.short_names(["a1", "a2"]) == {"a1": "a1", "a2": "a2"}

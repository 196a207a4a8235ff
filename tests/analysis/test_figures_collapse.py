"""Why channels collapsed: shares of runs by who did not listen, stacked per parameter level or scenario."""

from __future__ import annotations

import numpy as np

from analysis.arrow import objects
from analysis.columns import Columns
from analysis.figures import collapse as W
from tests.analysis import figspec as V


def _runs(**extra: list) -> Columns:
    columns = {
        "p": [0, 0, 0, 0, 1, 1, 1, 1],
        "UK-Russia:did_not_listen": ["UK", "UK", "both", None, "Russia", None, None, None],
        "UK-Russia:opened": [3, 3, 3, 3, 3, 3, np.nan, np.nan],
        "EU-Russia:did_not_listen": [None] * 8,  # never collapsed anywhere: no figure for it
        **extra,
    }
    return Columns({k: np.array(v) if k in ("p", "UK-Russia:opened") else objects(v) for k, v in columns.items()})


def test_shares_per_level_sum_to_one_and_tell_unopened_from_surviving() -> None:
    runs = _runs()
    assert W.channels(runs) == ["UK-Russia"]
    table = W.shares(runs, runs["p"], "UK-Russia")
    assert table.who == ["UK", "Russia", "both", W.NEVER, W.UNOPENED]
    assert table.levels == [0, 1] and table.runs.tolist() == [4, 4]
    np.testing.assert_allclose(table.share.sum(axis=1), 1.0)
    assert dict(zip(table.who, table.share[0].tolist(), strict=True)) == {
        "UK": 0.5, "Russia": 0.0, "both": 0.25, W.NEVER: 0.25, W.UNOPENED: 0.0}
    assert dict(zip(table.who, table.share[1].tolist(), strict=True)) == {
        "UK": 0.0, "Russia": 0.25, "both": 0.0, W.NEVER: 0.25, W.UNOPENED: 0.5}


def test_figure_stacks_one_channel_at_a_time() -> None:
    runs = _runs(**{"EU-Russia:did_not_listen": ["EU"] + [None] * 7})
    fig = V.who_figure(runs, runs["p"], "p")
    assert fig.layout.barmode == "stack" and fig.layout.yaxis.tickformat == ".0%"
    names = [t.name for t in fig.data if t.visible]
    assert names == ["UK did not listen", "Russia did not listen", "both did not listen", W.NEVER, W.UNOPENED]
    assert [b.label for b in fig.layout.updatemenus[0].buttons] == ["UK-Russia", "EU-Russia"]
    assert list(fig.data[0].customdata) == [4, 4]  # runs per level, for the hover text


def test_scenario_order_is_kept() -> None:
    runs = _runs(scenario=["b"] * 4 + ["a"] * 4)
    fig = V.who_figure(runs, runs["scenario"], "scenario", ["b", "a"])
    assert list(fig.data[0].x) == ["b", "a"]

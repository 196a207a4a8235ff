"""Why channels collapsed: shares of runs by who did not listen, stacked per parameter level or scenario."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.figures import collapse as W


def _runs() -> pd.DataFrame:
    return pd.DataFrame({
        "p": [0, 0, 0, 0, 1, 1, 1, 1],
        "UK-Russia:did_not_listen": ["UK", "UK", "both", None, "Russia", None, None, None],
        "UK-Russia:opened": [3, 3, 3, 3, 3, 3, np.nan, np.nan],
        "EU-Russia:did_not_listen": [None] * 8,  # never collapsed anywhere: no figure for it
    })


def test_shares_per_level_sum_to_one_and_tell_unopened_from_surviving() -> None:
    runs = _runs()
    assert W.channels(runs) == ["UK-Russia"]
    table = W.shares(runs, runs["p"], "UK-Russia")
    assert list(table.columns) == ["UK", "Russia", "both", W.NEVER, W.UNOPENED]
    np.testing.assert_allclose(table.sum(axis=1), 1.0)
    assert table.loc[0].to_dict() == {"UK": 0.5, "Russia": 0.0, "both": 0.25, W.NEVER: 0.25, W.UNOPENED: 0.0}
    assert table.loc[1].to_dict() == {"UK": 0.0, "Russia": 0.25, "both": 0.0, W.NEVER: 0.25, W.UNOPENED: 0.5}


def test_figure_stacks_one_channel_at_a_time() -> None:
    runs = _runs().assign(**{"EU-Russia:did_not_listen": ["EU"] + [None] * 7})
    fig = W.who_figure(runs, runs["p"], "p")
    assert fig.layout.barmode == "stack" and fig.layout.yaxis.tickformat == ".0%"
    names = [t.name for t in fig.data if t.visible]
    assert names == ["UK did not listen", "Russia did not listen", "both did not listen", W.NEVER, W.UNOPENED]
    assert [b.label for b in fig.layout.updatemenus[0].buttons] == ["UK-Russia", "EU-Russia"]
    assert list(fig.data[0].customdata) == [4, 4]  # runs per level, for the hover text


def test_scenario_order_is_kept() -> None:
    runs = _runs().assign(scenario=["b"] * 4 + ["a"] * 4)
    fig = W.who_figure(runs, runs["scenario"], "scenario", ["b", "a"])
    assert list(fig.data[0].x) == ["b", "a"]

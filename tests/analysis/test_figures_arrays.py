"""Series as arrays and the thinning of long runs: same numbers as the per-round filters they replace."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.figures.arrays import MAX_ROUNDS, pivot, thin, thinned_note
from analysis.figures.positions import BINS, _density
from tests.analysis.figspec import positions_figure


def test_pivot_matches_a_per_round_filter() -> None:
    rng = np.random.default_rng(3)
    rows = pd.DataFrame({"round": np.repeat(np.arange(6), 4), "actor": list("ABCD") * 6,
                         "value": rng.random(24)}).sample(frac=1, random_state=1).iloc[:-3]
    p = pivot(rows, ["actor"])
    for k, (actor,) in enumerate(p.keys):
        for t, r in enumerate(p.rounds):
            d = rows[(rows["round"] == r) & (rows["actor"] == actor)]
            assert p.present[k, t] == (len(d) == 1)
            if len(d):
                assert p.values[k, t] == d["value"].iloc[0]
            else:
                assert np.isnan(p.values[k, t])
    assert [k[0] for k in p.keys] == list(pd.unique(rows["actor"]))


def test_pivot_keeps_the_first_row_of_a_duplicate() -> None:
    rows = pd.DataFrame({"round": [0, 0, 1], "row": ["a", "a", "a"], "state": ["open", "closed", "open"]})
    assert pivot(rows, ["row"], "state").values.tolist() == [["open", "open"]]


def test_thin_keeps_ends_and_bounds_the_count() -> None:
    assert thin(10, 20).tolist() == list(range(10))
    for n in (401, 799, 800, 801, 999, 4001):
        kept = thin(n, MAX_ROUNDS)
        assert kept[0] == 0 and kept[-1] == n - 1 and len(kept) <= MAX_ROUNDS
        assert np.all(np.diff(kept) > 0)
        assert thin(len(kept), MAX_ROUNDS).tolist() == list(range(len(kept)))  # thinning twice changes nothing
    assert thinned_note(MAX_ROUNDS) == ""
    assert "4001 rounds" in thinned_note(4001)


def test_density_is_np_histogram_per_round() -> None:
    rng = np.random.default_rng(0)
    values = np.concatenate([rng.random(300), np.linspace(0, 1, BINS + 1), [0.0, 1.0, 1.2, -0.1]])
    rows = pd.DataFrame({"round": rng.integers(0, 7, len(values)), "value": values})
    z = np.asarray(_density(rows, first=True)["customdata"])
    edges = np.linspace(0.0, 1.0, BINS + 1)
    for j, (_, d) in enumerate(rows.groupby("round", sort=True)):
        counts, _ = np.histogram(np.clip(d["value"].to_numpy(), 0, 1), bins=edges)
        np.testing.assert_allclose(z[:, j], counts / counts.sum())


def test_a_long_run_draws_at_most_max_rounds() -> None:
    n = 1500
    rounds = pd.DataFrame({"round": np.arange(n + 1), "series": "position", "actor": "A", "other": None,
                           "issue": "x", "track": None, "value": np.linspace(0, 1, n + 1), "state": None})
    fig = positions_figure(rounds, {"actors": ["A"], "issues": {"x": {}}, "tracks": []})
    x = list(fig.data[0].x)
    assert len(x) <= MAX_ROUNDS and x[0] == 0 and x[-1] == n


def test_pressure_quantiles_are_pandas_groupby_quantiles_to_the_bit() -> None:
    """The many-actor pressure band: the numbers pandas' groupby quantile gave the figure before, bit for bit."""
    from analysis.columns import Columns
    from analysis.figures.positions import _quantiles

    rng = np.random.default_rng(5)
    rounds = np.repeat(np.arange(40), 37)
    values = rng.random(len(rounds)) ** 3
    values[rng.random(len(values)) < 0.2] = np.nan
    values[rounds == 7] = np.nan  # a round with no value at all
    want = pd.DataFrame({"round": rounds, "value": values}).groupby("round")["value"].quantile([0.05, 0.5, 0.95])
    x, got = _quantiles(Columns({"round": rounds, "value": values}), (0.05, 0.5, 0.95))
    assert x == list(range(40))
    np.testing.assert_array_equal(got, want.unstack().to_numpy().T)

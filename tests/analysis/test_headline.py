"""The lines a finished sweep prints: collapse rates, who did not listen, least and most across a grid, agreement."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis import headline


def _runs(seeds: int = 5) -> pd.DataFrame:
    rows = []
    for openness in (0.0, 0.5, 1.0):
        for k in range(seeds):
            collapsed = k < {0.0: seeds, 0.5: 3, 1.0: 1}[openness]
            rows.append({"actors.UK.strategy.openness": openness, "UK-Russia:collapsed": collapsed,
                         "UK-Russia:lifetime": 4 if collapsed else 52,
                         "UK-Russia:did_not_listen": ("UK" if k % 2 == 0 else "both") if collapsed else None,
                         "agreement": False, "agreement_round": np.nan})
    return pd.DataFrame(rows)


def test_rates_extremes_and_who() -> None:
    lines = headline.sweep_headline(_runs(), ["actors.UK.strategy.openness"])
    assert lines[0] == ("UK-Russia collapsed in 60% of 15 runs (median lifetime 4 rounds); least at "
                        "actors.UK.strategy.openness=1: 20%, most at actors.UK.strategy.openness=0: 100%")
    assert lines[1] == "  who did not listen when it collapsed: UK 67%, both 33%"
    assert lines[2] == "agreement in 0% of 15 runs"


def test_no_extremes_for_few_seeds_many_points_or_no_grid() -> None:
    p = "actors.UK.strategy.openness"
    assert "least at" not in headline.sweep_headline(_runs(seeds=4), [p])[0]  # under MIN_SEEDS runs a point
    assert "least at" not in headline.sweep_headline(_runs(), [])[0]  # not a grid
    many = _runs(seeds=20)
    many[p] = np.repeat(np.linspace(0, 1, 12), 5)  # 12 points of 5 runs each: named
    assert "least at" in headline.sweep_headline(many, [p])[0]
    wide = pd.concat([_runs()] * 17, ignore_index=True)
    wide[p] = np.repeat(np.linspace(0, 1, headline.MAX_POINTS + 1), 5)  # too many points to name one
    assert "least at" not in headline.sweep_headline(wide, [p])[0]


def test_channel_missing_in_some_runs_and_agreement_round() -> None:
    runs = _runs().assign(agreement=[True] * 3 + [False] * 12, agreement_round=[10.0, 12.0, 30.0] + [np.nan] * 12)
    runs["UK-Russia:collapsed"] = runs["UK-Russia:collapsed"].astype("boolean")
    runs.loc[:4, "UK-Russia:collapsed"] = pd.NA  # a scenario without the channel
    lines = headline.sweep_headline(runs, [])
    assert lines[0].startswith("UK-Russia collapsed in 40% of 10 runs")  # 4 of the 10 runs that have it
    assert lines[-1] == "agreement in 20% of 15 runs (median round 12)"


def test_a_rare_side_is_not_shown_as_zero() -> None:
    runs = pd.DataFrame({"A-B:collapsed": [True] * 300, "A-B:did_not_listen": ["A"] * 299 + ["B"]})
    assert headline.sweep_headline(runs, [])[1] == "  who did not listen when it collapsed: A >99%, B <1%"


def test_headline_of_a_saved_table_without_pandas(sweep_dir) -> None:
    """The parent of a sweep prints the headline from runs.parquet without importing pandas (0.5 s), and the lines
    are those of the same table read by pandas."""
    import json
    import subprocess
    import sys

    probe = ("import json, sys; import pyarrow.parquet as pq; from analysis.columns import Columns; "
             "from analysis.headline import sweep_headline; "
             f"t = pq.ParquetFile({str(sweep_dir / 'runs.parquet')!r}).read(); "
             "print(json.dumps([sweep_headline(Columns.from_arrow(t), [P]), 'pandas' in sys.modules]))")
    param = "actors.UK.strategy.openness"
    out = subprocess.run([sys.executable, "-c", probe.replace("[P]", repr([param]))], check=True,
                         capture_output=True, text=True).stdout
    lines, pandas_loaded = json.loads(out)
    assert not pandas_loaded
    assert lines == headline.sweep_headline(pd.read_parquet(sweep_dir / "runs.parquet"), [param])
    assert lines[0].startswith("UK-Russia collapsed in ")

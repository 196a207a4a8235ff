"""The comparison summary: one row per outcome statistic, one column per scenario, in the given order."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.compare import format_table, key_columns, summarize


def _table() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    names = ["baseline"] * 10 + ["listens"] * 10 + ["exposed"] * 10
    return pd.DataFrame({
        "run_id": range(30), "seed": list(range(10)) * 3, "scenario": names,
        "agreement": [False] * 25 + [True] * 5,
        "agreement_round": [np.nan] * 25 + [12.0] * 5,
        "UK-Russia:lifetime": [4] * 10 + [20] * 10 + [2] * 10,
        "UK-Russia:collapsed": [True] * 10 + [False, True] * 5 + [True] * 10,
        "UK-Russia:opened": [3.0] * 30,
        "polarization": rng.random(30),
        "pressure:UK": rng.random(30),
        "trust:Russia->UK": rng.random(30), "trust:UK->Russia": rng.random(30), "trust:UK->EU": rng.random(30),
    })


def test_summary_shape_and_values() -> None:
    s = summarize(_table(), ["listens", "baseline", "exposed"])
    assert list(s.columns) == ["listens", "baseline", "exposed"]
    stats = ["runs", "agreement (rate)", "agreement_round (median)", "UK-Russia:lifetime (median)",
             "UK-Russia:collapsed (rate)", "UK-Russia:opened (median)", "polarization (median)",
             "pressure:UK (median)", "trust:Russia->UK (median)", "trust:UK->Russia (median)",
             "trust:UK->EU (median)"]
    assert list(s.index) == stats
    assert s.loc["runs"].tolist() == [10, 10, 10]
    assert s.loc["UK-Russia:lifetime (median)"].tolist() == [20, 4, 2]
    assert s.loc["UK-Russia:collapsed (rate)"].tolist() == [0.5, 1.0, 1.0]
    assert s.loc["agreement (rate)"].tolist() == [0.0, 0.0, 0.5]
    assert np.isnan(s.loc["agreement_round (median)", "baseline"])


def test_key_columns_and_text() -> None:
    table = _table()
    keys = key_columns(table)
    assert keys == ["agreement", "agreement_round", "UK-Russia:lifetime", "UK-Russia:collapsed", "polarization",
                    "trust:Russia->UK", "trust:UK->Russia"]
    text = format_table(summarize(table, columns=keys)).splitlines()
    assert text[0].split() == ["baseline", "listens", "exposed"]
    assert text[1].split() == ["runs", "10", "10", "10"]
    assert "agreement_round (median)" in text[3] and text[3].split()[-3:] == ["-", "-", "12"]
    assert len(text) == 1 + 1 + len(keys)


def test_flags_with_gaps_are_rates() -> None:
    table = pd.DataFrame({"scenario": ["a", "a", "b"], "X-Y:collapsed": pd.Series([True, False, None], dtype=object)})
    s = summarize(table)
    assert s.loc["X-Y:collapsed (rate)", "a"] == 0.5 and np.isnan(s.loc["X-Y:collapsed (rate)", "b"])


def test_who_did_not_listen_is_summarised_by_shares() -> None:
    table = pd.DataFrame({"scenario": ["a"] * 4 + ["b"] * 2,
                          "X-Y:did_not_listen": ["X", "X", "both", None, None, None]})
    s = summarize(table)
    assert list(s.index) == ["runs", "X-Y:did_not_listen = X (share)", "X-Y:did_not_listen = both (share)"]
    assert s.loc["X-Y:did_not_listen = X (share)", "a"] == 2 / 3
    assert np.isnan(s.loc["X-Y:did_not_listen = X (share)", "b"])  # no collapse in b: no share to give
    assert "X-Y:did_not_listen" in key_columns(table.assign(**{"X-Y:lifetime": 1}))


def test_one_scenario_prints_too() -> None:
    """A comparison of one scenario (a baseline on its own) prints its column."""
    table = _table()
    text = format_table(summarize(table[table["scenario"] == "baseline"], columns=key_columns(table))).splitlines()
    assert text[0].split() == ["baseline"] and text[1].split() == ["runs", "10"]

"""Scenario discovery (PRIM): a planted box is recovered; printed density/coverage equal a pandas filter."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from analysis.discovery import DiscoveryError, describe, discover, parse_where
from dipsim import api
from dipsim.cli import main


def test_prim_recovers_a_planted_box():
    rng = np.random.default_rng(4)
    x = pd.DataFrame(rng.random((4000, 4)), columns=["a", "b", "c", "d"])
    inside = (x.a >= 0.6) & (x.b <= 0.3)
    noise = rng.random(len(x)) < 0.05  # 5 % of labels flipped
    table = x.assign(ok=inside ^ noise)
    found = discover(table, ["a", "b", "c", "d"], parse_where("ok == True", ["ok"]))
    lims = {lim["param"]: lim for lim in found["limits"]}
    assert set(lims) == {"a", "b"}
    assert lims["a"]["min"] == pytest.approx(0.6, abs=0.03) and (lims["a"]["max"] or 1.0) >= 0.9
    assert lims["b"]["max"] == pytest.approx(0.3, abs=0.03) and (lims["b"]["min"] or 0.0) <= 0.1
    assert found["density"] > 0.9  # coverage is capped by the flipped labels outside the box
    found_box = (x.a >= lims["a"]["min"]) & (x.a <= (lims["a"]["max"] or 1)) & (x.b <= lims["b"]["max"]) & (
        x.b >= (lims["b"]["min"] or 0))
    assert (found_box & inside).sum() / (found_box | inside).sum() > 0.8  # overlap with the planted box


@pytest.mark.parametrize("text, column, op, value", [
    ("UK-Russia:collapsed == False", "UK-Russia:collapsed", "==", False),
    ("trust:Russia->UK>0.3", "trust:Russia->UK", ">", 0.3),
    ("UK-Russia:lifetime >= 12", "UK-Russia:lifetime", ">=", 12),
])
def test_where_parses_outcome_names_with_operators_inside(text, column, op, value):
    w = parse_where(text, ["UK-Russia:collapsed", "trust:Russia->UK", "trust:UK->Russia", "UK-Russia:lifetime"])
    assert (w.column, w.op, w.value) == (column, op, value)


@pytest.mark.parametrize("text, words", [("UK-Rusia:lifetime > 3", "did you mean 'UK-Russia:lifetime'"),
                                         ("UK-Russia:lifetime", "write OUTCOME OP VALUE")])
def test_bad_where_says_what_to_write(text, words):
    with pytest.raises(DiscoveryError, match=words):
        parse_where(text, ["UK-Russia:lifetime"])


def test_describe_words_one_and_two_sided_restrictions():
    assert describe({"param": "p", "min": 4.0, "max": None}) == "p ≥ 4"
    assert describe({"param": "p", "min": 0.25, "max": 0.625}) == "0.25 ≤ p ≤ 0.625"
    assert describe({"param": "s", "levels": ["a", "b"]}) == "s in {a, b}"


def _pct(x: float) -> str:
    return f"{int(np.floor(x * 100 + 0.5))} %"


def test_printed_box_equals_a_pandas_filter_of_runs_parquet(tmp_path, capsys):
    out = tmp_path / "lhs"
    vary = {"channels.UK-Russia.patience": (1, 8), "channels.UK-Russia.threshold": (0.2, 0.6),
            "dynamics.reciprocity_memory": (0.1, 0.6), "actors.UK.strategy.openness": (0.0, 1.0)}
    api.sweep("article_baseline", vary=vary, design="lhs", samples=600, seeds=2, seed=3, out=out)
    assert main(["discover", str(out), "--where", "UK-Russia:lifetime >= 10", "--no-dashboard"]) == 0
    printed = capsys.readouterr().out
    found = json.loads((out / "discovery.json").read_text())
    runs = pd.read_parquet(out / "runs.parquet")
    box = pd.Series(True, index=runs.index)
    for lim in found["limits"]:
        if lim["min"] is not None:
            box &= runs[lim["param"]] >= lim["min"]
        if lim["max"] is not None:
            box &= runs[lim["param"]] <= lim["max"]
    cases = runs["UK-Russia:lifetime"] >= 10
    density, coverage = cases[box].mean(), cases[box].sum() / cases.sum()
    assert found["limits"] and found["density"] == pytest.approx(density) and found["coverage"] == pytest.approx(
        coverage)
    m = re.search(r"in (\d+) % of runs where (.*) \(against (\d+) % of all runs\); the box covers (\d+) % of all "
                  r"(\d+) such runs", printed)
    assert m, printed
    assert f"{m.group(1)} %" == _pct(density) and f"{m.group(4)} %" == _pct(coverage)
    assert int(m.group(5)) == int(cases.sum()) and f"{m.group(3)} %" == _pct(cases.mean())
    assert "channels.UK-Russia.patience ≥" in m.group(2)

"""The sweep page's numpy statistics equal the pandas code they replaced (kept here as the reference): quantile
bins, levels, heatmap cells and survival grids, who-did-not-listen shares, per-level statistics, the outcome table.

Tables are random over many fixed seeds, with ties, NaN, nullable booleans, text with gaps, few and many distinct
values, and go through Parquet as a sweep's do (pandas reads them as the old page did, Arrow as the new one does).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from analysis import html as H
from analysis.columns import Columns
from analysis.figures import collapse as W
from analysis.figures import sweep as S
from analysis.figures.common import fmt, is_bool, outcome_order, summarize, wilson
from analysis.figures.tables import outcome_summary
from analysis.headline import rate

SEEDS = range(24)
PARAMS = ("many", "ints", "tied", "few", "flag", "name", "gappy", "maybe", "unnamed")


def _table(seed: int, tmp_path: Path) -> tuple[pd.DataFrame, Columns]:
    """A random runs table as pandas reads it and as the page reads it (both from the same Parquet file)."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(30, 400))
    many = rng.random(n).round(int(rng.integers(1, 4)))  # ties from rounding
    many[rng.random(n) < 0.05] = np.nan
    life = rng.integers(0, 30, n).astype(float)
    life[rng.random(n) < 0.2] = np.nan
    ok = pd.array(rng.random(n) < 0.4, dtype="boolean")
    ok[rng.random(n) < 0.1] = pd.NA
    who = rng.choice(np.array(["UK", "Russia", "both", None], dtype=object), n)
    opened = rng.integers(1, 9, n).astype(float)
    opened[rng.random(n) < 0.15] = np.nan
    name = rng.choice(np.array(["tit_for_tat", "grim_trigger", "b"], dtype=object), n)
    unnamed = name.copy()
    unnamed[rng.random(n) < 0.1] = None  # text with gaps (pandas 3 reads them as NaN)
    maybe = rng.choice(np.array([True, False, None], dtype=object), n)  # yes/no with gaps: an object column
    frame = pd.DataFrame({
        "many": many, "ints": rng.integers(0, int(rng.integers(14, 60)), n),
        "tied": rng.choice(rng.random(int(rng.integers(13, 20))), n, p=None),  # just over MAX_LEVELS values
        "few": rng.choice([0.0, 0.5, 1.0], n), "flag": rng.random(n) < 0.5, "name": name, "unnamed": unnamed,
        "maybe": maybe,
        "gappy": rng.choice(np.linspace(0, 1, 40), n) if seed % 2 else rng.choice([2, 3, 5, 8], n),
        "UK-Russia:lifetime": life, "UK-Russia:collapsed": rng.random(n) < 0.7, "ok": ok,
        "UK-Russia:did_not_listen": who, "UK-Russia:opened": opened, "polarization": rng.random(n),
    })
    path = tmp_path / f"runs-{seed}.parquet"
    frame.to_parquet(path, index=False)
    return pd.read_parquet(path), Columns.from_arrow(pq.ParquetFile(path).read())


# --- the pandas code the page used (the reference) -------------------------------------------------------------


def _numeric(values: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(values) and not is_bool(values)


def ref_levels(values: pd.Series) -> pd.Series:
    if _numeric(values) and values.nunique() > S.MAX_LEVELS:
        return values.groupby(pd.qcut(values, S.BINS, duplicates="drop"), observed=True).transform("median")
    return values.astype(str) if not pd.api.types.is_numeric_dtype(values) else values


def ref_cells(values: pd.Series, bins: int = S.HEAT_BINS) -> tuple[pd.Series, list[str]]:
    if _numeric(values) and values.nunique() > S.MAX_LEVELS:
        cut = pd.qcut(values, bins, duplicates="drop")
        labels = [f"{fmt(iv.left)}-{fmt(iv.right)}" for iv in cut.cat.categories]
        return cut.cat.rename_categories(labels).astype(str), labels
    order = sorted(values.dropna().unique(), key=lambda v: (isinstance(v, str), v))
    return values.map(fmt), [fmt(v) for v in order]


def ref_shares(runs: pd.DataFrame, by: pd.Series, channel: str) -> pd.DataFrame:
    a, _, b = channel.partition("-")
    who = runs[channel + W.SUFFIX].astype(object).where(runs[channel + W.SUFFIX].notna(), W.NEVER)
    if f"{channel}:opened" in runs.columns:
        who = who.where(runs[f"{channel}:opened"].notna(), W.UNOPENED)
    table = pd.crosstab(by.rename("level"), who.rename("who"), normalize="index")
    order = [c for c in (a, b, "both", W.NEVER, W.UNOPENED) if c in table.columns]
    return table[order + [c for c in table.columns if c not in order]]


def ref_survival(runs: pd.DataFrame, px: str, py: str, channel: str) -> tuple[np.ndarray, np.ndarray]:
    (x, xs), (y, ys) = ref_cells(runs[px]), ref_cells(runs[py])
    col = runs[f"{channel}:collapsed"].astype("float")
    surv = (1 - col).groupby([y, x]).mean().unstack().reindex(index=ys, columns=xs)
    n = col.groupby([y, x]).count().unstack().reindex(index=ys, columns=xs).fillna(0)
    return surv.to_numpy(), n.to_numpy()


def ref_summary(runs: pd.DataFrame, outs: list[str]) -> pd.DataFrame:
    rows = []
    for o in outs:
        if is_bool(runs[o]):
            v = runs[o].dropna().astype(bool)
            shown = rate(float(v.mean()), len(v)) if len(v) else None
            rows.append({"outcome": o, "median or rate": shown, "25 %": None, "75 %": None, "runs": len(v)})
        else:
            s = summarize(pd.to_numeric(runs[o], errors="coerce").to_numpy(dtype=float))
            rows.append({"outcome": o, "median or rate": s["median"], "25 %": s["q25"], "75 %": s["q75"],
                         "runs": int(s["n"])})
    return pd.DataFrame(rows, columns=["outcome", "median or rate", "25 %", "75 %", "runs"])


def same(a: list, b: list) -> bool:
    """Equal lists, NaN equal to NaN (and to pandas' missing)."""
    def key(v: object) -> object:
        return "<nan>" if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) else v

    return [key(v) for v in a] == [key(v) for v in b]


# --- the checks ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_qcut_bins_and_interval_ends_equal_pandas(seed: int, tmp_path: Path) -> None:
    frame, runs = _table(seed, tmp_path)
    for param in ("many", "ints", "tied", "gappy", "polarization"):
        for q in (S.HEAT_BINS, S.BINS, 7):
            cut = pd.qcut(frame[param], q, duplicates="drop")
            codes, edges = S.qcut(runs[param], q)
            assert codes.tolist() == cut.cat.codes.tolist(), (param, q)
            ivs = cut.cat.categories
            assert S.breaks(edges) == [*ivs.left.tolist(), ivs.right[-1]], (param, q)


@pytest.mark.parametrize("seed", SEEDS)
def test_outcomes_levels_and_cells_equal_pandas(seed: int, tmp_path: Path) -> None:
    frame, runs = _table(seed, tmp_path)
    assert S.outcomes(runs, PARAMS) == outcome_order(
        c for c in frame.columns if c not in PARAMS and (is_bool(frame[c]) or pd.api.types.is_numeric_dtype(frame[c])))
    for param in PARAMS:
        assert same(S.levels(runs[param]).tolist(), ref_levels(frame[param]).tolist()), param
        labels, order = S.cells(runs[param])
        want, want_order = ref_cells(frame[param])
        assert order == want_order and same(labels.tolist(), want.tolist()), param


@pytest.mark.parametrize("seed", SEEDS)
def test_who_did_not_listen_shares_equal_a_crosstab(seed: int, tmp_path: Path) -> None:
    frame, runs = _table(seed, tmp_path)
    for param in PARAMS:
        got = W.shares(runs, S.levels(runs[param]), "UK-Russia")
        want = ref_shares(frame, ref_levels(frame[param]), "UK-Russia")
        assert got.levels == want.index.tolist() and got.who == want.columns.tolist(), param
        assert np.array_equal(got.share, want.to_numpy())
        counts = ref_levels(frame[param]).value_counts()
        assert got.runs.tolist() == [int(counts[v]) for v in want.index]


@pytest.mark.parametrize("seed", SEEDS)
def test_survival_grids_equal_a_groupby(seed: int, tmp_path: Path) -> None:
    frame, runs = _table(seed, tmp_path)
    frame = frame.assign(**{"UK-Russia:collapsed": frame["ok"]}) if seed % 3 == 0 else frame  # with gaps
    runs = runs.assign(**{"UK-Russia:collapsed": runs["ok"]}) if seed % 3 == 0 else runs
    for px, py in (("many", "ints"), ("few", "tied"), ("name", "flag"), ("gappy", "many"), ("few", "flag"),
                   ("unnamed", "maybe"), ("maybe", "ints")):
        (x, xs), (y, ys) = S.cells(runs[px]), S.cells(runs[py])
        surv, n = S.cell_means(S.grid(y, x, ys, xs), 1 - S.numbers(runs["UK-Russia:collapsed"]))
        want_surv, want_n = ref_survival(frame, px, py, "UK-Russia")
        np.testing.assert_array_equal(surv, want_surv)
        assert n.dtype == want_n.dtype, (px, py)
        np.testing.assert_array_equal(n, want_n)


def _grouped(runs: pd.DataFrame, param: str, outcome: str) -> pd.DataFrame:
    """The per-level statistics as a pandas groupby computes them."""
    rows = []
    for level, d in runs[outcome].groupby(ref_levels(runs[param]), sort=True):
        if is_bool(runs[outcome]):
            vals = d.dropna().astype(bool)
            lo, hi = wilson(float(vals.sum()), float(len(vals)))
            rows.append(dict(x=level, median=float(vals.mean()) if len(vals) else float("nan"), q25=lo, q75=hi,
                             q05=lo, q95=hi, n=len(vals)))
        else:
            rows.append(dict(x=level, **summarize(pd.to_numeric(d, errors="coerce").to_numpy(dtype=float))))
    return pd.DataFrame(rows, columns=["x", "median", "q25", "q75", "q05", "q95", "n"])


@pytest.mark.parametrize("seed", SEEDS)
def test_stats_by_equals_a_groupby_per_level(seed: int, tmp_path: Path) -> None:
    frame, runs = _table(seed, tmp_path)
    for param in PARAMS:
        for outcome in ("UK-Russia:lifetime", "ok", "UK-Russia:collapsed"):
            got = S.stats_by(runs, param, outcome)
            want = _grouped(frame, param, outcome)
            assert got["x"].tolist() == want["x"].tolist(), (param, outcome)
            for c in ("median", "q25", "q75", "q05", "q95", "n"):
                np.testing.assert_array_equal(got[c].astype(float), want[c].to_numpy(dtype=float))


@pytest.mark.parametrize("seed", SEEDS)
def test_outcome_table_shows_what_the_pandas_one_did(seed: int, tmp_path: Path) -> None:
    frame, runs = _table(seed, tmp_path)
    outs = S.outcomes(runs, PARAMS)
    for chosen in (outs, [o for o in outs if is_bool(runs[o])], [o for o in outs if not is_bool(runs[o])], []):
        named = outcome_summary(runs, chosen)
        shown = H.table(named.assign(outcome=np.array(chosen, dtype=object)))
        assert shown == H.table(ref_summary(frame, chosen))

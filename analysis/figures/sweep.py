"""Sweep figures: outcomes against each varied parameter, survival heatmaps, distributions, parallel coordinates.

Tables are ``analysis.columns.Columns`` (named numpy columns) and figures plain plotly dicts (``spec``), computed as
the pandas and graph-object versions did (``pd.qcut``, group medians, ``groupby().mean()``), without pandas.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import combinations
from typing import Any, NamedTuple

import numpy as np

from analysis.arrow import objects
from analysis.columns import Columns, is_null, nulls
from analysis.figures.common import (
    PALETTE,
    empty,
    fmt,
    is_bool,
    is_numeric,
    menu,
    numbers,
    outcome_order,
    outcome_unit,
    quantiles,
    rgba,
    style,
    txt,
    wilson,
)
from analysis.figures.spec import Spec, axis, colorscale, figure, merge, subplots, trace

ID_COLUMNS = ("run_id", "seed", "scenario")
MAX_LEVELS = 12  # a numeric parameter with more distinct values (LHS) is binned into quantile bins
BINS = 10
MAX_PAIRS = 3
HEAT_BINS = 5
MAIN = "#0072B2"
PRECISION = 3  # digits of qcut's interval labels, as pandas rounds them


def parameters(manifest: Mapping[str, Any], runs: Columns) -> list[str]:
    """The varied PATH columns of a sweep, in the manifest's order, that are present in ``runs``."""
    vary = ((manifest.get("design") or {}).get("vary")) or {}
    return [p for p in vary if p in runs.columns]


def outcomes(runs: Columns, exclude: Sequence[str]) -> list[str]:
    """Outcome columns (every numeric or boolean column that is not an id or a varied parameter), ordered."""
    skip = set(exclude) | set(ID_COLUMNS)
    return outcome_order(c for c in runs.columns if c not in skip and (is_bool(runs[c]) or is_numeric(runs[c])))


def channels(runs: Any) -> list[str]:
    """Back channels named by ``A-B:collapsed`` / ``A-B:lifetime`` columns, in column order (of a ``Columns`` or a
    pandas frame)."""
    names = [c.rsplit(":", 1)[0] for c in runs.columns if c.endswith((":collapsed", ":lifetime"))]
    return list(dict.fromkeys(names))


def distinct_count(values: np.ndarray) -> int:
    """How many distinct non-missing values a column holds (``nunique``)."""
    return len({v for v in values.tolist() if not is_null(v)}) if values.dtype == object else \
        len(np.unique(values[~nulls(values)]))


def binned(values: np.ndarray) -> bool:
    """Whether a parameter is numeric (not yes/no) with more than MAX_LEVELS values: drawn in quantile bins."""
    return is_numeric(values) and not is_bool(values) and distinct_count(values) > MAX_LEVELS


def qcut(values: np.ndarray, q: int) -> tuple[np.ndarray, np.ndarray]:
    """``pd.qcut(values, q, duplicates="drop")`` as each value's bin (-1 where missing) and the bins' unique edges:
    edges at the quantiles (numpy's linear interpolation, of levels nudged up where not exact in binary, as pandas
    does), bins closed on the right, the first also holding the lowest value."""
    levels = np.linspace(0, 1, q + 1)
    np.putmask(levels, q * levels != np.arange(q + 1), np.nextafter(levels, 1))
    v = values.astype(float)
    present = ~np.isnan(v)
    edges = np.quantile(values[present], levels)
    if len(edges) > 2:
        edges = edges[np.r_[True, edges[1:] != edges[:-1]]]  # sorted, so unique = without repeats
    ids = np.searchsorted(edges, v, side="left")
    ids[v == edges[0]] = 1
    missing = ~present | (ids == len(edges)) | (ids == 0)
    return np.where(missing, -1, ids - 1), edges


def _round_frac(x: float, precision: int) -> float:
    """pandas' rounding of a bin edge for its label: ``precision`` significant digits below 1, else decimals."""
    if not np.isfinite(x) or x == 0:
        return x
    frac, whole = np.modf(x)
    digits = -int(np.floor(np.log10(abs(frac)))) - 1 + precision if whole == 0 else precision
    return np.around(x, digits)


def breaks(edges: np.ndarray, precision: int = PRECISION) -> list[float]:
    """The interval ends pandas labels qcut's bins with: the edges rounded to the fewest digits (from ``precision``)
    that keep them apart, the lowest lowered by one last digit (the bins are closed on the right)."""
    digits = next((p for p in range(precision, 20) if len({_round_frac(e, p) for e in edges}) == len(edges)),
                  precision)
    ends = [_round_frac(e, digits) for e in edges]
    ends[0] = ends[0] - 10 ** (-digits)
    return ends


def _medians(values: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Each value's bin median (NaN outside every bin): ``groupby(bins).transform("median")``."""
    out = np.full(len(values), np.nan)
    v = values.astype(float)
    for k in np.unique(codes[codes >= 0]).tolist():
        inside = codes == k
        out[inside] = np.median(v[inside])
    return out


def _text(values: np.ndarray) -> np.ndarray:
    """A column as text (``astype(str)``), missing values kept missing (None)."""
    return objects([None if is_null(v) else str(v) for v in values.tolist()])


def levels(values: np.ndarray) -> np.ndarray:
    """X positions of a parameter: its values, or the median of its quantile bin when it takes many values."""
    if binned(values):
        return _medians(values, qcut(values, BINS)[0])
    return values if is_numeric(values) else _text(values)


def factorized(x: np.ndarray) -> tuple[list[Any], np.ndarray]:
    """The sorted distinct non-missing values of a column and each row's index among them (-1 where missing), as
    ``pd.factorize(sort=True)``."""
    if x.dtype == object:
        keys = sorted({v for v in x.tolist() if not is_null(v)})
        index = {k: i for i, k in enumerate(keys)}
        return keys, np.fromiter((-1 if is_null(v) else index[v] for v in x.tolist()), dtype=np.int64, count=len(x))
    present = ~nulls(x)
    keys_array = np.unique(x[present])
    return keys_array.tolist(), np.where(present, np.searchsorted(keys_array, x), -1)


def stats_by(runs: Columns, param: str, outcome: str,
             groups: tuple[list[Any], np.ndarray] | None = None) -> Columns:
    """Per parameter level: n and median/quartiles/5-95 % of a numeric outcome, or rate and Wilson 95 % of a bool;
    ``groups``: the ``factorized`` levels of the parameter when already computed (once per parameter, not per
    outcome). One sort of the runs by level, then each level's slice."""
    keys, codes = factorized(levels(runs[param])) if groups is None else groups
    values = runs[outcome]
    boolean = is_bool(values)
    v = numbers(values)
    present = ~np.isnan(v)
    keep = present & (codes >= 0)
    sorted_v = v[keep][np.argsort(codes[keep], kind="stable")]
    n = np.bincount(codes[keep], minlength=len(keys))
    ends = np.cumsum(n)
    rows = []
    for count, end in zip(n.tolist(), ends.tolist(), strict=True):
        d = sorted_v[end - count:end]
        if boolean:
            lo, hi = wilson(float(d.sum()), float(count))
            rate = float(d.sum() / count) if count else float("nan")
            rows.append(dict(median=rate, q25=lo, q75=hi, q05=lo, q95=hi, n=count))
        else:
            rows.append(quantiles(d))
    stats = {k: np.array([r[k] for r in rows], dtype=float) for k in ("median", "q25", "q75", "q05", "q95")}
    return Columns({"x": objects(keys), **stats, "n": np.array([r["n"] for r in rows])})


def _band(x: list, lo: np.ndarray, hi: np.ndarray, alpha: float, name: str, visible: bool) -> dict[str, Any]:
    """A filled band between two curves (a scatter trace)."""
    return trace(
        "scatter", x=x + x[::-1], y=hi.tolist() + lo.tolist()[::-1], fill="toself", mode="lines",
        fillcolor=rgba(MAIN, alpha), line=dict(width=0), hoverinfo="skip", name=name, visible=visible, showlegend=True,
    )


def outcome_vs_parameter(runs: Columns, param: str, outs: Sequence[str]) -> Spec:
    """Median (or rate) of each outcome against one parameter, with interval bands; a menu picks the outcome."""
    traces: list[dict[str, Any]] = []
    groups: list[int] = []
    numeric_x = is_numeric(runs[param]) and not is_bool(runs[param])
    by_level = factorized(levels(runs[param]))
    for k, out in enumerate(outs):
        s = stats_by(runs, param, out, by_level)
        x = s["x"].tolist()
        boolean = is_bool(runs[out])
        hover = [f"n = {int(n)} runs" for n in s["n"].tolist()]
        before = len(traces)
        if numeric_x:
            if not boolean:
                traces.append(_band(x, s["q05"], s["q95"], 0.12, "5-95 % of runs", k == 0))
            traces.append(_band(x, s["q25"], s["q75"], 0.28, "95 % interval" if boolean else "interquartile range",
                                k == 0))
            err = None
        else:
            err = dict(type="data", array=s["q75"] - s["median"], arrayminus=s["median"] - s["q25"], color=MAIN)
        traces.append(trace(
            "scatter", x=x, y=s["median"], mode="lines+markers",
            name=("share of runs" if boolean else "median")
            + ("" if numeric_x else (" (bars: 95 % interval)" if boolean else " (bars: interquartile range)")),
            line=dict(color=MAIN, width=2.5), error_y=err, visible=k == 0, customdata=hover,
            hovertemplate="%{x}: %{y:.3g}<br>%{customdata}<extra></extra>",
        ))
        groups.append(len(traces) - before)
    buttons = []
    start = 0
    for out, count in zip(outs, groups, strict=True):
        mask = [False] * len(traces)
        mask[start : start + count] = [True] * count
        start += count
        buttons.append(dict(args=[{"visible": mask}, {"yaxis.title.text": txt(outcome_unit(out))}], label=txt(out),
                            method="update"))
    fig = figure(traces)
    axis(fig["layout"], "x", title=dict(text=txt(param) + (" (binned)" if numeric_x and binned(runs[param]) else "")))
    axis(fig["layout"], "y", title=dict(text=txt(outcome_unit(outs[0])) if outs else ""))
    style(fig, height=460, title=f"Outcomes against {txt(param)}")
    menu(fig, buttons)
    merge(fig["layout"], dict(legend=dict(orientation="h", y=1.03, x=1, xanchor="right", yanchor="bottom")))
    return fig


def cells(values: np.ndarray, bins: int = HEAT_BINS) -> tuple[np.ndarray, list[str]]:
    """Category labels of a parameter for a heatmap axis (quantile ranges when it takes many values), in order;
    a run outside every range has None."""
    if binned(values):
        codes, edges = qcut(values, bins)
        ends = [fmt(e) for e in breaks(edges)]
        labels = [f"{lo}-{hi}" for lo, hi in zip(ends[:-1], ends[1:], strict=True)]
        return objects([labels[c] if c >= 0 else None for c in codes.tolist()]), labels
    # the grid's labels name numpy scalars (a yes/no parameter's are 0 and 1, as pandas made them), the runs' Python
    # values (True, False)
    order = sorted({v for v in values.tolist() if not is_null(v)}, key=lambda v: (isinstance(v, str), v)) \
        if values.dtype == object else list(np.unique(values[~nulls(values)]))
    gap = "None" if values.dtype == object and is_bool(values) else "nan"  # how pandas' map(fmt) names a gap
    return objects([gap if is_null(v) else fmt(v) for v in values.tolist()]), [fmt(v) for v in order]


class Grid(NamedTuple):
    """Where the runs fall in a heatmap's (ys, xs) grid of labels: each run's cell among the distinct labels (-1
    when off the grid), the rows and columns those cells take in the drawn grid, and whether pandas'
    ``groupby([y, x]).count().unstack().reindex(ys, xs)`` kept the counts whole numbers (every pair of the labels
    found has runs, and every label of the grid was found)."""

    cell: np.ndarray
    rows: np.ndarray
    cols: np.ndarray
    shape: tuple[int, int]
    whole: bool


def grid(y: np.ndarray, x: np.ndarray, ys: list[str], xs: list[str]) -> Grid:
    """The ``Grid`` of runs labelled ``y`` and ``x`` (None: no label)."""
    uy, ux = {k: i for i, k in enumerate(dict.fromkeys(ys))}, {k: i for i, k in enumerate(dict.fromkeys(xs))}
    pairs = {(a, b) for a, b in zip(y.tolist(), x.tolist(), strict=True) if a is not None and b is not None}
    found_y, found_x = {a for a, _ in pairs}, {b for _, b in pairs}
    whole = len(pairs) == len(found_y) * len(found_x) and set(ys) <= found_y and set(xs) <= found_x
    cell = np.fromiter((uy[a] * len(ux) + ux[b] if a in uy and b in ux else -1
                        for a, b in zip(y.tolist(), x.tolist(), strict=True)), dtype=np.int64, count=len(y))
    return Grid(cell, np.array([uy[k] for k in ys], dtype=np.int64), np.array([ux[k] for k in xs], dtype=np.int64),
                (len(uy), len(ux)), whole)


def cell_means(g: Grid, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The mean (NaN where no value) and the count of the non-missing values of each cell of the drawn grid."""
    ok = (g.cell >= 0) & ~np.isnan(values)
    size = g.shape[0] * g.shape[1]
    counts = np.bincount(g.cell[ok], minlength=size).reshape(g.shape)[g.rows][:, g.cols]
    sums = np.bincount(g.cell[ok], weights=values[ok], minlength=size).reshape(g.shape)[g.rows][:, g.cols]
    means = np.full(counts.shape, np.nan)
    np.divide(sums, counts, out=means, where=counts > 0)
    return means, counts if g.whole else counts.astype(float)


def survival_heatmap(runs: Columns, px: str, py: str, chans: Sequence[str]) -> Spec:
    """Channel-survival probability (1 - collapse rate) over two parameters, one heatmap per channel (menu)."""
    chans = [c for c in chans if f"{c}:collapsed" in runs.columns]
    if not chans:
        return empty("no back channels in this sweep")
    (x, xs), (y, ys) = cells(runs[px]), cells(runs[py])
    g = grid(y, x, ys, xs)
    data = []
    for k, ch in enumerate(chans):
        surv, n = cell_means(g, 1 - numbers(runs[f"{ch}:collapsed"]))
        data.append(trace(
            "heatmap", x=[txt(v) for v in xs], y=[txt(v) for v in ys], z=surv, zmin=0, zmax=1,
            colorscale=colorscale("RdYlBu"), colorbar=dict(title=dict(text="P(survives)"), tickformat=".0%"),
            customdata=n, texttemplate="%{z:.0%}", visible=k == 0, name=txt(ch), xgap=1, ygap=1,
            hovertemplate=f"{txt(px)} = %{{x}}<br>{txt(py)} = %{{y}}<br>P(survives) = %{{z:.0%}}"
            "<br>n = %{customdata} runs<extra></extra>",
        ))
    buttons = [dict(args=[{"visible": [i == k for i in range(len(chans))]}], label=txt(ch), method="update")
               for k, ch in enumerate(chans)]
    fig = figure(data)
    axis(fig["layout"], "x", title=dict(text=txt(px)), type="category")
    axis(fig["layout"], "y", title=dict(text=txt(py)), type="category")
    title = "Channel survival (1 - collapse rate)" + (f": {txt(chans[0])}" if len(chans) == 1 else "")
    style(fig, height=500, title=title + "; other parameters and seeds pooled")
    return menu(fig, buttons)


def survival_heatmaps(runs: Columns, params: Sequence[str]) -> list[Spec]:
    """Survival heatmaps over the first few pairs of varied parameters (none when fewer than two vary)."""
    chans = channels(runs)
    return [survival_heatmap(runs, a, b, chans) for a, b in list(combinations(params, 2))[:MAX_PAIRS]]


def distributions_figure(runs: Columns) -> Spec:
    """Histogram of channel lifetimes (per channel) and the ECDF of time to agreement (left out, and the title
    says so, when no run reached one)."""
    rounds = numbers(runs["agreement_round"]) if "agreement_round" in runs else np.array([])
    agreed = rounds[~np.isnan(rounds)]
    cols = 2 if len(agreed) else 1
    layout = subplots(1, cols, subplot_titles=("Channel lifetime", "Time to agreement")[:cols])
    data = [trace("histogram", (1, 1, cols), x=runs[f"{ch}:lifetime"], name=txt(ch), opacity=0.6, bingroup="1",
                  marker=dict(color=PALETTE[k % len(PALETTE)]))
            for k, ch in enumerate(c for c in channels(runs) if f"{c}:lifetime" in runs)]
    if len(agreed):
        t = np.sort(agreed)
        share = np.arange(1, len(t) + 1) / max(len(runs), 1)
        data.append(trace("scatter", (1, 2, 2), x=t, y=share, mode="lines", line=dict(shape="hv", color="#222",
                                                                                      width=2.5),
                          name="runs with agreement", hovertemplate="by round %{x}: %{y:.0%} of runs<extra></extra>"))
        layout["annotations"][1]["text"] = f"Time to agreement ({len(t)} of {len(runs)} runs reach one)"
    axis(layout, "x", 1, 1, cols, title=dict(text="lifetime (rounds open)"))
    axis(layout, "y", 1, 1, cols, title=dict(text="runs"))
    if len(agreed):
        axis(layout, "x", 1, 2, cols, title=dict(text="round of agreement (rounds)"))
        axis(layout, "y", 1, 2, cols, title=dict(text="share of all runs agreed by then"), range=[0, 1.02],
             tickformat=".0%")
    fig = style(figure(data, layout), height=420, title="Distributions across runs" + (
        "" if len(agreed) else f" (no time to agreement: none of {len(runs)} runs reached one)"))
    merge(fig["layout"], dict(barmode="overlay"))
    return fig


def _coded(values: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """A text column as integer codes of its sorted distinct values (``astype(str)``) and those values."""
    text = [str(v) for v in values.tolist()]
    cats = sorted(set(text))
    code = {c: i for i, c in enumerate(cats)}
    return np.array([code[c] for c in text], dtype=np.int64), cats


def parallel_figure(runs: Columns, params: Sequence[str], colour_by: str) -> Spec:
    """Parallel coordinates of the varied parameters and outcomes, coloured by one outcome."""
    dims = []
    for col in [*params, colour_by]:
        v = runs[col]
        if is_bool(v):
            v = numbers(v)
        if is_numeric(v):
            dims.append(dict(label=txt(col), values=v.astype(float)))
        else:
            codes, cats = _coded(v)
            dims.append(dict(label=txt(col), values=codes, tickvals=list(range(len(cats))),
                             ticktext=[txt(c) for c in cats]))
    colour = numbers(runs[colour_by])
    colour[np.isnan(colour)] = -1
    fig = figure([trace(
        "parcoords", dimensions=dims,
        line=dict(color=colour, colorscale=colorscale("Viridis"), showscale=True,
                  colorbar=dict(title=dict(text=txt(outcome_unit(colour_by)), side="right"))),
    )])
    style(fig, height=480, title=f"Parameters and {txt(colour_by)} (drag on an axis to filter runs)")
    merge(fig["layout"], dict(margin=dict(l=90, r=90, t=110)))
    return fig

"""Sweep figures: outcomes against each varied parameter, survival heatmaps, distributions, parallel coordinates."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analysis.figures.common import (
    PALETTE,
    empty,
    fmt,
    is_bool,
    menu,
    outcome_order,
    outcome_unit,
    quantiles,
    rgba,
    style,
    txt,
    wilson,
)

ID_COLUMNS = ("run_id", "seed", "scenario")
MAX_LEVELS = 12  # a numeric parameter with more distinct values (LHS) is binned into quantile bins
BINS = 10
MAX_PAIRS = 3
HEAT_BINS = 5
MAIN = "#0072B2"


def parameters(manifest: Mapping[str, Any], runs: pd.DataFrame) -> list[str]:
    """The varied PATH columns of a sweep, in the manifest's order, that are present in ``runs``."""
    vary = ((manifest.get("design") or {}).get("vary")) or {}
    return [p for p in vary if p in runs.columns]


def outcomes(runs: pd.DataFrame, exclude: Sequence[str]) -> list[str]:
    """Outcome columns (every numeric or boolean column that is not an id or a varied parameter), ordered."""
    skip = set(exclude) | set(ID_COLUMNS)
    cols = [
        c for c in runs.columns
        if c not in skip and (is_bool(runs[c]) or pd.api.types.is_numeric_dtype(runs[c]))
    ]
    return outcome_order(cols)


def channels(runs: pd.DataFrame) -> list[str]:
    """Back channels named by ``A-B:collapsed`` / ``A-B:lifetime`` columns, in column order."""
    names = [c.rsplit(":", 1)[0] for c in runs.columns if c.endswith((":collapsed", ":lifetime"))]
    return list(dict.fromkeys(names))


def levels(values: pd.Series) -> pd.Series:
    """X positions of a parameter: its values, or the median of its quantile bin when it takes many values."""
    if pd.api.types.is_numeric_dtype(values) and not is_bool(values) and values.nunique() > MAX_LEVELS:
        bins = pd.qcut(values, BINS, duplicates="drop")
        return values.groupby(bins, observed=True).transform("median")
    return values.astype(str) if not pd.api.types.is_numeric_dtype(values) else values


def stats_by(runs: pd.DataFrame, param: str, outcome: str, x: pd.Series | None = None) -> pd.DataFrame:
    """Per parameter level: n and median/quartiles/5-95 % of a numeric outcome, or rate and Wilson 95 % of a bool;
    ``x``: the parameter's ``levels`` when already computed (once per parameter, not per outcome). One sort of the
    runs by level, then each level's slice (a groupby per outcome cost more than the rest of the figure)."""
    x = levels(runs[param]) if x is None else x
    codes, keys = pd.factorize(x, sort=True)  # the levels in groupby's order; -1 for a missing level
    values = runs[outcome]
    boolean = is_bool(values)
    if boolean:
        present = values.notna().to_numpy()
        v = np.zeros(len(values))
        v[present] = values[present].astype(bool).to_numpy(dtype=float)
    else:
        v = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
        present = ~np.isnan(v)
    keep = present & (codes >= 0)
    order = np.argsort(codes[keep], kind="stable")
    sorted_v = v[keep][order]
    n = np.bincount(codes[keep], minlength=len(keys))
    ends = np.cumsum(n)
    rows = []
    for level, count, end in zip(keys.tolist(), n.tolist(), ends.tolist(), strict=True):
        d = sorted_v[end - count:end]
        if boolean:
            lo, hi = wilson(float(d.sum()), float(count))
            rate = float(d.sum() / count) if count else float("nan")
            rows.append(dict(x=level, median=rate, q25=lo, q75=hi, q05=lo, q95=hi, n=count))
        else:
            rows.append(dict(x=level, **quantiles(d)))
    return pd.DataFrame(rows, columns=["x", "median", "q25", "q75", "q05", "q95", "n"])


def _band(x: list, lo: pd.Series, hi: pd.Series, alpha: float, name: str, visible: bool) -> dict[str, Any]:
    """A filled band between two curves (a scatter trace's properties)."""
    return dict(
        type="scatter", x=x + x[::-1], y=list(hi) + list(lo)[::-1], fill="toself", mode="lines",
        fillcolor=rgba(MAIN, alpha), line=dict(width=0), hoverinfo="skip", name=name, visible=visible, showlegend=True,
    )


def outcome_vs_parameter(runs: pd.DataFrame, param: str, outs: Sequence[str]) -> go.Figure:
    """Median (or rate) of each outcome against one parameter, with interval bands; a menu picks the outcome."""
    traces: list[dict[str, Any]] = []  # validated once, by the figure: twice as fast as go.Scatter one by one
    groups: list[int] = []
    numeric_x = pd.api.types.is_numeric_dtype(runs[param]) and not is_bool(runs[param])
    x_levels = levels(runs[param])
    for k, out in enumerate(outs):
        s = stats_by(runs, param, out, x_levels)
        x = s["x"].tolist()
        boolean = is_bool(runs[out])
        hover = [f"n = {int(n)} runs" for n in s["n"]]
        before = len(traces)
        if numeric_x:
            if not boolean:
                traces.append(_band(x, s["q05"], s["q95"], 0.12, "5-95 % of runs", k == 0))
            traces.append(_band(x, s["q25"], s["q75"], 0.28, "95 % interval" if boolean else "interquartile range",
                                k == 0))
            err = None
        else:
            err = dict(type="data", array=s["q75"] - s["median"], arrayminus=s["median"] - s["q25"], color=MAIN)
        traces.append(
            dict(
                type="scatter", x=x, y=s["median"], mode="lines+markers",
                name=("share of runs" if boolean else "median")
                + ("" if numeric_x else (" (bars: 95 % interval)" if boolean else " (bars: interquartile range)")),
                line=dict(color=MAIN, width=2.5), error_y=err, visible=k == 0, customdata=hover,
                hovertemplate="%{x}: %{y:.3g}<br>%{customdata}<extra></extra>",
            )
        )
        groups.append(len(traces) - before)
    fig = go.Figure(data=traces)
    buttons = []
    start = 0
    for out, count in zip(outs, groups, strict=True):
        mask = [False] * len(fig.data)
        mask[start : start + count] = [True] * count
        start += count
        buttons.append(dict(label=txt(out), method="update",
                            args=[{"visible": mask}, {"yaxis.title.text": txt(outcome_unit(out))}]))
    fig.update_xaxes(title_text=txt(param) + (" (binned)" if numeric_x and runs[param].nunique() > MAX_LEVELS
                                               else ""))
    fig.update_yaxes(title_text=txt(outcome_unit(outs[0])) if outs else "")
    style(fig, height=460, title=f"Outcomes against {txt(param)}")
    menu(fig, buttons)
    fig.update_layout(legend=dict(orientation="h", y=1.03, x=1, xanchor="right", yanchor="bottom"))
    return fig


def cells(values: pd.Series, bins: int = HEAT_BINS) -> tuple[pd.Series, list[str]]:
    """Category labels of a parameter for a heatmap axis (quantile ranges when it takes many values), in order."""
    if pd.api.types.is_numeric_dtype(values) and not is_bool(values) and values.nunique() > MAX_LEVELS:
        cut = pd.qcut(values, bins, duplicates="drop")
        labels = [f"{fmt(iv.left)}-{fmt(iv.right)}" for iv in cut.cat.categories]
        return cut.cat.rename_categories(labels).astype(str), labels
    order = sorted(values.dropna().unique(), key=lambda v: (isinstance(v, str), v))
    return values.map(fmt), [fmt(v) for v in order]


def survival_heatmap(runs: pd.DataFrame, px: str, py: str, chans: Sequence[str]) -> go.Figure:
    """Channel-survival probability (1 - collapse rate) over two parameters, one heatmap per channel (menu)."""
    chans = [c for c in chans if f"{c}:collapsed" in runs.columns]
    if not chans:
        return empty("no back channels in this sweep")
    (x, xs), (y, ys) = cells(runs[px]), cells(runs[py])
    fig = go.Figure()
    for k, ch in enumerate(chans):
        col = runs[f"{ch}:collapsed"].astype("float")
        surv = (1 - col).groupby([y, x]).mean().unstack().reindex(index=ys, columns=xs)
        n = col.groupby([y, x]).count().unstack().reindex(index=ys, columns=xs).fillna(0)
        fig.add_trace(
            go.Heatmap(
                x=[txt(v) for v in xs], y=[txt(v) for v in ys], z=surv.to_numpy(), zmin=0, zmax=1,
                colorscale="RdYlBu", colorbar=dict(title=dict(text="P(survives)"), tickformat=".0%"),
                customdata=n.to_numpy(), texttemplate="%{z:.0%}", visible=k == 0, name=txt(ch), xgap=1, ygap=1,
                hovertemplate=f"{txt(px)} = %{{x}}<br>{txt(py)} = %{{y}}<br>P(survives) = %{{z:.0%}}"
                "<br>n = %{customdata} runs<extra></extra>",
            )
        )
    buttons = [dict(label=txt(ch), method="update", args=[{"visible": [i == k for i in range(len(chans))]}])
               for k, ch in enumerate(chans)]
    fig.update_xaxes(title_text=txt(px), type="category")
    fig.update_yaxes(title_text=txt(py), type="category")
    title = "Channel survival (1 - collapse rate)" + (f": {txt(chans[0])}" if len(chans) == 1 else "")
    style(fig, height=500, title=title + "; other parameters and seeds pooled")
    return menu(fig, buttons)


def survival_heatmaps(runs: pd.DataFrame, params: Sequence[str]) -> list[go.Figure]:
    """Survival heatmaps over the first few pairs of varied parameters (none when fewer than two vary)."""
    chans = channels(runs)
    return [survival_heatmap(runs, a, b, chans) for a, b in list(combinations(params, 2))[:MAX_PAIRS]]


def distributions_figure(runs: pd.DataFrame) -> go.Figure:
    """Histogram of channel lifetimes (per channel) and the ECDF of time to agreement (left out, and the title
    says so, when no run reached one)."""
    agreed = pd.to_numeric(runs["agreement_round"], errors="coerce").dropna() if "agreement_round" in runs else []
    if not len(agreed):
        fig = make_subplots(rows=1, cols=1, subplot_titles=("Channel lifetime",))
    else:
        fig = make_subplots(rows=1, cols=2, subplot_titles=("Channel lifetime", "Time to agreement"))
    for k, ch in enumerate(c for c in channels(runs) if f"{c}:lifetime" in runs.columns):
        fig.add_trace(
            go.Histogram(x=runs[f"{ch}:lifetime"], name=txt(ch), opacity=0.6, bingroup=1,
                         marker=dict(color=PALETTE[k % len(PALETTE)])),
            row=1, col=1,
        )
    if len(agreed):
        t = np.sort(agreed.to_numpy())
        share = np.arange(1, len(t) + 1) / max(len(runs), 1)
        fig.add_trace(
            go.Scatter(x=t, y=share, mode="lines", line=dict(shape="hv", color="#222", width=2.5),
                       name="runs with agreement", hovertemplate="by round %{x}: %{y:.0%} of runs<extra></extra>"),
            row=1, col=2,
        )
        fig.layout.annotations[1].text = f"Time to agreement ({len(t)} of {len(runs)} runs reach one)"
    fig.update_xaxes(title_text="lifetime (rounds open)", row=1, col=1)
    fig.update_yaxes(title_text="runs", row=1, col=1)
    if len(agreed):
        fig.update_xaxes(title_text="round of agreement (rounds)", row=1, col=2)
        fig.update_yaxes(title_text="share of all runs agreed by then", range=[0, 1.02], tickformat=".0%", row=1,
                         col=2)
    style(fig, height=420, title="Distributions across runs" + ("" if len(agreed) else
                                                                f" (no time to agreement: none of {len(runs)} "
                                                                "runs reached one)"))
    fig.update_layout(barmode="overlay")
    return fig


def parallel_figure(runs: pd.DataFrame, params: Sequence[str], colour_by: str) -> go.Figure:
    """Parallel coordinates of the varied parameters and outcomes, coloured by one outcome."""
    dims = []
    for col in [*params, colour_by]:
        v = runs[col]
        if is_bool(v):
            v = v.astype(float)
        if pd.api.types.is_numeric_dtype(v):
            dims.append(dict(label=txt(col), values=v.astype(float)))
        else:
            cats = sorted(v.astype(str).unique())
            code = {c: i for i, c in enumerate(cats)}
            dims.append(dict(label=txt(col), values=v.astype(str).map(code), tickvals=list(range(len(cats))),
                             ticktext=[txt(c) for c in cats]))
    colour = runs[colour_by].astype(float).fillna(-1)
    fig = go.Figure(
        go.Parcoords(
            dimensions=dims,
            line=dict(color=colour, colorscale="Viridis", showscale=True,
                      colorbar=dict(title=dict(text=txt(outcome_unit(colour_by)), side="right"))),
        )
    )
    style(fig, height=480, title=f"Parameters and {txt(colour_by)} (drag on an axis to filter runs)")
    fig.update_layout(margin=dict(l=90, r=90, t=110))
    return fig

"""Compare figures and sentences: outcome distributions of several scenarios on the same seeds."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis.figures.common import colors, is_bool, menu, outcome_unit, rgba, style, txt, wilson
from analysis.figures.sweep import channels
from analysis.headline import rate

BOUNDARY = " ()-:"


def scenario_names(manifest: Mapping[str, Any], runs: pd.DataFrame) -> list[str]:
    """Scenario names in the manifest's order (the first is the reference), then any others found in runs."""
    listed = [s["name"] for s in manifest.get("scenarios") or [] if isinstance(s, Mapping) and "name" in s]
    found = runs["scenario"].astype(str).unique().tolist() if "scenario" in runs.columns else []
    return list(dict.fromkeys([*listed, *found]))


def short_names(names: Sequence[str]) -> dict[str, str]:
    """Display names without the words all scenario names share, e.g. 'X (baseline)', 'X (UK listens)' -> the
    parts in brackets; the full names when that would leave an empty or duplicate name."""
    names = list(names)
    if len(names) < 2:
        return {n: n for n in names}
    prefix = os.path.commonprefix(names)
    prefix = prefix[: max(prefix.rfind(c) for c in BOUNDARY) + 1]
    suffix = os.path.commonprefix([n[::-1] for n in names])[::-1]
    starts = [i for i, c in enumerate(suffix) if c in BOUNDARY]
    suffix = suffix[starts[0]:] if starts else ""
    short = {n: n[len(prefix) : len(n) - len(suffix)].strip(" -:") for n in names}
    if any(not v for v in short.values()) or len(set(short.values())) < len(names):
        return {n: n for n in names}
    return short


def _values(runs: pd.DataFrame, scenario: str, outcome: str) -> pd.Series:
    """One outcome's values in one scenario, NaNs dropped."""
    return runs.loc[runs["scenario"].astype(str) == scenario, outcome].dropna()


def statistic(values: pd.Series, boolean: bool) -> float:
    """The rate of a boolean outcome or the median of a numeric one (NaN when empty)."""
    if values.empty:
        return float("nan")
    return float(values.astype(bool).mean()) if boolean else float(values.astype(float).median())


def _num(x: float) -> str:
    """A number for a sentence: integers plainly, others with two decimals."""
    if math.isnan(x):
        return "n/a"
    return str(int(round(x))) if abs(x - round(x)) < 1e-9 else f"{x:.2f}"


def _pct(x: float) -> str:
    """A rate as a whole percentage for a sentence."""
    return "n/a" if math.isnan(x) else f"{x:.0%}"


def _diff(d: float) -> str:
    """A signed difference for a sentence."""
    if math.isnan(d):
        return "n/a"
    return f"{int(round(d)):+d}" if abs(d - round(d)) < 1e-9 else f"{d:+.2f}"


def sentence(outcome: str, boolean: bool, v1: float, v0: float) -> str:
    """How an outcome differs between a scenario (v1) and the reference (v0), in words."""
    if boolean:
        what = {"agreement": "agreement"}.get(outcome, outcome.replace(":collapsed", " collapsed"))
        pts = (v1 - v0) * 100
        return f"{what} in {_pct(v1)} vs {_pct(v0)} of runs ({_diff(pts if math.isnan(pts) else round(pts))} points)"
    if outcome.endswith(":lifetime"):
        return f"median {outcome.removesuffix(':lifetime')} lifetime {_num(v1)} vs {_num(v0)} rounds ({_diff(v1 - v0)})"
    if outcome == "agreement_round":
        if math.isnan(v1) or math.isnan(v0):
            return f"median time to agreement {_num(v1)} vs {_num(v0)} rounds (n/a = no run agreed)"
        return f"median time to agreement {_num(v1)} vs {_num(v0)} rounds ({_diff(v1 - v0)})"
    return f"median {outcome_unit(outcome).removesuffix(' (0-1)')} {_num(v1)} vs {_num(v0)} ({_diff(v1 - v0)})"


def key_outcomes(runs: pd.DataFrame) -> list[str]:
    """Outcomes worth a sentence: channel lifetime/collapse, agreement, time to it, polarization, channel trust."""
    keys = [f"{c}:{k}" for c in channels(runs) for k in ("lifetime", "collapsed")]
    keys += ["agreement", "agreement_round", "polarization"]
    for ch in channels(runs):
        a, _, b = ch.partition("-")
        keys += [f"trust:{b}->{a}", f"trust:{a}->{b}"]
    return [k for k in dict.fromkeys(keys) if k in runs.columns]


def _pairs(runs: pd.DataFrame, scenarios: Sequence[str], outs: Sequence[str]):
    """(other, outcome, boolean, v1, v0) of every scenario against the first, on each outcome."""
    base = scenarios[0] if scenarios else None
    for other in scenarios[1:]:
        for out in outs:
            boolean = is_bool(runs[out])
            yield other, out, boolean, statistic(_values(runs, other, out), boolean), \
                statistic(_values(runs, base, out), boolean)


def differences(runs: pd.DataFrame, scenarios: Sequence[str], outs: Sequence[str]) -> list[str]:
    """Plain-text sentences comparing every scenario with the first one on each of the given outcomes that both
    have data for (``not_compared`` names the others)."""
    base = scenarios[0] if scenarios else None
    return [f"{other} vs {base}: {sentence(out, boolean, v1, v0)}"
            for other, out, boolean, v1, v0 in _pairs(runs, scenarios, outs)
            if not (math.isnan(v0) or math.isnan(v1))]


def not_compared(runs: pd.DataFrame, scenarios: Sequence[str], outs: Sequence[str]) -> list[str]:
    """The outcomes ``differences`` leaves out: no data in the first scenario or another (a channel one lacks,
    a time to agreement where no run agreed)."""
    return list(dict.fromkeys(out for _, out, _, v1, v0 in _pairs(runs, scenarios, outs)
                              if math.isnan(v0) or math.isnan(v1)))


def median_table(runs: pd.DataFrame, scenarios: Sequence[str], outs: Sequence[str]) -> pd.DataFrame:
    """Median (or rate, for booleans, as a percentage of the runs it is over) of every outcome per scenario: one
    row per outcome; None where a scenario has no data for it."""
    rows = []
    for out in outs:
        boolean = is_bool(runs[out])
        row: dict[str, object] = {"outcome": outcome_unit(out) + (" (rate)" if boolean else " (median)")}
        for s in scenarios:
            values = _values(runs, s, out)
            row[s] = (rate(statistic(values, True), len(values)) if len(values) else None) if boolean \
                else statistic(values, False)
        rows.append(row)
    return pd.DataFrame(rows, columns=["outcome", *scenarios])


def _menu(fig: go.Figure, outs: Sequence[str], per: int, layouts: Sequence[dict[str, str]]) -> None:
    """A dropdown that shows the ``per`` traces of the chosen outcome and applies its layout changes."""
    buttons = []
    for k, out in enumerate(outs):
        mask = [k * per <= i < (k + 1) * per for i in range(len(fig.data))]
        buttons.append(dict(label=txt(out), method="update", args=[{"visible": mask}, layouts[k]]))
    menu(fig, buttons)


def distribution_figure(runs: pd.DataFrame, scenarios: Sequence[str], outs: Sequence[str]) -> go.Figure:
    """Violins (with box) of each numeric outcome per scenario, side by side; a menu picks the outcome."""
    color = colors(scenarios)
    fig = go.Figure()
    for k, out in enumerate(outs):
        for s in scenarios:
            fig.add_trace(
                go.Violin(
                    x=[txt(s)] * len(_values(runs, s, out)), y=_values(runs, s, out), name=txt(s),
                    legendgroup=f"scenario:{txt(s)}", showlegend=k == 0, visible=k == 0, box_visible=True,
                    meanline_visible=False, points=False, line=dict(color=color[s]), fillcolor=rgba(color[s], 0.35),
                    box=dict(visible=True, fillcolor="rgba(255, 255, 255, 0.85)", line=dict(color=color[s])),
                    spanmode="hard", scalemode="width",
                )
            )
    titles = [txt(outcome_unit(o)) for o in outs]
    fig.update_xaxes(title_text="scenario (same seeds)")
    fig.update_yaxes(title_text=titles[0] if titles else "")
    style(fig, height=480, title="Outcome distributions per scenario (violin with box: median and quartiles)")
    _menu(fig, outs, len(scenarios), [{"yaxis.title.text": t} for t in titles])
    return fig


def rates_figure(runs: pd.DataFrame, scenarios: Sequence[str], outs: Sequence[str]) -> go.Figure:
    """Grouped bars of each boolean outcome's rate per scenario, with Wilson 95 % intervals."""
    color = colors(scenarios)
    fig = go.Figure()
    for s in scenarios:
        rates, lo, hi = [], [], []
        for out in outs:
            v = _values(runs, s, out).astype(bool)
            r = float(v.mean()) if len(v) else float("nan")
            a, b = wilson(float(v.sum()), float(len(v)))
            rates.append(r)
            lo.append(r - a)
            hi.append(b - r)
        fig.add_trace(
            go.Bar(
                x=[txt(outcome_unit(o).replace(" (share of runs)", "")) for o in outs], y=rates, name=txt(s),
                legendgroup=f"scenario:{txt(s)}", marker=dict(color=color[s]),
                error_y=dict(type="data", array=hi, arrayminus=lo, color="#333"),
                hovertemplate=f"{txt(s)}<br>%{{x}}: %{{y:.0%}}<extra></extra>",
            )
        )
    fig.update_yaxes(title_text="share of runs (95 % interval)", range=[0, 1.05], tickformat=".0%")
    fig.update_xaxes(title_text="outcome")
    return style(fig, height=420, title="Rates per scenario")


def ecdf_figure(runs: pd.DataFrame, scenarios: Sequence[str], outs: Sequence[str]) -> go.Figure:
    """ECDFs of time-like outcomes (lifetimes, time to agreement) per scenario; a menu picks the outcome."""
    color = colors(scenarios)
    fig = go.Figure()
    for k, out in enumerate(outs):
        for s in scenarios:
            n = int((runs["scenario"].astype(str) == s).sum())
            t = np.sort(_values(runs, s, out).astype(float).to_numpy())
            fig.add_trace(
                go.Scatter(
                    x=t, y=np.arange(1, len(t) + 1) / max(n, 1), mode="lines", name=txt(s),
                    legendgroup=f"scenario:{txt(s)}", showlegend=k == 0, visible=k == 0,
                    line=dict(color=color[s], shape="hv", width=2.5),
                    hovertemplate=f"{txt(s)}<br>%{{x}}: %{{y:.0%}} of runs at or below<extra></extra>",
                )
            )
    titles = [txt(outcome_unit(o)) for o in outs]
    fig.update_xaxes(title_text=titles[0] if titles else "rounds")
    fig.update_yaxes(title_text="share of runs at or below", range=[0, 1.02], tickformat=".0%")
    style(fig, height=440, title="Cumulative distributions (same seeds in every scenario)")
    _menu(fig, outs, len(scenarios), [{"xaxis.title.text": t} for t in titles])
    return fig

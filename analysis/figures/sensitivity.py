"""Sensitivity and scenario-discovery figures of a sweep: ranked index bars with intervals, PRIM's peeling.

Read the saved tables only: ``sensitivity.parquet`` (``analysis.sensitivity``, here as ``Columns``) and
``discovery.json`` (``analysis.discovery``). Figures are plain plotly dicts (``spec``), as the sweep page's others.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from analysis.columns import Columns, as_columns, distinct, is_null
from analysis.figures.common import PALETTE, menu, style, txt
from analysis.figures.spec import Spec, axis, colorscale, figure, merge, trace

LABELS = {"ST": "total order S_T", "S1": "first order S1", "mu_star": "μ* (mean |effect|)", "sigma": "σ"}


def _bars(part: Columns, index: str, order: list[str], color: str, visible: bool) -> dict[str, Any]:
    """One index's bars for the parameters in ``order`` (NaN for a parameter without it), with its intervals."""
    rows = part.equal(index=index)
    at = {p: i for i, p in enumerate(rows["parameter"].tolist())}

    def column(name: str) -> np.ndarray:
        values = rows[name].astype(float)
        return np.array([values[at[p]] if p in at else np.nan for p in order], dtype=float)

    value, lo, hi = column("value"), column("lo"), column("hi")
    return trace(
        "bar", y=[txt(p) for p in order], x=value.tolist(), orientation="h", name=LABELS.get(index, index),
        marker=dict(color=color), visible=visible,
        error_x=dict(type="data", symmetric=False, array=(hi - value).tolist(), arrayminus=(value - lo).tolist(),
                     visible=bool((~np.isnan(lo)).any())),
        hovertemplate="%{y}<br>" + txt(LABELS.get(index, index)) + " %{x:.3f}<extra></extra>",
    )


def ranked_figure(result: Columns, top: int = 15) -> Spec:
    """Horizontal bars per outcome (menu): the top parameters by S_T (or μ*), with 95% intervals."""
    result = as_columns(result)
    data: list[dict[str, Any]] = []
    spans: list[tuple[str, int, int]] = []
    for k, outcome in enumerate(distinct(result["outcome"])):
        part = result.equal(outcome=outcome)
        method = part["method"][0]
        lead, second = ("ST", "S1") if method == "sobol" else ("mu_star", "sigma")
        leading = part.equal(index=lead)
        ranked = leading["parameter"][np.argsort(leading["rank"], kind="quicksort")]  # as pandas' sort_values
        order = ranked.tolist()[:top][::-1]
        first = len(data)
        data += [_bars(part, lead, order, PALETTE[0], k == 0), _bars(part, second, order, PALETTE[4], k == 0)]
        spans.append((str(outcome), first, len(data)))
    total = len(data)
    fig = figure(data)
    menu(fig, [dict(args=[{"visible": [lo <= i < hi for i in range(total)]}, {"title.text": _title(o)}],
                    label=txt(o), method="update") for o, lo, hi in spans])
    rows = min(top, len(distinct(result["parameter"]))) if len(result) else 1
    style(fig, height=max(320, 90 + 28 * rows), title=_title(spans[0][0]) if spans else "No sensitivity indices")
    merge(fig["layout"], dict(barmode="group", legend=dict(orientation="h", y=-0.12, x=0, xanchor="left",
                                                           yanchor="top"), margin=dict(l=260)))
    axis(fig["layout"], "x", title=dict(text="index (95% bootstrap interval)"), zeroline=True)
    return fig


def _title(outcome: str) -> str:
    return f"What decides {txt(outcome)}: parameters ranked by their index"


def _numbers(values: list[Any]) -> np.ndarray:
    """A trajectory field as the numeric column a pandas frame of the records held (int64 when all whole)."""
    return np.array([np.nan if is_null(v) else v for v in values])


def peeling_figure(found: dict[str, Any]) -> Spec:
    """PRIM's peeling trajectory (coverage vs density, coloured by the number of restricted dimensions),
    the chosen box marked."""
    traj = {k: _numbers([step[k] for step in found["trajectory"]]) for k in ("coverage", "density", "mass",
                                                                            "restricted")}
    chosen = found["chosen"]
    steps = np.arange(len(found["trajectory"]))
    data = [trace(
        "scatter", x=traj["coverage"], y=traj["density"], mode="lines+markers", name="peeling trajectory",
        marker=dict(color=traj["restricted"], colorscale=colorscale("Viridis"), size=8, showscale=True,
                    colorbar=dict(title=dict(text="restricted<br>dimensions"))),
        line=dict(color="#BBBBBB"), customdata=np.stack([steps, traj["mass"]], axis=-1),
        hovertemplate="box %{customdata[0]}<br>coverage %{x:.0%}<br>density %{y:.0%}<br>"
        "mass %{customdata[1]:.0%}<extra></extra>",
    ), trace(
        "scatter", x=[traj["coverage"][chosen].item()], y=[traj["density"][chosen].item()], mode="markers",
        name="chosen box", marker=dict(symbol="star", size=18, color=PALETTE[1]),
        hovertemplate="chosen box<br>coverage %{x:.0%}<br>density %{y:.0%}<extra></extra>",
    )]
    fig = figure(data)
    axis(fig["layout"], "x", title=dict(text="coverage (share of all cases of interest inside the box)"),
         tickformat=".0%")
    axis(fig["layout"], "y", title=dict(text="density (share of the box's runs that are cases)"), tickformat=".0%")
    return style(fig, height=440, title=f"Scenario discovery (PRIM): where {txt(found['where'])}")

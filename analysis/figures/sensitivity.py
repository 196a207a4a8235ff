"""Sensitivity and scenario-discovery figures of a sweep: ranked index bars with intervals, PRIM's peeling.

Read the saved tables only: ``sensitivity.parquet`` (``analysis.sensitivity``) and ``discovery.json``
(``analysis.discovery``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis.figures.common import PALETTE, menu, style, txt

LABELS = {"ST": "total order S_T", "S1": "first order S1", "mu_star": "μ* (mean |effect|)", "sigma": "σ"}


def _bars(part: pd.DataFrame, index: str, order: list[str], color: str, visible: bool) -> go.Bar:
    rows = part[part["index"] == index].set_index("parameter").reindex(order)
    has_ci = rows["lo"].notna().any()
    return go.Bar(
        y=[txt(p) for p in order], x=rows["value"].tolist(), orientation="h", name=LABELS.get(index, index),
        marker_color=color, visible=visible,
        error_x=dict(type="data", symmetric=False, array=(rows["hi"] - rows["value"]).tolist(),
                     arrayminus=(rows["value"] - rows["lo"]).tolist(), visible=bool(has_ci)),
        hovertemplate="%{y}<br>" + txt(LABELS.get(index, index)) + " %{x:.3f}<extra></extra>",
    )


def ranked_figure(result: pd.DataFrame, top: int = 15) -> go.Figure:
    """Horizontal bars per outcome (menu): the top parameters by S_T (or μ*), with 95% intervals."""
    fig = go.Figure()
    spans: list[tuple[str, int, int]] = []
    for k, (outcome, part) in enumerate(result.groupby("outcome", sort=False)):
        method = part["method"].iloc[0]
        lead, second = ("ST", "S1") if method == "sobol" else ("mu_star", "sigma")
        order = part[part["index"] == lead].sort_values("rank")["parameter"].tolist()[:top][::-1]
        first = len(fig.data)
        fig.add_trace(_bars(part, lead, order, PALETTE[0], k == 0))
        fig.add_trace(_bars(part, second, order, PALETTE[4], k == 0))
        spans.append((str(outcome), first, len(fig.data)))
    total = len(fig.data)
    menu(fig, [dict(label=txt(o), method="update", args=[{"visible": [lo <= i < hi for i in range(total)]},
                                                         {"title.text": _title(o)}]) for o, lo, hi in spans])
    rows = min(top, result["parameter"].nunique()) if len(result) else 1
    style(fig, height=max(320, 90 + 28 * rows), title=_title(spans[0][0]) if spans else "No sensitivity indices")
    fig.update_layout(barmode="group", legend=dict(orientation="h", y=-0.12, x=0, xanchor="left", yanchor="top"),
                      margin=dict(l=260))
    fig.update_xaxes(title_text="index (95% bootstrap interval)", zeroline=True)
    return fig


def _title(outcome: str) -> str:
    return f"What decides {txt(outcome)}: parameters ranked by their index"


def peeling_figure(found: dict[str, Any]) -> go.Figure:
    """PRIM's peeling trajectory (coverage vs density, coloured by the number of restricted dimensions),
    the chosen box marked."""
    traj = pd.DataFrame(found["trajectory"])
    chosen = found["chosen"]
    fig = go.Figure(go.Scatter(
        x=traj["coverage"], y=traj["density"], mode="lines+markers", name="peeling trajectory",
        marker=dict(color=traj["restricted"], colorscale="Viridis", size=8, showscale=True,
                    colorbar=dict(title="restricted<br>dimensions")),
        line=dict(color="#BBBBBB"), customdata=np.stack([traj.index, traj["mass"]], axis=-1),
        hovertemplate="box %{customdata[0]}<br>coverage %{x:.0%}<br>density %{y:.0%}<br>"
        "mass %{customdata[1]:.0%}<extra></extra>",
    ))
    row = traj.iloc[chosen]
    fig.add_trace(go.Scatter(x=[row["coverage"]], y=[row["density"]], mode="markers", name="chosen box",
                             marker=dict(symbol="star", size=18, color=PALETTE[1]),
                             hovertemplate="chosen box<br>coverage %{x:.0%}<br>density %{y:.0%}<extra></extra>"))
    fig.update_xaxes(title_text="coverage (share of all cases of interest inside the box)", tickformat=".0%")
    fig.update_yaxes(title_text="density (share of the box's runs that are cases)", tickformat=".0%")
    style(fig, height=440, title=f"Scenario discovery (PRIM): where {txt(found['where'])}")
    return fig

"""Bueno de Mesquita's forecast beside the agent-based run: final positions per actor, issue by issue."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analysis.figures.common import PROPOSAL_COLOR, colors, issue_title, style, txt


def forecast_figure(summary: Mapping[str, Any]) -> go.Figure | None:
    """Per issue: each actor's final position in the run (filled) and in the BDM forecast (open), with the
    forecast's weighted median; ``None`` when the summary carries no forecast (population scenarios)."""
    forecast = summary.get("forecast")
    if not forecast:
        return None
    actors: list[str] = list(summary["actors"])
    color = colors(actors)
    issues = [i for i in summary["issues"] if "final" in forecast.get(i, {})]
    if not issues:
        return None
    final = summary["final"]["positions"]
    fig = make_subplots(rows=1, cols=len(issues), shared_yaxes=True,
                        subplot_titles=[txt(i) for i in issues], horizontal_spacing=0.04)
    for col, issue in enumerate(issues, start=1):
        f = forecast[issue]
        names = [txt(a) for a in actors]
        fig.add_trace(go.Scatter(
            x=names, y=[final[a][issue] for a in actors], mode="markers", name="agent-based run (final)",
            legendgroup="abm", showlegend=col == 1,
            marker=dict(size=12, color=[color[a] for a in actors], symbol="circle"),
            hovertemplate="%{x}<br>run: %{y:.2f}<extra></extra>"), row=1, col=col)
        fig.add_trace(go.Scatter(
            x=names, y=[f["final"][a] for a in actors], mode="markers", name="BDM forecast (final)",
            legendgroup="bdm", showlegend=col == 1,
            marker=dict(size=15, color=[color[a] for a in actors], symbol="diamond-open", line=dict(width=2)),
            hovertemplate="%{x}<br>BDM: %{y:.2f}<extra></extra>"), row=1, col=col)
        fig.add_trace(go.Scatter(
            x=[names[0], names[-1]], y=[f["median"][-1]] * 2, mode="lines", name="BDM weighted median",
            legendgroup="median", showlegend=col == 1, line=dict(color=PROPOSAL_COLOR, dash="dash"),
            hovertemplate=f"BDM median: {f['median'][-1]:.2f}<extra></extra>"), row=1, col=col)
        ends = summary["issues"][issue]
        fig.update_yaxes(title_text=issue_title(issue, ends["low"], ends["high"]) if col == 1 else None,
                         range=[-0.05, 1.05], row=1, col=col)
        fig.update_xaxes(title_text="actor", row=1, col=col)
    return style(fig, 380, "Where the run ends vs Bueno de Mesquita's expected-utility forecast")

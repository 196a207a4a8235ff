"""Bueno de Mesquita's forecast beside the agent-based run: final positions per actor, issue by issue."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from analysis.figures.common import PROPOSAL_COLOR, colors, issue_title, style, txt
from analysis.figures.spec import Spec, axis, figure, subplots, trace


def forecast_figure(summary: Mapping[str, Any]) -> Spec | None:
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
    cols = len(issues)
    layout = subplots(1, cols, shared_yaxes=True, subplot_titles=[txt(i) for i in issues], horizontal_spacing=0.04)
    data = []
    for col, issue in enumerate(issues, start=1):
        cell = (1, col, cols)
        f = forecast[issue]
        names = [txt(a) for a in actors]
        data.append(trace(
            "scatter", cell, x=names, y=[final[a][issue] for a in actors], mode="markers",
            name="agent-based run (final)", legendgroup="abm", showlegend=col == 1,
            marker=dict(size=12, color=[color[a] for a in actors], symbol="circle"),
            hovertemplate="%{x}<br>run: %{y:.2f}<extra></extra>"))
        data.append(trace(
            "scatter", cell, x=names, y=[f["final"][a] for a in actors], mode="markers", name="BDM forecast (final)",
            legendgroup="bdm", showlegend=col == 1,
            marker=dict(size=15, color=[color[a] for a in actors], symbol="diamond-open", line=dict(width=2)),
            hovertemplate="%{x}<br>BDM: %{y:.2f}<extra></extra>"))
        data.append(trace(
            "scatter", cell, x=[names[0], names[-1]], y=[f["median"][-1]] * 2, mode="lines",
            name="BDM weighted median", legendgroup="median", showlegend=col == 1,
            line=dict(color=PROPOSAL_COLOR, dash="dash"),
            hovertemplate=f"BDM median: {f['median'][-1]:.2f}<extra></extra>"))
        ends = summary["issues"][issue]
        if col == 1:
            axis(layout, "y", 1, col, cols, title=dict(text=issue_title(issue, ends["low"], ends["high"])))
        axis(layout, "y", 1, col, cols, range=[-0.05, 1.05])
        axis(layout, "x", 1, col, cols, title=dict(text="actor"))
    return style(figure(data, layout), 380, "Where the run ends vs Bueno de Mesquita's expected-utility forecast")

"""Run figures over time: positions per issue (lines or density), mediator proposals, sidelining pressure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from analysis.columns import Columns, as_columns
from analysis.figures.arrays import MAX_ROUNDS, thin
from analysis.figures.common import (
    PROPOSAL_COLOR,
    colors,
    issue_title,
    rgba,
    round_title,
    style,
    txt,
)
from analysis.figures.spec import Spec, axis, colorscale, figure, merge, subplots, trace

MANY_ACTORS = 30  # above this, positions are drawn as a density over time instead of one line per actor
BINS = 50
DASHES = ("dash", "dot", "dashdot", "longdash")


def series(rounds: Columns, name: str) -> Columns:
    """The rows of one series of a tidy ``rounds`` table, sorted by round; above MAX_ROUNDS rounds only evenly
    spaced rounds (first and last kept), so a long run's figures stay light (the page says so)."""
    rows = as_columns(rounds).equal(series=name)
    distinct = np.unique(rows["round"])
    if len(distinct) > MAX_ROUNDS:
        rows = rows.where(np.isin(rows["round"], distinct[thin(len(distinct), MAX_ROUNDS)]))
    return rows.sorted("round")


def positions_figure(rounds: Columns, summary: Mapping[str, Any]) -> Spec:
    """Small multiples per issue: one line per actor (or a density when many), proposals dashed on top."""
    actors: list[str] = list(summary["actors"])
    issues: Mapping[str, Mapping[str, str]] = summary["issues"]
    many = len(actors) > MANY_ACTORS
    color = colors(actors)
    pos = series(rounds, "position")
    prop = series(rounds, "proposal")
    layout = subplots(len(issues), 1, shared_xaxes=True, vertical_spacing=0.22 / max(len(issues), 1),
                      subplot_titles=[txt(i) for i in issues])
    data = []
    for row, (issue, ends) in enumerate(issues.items(), start=1):
        cell = (row, 1, 1)
        on_issue = pos.equal(issue=issue)
        if many:
            data.append(_density(on_issue, first=row == 1, cell=cell))
        else:
            for actor in actors:
                d = on_issue.equal(actor=actor)
                data.append(trace(
                    "scatter", cell, x=d["round"], y=d["value"], mode="lines", name=txt(actor),
                    legendgroup=f"actor:{txt(actor)}", showlegend=row == 1, line=dict(color=color[actor], width=2.2),
                    hovertemplate=f"{txt(actor)}<br>round %{{x}}<br>position %{{y:.2f}}<extra></extra>",
                ))
        for k, track in enumerate(summary.get("tracks") or []):
            p = prop.equal(track=track["name"], issue=issue)
            if p.empty:
                continue
            label = f"proposal: {track['name']}"
            data.append(trace(
                "scatter", cell, x=p["round"], y=p["value"], mode="lines", name=txt(label),
                legendgroup=f"proposal:{txt(track['name'])}", showlegend=row == 1,
                line=dict(color=PROPOSAL_COLOR, width=2.5, dash=DASHES[k % len(DASHES)]),
                hovertemplate=f"{txt(label)}<br>round %{{x}}<br>proposal %{{y:.2f}}<extra></extra>",
            ))
        axis(layout, "y", row, title=dict(text=issue_title(issue, ends.get("low", "low"), ends.get("high", "high")),
                                          font=dict(size=11)),
             range=[-0.03, 1.03], tickvals=[0, 0.25, 0.5, 0.75, 1])
    axis(layout, "x", len(issues), title=dict(text=round_title(summary.get("round_length"))))
    title = "Positions over time" + (f" (density of {len(actors)} actors)" if many else "")
    fig = style(figure(data, layout), height=120 + 280 * len(issues), title=title)
    merge(fig["layout"], dict(margin=dict(l=190)))
    return fig


def _density(on_issue: Columns, first: bool, cell: tuple[int, int, int] | None = None) -> dict[str, Any]:
    """Share of actors per position bin and round, as a heatmap trace (colour on a square-root scale)."""
    rounds, column = np.unique(on_issue["round"], return_inverse=True)
    edges = np.linspace(0.0, 1.0, BINS + 1)
    values = np.clip(on_issue["value"].astype(float), 0, 1)
    finite = np.isfinite(values)
    row = np.minimum(np.searchsorted(edges, values[finite], side="right") - 1, BINS - 1)  # np.histogram's bins
    z = np.zeros((BINS, len(rounds)))
    np.add.at(z, (row, column[finite]), 1.0)
    z /= np.maximum(z.sum(axis=0, keepdims=True), 1)
    ticks = [0.01, 0.05, 0.2, 0.5, 1.0]
    return trace(
        "heatmap", cell, x=rounds, y=(edges[:-1] + edges[1:]) / 2, z=np.sqrt(z), customdata=z,
        colorscale=colorscale("Blues"), zmin=0, zmax=1, showscale=first, name="density",
        colorbar=dict(title=dict(text="share of actors"), tickvals=np.sqrt(ticks).tolist(),
                      ticktext=[f"{t:.0%}" for t in ticks], len=0.5, y=1, yanchor="top"),
        hovertemplate="round %{x}<br>position %{y:.2f}<br>%{customdata:.1%} of actors<extra></extra>",
    )


def pressure_figure(rounds: Columns, summary: Mapping[str, Any]) -> Spec | None:
    """Sidelining pressure over time per actor (a median and 5-95 % band when many); None when never positive."""
    actors: list[str] = list(summary["actors"])
    pres = series(rounds, "pressure")
    if pres.empty or not (pres["value"] > 0).any():
        return None
    data = []
    if len(actors) > MANY_ACTORS:
        x, q = _quantiles(pres, (0.05, 0.5, 0.95))
        data.append(trace(
            "scatter", x=x + x[::-1], y=list(q[2]) + list(q[0])[::-1], fill="toself", name="5-95 % of actors",
            fillcolor=rgba("#0072B2", 0.2), line=dict(width=0), hoverinfo="skip",
        ))
        data.append(trace("scatter", x=x, y=q[1], mode="lines", name="median actor", line=dict(color="#0072B2")))
    else:
        color = colors(actors)
        for actor in actors:
            d = pres.equal(actor=actor)
            if d.empty or not (d["value"] > 0).any():
                continue
            data.append(trace(
                "scatter", x=d["round"], y=d["value"], mode="lines", name=txt(actor),
                legendgroup=f"actor:{txt(actor)}", line=dict(color=color[actor], width=2.2),
                hovertemplate=f"{txt(actor)}<br>round %{{x}}<br>pressure %{{y:.2f}}<extra></extra>",
            ))
    layout = {"xaxis": {"title": {"text": round_title(summary.get("round_length"))}},
              "yaxis": {"title": {"text": "sidelining pressure (0-1)"}, "rangemode": "tozero"}}
    return style(figure(data, layout), height=340,
                 title="Sidelining pressure (actors left out of a track they care about)")


def _quantiles(rows: Columns, levels: tuple[float, ...]) -> tuple[list[Any], np.ndarray]:
    """The rounds of ``rows`` (sorted) and ``q[k, t]``: quantile ``levels[k]`` of round t's recorded values, computed
    as pandas' ``groupby().quantile()`` does (linear, ``low + (high - low) * frac``), to the last bit."""
    rounds, t = np.unique(rows["round"], return_inverse=True)
    values = rows["value"].astype(float)
    q = np.full((len(levels), len(rounds)), np.nan)
    for k in range(len(rounds)):
        v = np.sort(values[(t == k) & ~np.isnan(values)])
        for j, level in enumerate(levels):
            if v.size:
                at = level * (v.size - 1)
                low, frac = int(at), at % 1
                q[j, k] = v[low] if frac == 0.0 else v[low] + (v[low + 1] - v[low]) * frac
    return list(rounds), q

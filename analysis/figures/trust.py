"""Run figure of trust between actors: a heatmap with a slider over rounds."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from analysis.columns import Columns, as_columns
from analysis.figures.common import colors, round_title, slider_rounds, style, txt
from analysis.figures.spec import Spec, colorscale, figure, merge, trace


def trust_matrix(trust: Columns, actors: list[str]) -> np.ndarray:
    """Matrix ``m[i, j]`` = how much actor i trusts actor j (NaN where unrecorded and on the diagonal)."""
    index = {a: i for i, a in enumerate(actors)}
    m = np.full((len(actors), len(actors)), np.nan)
    for a, b, v in zip(trust["actor"], trust["other"], trust["value"], strict=True):
        if a in index and b in index and a != b:
            m[index[a], index[b]] = v
    return m


def _rows(m: np.ndarray) -> list[list[float | None]]:
    """A matrix as JSON-friendly nested lists (NaN becomes a gap)."""
    return [[None if np.isnan(v) else round(float(v), 4) for v in row] for row in m]


def trust_figure(rounds: Columns, summary: Mapping[str, Any]) -> Spec:
    """Heatmap of trust (row actor trusts column actor) with a round slider, actor names in their colours."""
    actors: list[str] = list(summary["actors"])
    color = colors(actors)
    trust = as_columns(rounds).equal(series="trust")
    steps = slider_rounds(np.unique(trust["round"]).tolist())
    mats = {r: _rows(trust_matrix(trust.equal(round=r), actors)) for r in steps}
    names = [txt(a) for a in actors]
    ticks = [f"<span style='color:{color[a]}'><b>{txt(a)}</b></span>" for a in actors]
    last = steps[-1] if steps else None
    heat = trace(
        "heatmap", x=names, y=names, z=mats.get(last, _rows(trust_matrix(trust, actors))), zmin=0, zmax=1,
        colorscale=colorscale("Blues"), colorbar=dict(title=dict(text="trust (0-1)")), xgap=2, ygap=2,
        hovertemplate="%{y} trusts %{x}: %{z:.2f}<extra></extra>",
        texttemplate="%{z:.2f}" if len(actors) <= 12 else None,
    )
    unit = round_title(summary.get("round_length"))
    sliders = [dict(active=len(steps) - 1, currentvalue=dict(prefix=f"{unit}: "), pad=dict(t=50),
                    steps=[dict(label=str(r), method="restyle", args=[{"z": [mats[r]]}, [0]]) for r in steps])]
    layout = {"sliders": sliders} if steps else {}
    layout["xaxis"] = dict(title=dict(text="trusted actor"), tickmode="array", tickvals=names, ticktext=ticks,
                           side="top")
    layout["yaxis"] = dict(title=dict(text="trusting actor"), tickmode="array", tickvals=names, ticktext=ticks,
                           autorange="reversed")
    side = 160 + 48 * len(actors)
    fig = style(figure([heat], layout), height=min(max(side, 420), 1100) + 80,
                title="Trust between actors (row trusts column)")
    merge(fig["layout"], dict(margin=dict(t=120)))
    return fig

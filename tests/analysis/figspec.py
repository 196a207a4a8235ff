"""Run and sweep figures are plain plotly dicts; tests read them through graph objects, after checking that plotly's
own validation changes nothing in them (so a page written from the dict is the page graph objects would write)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import plotly.graph_objects as go
from plotly.io.json import to_json_plotly

from analysis.figures import collapse, common, contacts, forecast, positions, sensitivity, sweep, trust
from analysis.figures.spec import encoded


def validated(spec: dict[str, Any] | None) -> go.Figure | None:
    """``go.Figure(spec)``, asserting that it holds exactly what the dict says (None passes through)."""
    if spec is None:
        return None
    fig = go.Figure(spec)
    want = fig.to_dict()
    want["layout"].pop("template", None)  # plotly's default; pages attach the dashboards' own
    assert json.loads(to_json_plotly(want)) == json.loads(to_json_plotly(encoded(spec)))
    return fig


def _checked(build: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return validated(build(*args, **kwargs))

    return wrapper


positions_figure = _checked(positions.positions_figure)
pressure_figure = _checked(positions.pressure_figure)
timeline_figure = _checked(contacts.timeline_figure)
network_figure = _checked(contacts.network_figure)
trust_figure = _checked(trust.trust_figure)
forecast_figure = _checked(forecast.forecast_figure)
outcome_vs_parameter = _checked(sweep.outcome_vs_parameter)
survival_heatmap = _checked(sweep.survival_heatmap)
distributions_figure = _checked(sweep.distributions_figure)
parallel_figure = _checked(sweep.parallel_figure)
who_figure = _checked(collapse.who_figure)
empty = _checked(common.empty)
ranked_figure = _checked(sensitivity.ranked_figure)
peeling_figure = _checked(sensitivity.peeling_figure)


def survival_heatmaps(*args: Any) -> list[go.Figure]:
    """``sweep.survival_heatmaps``, each figure checked."""
    return [validated(f) for f in sweep.survival_heatmaps(*args)]

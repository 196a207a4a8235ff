"""Figures as plain plotly dicts (``{"data": [...], "layout": {...}}``), the way plotly's docs suggest for speed:
no graph-object validation while a page is built; ``analysis.html.figure`` writes them with plotly's own encoder.

Every run-page and sweep-page figure is built here as plotly would hold it after validation (``tests/analysis/figspec``
checks that ``go.Figure(spec)`` changes nothing), with its keys in the order plotly writes them (``trace``, ``merge``),
so a page is the one graph objects would write (a sweep page byte for byte: checked on saved sweeps).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

Spec = dict[str, Any]


def prune(value: Any) -> Any:
    """Drop properties set to None (plotly's "unset"), in dicts at any depth; None inside data arrays stays."""
    if isinstance(value, Mapping):
        return {k: prune(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [prune(v) if isinstance(v, Mapping) else v for v in value]
    return value


def merge(base: dict[str, Any], update: Mapping[str, Any]) -> dict[str, Any]:
    """Merge ``update`` into ``base`` in place as ``update_layout`` does: nested dicts merged, the rest replaced;
    a new key lands where plotly puts it (an update's nested objects first, then its plain values)."""
    nested = [k for k, v in update.items() if isinstance(v, Mapping)]
    for key in [*nested, *(k for k in update if k not in nested)]:
        value = update[key]
        if isinstance(value, Mapping) and isinstance(base.get(key), dict):
            merge(base[key], value)
        else:
            base[key] = merge({}, value) if isinstance(value, Mapping) else value
    return base


def figure(data: Sequence[Mapping[str, Any]] = (), layout: Mapping[str, Any] | None = None) -> Spec:
    """A figure dict of traces (each a dict with ``type``) and a layout."""
    return {"data": [prune(t) for t in data], "layout": prune(dict(layout or {}))}


def trace(kind: str, cell: tuple[int, int, int] | None = None, **props: Any) -> dict[str, Any]:
    """A trace of type ``kind``; with ``cell`` (row, col, cols), on that cell of a ``subplots`` grid. Its properties
    are in the order plotly's validation writes them (sorted at every depth, the type last, then the axes)."""
    out = {**sorted_keys(props), "type": kind}
    if cell is not None:
        out["xaxis"], out["yaxis"] = axis_ids(*cell)
    return out


def sorted_keys(value: Any) -> Any:
    """Dicts (also inside lists) with their keys sorted, at any depth; data arrays as they are."""
    if isinstance(value, Mapping):
        return {k: sorted_keys(value[k]) for k in sorted(value)}
    if isinstance(value, list | tuple) and any(isinstance(v, Mapping) for v in value):
        return [sorted_keys(v) for v in value]
    return value


def axis_ids(row: int, col: int, cols: int) -> tuple[str, str]:
    """The x and y axis ids (``x``, ``x2``, ...) of a grid cell, counted row by row from the top left."""
    n = (row - 1) * cols + col
    suffix = str(n) if n > 1 else ""
    return f"x{suffix}", f"y{suffix}"


def axis(layout: dict[str, Any], letter: str, row: int = 1, col: int = 1, cols: int = 1, **props: Any) -> None:
    """Merge ``props`` into one axis of the layout (``update_xaxes(row=, col=)``)."""
    n = (row - 1) * cols + col
    merge(layout.setdefault(f"{letter}axis{n if n > 1 else ''}", {}), props)


def subplots(rows: int, cols: int, *, shared_xaxes: bool = False, shared_yaxes: bool = False,
             horizontal_spacing: float | None = None, vertical_spacing: float | None = None,
             subplot_titles: Sequence[str] = ()) -> dict[str, Any]:
    """The layout ``plotly.subplots.make_subplots`` makes for a plain grid (start top-left, no specs)."""
    h = 0.2 / cols if horizontal_spacing is None else horizontal_spacing
    v = (0.5 if subplot_titles else 0.3) / rows if vertical_spacing is None else vertical_spacing
    widths = [(1.0 - h * (cols - 1)) / cols] * cols
    heights = [(1.0 - v * (rows - 1)) / rows] * rows
    layout: dict[str, Any] = {}
    domains = []
    for r in range(rows):
        for c in range(cols):
            x0 = sum(widths[:c]) + c * h
            x_domain = [max(0.0, x0), min(1.0, x0 + widths[c])]
            below = rows - 1 - r  # the grid is built from the bottom row up
            y0 = sum(heights[:below]) + below * v
            y_domain = [max(0.0, _clamp(y0)), min(1.0, _clamp(y0 + heights[-1 - r]))]
            x_id, y_id = axis_ids(r + 1, c + 1, cols)
            layout[f"xaxis{x_id[1:]}"] = {"anchor": y_id, "domain": x_domain}
            layout[f"yaxis{y_id[1:]}"] = {"anchor": x_id, "domain": y_domain}
            domains.append((x_domain, y_domain))
    if shared_xaxes:  # every column's axes match its bottom one, whose tick labels alone stay
        for c in range(cols):
            first = axis_ids(rows, c + 1, cols)[0]
            for r in range(rows - 1):
                layout[f"xaxis{axis_ids(r + 1, c + 1, cols)[0][1:]}"].update(matches=first, showticklabels=False)
    if shared_yaxes:  # every row's axes match its first one
        for r in range(rows):
            first = axis_ids(r + 1, 1, cols)[1]
            for c in range(1, cols):
                layout[f"yaxis{axis_ids(r + 1, c + 1, cols)[1][1:]}"].update(matches=first, showticklabels=False)
    titles = [{"font": {"size": 16}, "showarrow": False, "text": text, "x": sum(x) / 2.0, "xanchor": "center",
               "xref": "paper", "y": y[1], "yanchor": "bottom", "yref": "paper"}
              for text, (x, y) in zip(subplot_titles, domains, strict=False) if text]
    if titles:
        layout["annotations"] = titles
    return layout


def colorscale(name: str) -> list[list[Any]]:
    """A named plotly colorscale as the list of [level, colour] pairs plotly validates it to."""
    from plotly.colors import diverging, sequential

    steps = getattr(sequential, name, None) or getattr(diverging, name)
    return [[i / (len(steps) - 1), c] for i, c in enumerate(steps)]


def _clamp(y: float) -> float:
    """make_subplots' rounding of a domain end within 0.01 of [0, 1]."""
    return 0.0 if -0.01 < y < 0.0 else 1.0 if 1.0 < y < 1.01 else y


def vline(layout: dict[str, Any], x: float, line: Mapping[str, Any], annotation_text: str) -> None:
    """A vertical line across the plot with a label at its top (``add_vline(annotation_text=...)``)."""
    layout.setdefault("shapes", []).append({"line": dict(line), "type": "line", "x0": x, "x1": x, "xref": "x",
                                            "y0": 0, "y1": 1, "yref": "y domain"})
    layout.setdefault("annotations", []).append({"showarrow": False, "text": annotation_text, "x": x,
                                                 "xanchor": "left", "xref": "x", "y": 1, "yanchor": "top",
                                                 "yref": "y domain"})


def encoded(spec: Spec) -> Spec:
    """A copy of a figure dict as plotly's ``Figure.to_dict()`` gives it: numeric arrays (numpy, pandas) as
    plotly.js typed arrays (base64), where the installed plotly encodes them so."""
    out = _copy(spec)
    try:
        from _plotly_utils.utils import convert_to_base64  # plotly >= 6, as Figure.to_dict() calls it
    except ImportError:  # older plotly writes arrays as lists
        return out
    convert_to_base64(out)
    return out


def _copy(value: Any) -> Any:
    """A copy of the dicts and lists of a figure dict (arrays and scalars shared), for encoding in place."""
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value

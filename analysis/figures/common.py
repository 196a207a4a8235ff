"""Shared look of every figure: colours per actor/scenario/state, axis titles, label escaping."""

from __future__ import annotations

import functools
import html
import json
import textwrap
from collections.abc import Iterable, Sequence
from importlib import resources
from typing import TYPE_CHECKING, Any

import numpy as np
import plotly
import plotly.graph_objects as go

from analysis.columns import is_null, nulls
from analysis.figures.arrays import thin
from analysis.figures.spec import Spec, figure, merge, sorted_keys

if TYPE_CHECKING:
    import pandas as pd

# Okabe-Ito first (colour-blind safe), then Tableau-like extras; cycled beyond its length.
PALETTE: tuple[str, ...] = (
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#7F3C8D", "#8C564B",
    "#1B9E77", "#E7298A", "#666666", "#A6761D", "#17BECF", "#BCBD22", "#393B79", "#AD494A",
)
# States of a contact (rounds.parquet `contact.state`, summary channel `status`).
STATE_COLORS: dict[str, str] = {
    "open": "#2E8B57",
    "one_sided": "#E69F00",
    "collapsed": "#C0392B",
    "closed": "#9E9E9E",
    "never_opened": "#CFCFCF",
}
STATE_LABELS: dict[str, str] = {
    "open": "open",
    "one_sided": "one-sided",
    "collapsed": "collapsed",
    "closed": "closed",
    "never_opened": "never opened",
}
PROPOSAL_COLOR = "#222222"
BAND_COLOR = "rgba(0, 114, 178, {a})"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
TEMPLATE = "plotly_white"
MAX_STEPS = 60  # slider steps; rounds are subsampled beyond this


def txt(value: object) -> str:
    """Escape scenario text for plotly labels (plotly renders a subset of HTML and decodes &lt; etc.)."""
    return html.escape(str(value), quote=False)


def wrap(value: object, width: int = 28) -> str:
    """Escape and wrap a label onto several plotly lines (``<br>``)."""
    return "<br>".join(txt(line) for line in textwrap.wrap(str(value), width) or [""])


def colors(names: Sequence[str]) -> dict[str, str]:
    """A fixed colour per name, keyed by its order (actors in summary order; scenarios in manifest order)."""
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(names)}


def round_unit(round_length: str | None = "week") -> str:
    """The plural unit of a round, e.g. ``weeks`` for ``week`` or ``one diplomatic week``."""
    unit = " ".join((round_length or "round").split())
    for article in ("one ", "a ", "an ", "1 "):
        unit = unit.removeprefix(article)
    return unit if unit.endswith("s") else f"{unit}s"


def round_title(round_length: str | None = "week") -> str:
    """The x-axis title of every time axis, e.g. ``round (weeks)``."""
    unit = round_unit(round_length)
    return "round" if unit == "rounds" else f"round ({txt(unit)})"


def issue_title(issue: str, low: str, high: str, width: int = 30) -> str:
    """Y-axis title of an issue's 0-1 scale: its name, then what 0 and 1 mean."""
    return f"<b>{txt(issue)}</b><br>{wrap(f'0 = {low}', width)}<br>{wrap(f'1 = {high}', width)}"


def rgba(hex_color: str, alpha: float) -> str:
    """``#RRGGBB`` to an ``rgba()`` string with the given opacity."""
    h = hex_color.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r}, {g}, {b}, {alpha})"


@functools.cache
def template() -> dict[str, Any]:
    """The layout template of every figure (``TEMPLATE``), read once from plotly's own JSON of it; a page
    attaches it when it writes a figure (``analysis.html.figure``), so no figure validates a copy of it."""
    return json.loads(resources.files(plotly).joinpath("package_data", "templates", f"{TEMPLATE}.json").read_text())


def style(fig: go.Figure | Spec, height: int, title: str | None = None) -> Any:
    """Apply the dashboard's common layout (font, margins, height, optional title; the template is attached
    when the figure is written) to a graph-object figure or a figure dict (``analysis.figures.spec``)."""
    common = dict(height=height, font=dict(family=FONT, size=13), margin=dict(l=70, r=30, t=60 if title else 30, b=55),
                  hoverlabel=dict(align="left"), legend=dict(font=dict(size=12)))
    titled = dict(title=dict(text=title, x=0.01, xanchor="left", font=dict(size=16))) if title else None
    if isinstance(fig, dict):
        for update in (common, titled or {}):
            merge(fig["layout"], update)
        return fig
    fig.update_layout(**common)
    if titled:
        fig.update_layout(**titled)
    return fig


def menu(fig: go.Figure | Spec, buttons: list[dict[str, Any]]) -> Any:
    """A dropdown between the title and the plot (top left); nothing for fewer than two choices. On a graph-object
    figure or a figure dict (buttons sorted as plotly's validation writes them)."""
    if len(buttons) > 1:
        update = dict(margin=dict(t=120), title=dict(y=0.985, yanchor="top"), updatemenus=[dict(
            bgcolor="#fff", buttons=buttons, direction="down", font=dict(size=12), showactive=True, x=0,
            xanchor="left", y=1.03, yanchor="bottom")])
        if isinstance(fig, dict):
            update["updatemenus"] = sorted_keys(update["updatemenus"])
            merge(fig["layout"], update)
        else:
            fig.update_layout(**update)
    return fig


def fmt(value: object) -> str:
    """A short label for a parameter value (numbers with up to 3 significant digits)."""
    if isinstance(value, bool | str) or value is None:
        return str(value)
    try:
        return f"{float(value):.3g}"
    except (TypeError, ValueError):
        return str(value)


def empty(message: str, height: int = 160) -> Spec:
    """A blank figure (a dict) that states why there is nothing to plot."""
    layout = {"annotations": [{"showarrow": False, "text": txt(message), "x": 0.5, "xref": "paper", "y": 0.5,
                               "yref": "paper"}], "xaxis": {"visible": False}, "yaxis": {"visible": False}}
    return style(figure(layout=layout), height)


def slider_rounds(rounds: Sequence[int]) -> list[int]:
    """At most MAX_STEPS rounds for a slider, evenly spaced, always with the first and the last (``thin``)."""
    rounds = sorted(int(r) for r in rounds)
    return [rounds[i] for i in thin(len(rounds), MAX_STEPS)]


def pair_label(a: str, b: str) -> str:
    """The name of a pair of actors as used in outcome columns, ``A-B``."""
    return f"{a}-{b}"


def summarize(values: np.ndarray) -> dict[str, float]:
    """Median, quartiles and 5/95 % quantiles of a numeric column (NaNs dropped)."""
    v = np.asarray(values, dtype=float)
    return quantiles(v[~np.isnan(v)])


def quantiles(v: np.ndarray) -> dict[str, float]:
    """``summarize`` of a float array without NaN."""
    if v.size == 0:
        return {k: float("nan") for k in ("median", "q25", "q75", "q05", "q95", "n")} | {"n": 0.0}
    q05, q25, med, q75, q95 = np.quantile(v, [0.05, 0.25, 0.5, 0.75, 0.95])
    return {"median": med, "q25": q25, "q75": q75, "q05": q05, "q95": q95, "n": float(v.size)}


def wilson(successes: float, n: float, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval of a proportion (95 % by default); (nan, nan) when n = 0."""
    if n <= 0:
        return float("nan"), float("nan")
    p = successes / n
    denom = 1 + z**2 / n
    centre = (p + z**2 / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def is_bool(values: np.ndarray | pd.Series) -> bool:
    """True for a boolean outcome column (also object columns holding only True/False/None): a numpy column, or a
    pandas one (the compare page)."""
    if not isinstance(values, np.ndarray):
        import pandas as pd

        if pd.api.types.is_bool_dtype(values):
            return True
        if values.dtype != object:
            return False
        values = values.to_numpy()
    if values.dtype == bool:
        return True
    if values.dtype == object:
        vals = {v for v in set(values.tolist()) if not is_null(v)}
        return bool(vals) and vals <= {True, False}
    return False


def is_numeric(values: np.ndarray) -> bool:
    """True for a column of numbers or bools (pandas' ``is_numeric_dtype``)."""
    return values.dtype.kind in "biuf"


def numbers(values: np.ndarray) -> np.ndarray:
    """A numeric or yes/no column as floats, every gap (None, NaN) as NaN."""
    if values.dtype != object:
        return values.astype(float)
    return np.array([np.nan if is_null(v) else float(v) for v in values.tolist()], dtype=float)


def known(values: np.ndarray) -> np.ndarray:
    """The non-missing values of a yes/no column, as bools."""
    return values if values.dtype == bool else numbers(values)[~nulls(values)].astype(bool)


# Axis titles of outcome columns: by whole name, by "CHANNEL:<suffix>" and by "<prefix>:NAME".
_UNIT_NAMES = {
    "agreement": "agreement (share of runs)",
    "agreement_round": "time to agreement (rounds)",
    "polarization": "polarization (0-1)",
}
_UNIT_SUFFIXES = {
    ":lifetime": "{} channel lifetime (rounds open)",
    ":opened": "{} channel opened (round)",
    ":collapsed": "{} channel collapsed (share of runs)",
    ":collapses": "{} channel collapses (count)",
}
_UNIT_PREFIXES = {
    "agreement:": "agreement on {} (share of runs)",
    "bloc_distance:": "distance between {} positions (0-1)",
    "pressure:": "sidelining pressure of {} (0-1)",
}


def outcome_unit(name: str) -> str:
    """Axis title of an outcome column, with its unit."""
    if name in _UNIT_NAMES:
        return _UNIT_NAMES[name]
    for suffix, title in _UNIT_SUFFIXES.items():
        if name.endswith(suffix):
            return title.format(name.removesuffix(suffix))
    for prefix, title in _UNIT_PREFIXES.items():
        if name.startswith(prefix):
            return title.format(name.removeprefix(prefix))
    if name.startswith("trust:"):
        a, _, b = name.removeprefix("trust:").partition("->")
        return f"final trust {a} → {b} (0-1)"
    return name


_RANKS = (
    lambda s: s.endswith(":lifetime"),
    lambda s: s.endswith(":collapsed"),
    lambda s: s == "agreement",
    lambda s: s == "agreement_round",
    lambda s: s.endswith(":opened"),
    lambda s: s == "polarization",
    lambda s: s.startswith("pressure:"),
    lambda s: s.startswith("trust:"),
)


def outcome_order(names: Iterable[str]) -> list[str]:
    """Outcome columns in reading order: channels, agreement, polarization, pressure, trust, then the rest."""

    def rank(name: str) -> int:
        return next((i for i, test in enumerate(_RANKS) if test(name)), len(_RANKS))

    return sorted(names, key=rank)

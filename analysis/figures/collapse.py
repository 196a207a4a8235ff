"""Why back channels collapsed across runs: the share of runs in which each side did not listen.

Reads the ``A-B:did_not_listen`` columns of a sweep or compare table (a name, "both", or empty where the channel
never collapsed) and stacks their shares by a grouping: the levels of a varied parameter, or the scenarios.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from analysis.figures.common import PALETTE, menu, style, txt
from sim import output_format as F

SUFFIX = F.DID_NOT_LISTEN
NEVER, UNOPENED = "never collapsed", "never opened"
BOTH_COLOR, NEVER_COLOR, UNOPENED_COLOR = "#444444", "#BDBDBD", "#EBEBEB"


def channels(runs: pd.DataFrame) -> list[str]:
    """Channels with a ``did_not_listen`` column in which at least one run collapsed, in column order."""
    return [c.removesuffix(SUFFIX) for c in runs.columns if c.endswith(SUFFIX) and runs[c].notna().any()]


def shares(runs: pd.DataFrame, by: pd.Series, channel: str) -> pd.DataFrame:
    """Rows: each level of ``by``; columns: each side, "both", "never collapsed", "never opened" (from
    ``A-B:opened`` when the table has it); values: the share of that level's runs (each row sums to 1)."""
    a, _, b = channel.partition("-")
    who = runs[channel + SUFFIX].astype(object).where(runs[channel + SUFFIX].notna(), NEVER)
    if f"{channel}:opened" in runs.columns:
        who = who.where(runs[f"{channel}:opened"].notna(), UNOPENED)
    table = pd.crosstab(by.rename("level"), who.rename("who"), normalize="index")
    order = [c for c in (a, b, "both", NEVER, UNOPENED) if c in table.columns]
    return table[order + [c for c in table.columns if c not in order]]


def who_figure(runs: pd.DataFrame, by: pd.Series, by_title: str, order: Sequence[object] | None = None) -> go.Figure:
    """Stacked shares of runs by who did not listen when each channel collapsed, one channel at a time (menu)."""
    fig = go.Figure()
    buttons, counts = [], by.value_counts()
    for k, channel in enumerate(chans := channels(runs)):
        a, _, b = channel.partition("-")
        table = shares(runs, by, channel)
        if order is not None:
            table = table.reindex([o for o in order if o in table.index])
        colors = {a: PALETTE[0], b: PALETTE[1], "both": BOTH_COLOR, NEVER: NEVER_COLOR, UNOPENED: UNOPENED_COLOR}
        first = len(fig.data)
        x = [txt(v) for v in table.index]
        for who in table.columns:
            label = (str(who) if who in (NEVER, UNOPENED) else "neither listened" if who == "both"
                     else f"{txt(who)} did not listen")
            fig.add_trace(go.Bar(
                x=x, y=table[who].tolist(), name=label, visible=k == 0, legendgroup=str(who),
                marker_color=colors.get(who, PALETTE[2]),
                customdata=[int(counts.get(v, 0)) for v in table.index],
                hovertemplate=f"{txt(by_title)} %{{x}}<br>{label}: %{{y:.0%}} of %{{customdata}} runs<extra></extra>",
            ))
        buttons.append((channel, first, len(fig.data)))
    total = len(fig.data)
    menu(fig, [dict(label=txt(c), method="update", args=[{"visible": [lo <= i < hi for i in range(total)]},
                                                         {"title.text": _title(c)}])
               for c, lo, hi in buttons])
    fig.update_xaxes(title_text=txt(by_title), type="category")
    fig.update_yaxes(title_text="share of runs", range=[0, 1.0001], tickformat=".0%")
    style(fig, height=440, title=_title(chans[0]) if chans else "No back channel collapsed in any run")
    fig.update_layout(barmode="stack", legend=dict(orientation="h", y=-0.18, x=0, xanchor="left", yanchor="top"),
                      margin=dict(b=110))
    return fig


def _title(channel: str) -> str:
    return f"Why the {txt(channel)} channel collapsed: who did not listen (the last collapse of each run)"

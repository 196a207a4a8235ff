"""Why back channels collapsed across runs: the share of runs in which each side did not listen.

Reads the ``A-B:did_not_listen`` columns of a sweep or compare table (a name, "both", or empty where the channel
never collapsed) and stacks their shares by a grouping: the levels of a varied parameter, or the scenarios.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from analysis.columns import Columns, nulls
from analysis.figures.common import PALETTE, menu, style, txt
from analysis.figures.spec import Spec, axis, figure, merge, trace
from analysis.figures.sweep import factorized
from sim import output_format as F

SUFFIX = F.DID_NOT_LISTEN
NEVER, UNOPENED = "never collapsed", "never opened"
BOTH_COLOR, NEVER_COLOR, UNOPENED_COLOR = "#444444", "#BDBDBD", "#EBEBEB"


def channels(runs: Columns) -> list[str]:
    """Channels with a ``did_not_listen`` column in which at least one run collapsed, in column order."""
    return [c.removesuffix(SUFFIX) for c in runs.columns
            if c.endswith(SUFFIX) and not nulls(runs[c]).all()]


class Shares(NamedTuple):
    """Who did not listen, per level of a grouping: ``share[i, j]`` of level ``levels[i]``'s ``runs[i]`` runs had
    ``who[j]``."""

    levels: list[object]
    who: list[str]
    share: np.ndarray
    runs: np.ndarray


def shares(runs: Columns, by: np.ndarray, channel: str) -> Shares:
    """Per level of ``by`` (sorted; runs without a level left out): the share of its runs by each side, "both",
    "never collapsed", "never opened" (from ``A-B:opened`` when the table has it), then any other value, as
    ``pd.crosstab(normalize="index")`` has them (each row sums to 1)."""
    a, _, b = channel.partition("-")
    said = runs[channel + SUFFIX]
    who = np.where(nulls(said), NEVER, said.astype(object))
    if f"{channel}:opened" in runs.columns:
        who = np.where(nulls(runs[f"{channel}:opened"]), UNOPENED, who)
    levels, row = factorized(by)
    names = sorted(set(who.tolist()))
    order = [c for c in (a, b, "both", NEVER, UNOPENED) if c in names]
    names = order + [c for c in names if c not in order]
    index = {c: j for j, c in enumerate(names)}
    col = np.fromiter(map(index.__getitem__, who.tolist()), dtype=np.int64, count=len(who))
    keep = row >= 0
    cells = np.bincount(row[keep] * len(names) + col[keep], minlength=len(levels) * len(names))
    counts = cells.reshape(len(levels), len(names)).astype(float)
    total = counts.sum(axis=1)
    return Shares(levels, names, counts / total[:, None], total.astype(np.int64))


def who_figure(runs: Columns, by: np.ndarray, by_title: str, order: Sequence[object] | None = None) -> Spec:
    """Stacked shares of runs by who did not listen when each channel collapsed, one channel at a time (menu)."""
    data: list[dict] = []
    buttons = []
    for k, channel in enumerate(chans := channels(runs)):
        a, _, b = channel.partition("-")
        table = shares(runs, by, channel)
        at = list(range(len(table.levels)))
        if order is not None:
            place = {v: i for i, v in enumerate(table.levels)}
            at = [place[o] for o in order if o in place]
        colors = {a: PALETTE[0], b: PALETTE[1], "both": BOTH_COLOR, NEVER: NEVER_COLOR, UNOPENED: UNOPENED_COLOR}
        first = len(data)
        x = [txt(table.levels[i]) for i in at]
        for j, who in enumerate(table.who):
            label = str(who) if who in (NEVER, UNOPENED) else f"{txt(who)} did not listen"  # "both did not listen"
            data.append(trace(
                "bar", x=x, y=table.share[at, j].tolist(), name=label, visible=k == 0, legendgroup=str(who),
                marker=dict(color=colors.get(who, PALETTE[2])), customdata=table.runs[at].tolist(),
                hovertemplate=f"{txt(by_title)} %{{x}}<br>{label}: %{{y:.0%}} of %{{customdata}} runs<extra></extra>",
            ))
        buttons.append((channel, first, len(data)))
    total = len(data)
    fig = figure(data)
    menu(fig, [dict(args=[{"visible": [lo <= i < hi for i in range(total)]}, {"title.text": _title(c)}],
                    label=txt(c), method="update") for c, lo, hi in buttons])
    axis(fig["layout"], "x", title=dict(text=txt(by_title)), type="category")
    axis(fig["layout"], "y", title=dict(text="share of runs"), range=[0, 1.0001], tickformat=".0%")
    style(fig, height=440, title=_title(chans[0]) if chans else "No back channel collapsed in any run")
    merge(fig["layout"], dict(barmode="stack", legend=dict(orientation="h", y=-0.18, x=0, xanchor="left",
                                                           yanchor="top"), margin=dict(b=110)))
    return fig


def _title(channel: str) -> str:
    return f"Why the {txt(channel)} channel collapsed: who did not listen (the last collapse of each run)"

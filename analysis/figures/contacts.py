"""Run figures of contacts: a Gantt-style timeline of contact states and a network with a round slider."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from itertools import combinations
from typing import Any

import networkx as nx
import pandas as pd
import plotly.graph_objects as go

from analysis.figures.common import STATE_COLORS, STATE_LABELS, colors, round_title, slider_rounds, style, txt
from sim import output_format as F

MAX_ROWS = 40  # contacts shown in the timeline; back channels first
MAX_MEMBERS = 12  # tracks/alliances with more members get no synthesized pair contacts
KIND_ORDER = ("back_channel", "track", "alliance")
KIND_LABELS = {"back_channel": "back channel", "track": "track seat", "alliance": "alliance"}
KIND_LINE = {"back_channel": ("solid", 4.0), "track": ("dot", 2.5), "alliance": ("dash", 2.5)}
STATES = ("open", "one_sided", "collapsed", "closed")
OPEN_KINDS = F.OPENING_KINDS
END_KINDS = F.ENDING_KINDS


def _summary_contacts(summary: Mapping[str, Any], series: pd.DataFrame, n_rounds: int) -> pd.DataFrame:
    """Rows for tracks and alliances that the contact series does not record, from the summary's channels."""
    tracks = [t if isinstance(t, str) and t else None for t in series["track"].tolist()]
    recorded = set(zip(map(frozenset, zip(series["actor"], series["other"], strict=True)), tracks, strict=True))
    rows = []
    for ch in summary.get("channels") or []:
        kind, members = ch.get("kind"), list(ch.get("between") or [])
        if kind not in ("track", "alliance") or len(members) > MAX_MEMBERS:
            continue
        name = ch.get("label") or "-".join(members)
        track = name if kind == "track" else None
        row = f"{name} (track)" if kind == "track" else f"{name} (alliance)"
        opened, closed = ch.get("opened") or 0, ch.get("closed")
        for a, b in combinations(members, 2):
            if (frozenset((a, b)), track) in recorded:
                continue
            label = f"{a}-{b} ({name})" if kind == "track" else f"{a}-{b} (alliance)"
            for r in range(n_rounds + 1):
                live = opened <= r and (closed is None or r < closed)
                rows.append(dict(round=r, series="contact", actor=a, other=b, issue=None, track=track,
                                 value=float("nan"), state="open" if live else "closed", kind=kind, label=label,
                                 row=row))
    return pd.DataFrame(rows, columns=list(dict.fromkeys([*series.columns, "kind", "label", "row"])))


def contact_table(rounds: pd.DataFrame, summary: Mapping[str, Any]) -> pd.DataFrame:
    """Contacts per round with kind, pair label and timeline row: the contact series plus summary tracks/alliances."""
    c = rounds[rounds["series"] == "contact"].copy()
    kinds: dict[frozenset[str], str] = {}
    labels: dict[frozenset[str], str] = {}
    for ch in summary.get("channels") or []:
        if ch.get("kind") == "back_channel":
            labels.setdefault(frozenset(ch["between"]), ch.get("label") or "-".join(ch["between"]))
        if ch.get("kind") == "alliance" and len(ch["between"]) <= MAX_MEMBERS:
            for pair in combinations(ch["between"], 2):
                kinds.setdefault(frozenset(pair), "alliance")
    tracked = (c["track"].notna() & (c["track"].astype(object) != "")).tolist()
    pairs = [frozenset(p) for p in zip(c["actor"].tolist(), c["other"].tolist(), strict=True)]
    c["kind"] = ["track" if t else kinds.get(p, "back_channel") for t, p in zip(tracked, pairs, strict=True)]

    def label_of(actor: str, other: str, track: object, kind: str, pair: frozenset[str]) -> str:
        if kind == "track":
            return f"{actor}-{other} ({track})"
        if kind == "alliance":
            return f"{actor}-{other} (alliance)"
        return labels.get(pair, f"{actor}-{other}")

    c["label"] = [
        label_of(*row)
        for row in zip(c["actor"].tolist(), c["other"].tolist(), c["track"].tolist(), c["kind"].tolist(), pairs,
                       strict=True)
    ]
    c["row"] = c["label"]
    n_rounds = int(summary.get("rounds") or (rounds["round"].max() if len(rounds) else 0))
    extra = _summary_contacts(summary, c, n_rounds)
    return pd.concat([c, extra], ignore_index=True) if len(extra) else c


def segments(contacts: pd.DataFrame) -> pd.DataFrame:
    """Runs of consecutive rounds in one state per timeline row: row, kind, pair, state, start, end, low."""
    rows = []
    by_row = contacts.sort_values("round", kind="stable").drop_duplicates(["row", "round"])
    for row, d in by_row.groupby("row", sort=False):
        d = d.reset_index(drop=True)
        block = (d["state"] != d["state"].shift()).cumsum()
        for _, s in d.groupby(block, sort=True):
            first = s.iloc[0]
            rows.append(
                dict(label=row, kind=first["kind"], actor=first["actor"], other=first["other"], track=first["track"],
                     state=first["state"], start=int(s["round"].min()), end=int(s["round"].max()),
                     low=float(s["value"].min()))
            )
    return pd.DataFrame(rows, columns=["label", "kind", "actor", "other", "track", "state", "start", "end", "low"])


def _matches(e: Mapping[str, Any], seg: pd.Series) -> bool:
    """Whether an event concerns a timeline row: by channel label, track name, or both actors named."""
    if e.get("channel") is not None:
        return e.get("channel") == seg["label"]
    if isinstance(seg["track"], str) and seg["track"] and e.get("track") == seg["track"]:
        return True
    return {seg["actor"], seg["other"]} <= set(e.get("actors") or [])


def _reason(seg: pd.Series, events: Sequence[Mapping[str, Any]], summary: Mapping[str, Any]) -> str:
    """Why a segment started, from the event log (or the summary's channel reason for a collapse)."""
    pair = {seg["actor"], seg["other"]}
    kinds = OPEN_KINDS if seg["state"] == "open" else END_KINDS.get(seg["state"], ())
    found = [
        e for e in events
        if e.get("kind") in kinds and seg["start"] - 1 <= e.get("round", -9) <= seg["start"] and _matches(e, seg)
    ]
    if found:
        return str(found[-1].get("reason") or found[-1].get("kind"))
    if seg["state"] == "one_sided":
        return f"lowest perceived reciprocity {seg['low']:.2f}: someone did not listen"
    if seg["state"] == "open" and seg["start"] == 0:
        return "open from the start"
    for ch in summary.get("channels") or []:
        if set(ch["between"]) == pair and ch.get("status") == seg["state"] and ch.get("reason"):
            return str(ch["reason"])
    return ""


def _ordered_rows(contacts: pd.DataFrame) -> list[str]:
    """Timeline rows, back channels first, then tracks, then alliances, each in order of appearance."""
    first = contacts.drop_duplicates("row")
    return [lab for kind in KIND_ORDER for lab in first.loc[first["kind"] == kind, "row"]]


def timeline_figure(
    rounds: pd.DataFrame, summary: Mapping[str, Any], events: Sequence[Mapping[str, Any]]
) -> go.Figure:
    """Gantt-style bars of each contact's state per round; hover gives the reason from the event log."""
    contacts = contact_table(rounds, summary)
    labels = _ordered_rows(contacts)
    shown = labels[:MAX_ROWS]
    segs = segments(contacts[contacts["row"].isin(shown)])
    segs = segs[segs["state"] != "closed"] if (segs["state"] != "closed").any() else segs
    fig = go.Figure()
    for state in STATES:
        s = segs[segs["state"] == state]
        if s.empty:
            continue
        hover = [
            f"<b>{txt(r['label'])}</b>: {STATE_LABELS[state]}, rounds {r['start']}-{r['end']}"
            + "".join(f"<br>{txt(line)}" for line in textwrap.wrap(_reason(r, events, summary), 70))
            for _, r in s.iterrows()
        ]
        fig.add_trace(
            go.Bar(
                y=[txt(x) for x in s["label"]], x=s["end"] - s["start"] + 1, base=s["start"] - 0.5,
                orientation="h", name=STATE_LABELS[state], marker=dict(color=STATE_COLORS[state]),
                customdata=hover, hovertemplate="%{customdata}<extra></extra>",
            )
        )
    agreement = summary.get("agreement") or {}
    if agreement.get("reached") and agreement.get("round") is not None:
        fig.add_vline(x=agreement["round"], line=dict(color="#222", dash="dash"), annotation_text="agreement")
    n_rounds = int(summary.get("rounds") or rounds["round"].max())
    fig.update_xaxes(title_text=round_title(summary.get("round_length")), range=[-0.5, n_rounds + 0.5])
    fig.update_yaxes(
        title_text="contact", categoryorder="array", categoryarray=[txt(x) for x in reversed(shown)],
        automargin=True,
    )
    title = "Contact timeline"
    if len(labels) > len(shown):
        title += f" (first {len(shown)} of {len(labels)} contacts; back channels first)"
    style(fig, height=150 + 30 * max(len(shown), 2), title=title)
    fig.update_layout(barmode="overlay", bargap=0.3, legend=dict(orientation="h", y=1.02, x=1, xanchor="right",
                                                                 yanchor="bottom"))
    return fig


def _edges(at: pd.DataFrame, xy: Mapping[str, tuple[float, float]], kind: str, state: str) -> dict[str, list]:
    """Line coordinates and midpoint hover texts of the contacts of one kind in one state."""
    d = at[(at["kind"] == kind) & (at["state"] == state)].drop_duplicates(["actor", "other"])
    lx: list[float | None] = []
    ly: list[float | None] = []
    mx, my, hover = [], [], []
    for _, r in d.iterrows():
        (x0, y0), (x1, y1) = xy[r["actor"]], xy[r["other"]]
        lx += [x0, x1, None]
        ly += [y0, y1, None]
        mx.append((x0 + x1) / 2)
        my.append((y0 + y1) / 2)
        recip = "" if pd.isna(r["value"]) else f" (reciprocity {r['value']:.2f})"
        hover.append(f"{txt(r['label'])}: {STATE_LABELS[state]}{recip}")
    return dict(lx=lx, ly=ly, mx=mx, my=my, hover=hover)


def network_figure(rounds: pd.DataFrame, summary: Mapping[str, Any]) -> go.Figure:
    """Actors on a circle, contacts as edges coloured by state, with a slider over rounds."""
    actors: list[str] = list(summary["actors"])
    color = colors(actors)
    xy = {a: (float(p[0]), float(p[1])) for a, p in nx.circular_layout(nx.path_graph(actors)).items()}
    contacts = contact_table(rounds, summary)
    kinds = [k for k in KIND_ORDER if (contacts["kind"] == k).any()]
    combos = [(k, s) for k in kinds for s in STATES]
    steps = slider_rounds(contacts["round"].unique().tolist()) if not contacts.empty else []
    by_round = {r: contacts[contacts["round"] == r] for r in steps}
    fig = go.Figure()
    last = by_round[steps[-1]] if steps else contacts
    for kind, state in combos:
        e = _edges(last, xy, kind, state)
        dash, width = KIND_LINE[kind]
        faint = state == "closed"
        fig.add_trace(
            go.Scatter(
                x=e["lx"], y=e["ly"], mode="lines", name=f"{KIND_LABELS[kind]}: {STATE_LABELS[state]}",
                line=dict(color=STATE_COLORS[state], dash=dash, width=1.2 if faint else width),
                hoverinfo="skip", legendgroup=f"{kind}:{state}",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=e["mx"], y=e["my"], mode="markers", marker=dict(size=9, color=STATE_COLORS[state], opacity=0.01),
                hovertext=e["hover"], hoverinfo="text", showlegend=False, legendgroup=f"{kind}:{state}",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=[xy[a][0] for a in actors], y=[xy[a][1] for a in actors], mode="markers+text",
            text=[txt(a) for a in actors], textposition="top center", hovertext=[txt(a) for a in actors],
            hoverinfo="text", marker=dict(size=22, color=[color[a] for a in actors], line=dict(width=1, color="#fff")),
            showlegend=False, name="actors",
        )
    )
    slider = []
    for r in steps:
        es = [_edges(by_round[r], xy, k, s) for k, s in combos]
        xs = [v for e in es for v in (e["lx"], e["mx"])]
        ys = [v for e in es for v in (e["ly"], e["my"])]
        hovers = [v for e in es for v in (None, e["hover"])]
        slider.append(dict(label=str(r), method="restyle",
                           args=[{"x": xs, "y": ys, "hovertext": hovers}, list(range(2 * len(combos)))]))
    if slider:
        fig.update_layout(sliders=[dict(active=len(slider) - 1, steps=slider, pad=dict(t=30),
                                        currentvalue=dict(prefix=f"{round_title(summary.get('round_length'))}: "))])
    fig.update_xaxes(visible=False, range=[-1.35, 1.35])
    fig.update_yaxes(visible=False, range=[-1.25, 1.3], scaleanchor="x")
    return style(fig, height=620, title="Network of contacts (state at the chosen round)")

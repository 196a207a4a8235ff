"""Run figures of contacts: a Gantt-style timeline of contact states and a network with a round slider."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from itertools import combinations
from typing import Any

import numpy as np

from analysis.arrow import objects
from analysis.columns import Columns, as_columns, factorize, is_null, member
from analysis.figures.arrays import pivot
from analysis.figures.common import STATE_COLORS, STATE_LABELS, colors, round_title, slider_rounds, style, txt
from analysis.figures.spec import Spec, figure, merge, trace, vline
from sim import output_format as F

MAX_ROWS = 40  # contacts shown in the timeline; back channels first
MAX_MEMBERS = 12  # tracks/alliances with more members get no synthesized pair contacts
KIND_ORDER = ("back_channel", "track", "alliance")
KIND_LABELS = {"back_channel": "back channel", "track": "track seat", "alliance": "alliance"}
KIND_LINE = {"back_channel": ("solid", 4.0), "track": ("dot", 2.5), "alliance": ("dash", 2.5)}
STATES = ("open", "one_sided", "collapsed", "closed")
OPEN_KINDS = F.OPENING_KINDS
END_KINDS = F.ENDING_KINDS


def _summary_contacts(summary: Mapping[str, Any], series: Columns, n_rounds: int) -> Columns:
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
    if not rows:
        return Columns({})
    table = Columns.from_rows(rows, list(dict.fromkeys([*series.columns, "kind", "label", "row"])))
    return table.assign(round=table["round"].astype(np.int64), value=table["value"].astype(float))


def contact_table(rounds: Columns, summary: Mapping[str, Any]) -> Columns:
    """Contacts per round with kind, pair label and timeline row: the contact series plus summary tracks/alliances."""
    rounds = as_columns(rounds)
    c = rounds.equal(series="contact")
    kinds: dict[frozenset[str], str] = {}
    labels: dict[frozenset[str], str] = {}
    for ch in summary.get("channels") or []:
        if ch.get("kind") == "back_channel":
            labels.setdefault(frozenset(ch["between"]), ch.get("label") or "-".join(ch["between"]))
        if ch.get("kind") == "alliance" and len(ch["between"]) <= MAX_MEMBERS:
            for pair in combinations(ch["between"], 2):
                kinds.setdefault(frozenset(pair), "alliance")
    tracked = [not is_null(t) and t != "" for t in c["track"].tolist()]
    pairs = [frozenset(p) for p in zip(c["actor"].tolist(), c["other"].tolist(), strict=True)]
    kind = objects(["track" if t else kinds.get(p, "back_channel") for t, p in zip(tracked, pairs, strict=True)])

    def label_of(actor: str, other: str, track: object, kind: str, pair: frozenset[str]) -> str:
        if kind == "track":
            return f"{actor}-{other} ({track})"
        if kind == "alliance":
            return f"{actor}-{other} (alliance)"
        return labels.get(pair, f"{actor}-{other}")

    label = objects([
        label_of(*row)
        for row in zip(c["actor"].tolist(), c["other"].tolist(), c["track"].tolist(), kind.tolist(), pairs,
                       strict=True)
    ])
    c = c.assign(kind=kind, label=label, row=label)
    n_rounds = int(summary.get("rounds") or (rounds["round"].max() if len(rounds) else 0))
    extra = _summary_contacts(summary, c, n_rounds)
    return Columns.concat([c, extra]) if len(extra) else c


def _low(values: np.ndarray) -> float:
    """The smallest non-NaN value (NaN when none)."""
    v = values.astype(float)
    v = v[~np.isnan(v)]
    return float(v.min()) if v.size else float("nan")


def segments(contacts: Columns) -> list[dict[str, Any]]:
    """Runs of consecutive rounds in one state per timeline row, as dicts: label (the row), kind, actor, other,
    track, state, start, end, low (the lowest value)."""
    rows = []
    by_row = as_columns(contacts).sorted("round").first_of(["row", "round"])
    codes, keys = factorize([by_row["row"]])
    for k, (row,) in enumerate(keys):
        d = by_row.where(codes == k)
        state = d["state"].tolist()
        starts = [i for i in range(len(state)) if i == 0 or state[i] != state[i - 1]] + [len(state)]
        for lo, hi in zip(starts, starts[1:], strict=False):
            rows.append(
                dict(label=row, kind=d["kind"][lo], actor=d["actor"][lo], other=d["other"][lo], track=d["track"][lo],
                     state=state[lo], start=int(d["round"][lo:hi].min()), end=int(d["round"][lo:hi].max()),
                     low=_low(d["value"][lo:hi]))
            )
    return rows


def _matches(e: Mapping[str, Any], seg: Mapping[str, Any]) -> bool:
    """Whether an event concerns a timeline row: by channel label, track name, or both actors named."""
    if e.get("channel") is not None:
        return e.get("channel") == seg["label"]
    if isinstance(seg["track"], str) and seg["track"] and e.get("track") == seg["track"]:
        return True
    return {seg["actor"], seg["other"]} <= set(e.get("actors") or [])


def _reason(seg: Mapping[str, Any], events: Sequence[Mapping[str, Any]], summary: Mapping[str, Any]) -> str:
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


def _ordered_rows(contacts: Columns) -> list[str]:
    """Timeline rows, back channels first, then tracks, then alliances, each in order of appearance."""
    first = contacts.first_of(["row"])
    return [lab for kind in KIND_ORDER for lab in first.equal(kind=kind)["row"].tolist()]


def timeline_figure(
    rounds: Columns, summary: Mapping[str, Any], events: Sequence[Mapping[str, Any]],
    contacts: Columns | None = None,
) -> Spec:
    """Gantt-style bars of each contact's state per round; hover gives the reason from the event log."""
    rounds = as_columns(rounds)
    contacts = contact_table(rounds, summary) if contacts is None else contacts
    labels = _ordered_rows(contacts)
    shown = labels[:MAX_ROWS]
    segs = segments(contacts.where(member(contacts["row"], shown)))
    segs = [g for g in segs if g["state"] != "closed"] or segs
    data = []
    for state in STATES:
        s = [g for g in segs if g["state"] == state]
        if not s:
            continue
        hover = [
            f"<b>{txt(r['label'])}</b>: {STATE_LABELS[state]}, rounds {r['start']}-{r['end']}"
            + "".join(f"<br>{txt(line)}" for line in textwrap.wrap(_reason(r, events, summary), 70))
            for r in s
        ]
        start = np.array([g["start"] for g in s], dtype=np.int64)
        end = np.array([g["end"] for g in s], dtype=np.int64)
        data.append(trace(
            "bar", y=[txt(g["label"]) for g in s], x=end - start + 1, base=(start - 0.5).tolist(),
            orientation="h", name=STATE_LABELS[state], marker=dict(color=STATE_COLORS[state]),
            customdata=hover, hovertemplate="%{customdata}<extra></extra>",
        ))
    layout: dict[str, Any] = {}
    agreement = summary.get("agreement") or {}
    if agreement.get("reached") and agreement.get("round") is not None:
        vline(layout, agreement["round"], dict(color="#222", dash="dash"), "agreement")
    n_rounds = int(summary.get("rounds") or rounds["round"].max())
    layout["xaxis"] = dict(title=dict(text=round_title(summary.get("round_length"))), range=[-0.5, n_rounds + 0.5])
    layout["yaxis"] = dict(title=dict(text="contact"), categoryorder="array",
                           categoryarray=[txt(x) for x in reversed(shown)], automargin=True)
    title = "Contact timeline"
    if len(labels) > len(shown):
        title += f" (first {len(shown)} of {len(labels)} contacts; back channels first)"
    fig = style(figure(data, layout), height=150 + 30 * max(len(shown), 2), title=title)
    merge(fig["layout"], dict(barmode="overlay", bargap=0.3,
                              legend=dict(orientation="h", y=1.02, x=1, xanchor="right", yanchor="bottom")))
    return fig


class _Edges:
    """Every contact (a pair in a timeline row) as arrays: its kind, end coordinates, and state/value per round."""

    def __init__(self, contacts: Columns, xy: Mapping[str, tuple[float, float]]) -> None:
        keys = ["row", "actor", "other"]
        state, value = pivot(contacts, keys, "state"), pivot(contacts, keys, "value")
        first = contacts.first_of(keys)
        self.rounds, self.state, self.value = state.rounds, state.values, value.values.astype(float)
        self.kind = first["kind"].astype(object)
        self.pair = factorize([first["actor"], first["other"]])[0]
        ends = [(xy[a], xy[b]) for a, b in zip(first["actor"], first["other"], strict=True)]
        self.x0, self.y0 = [e[0][0] for e in ends], [e[0][1] for e in ends]
        self.x1, self.y1 = [e[1][0] for e in ends], [e[1][1] for e in ends]
        self.label = [txt(lab) for lab in first["label"]]

    def at(self, r: int, kind: str, state: str) -> dict[str, list]:
        """Line coordinates and midpoint hover texts of the contacts of one kind in one state at round ``r``."""
        t = int(np.searchsorted(self.rounds, r))
        picked = np.flatnonzero((self.kind == kind) & (self.state[:, t] == state))
        picked = picked[np.sort(np.unique(self.pair[picked], return_index=True)[1])]  # one edge per pair
        lx: list[float | None] = []
        ly: list[float | None] = []
        mx, my, hover = [], [], []
        for k in picked.tolist():
            lx += [self.x0[k], self.x1[k], None]
            ly += [self.y0[k], self.y1[k], None]
            mx.append((self.x0[k] + self.x1[k]) / 2)
            my.append((self.y0[k] + self.y1[k]) / 2)
            v = self.value[k, t]
            recip = "" if np.isnan(v) else f" (reciprocity {v:.2f})"
            hover.append(f"{self.label[k]}: {STATE_LABELS[state]}{recip}")
        return dict(lx=lx, ly=ly, mx=mx, my=my, hover=hover)


def circle(actors: Sequence[str]) -> dict[str, tuple[float, float]]:
    """Actors evenly on the unit circle from angle 0, as networkx's ``circular_layout`` places them (float32
    angles, centred, scaled to 1), without importing networkx."""
    if len(actors) == 1:
        return {actors[0]: (0.0, 0.0)}
    theta = (np.linspace(0, 1, len(actors) + 1)[:-1] * 2 * np.pi).astype(np.float32)
    pos = np.column_stack([np.cos(theta), np.sin(theta), np.zeros((len(actors), 0))])
    pos -= pos.mean(axis=0)
    lim = np.abs(pos).max() if len(actors) else 0
    if lim > 0:
        pos *= 1 / lim
    pos = pos + np.zeros(2)
    return {a: (float(p[0]), float(p[1])) for a, p in zip(actors, pos, strict=True)}


def network_figure(rounds: Columns, summary: Mapping[str, Any], contacts: Columns | None = None) -> Spec:
    """Actors on a circle, contacts as edges coloured by state, with a slider over rounds."""
    actors: list[str] = list(summary["actors"])
    color = colors(actors)
    xy = circle(actors)
    contacts = contact_table(rounds, summary) if contacts is None else contacts
    kinds = [k for k in KIND_ORDER if len(contacts) and (contacts["kind"] == k).any()]
    combos = [(k, s) for k in kinds for s in STATES]
    edges = _Edges(contacts, xy) if not contacts.empty else None
    steps = slider_rounds(edges.rounds.tolist()) if edges is not None else []
    data = []
    for kind, state in combos:
        e = edges.at(steps[-1], kind, state) if edges is not None else dict(lx=[], ly=[], mx=[], my=[], hover=[])
        dash, width = KIND_LINE[kind]
        faint = state == "closed"
        data.append(trace(
            "scatter", x=e["lx"], y=e["ly"], mode="lines", name=f"{KIND_LABELS[kind]}: {STATE_LABELS[state]}",
            line=dict(color=STATE_COLORS[state], dash=dash, width=1.2 if faint else width),
            hoverinfo="skip", legendgroup=f"{kind}:{state}",
        ))
        data.append(trace(
            "scatter", x=e["mx"], y=e["my"], mode="markers",
            marker=dict(size=9, color=STATE_COLORS[state], opacity=0.01),
            hovertext=e["hover"], hoverinfo="text", showlegend=False, legendgroup=f"{kind}:{state}",
        ))
    data.append(trace(
        "scatter", x=[xy[a][0] for a in actors], y=[xy[a][1] for a in actors], mode="markers+text",
        text=[txt(a) for a in actors], textposition="top center", hovertext=[txt(a) for a in actors],
        hoverinfo="text", marker=dict(size=22, color=[color[a] for a in actors], line=dict(width=1, color="#fff")),
        showlegend=False, name="actors",
    ))
    slider = []
    for r in steps:
        es = [edges.at(r, k, s) for k, s in combos]
        xs = [v for e in es for v in (e["lx"], e["mx"])]
        ys = [v for e in es for v in (e["ly"], e["my"])]
        hovers = [v for e in es for v in (None, e["hover"])]
        slider.append(dict(label=str(r), method="restyle",
                           args=[{"x": xs, "y": ys, "hovertext": hovers}, list(range(2 * len(combos)))]))
    layout: dict[str, Any] = {}
    if slider:
        layout["sliders"] = [dict(active=len(slider) - 1, steps=slider, pad=dict(t=30),
                                  currentvalue=dict(prefix=f"{round_title(summary.get('round_length'))}: "))]
    layout["xaxis"] = dict(visible=False, range=[-1.35, 1.35])
    layout["yaxis"] = dict(visible=False, range=[-1.25, 1.3], scaleanchor="x")
    return style(figure(data, layout), height=620, title="Network of contacts (state at the chosen round)")

"""Scheduled shocks (exposure, strategy change, shift, track membership, opening/closing contacts).

A handler sees a narrow interface (``World``: the state, the parameters and the structure of the batch), applies
one scenario event to the runs that have it and returns an ``Effect``: the reason that goes into the event log, and
the back channel it opens or closes, which the engine carries out. Adding an event type: a schema class, a handler
here, a row in HANDLERS.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from sim.compile import Params, Structure
from sim.state import State
from sim.strategies import RECIPROCITY_CODES, SPEECH_CODES


@dataclass(frozen=True)
class World:
    """What an event may change (state, parameters) and read (structure)."""

    state: State
    params: Params
    structure: Structure


@dataclass(frozen=True)
class Effect:
    """What a handler did, for the log, and the channel the engine opens or closes for it."""

    reason: str
    opens: int | None = None  # channel index
    closes: int | None = None


def channel_of(st: Structure, pair: Sequence[str]) -> int:
    """Index of the back channel between two actors (in either order)."""
    key = frozenset(pair)
    return next(c for c, b in enumerate(st.channel_between) if frozenset(b) == key)


def exposure(w: World, ev, runs: np.ndarray) -> Effect:
    c = channel_of(w.structure, ev.channel)
    a, b = w.structure.channel_ends[c]
    keep = 1.0 - w.params.dyn["exposure_trust_loss"][runs]
    s = w.state
    s.trust[runs, a, b] *= keep
    s.trust[runs, b, a] *= keep
    cut = w.params.dyn["exposure_patience_cut"][runs].astype(np.int64)
    s.ch_patience_cut[runs, c] += cut
    s.ch_exposed[runs, c] = True
    return Effect(f"the {w.structure.channel_labels[c]} contact became public: each side's trust in the other falls by "
                  f"{100 * (1 - keep[0]):.0f}% and patience shrinks by {cut[0]} round(s)")


def set_strategy(w: World, ev, runs: np.ndarray) -> Effect:
    i = w.structure.actors.index(ev.actor)
    p = w.params
    changes = ev.strategy.model_dump(exclude_none=True)
    for key, value in changes.items():
        if key == "speaking":
            p.speaking[runs, i] = SPEECH_CODES[value]
        elif key == "speaking_to":
            names = w.structure.actors
            for m, (a, b) in enumerate(w.structure.speech_pairs.tolist()):
                if a == i and names[b] in value:
                    p.speaking_to[runs, m] = SPEECH_CODES[value[names[b]]]
        elif key == "reciprocity":
            p.rule[runs, i] = RECIPROCITY_CODES[value]
        else:
            getattr(p, key)[runs, i] = value
    said = ", ".join(f"{k} {v}" if k != "speaking_to" else ", ".join(f"speaking {s} to {b}" for b, s in v.items())
                     for k, v in changes.items())
    return Effect(f"{ev.actor} changes strategy: {said}")


def shift(w: World, ev, runs: np.ndarray) -> Effect:
    i, k = w.structure.actors.index(ev.actor), w.structure.issues.index(ev.issue)
    pos = w.state.position
    pos[runs, i, k] = np.clip(pos[runs, i, k] + ev.by, 0.0, 1.0)
    return Effect(f"{ev.actor} shifts its position on {ev.issue} by {ev.by:+g}")


def _membership(seated: bool) -> Callable:
    def handler(w: World, ev, runs: np.ndarray) -> Effect:
        t = w.structure.track_names.index(ev.track)
        w.state.members[runs, t, w.structure.actors.index(ev.actor)] = seated
        return Effect(f"{ev.actor} {'joins' if seated else 'leaves'} {ev.track}")

    return handler


def open_channel(w: World, ev, runs: np.ndarray) -> Effect:
    c = channel_of(w.structure, ev.channel)
    return Effect(f"the {w.structure.channel_labels[c]} back channel is opened", opens=c)


def close_channel(w: World, ev, runs: np.ndarray) -> Effect:
    c = channel_of(w.structure, ev.channel)
    return Effect(f"the {w.structure.channel_labels[c]} back channel is closed by decision", closes=c)


HANDLERS: dict[str, Callable[[World, object, np.ndarray], Effect]] = {
    "exposure": exposure,
    "set_strategy": set_strategy,
    "shift": shift,
    "join_track": _membership(True),
    "leave_track": _membership(False),
    "open_channel": open_channel,
    "close_channel": close_channel,
}


def actors_of(ev) -> list[str]:
    """The actors an event concerns, for the log."""
    if hasattr(ev, "channel"):
        return list(ev.channel)
    return [ev.actor]


def fields_of(st: Structure, ev) -> dict[str, str]:
    """The structured fields of an event's log entry: its channel's label, or its track's name."""
    if hasattr(ev, "channel"):
        return {"channel": st.channel_labels[channel_of(st, ev.channel)]}
    if hasattr(ev, "track"):
        return {"track": ev.track}
    return {}

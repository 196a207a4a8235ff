"""Scheduled shocks (exposure, strategy change, shift, track membership, opening/closing contacts).

Each handler applies one scenario event to the runs that have it and returns the human-readable reason
that goes into the event log. Adding an event type: a schema class, a handler here, a row in HANDLERS.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from sim.strategies import RECIPROCITY_CODES, SPEECH_CODES

if TYPE_CHECKING:
    from sim.engine import Engine


def _channel(eng: Engine, pair: list[str]) -> int:
    return eng.channel_index(pair)


def exposure(eng: Engine, ev, runs: np.ndarray, r: int) -> str:
    c = _channel(eng, ev.channel)
    a, b = eng.structure.channel_ends[c]
    keep = 1.0 - eng.params.dyn["exposure_trust_loss"][runs]
    s = eng.state
    s.trust[runs, a, b] *= keep
    s.trust[runs, b, a] *= keep
    cut = eng.params.dyn["exposure_patience_cut"][runs].astype(np.int64)
    s.ch_patience_cut[runs, c] += cut
    s.ch_exposed[runs, c] = True
    return (
        f"the {eng.structure.channel_labels[c]} contact became public: each side's trust in the other falls by "
        f"{100 * (1 - keep[0]):.0f}% and patience shrinks by {cut[0]} round(s)"
    )


def set_strategy(eng: Engine, ev, runs: np.ndarray, r: int) -> str:
    i = eng.actor_index(ev.actor)
    p = eng.params
    changes = ev.strategy.model_dump(exclude_none=True)
    for key, value in changes.items():
        if key == "speaking":
            p.speaking[runs, i] = SPEECH_CODES[value]
        elif key == "reciprocity":
            p.rule[runs, i] = RECIPROCITY_CODES[value]
        else:
            getattr(p, key)[runs, i] = value
    said = ", ".join(f"{k} {v}" for k, v in changes.items())
    return f"{ev.actor} changes strategy: {said}"


def shift(eng: Engine, ev, runs: np.ndarray, r: int) -> str:
    i, k = eng.actor_index(ev.actor), eng.structure.issues.index(ev.issue)
    pos = eng.state.position
    pos[runs, i, k] = np.clip(pos[runs, i, k] + ev.by, 0.0, 1.0)
    return f"{ev.actor} shifts its position on {ev.issue} by {ev.by:+g}"


def _membership(seated: bool) -> Callable:
    def handler(eng: Engine, ev, runs: np.ndarray, r: int) -> str:
        t = eng.structure.track_names.index(ev.track)
        eng.state.members[runs, t, eng.actor_index(ev.actor)] = seated
        return f"{ev.actor} {'joins' if seated else 'leaves'} {ev.track}"

    return handler


def open_channel(eng: Engine, ev, runs: np.ndarray, r: int) -> str:
    c = _channel(eng, ev.channel)
    eng.open_channels(runs, np.full(len(runs), c), r, kind=None)
    return f"the {eng.structure.channel_labels[c]} back channel is opened"


def close_channel(eng: Engine, ev, runs: np.ndarray, r: int) -> str:
    c = _channel(eng, ev.channel)
    reason = f"the {eng.structure.channel_labels[c]} back channel is closed by decision"
    eng.close_channels(runs, np.full(len(runs), c), r, reason, collapsed=False, log=False)
    return reason


HANDLERS: dict[str, Callable] = {
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

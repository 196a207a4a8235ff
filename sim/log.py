"""The event log of a batch: one list of events per run, each with its reason in words.

The engine reports what happened (a channel opened, collapsed, an agreement...) with the numbers behind it; the
texts are written here, and only when the batch keeps a log (a sweep keeps none).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sim import output_format as F
from sim.compile import Structure


def rounds(n: int) -> str:
    """'1 round', '3 rounds'."""
    return f"{n} round" if n == 1 else f"{n} rounds"


def collapse_reason(ends: tuple[str, str], sides: list[bool], streaks: list[int], values: list[dict[str, float]],
                    threshold: float, count: int) -> str:
    """Why a back channel collapses: which side walked away from whom (by ``sides``), what tipped it (how long the
    other did not listen, its trust, what the channel was worth to it, its costs), and for how long.

    ``values[side]``: that side's ``reciprocity``, ``trust``, ``worth``, ``cost`` and ``total`` value of continuing
    (``sim.decisions.Value``).
    """
    parts = []
    for side in (0, 1):
        if sides[side]:
            what = f"did not listen in {rounds(streaks[side])} in a row" if streaks[side] else "listened too rarely"
            v = values[side]
            seen = (f"perceived reciprocity {v['reciprocity']:.2f}, trust {v['trust']:.2f}, the channel worth "
                    f"{v['worth']:.2f} to it, costs {v['cost']:.2f}: continuing {v['total']:.2f} < walking away "
                    f"{threshold:.2f}")
            parts.append(f"{ends[side]}: {ends[1 - side]} {what} ({seen})")
    return "; ".join(parts) + f"; one-sided for {rounds(count)} in a row"


class Log:
    """Events by run; ``enabled=False`` keeps nothing (and callers skip building reason texts)."""

    def __init__(self, structure: Structure, runs: int, enabled: bool = True):
        self.structure = structure
        self.enabled = enabled
        self.runs: list[list[dict]] = [[] for _ in range(runs)]
        self._ends = [(structure.actors[a], structure.actors[b]) for a, b in structure.channel_ends.tolist()]

    def note(self, runs: np.ndarray | int, r: int, kind: str, actors: Sequence[str], reason: str, **extra) -> None:
        """The same event in every run of ``runs``."""
        if not self.enabled:
            return
        for run in np.atleast_1d(runs).tolist():
            self.runs[run].append({"round": r, "kind": kind, "actors": list(actors), "reason": reason, **extra})

    def opened(self, runs: np.ndarray, chans: np.ndarray, r: int, kind: str, whys: Sequence[str]) -> None:
        """Channels (runs[i], chans[i]) (re)opened, each for its reason."""
        for run, c, why in zip(runs.tolist(), chans.tolist(), whys, strict=True):
            i, o = self._ends[c]
            self.runs[run].append({"round": r, "kind": kind, "actors": [i, o],
                                   "reason": f"{i} opened a back channel to {o} ({why})",
                                   "channel": self.structure.channel_labels[c]})

    def closed(self, runs: np.ndarray, chans: np.ndarray, r: int, reasons: Sequence[str], *, collapsed: bool) -> None:
        """Channels (runs[i], chans[i]) closed by decision or collapsed, each for its reason."""
        kind = F.CHANNEL_COLLAPSED if collapsed else F.CHANNEL_CLOSED
        for run, c, text in zip(runs.tolist(), chans.tolist(), reasons, strict=True):
            self.runs[run].append({"round": r, "kind": kind, "actors": list(self.structure.channel_between[c]),
                                   "reason": text, "channel": self.structure.channel_labels[c]})

    def tracks_opened(self, runs: np.ndarray, tracks: np.ndarray, r: int) -> None:
        """Tracks (runs[i], tracks[i]) in session from this round."""
        st = self.structure
        for run, t in zip(runs.tolist(), tracks.tolist(), strict=True):
            self.runs[run].append({"round": r, "kind": F.TRACK_OPENED, "actors": [st.actors[st.track_mediator[t]]],
                                   "reason": f"{st.track_names[t]} open", "track": st.track_names[t]})

    def agreement(self, run: int, r: int, track: int, members: Sequence[str], tolerance: float) -> None:
        """Run ``run`` reached agreement in track ``track``."""
        name = self.structure.track_names[track]
        self.note(run, r, F.AGREEMENT, members, f"agreement in {name}: every participant within {tolerance:g} of the "
                  "mediator's proposal on every issue", track=name)

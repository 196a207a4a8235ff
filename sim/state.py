"""The mutable state of a batch of runs, and each run's own random stream.

Rounds are numbered 0..rounds-1; a series row ``round = t`` is the state after t rounds (t = 0: initial).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.channels import CLOSED
from sim.compile import Params, Structure


class RunStreams:
    """One generator per run, seeded from that run's seed alone, so a run never depends on its batch.

    Per-round draws are fetched in chunks of rounds; numpy's doubles come one per 64-bit output, so the
    stream a run sees is the same whatever the chunking.
    """

    def __init__(self, seeds: np.ndarray, per_round: int, rounds: int, budget: int = 4_000_000):
        self.gens = [np.random.default_rng(np.random.SeedSequence(int(s))) for s in seeds]
        self.per_round = per_round
        self.left = rounds
        self.chunk = max(1, budget // max(1, len(seeds) * per_round))
        self._buf = np.empty((len(seeds), 0, per_round))
        self._next = 0

    def take(self, size: int) -> np.ndarray:
        """(R, size) uniforms outside the per-round layout (e.g. initial positions); call before rounds."""
        return np.stack([g.random(size) for g in self.gens]) if self.gens else np.empty((0, size))

    def next_round(self) -> np.ndarray:
        """(R, per_round) uniforms for the next round."""
        if self._next >= self._buf.shape[1]:
            chunk = max(1, min(self.chunk, self.left))
            self._buf = np.stack([g.random(chunk * self.per_round) for g in self.gens]).reshape(
                len(self.gens), chunk, self.per_round
            )
            self._next = 0
        self.left -= 1
        out = self._buf[:, self._next]
        self._next += 1
        return out


@dataclass
class State:
    """Everything that changes during a run; arrays carry the runs axis first."""

    position: np.ndarray  # (R, N, K)
    trust: np.ndarray  # (R, N, N) i's trust in j
    met: np.ndarray  # (R, N, N) bool: i and j have met
    opp_last: np.ndarray  # (R, N, N) bool: j listened to i last time
    my_last: np.ndarray  # (R, N, N) bool
    opp_ever_ignored: np.ndarray  # (R, N, N) bool
    ignored_streak: np.ndarray  # (R, N, N) int: consecutive meetings in which j ignored i
    reciprocity: np.ndarray  # (R, N, N) i's perceived reciprocity of j
    members: np.ndarray  # (R, T, N) bool
    pressure: np.ndarray  # (R, N) sidelining pressure
    ch_status: np.ndarray  # (R, C) CLOSED / OPEN / COLLAPSED
    ch_first_opened: np.ndarray  # (R, C) int, -1 never
    ch_last_change: np.ndarray  # (R, C) int round of the last open/close, -1 never
    ch_closed: np.ndarray  # (R, C) int round of the last close, -1 never
    ch_one_sided: np.ndarray  # (R, C) int consecutive one-sided rounds
    ch_lifetime: np.ndarray  # (R, C) int rounds open in all
    ch_collapses: np.ndarray  # (R, C) int
    ch_patience_cut: np.ndarray  # (R, C) int (exposure)
    ch_reason: np.ndarray  # (R, C) object: last closing reason
    agreement_round: np.ndarray  # (R,) int, -1 none
    issue_agreement_round: np.ndarray  # (R, K) int, -1 none

    @classmethod
    def initial(cls, st: Structure, p: Params, position: np.ndarray, initial_reciprocity: np.ndarray) -> State:
        r, n = p.capability.shape
        c, t = len(st.channel_labels), len(st.track_names)
        false = np.zeros((r, n, n), dtype=bool)
        return cls(
            position=position,
            trust=p.trust.copy(),
            met=false.copy(),
            opp_last=false.copy(),
            my_last=false.copy(),
            opp_ever_ignored=false.copy(),
            ignored_streak=np.zeros((r, n, n), dtype=np.int64),
            reciprocity=np.broadcast_to(initial_reciprocity[:, None, None], (r, n, n)).copy(),
            members=p.tr_members.copy(),
            pressure=np.zeros((r, n)),
            ch_status=np.full((r, c), CLOSED, dtype=np.int8),
            ch_first_opened=np.full((r, c), -1, dtype=np.int64),
            ch_last_change=np.full((r, c), -1, dtype=np.int64),
            ch_closed=np.full((r, c), -1, dtype=np.int64),
            ch_one_sided=np.zeros((r, c), dtype=np.int64),
            ch_lifetime=np.zeros((r, c), dtype=np.int64),
            ch_collapses=np.zeros((r, c), dtype=np.int64),
            ch_patience_cut=np.zeros((r, c), dtype=np.int64),
            ch_reason=np.full((r, c), None, dtype=object),
            agreement_round=np.full(r, -1, dtype=np.int64),
            issue_agreement_round=np.full((r, len(st.issues)), -1, dtype=np.int64),
        )

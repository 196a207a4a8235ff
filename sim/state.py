"""The mutable state of a batch of runs (each run's random stream is in ``sim.seeding``).

Rounds are numbered 0..rounds-1; a series row ``round = t`` is the state after t rounds (t = 0: initial).
State arrays are *stored* runs-last (the engine's working layout, so every operation runs a long contiguous loop
over runs; pairwise ones speaker first, ``trust[r, i, j]`` at ``[j, i, r]``) and *exposed* runs-first
(``state.trust[r, i, j]``) as views of that storage.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.channels import CLOSED
from sim.compile import Params, Structure


def runs_last(a: np.ndarray) -> np.ndarray:
    """A view with the runs axis moved from first to last (the storage of every State array)."""
    return a.transpose(*range(1, a.ndim), 0)


def pair_major(a: np.ndarray) -> np.ndarray:
    """The (N_j, N_i, R) storage view of a runs-first pairwise array (R, N_i, N_j): speaker first, runs last."""
    return a.transpose(2, 1, 0)


def runs_first(a: np.ndarray) -> np.ndarray:
    """A view with the runs axis moved from last to first."""
    return a.transpose(a.ndim - 1, *range(a.ndim - 1))


@dataclass
class State:
    """Everything that changes during a run: runs-first views of runs-last storage (see the module docstring)."""

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
    ch_grievance: np.ndarray  # (R, C) one-sidedness accumulated over them (``sim.decisions.grievance``)
    ch_lifetime: np.ndarray  # (R, C) int rounds open in all
    ch_collapses: np.ndarray  # (R, C) int
    ch_patience_cut: np.ndarray  # (R, C) int (exposure)
    ch_exposed: np.ndarray  # (R, C) bool: the contact has become public
    ch_reason: np.ndarray  # (R, C) object: last closing reason
    ch_unheard: np.ndarray  # (R, C) int8 at the last collapse: 1 the other end did not listen, 2 the initiator, 3 both
    agreement_round: np.ndarray  # (R,) int, -1 none
    issue_agreement_round: np.ndarray  # (R, K) int, -1 none

    @classmethod
    def initial(cls, st: Structure, p: Params, position: np.ndarray, initial_reciprocity: np.ndarray) -> State:
        r, n = p.capability.shape
        c, k = len(st.channel_labels), len(st.issues)

        def stored(shape: tuple[int, ...], fill: object, dtype: type | np.dtype = float) -> np.ndarray:
            return runs_first(np.full((*shape, r), fill, dtype=dtype))

        def copied(a: np.ndarray) -> np.ndarray:
            return runs_first(np.ascontiguousarray(runs_last(a)))

        def pairwise(fill: object, dtype: type | np.dtype = float) -> np.ndarray:
            return np.full((n, n, r), fill, dtype=dtype).transpose(2, 1, 0)

        recip = pairwise(0.0)
        recip[...] = initial_reciprocity[:, None, None]
        return cls(
            position=copied(position),
            trust=np.ascontiguousarray(pair_major(p.trust)).transpose(2, 1, 0),
            met=pairwise(False, bool),
            opp_last=pairwise(False, bool),
            my_last=pairwise(False, bool),
            opp_ever_ignored=pairwise(False, bool),
            ignored_streak=pairwise(0, np.int64),
            reciprocity=recip,
            members=copied(p.tr_members),
            pressure=stored((n,), 0.0),
            ch_status=stored((c,), CLOSED, np.int8),
            ch_first_opened=stored((c,), -1, np.int64),
            ch_last_change=stored((c,), -1, np.int64),
            ch_closed=stored((c,), -1, np.int64),
            ch_one_sided=stored((c,), 0, np.int64),
            ch_grievance=stored((c,), 0.0),
            ch_lifetime=stored((c,), 0, np.int64),
            ch_collapses=stored((c,), 0, np.int64),
            ch_patience_cut=stored((c,), 0, np.int64),
            ch_exposed=stored((c,), False, bool),
            ch_reason=np.full((r, c), None, dtype=object),
            ch_unheard=stored((c,), 0, np.int8),
            agreement_round=np.full(r, -1, dtype=np.int64),
            issue_agreement_round=stored((k,), -1, np.int64),
        )

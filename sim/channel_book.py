"""Back channels through a batch: opening (scheduled, by pressure, reopening), one-sided rounds, collapse, closing.

The rules are ``sim.channels`` functions; this is their bookkeeping: which runs' channels change, the state fields
that record it, and the event log.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from sim import channels as ch
from sim import decisions
from sim import output_format as F
from sim.compile import AUTO, NEVER, Params, Structure
from sim.log import Log, collapse_reason, rounds
from sim.state import State


class ChannelBook:
    """The back channels of a batch (its state's ``ch_*`` fields)."""

    def __init__(self, state: State, structure: Structure, params: Params, log: Log):
        self.state, self.structure, self.params, self.log = state, structure, params, log
        self._ends = [(structure.actors[a], structure.actors[b]) for a, b in structure.channel_ends.tolist()]
        self._may_reopen = bool((params.ch_cooldown < NEVER).any())

    def open(self, runs: np.ndarray, chans: np.ndarray, r: int, kind: str | None = F.CHANNEL_OPENED,
             why: Callable[[np.ndarray, np.ndarray], Sequence[str]] | None = None) -> None:
        """Open channels (runs[i], chans[i]); a (re)opened contact starts with fresh perceived reciprocity.

        ``why(runs, chans)`` gives the reason of each opening for the log (default "scheduled"); called only when
        the batch keeps a log; ``kind`` None: not logged (an event's own entry says it).
        """
        if not len(runs):
            return
        s, st = self.state, self.structure
        fresh = s.ch_status[runs, chans] != ch.OPEN
        runs, chans = runs[fresh], chans[fresh]
        a, b = st.channel_ends[chans, 0], st.channel_ends[chans, 1]
        init = self.params.dyn["initial_reciprocity"][runs]
        s.ch_status[runs, chans] = ch.OPEN
        s.ch_first_opened[runs, chans] = np.where(s.ch_first_opened[runs, chans] < 0, r, s.ch_first_opened[runs, chans])
        s.ch_last_change[runs, chans] = r
        s.ch_one_sided[runs, chans] = 0
        s.ch_grievance[runs, chans] = 0.0
        for x, y in ((a, b), (b, a)):
            s.reciprocity[runs, x, y] = init
            s.ignored_streak[runs, x, y] = 0
        if kind is not None and self.log.enabled:
            self.log.opened(runs, chans, r, kind, why(runs, chans) if why else ["scheduled"] * len(runs))

    def close(self, runs: np.ndarray, chans: np.ndarray, r: int, reason: str | list[str] | None, *, collapsed: bool,
              log: bool = True) -> None:
        """Close (or collapse) the open channels among (runs[i], chans[i]), with the reason of each (None: the
        batch keeps no reason texts)."""
        s = self.state
        runs, chans = np.asarray(runs, dtype=np.int64), np.asarray(chans, dtype=np.int64)
        still = s.ch_status[runs, chans] == ch.OPEN
        runs, chans = runs[still], chans[still]
        s.ch_status[runs, chans] = ch.COLLAPSED if collapsed else ch.CLOSED
        s.ch_closed[runs, chans] = r
        s.ch_last_change[runs, chans] = r
        s.ch_collapses[runs, chans] += collapsed
        if reason is None:
            return
        reasons = [reason] * len(still) if isinstance(reason, str) else list(reason)
        reasons = [text for text, keep in zip(reasons, still.tolist(), strict=True) if keep]
        s.ch_reason[runs, chans] = np.array(reasons, dtype=object)
        if log and self.log.enabled:
            self.log.closed(runs, chans, r, reasons, collapsed=collapsed)

    def open_scheduled(self, r: int) -> None:
        """Open the channels scheduled for round r that never opened."""
        self.open(*np.nonzero((self.params.ch_opens == r) & (self.state.ch_first_opened < 0)), r)

    def count_one_sided(self, r: int, pairs: ch.Pairs | ch.Matching, contact: np.ndarray,
                        values: tuple[decisions.Value, decisions.Value]) -> np.ndarray:
        """Count one-sided rounds of open back channels (a side's value of continuing, ``values``, initiator first,
        below walking away) and the grievance they add; collapse those out of patience; return (R, C) one-sided."""
        s, p, st = self.state, self.params, self.structure
        is_open = s.ch_status == ch.OPEN
        if not is_open.any():
            return np.zeros(is_open.shape, dtype=bool)
        s.ch_lifetime += is_open
        talking = is_open & pairs.at(contact, st.channel_ends).T
        first, second = (decisions.walks(v, p.ch_threshold.T).T for v in values)
        bad = (first | second) & talking
        ch.count_streak(s.ch_one_sided, talking, bad)
        added = decisions.grievance(values, p.ch_threshold.T).T
        s.ch_grievance[talking] = np.where(bad[talking], s.ch_grievance[talking] + added[talking], 0.0)
        runs, chans = np.nonzero(ch.out_of_patience(is_open, s.ch_grievance, p.ch_patience, s.ch_patience_cut))
        if len(runs):
            s.ch_unheard[runs, chans] = ch.unheard_code(first[runs, chans], second[runs, chans])
            self.close(runs, chans, r, self._collapse_reasons(runs, chans, first, second, values) if self.log.enabled
                       else None, collapsed=True)
        return bad

    def _collapse_reasons(self, runs: np.ndarray, chans: np.ndarray, first: np.ndarray, second: np.ndarray,
                          values: tuple[decisions.Value, decisions.Value]) -> list[str]:
        s, p, st = self.state, self.params, self.structure
        ends = st.channel_ends[chans]
        sides = [side[runs, chans].tolist() for side in (first, second)]
        streak = [s.ignored_streak[runs, ends[:, k], ends[:, 1 - k]].tolist() for k in (0, 1)]
        parts = [{name: getattr(v, name)[chans, runs].tolist() for name in ("reciprocity", "trust", "worth", "cost",
                                                                            "total")} for v in values]
        return [collapse_reason(self._ends[c], [sides[0][m], sides[1][m]], [streak[0][m], streak[1][m]],
                                [{k: x[m] for k, x in part.items()} for part in parts], thr, n)
                for m, (c, thr, n) in enumerate(zip(chans.tolist(), p.ch_threshold[runs, chans].tolist(),
                                                    s.ch_one_sided[runs, chans].tolist(), strict=True))]

    def open_pressed(self, r: int) -> None:
        """Open, from round r, the ``opens: auto`` channels whose initiator's sidelining pressure passed its
        threshold."""
        s, p, st = self.state, self.params, self.structure
        if not len(st.channel_ends):
            return
        init = st.channel_ends[:, 0]
        pending = (p.ch_opens == AUTO) & (s.ch_first_opened < 0)
        if pending.any():
            auto = ch.pressed_open(pending, s.pressure[:, init], p.side_threshold[:, init])
            self.open(*np.nonzero(auto), r, why=lambda runs, chans: [
                f"sidelining pressure {x:.2f} ≥ {y:.2f}" for x, y in
                zip(s.pressure[runs, init[chans]].tolist(), p.side_threshold[runs, init[chans]].tolist(), strict=True)])

    def reopen(self, r: int) -> None:
        """Reopen, from round r, collapsed channels whose cooldown has passed while mutual trust held."""
        if not self._may_reopen or not len(self.structure.channel_ends):
            return
        s, p = self.state, self.params
        mutual = ch.mutual_trust(s.trust, self.structure.channel_ends)
        again = ch.reopening(s.ch_status, s.ch_closed, p.ch_cooldown < NEVER, p.ch_cooldown, mutual, p.ch_min_trust, r)
        self.open(*np.nonzero(again), r, kind=F.CHANNEL_REOPENED, why=lambda runs, chans: [
            f"reopened after {rounds(r - closed)}; mutual trust {m:.2f}"
            for closed, m in zip(s.ch_closed[runs, chans].tolist(), mutual[runs, chans].tolist(), strict=True)])

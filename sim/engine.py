"""The batch engine: advances many runs at once, one round at a time, in two phases (decide, then commit).

``simulate(scenario, seeds)`` is the one function analysis needs; ``Engine`` is the steppable object the
Mesa façade wraps. Run k of a batch depends only on its scenario and seed, never on the batch around it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence

import numpy as np

from sim import channels as ch
from sim import dynamics, tracks
from sim.compile import AUTO, NEVER, compile_batch
from sim.events import HANDLERS, actors_of
from sim.recorder import Recorder
from sim.result import BatchResult
from sim.schema import Scenario
from sim.state import RunStreams, State
from sim.strategies import History, decide_intent


class Engine:
    """A batch of runs in progress. ``step()`` plays one round for every run."""

    def __init__(self, scenarios: Scenario | Sequence[Scenario], seeds: Sequence[int], *, record: bool = True):
        seeds = [int(s) for s in seeds]
        if isinstance(scenarios, Scenario):
            scenarios = [scenarios] * len(seeds)
        if len(scenarios) != len(seeds) or not seeds:
            raise ValueError("give one seed per run (and one scenario, or one per seed)")
        self.scenarios = list(scenarios)
        self.structure, self.params = compile_batch(self.scenarios)
        self.rounds = self.scenarios[0].rounds
        self.seeds = np.array(seeds, dtype=np.int64)
        st, p = self.structure, self.params
        n, k = st.n, st.k
        self.streams = RunStreams(self.seeds, per_round=2 * n * n + n, rounds=self.rounds)
        position = p.position.copy()
        missing = np.isnan(position)
        if missing.any():  # population: position uniform, drawn from each run's own stream
            position = np.where(missing, self.streams.take(n * k).reshape(-1, n, k), position)
        self.state = State.initial(st, p, position, p.dyn["initial_reciprocity"])
        self.log: list[list[dict]] = [[] for _ in seeds]
        self._events = self._schedule()
        self.round = 0
        self._actor_index = {a: i for i, a in enumerate(st.actors)}
        self._prop = tracks.proposal(position, p.capability, p.salience, self.state.members)
        self._capability_factor = dynamics.capability_factor(p.capability)  # capabilities never change
        self._unit_rate = np.ones((len(seeds), 1, 1))
        self._rows = np.arange(len(seeds))[:, None]
        self.recorder = Recorder(st, len(seeds)) if record else None
        if self.recorder:
            self.recorder.capture(0, self.state, self._prop, None, None, self.active_tracks(0))

    # ---- lookups used by event handlers -------------------------------------------------------------
    def actor_index(self, name: str) -> int:
        return self._actor_index[name]

    def channel_index(self, pair: Sequence[str]) -> int:
        key = frozenset(pair)
        return next(c for c, b in enumerate(self.structure.channel_between) if frozenset(b) == key)

    def active_tracks(self, r: int) -> np.ndarray:
        return tracks.active(self.params.tr_opens, self.params.tr_closes, r)

    def _schedule(self) -> dict[int, list[tuple[object, np.ndarray]]]:
        """Events by round, each with the runs that have it (runs sharing a scenario share the event)."""
        runs_of: dict[int, list[int]] = defaultdict(list)
        first: dict[int, Scenario] = {}
        for run, sc in enumerate(self.scenarios):
            runs_of[id(sc)].append(run)
            first.setdefault(id(sc), sc)
        out: dict[int, list[tuple[object, np.ndarray]]] = defaultdict(list)
        for key, sc in first.items():
            for ev in sc.events:
                out[ev.at].append((ev, np.array(runs_of[key])))
        return out

    def _note(self, runs: np.ndarray, r: int, kind: str, actors: list[str], reason: str | Callable, **extra) -> None:
        for run in np.atleast_1d(runs):
            text = reason(int(run)) if callable(reason) else reason
            self.log[int(run)].append({"round": r, "kind": kind, "actors": actors, "reason": text, **extra})

    # ---- opening and closing back channels ----------------------------------------------------------
    def open_channels(self, runs: np.ndarray, chans: np.ndarray, r: int, kind: str | None = "channel_opened",
                      why: Callable[[int, int], str] | None = None) -> None:
        """Open channels (runs[i], chans[i]); a (re)opened contact starts with fresh perceived reciprocity."""
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
        for x, y in ((a, b), (b, a)):
            s.reciprocity[runs, x, y] = init
            s.ignored_streak[runs, x, y] = 0
        if kind is not None:
            for run, c in zip(runs, chans, strict=True):
                i, o = st.actors[st.channel_ends[c, 0]], st.actors[st.channel_ends[c, 1]]
                text = why(int(run), int(c)) if why else "scheduled"
                self._note(run, r, kind, [i, o], f"{i} opened a back channel to {o} ({text})",
                           channel=st.channel_labels[c])

    def close_channels(self, runs: np.ndarray, chans: np.ndarray, r: int, reason: str | list[str],
                       *, collapsed: bool, log: bool = True) -> None:
        s, st = self.state, self.structure
        reasons = [reason] * len(runs) if isinstance(reason, str) else reason
        for run, c, text in zip(runs, chans, reasons, strict=True):
            if s.ch_status[run, c] != ch.OPEN:
                continue
            s.ch_status[run, c] = ch.COLLAPSED if collapsed else ch.CLOSED
            s.ch_closed[run, c] = s.ch_last_change[run, c] = r
            s.ch_reason[run, c] = text
            s.ch_collapses[run, c] += collapsed
            if log:
                kind = "channel_collapsed" if collapsed else "channel_closed"
                self._note(run, r, kind, list(st.channel_between[c]), text, channel=st.channel_labels[c])

    # ---- one round ----------------------------------------------------------------------------------
    def step(self) -> None:
        """Play round ``self.round`` for every run: events, decide, commit, record."""
        r, st, p, s = self.round, self.structure, self.params, self.state
        events = self._events.get(r, ())
        for ev, runs in events:
            reason = HANDLERS[ev.type](self, ev, runs, r)
            self._note(runs, r, ev.type, actors_of(ev), reason)
        scheduled = np.nonzero((p.ch_opens == r) & (s.ch_first_opened < 0))
        self.open_channels(*scheduled, r)
        opening = np.nonzero(p.tr_opens == r)
        for run, t in zip(*opening, strict=True):
            self._note(run, r, "track_opened", [st.actors[st.track_mediator[t]]], f"{st.track_names[t]} open")

        # Decide, from the state at the start of the round only.
        n = st.n
        u = self.streams.next_round()
        coins, draws, keys = u[:, : n * n].reshape(-1, n, n), u[:, n * n : 2 * n * n].reshape(-1, n, n), u[:, 2 * n * n :]
        active = self.active_tracks(r)
        prop = tracks.proposal(s.position, p.capability, p.salience, s.members) if events else self._prop
        contact = ch.contact_matrix(st.alliance, s.members, active, st.channel_ends, s.ch_status == ch.OPEN)
        if st.meeting == "random_matching":
            contact &= ch.random_matching(keys)
        history = History(s.met, s.opp_last, s.my_last, s.opp_ever_ignored, draws, p.dyn["generosity"][:, None, None])
        chance = p.openness[:, :, None] * (1.0 - p.dyn["trust_sensitivity"][:, None, None] * (1.0 - s.trust))
        listen = contact & decide_intent(p.rule, history) & (coins < chance)
        listen |= contact & st.alliance[None] & (p.dyn["alliance_always"][:, None, None] > 0)

        # Commit, all at once.
        mediated, rate = self._mediation(prop, active)
        persuasion, fall, penalty = (p.speech[key][self._rows, p.speaking] for key in ("persuasion", "fall", "penalty"))
        weight = dynamics.persuasion_weights(listen, s.trust, self._capability_factor, persuasion, rate)
        s.position = dynamics.persuade(s.position, weight, p.salience, p.latitude, st.update, mediated)
        s.trust = dynamics.update_trust(s.trust, contact, listen, fall, penalty, p.dyn["trust_gain"], p.dyn["trust_loss"])
        s.reciprocity = ch.update_reciprocity(s.reciprocity, contact, listen, p.dyn["reciprocity_memory"])
        heard = listen.transpose(0, 2, 1)
        s.ignored_streak = np.where(contact, np.where(heard, 0, s.ignored_streak + 1), s.ignored_streak)
        s.opp_ever_ignored |= contact & ~heard
        s.opp_last = np.where(contact, heard, s.opp_last)
        s.my_last = np.where(contact, listen, s.my_last)
        s.met |= contact
        one_sided = self._channels_after(r, contact)
        self._prop = tracks.proposal(s.position, p.capability, p.salience, s.members)
        self._tracks_after(r, active)
        self.round += 1
        if self.recorder:
            self.recorder.capture(self.round, s, self._prop, contact, listen, active, one_sided)

    def _mediation(self, prop: np.ndarray, active: np.ndarray) -> tuple[tuple | None, np.ndarray]:
        """Where i hears a mediator's proposal instead of its position (runs, i, j, values), and the rate of each pair."""
        s, p, st = self.state, self.params, self.structure
        base = self._unit_rate if st.update == "mean" else p.dyn["learning_rate"][:, None, None]
        if not len(st.track_mediator):
            return None, base
        rate = np.broadcast_to(base, s.trust.shape).copy()
        parts = []
        for t, m in enumerate(st.track_mediator):
            seated = s.members[:, t, :] & active[:, t, None] & s.members[:, t, m, None]
            seated[:, m] = False
            rr, ii = np.nonzero(seated)
            parts.append((rr, ii, np.full(len(rr), m), prop[rr, t, :]))
            if st.update == "step":
                rate[rr, ii, m] = p.dyn["track_pull"][rr]
        runs, i, j, values = (np.concatenate(x) for x in zip(*parts, strict=True))
        return (runs, i, j, values), rate

    def _channels_after(self, r: int, contact: np.ndarray) -> np.ndarray:
        """Count one-sided rounds of open back channels; collapse those out of patience; return (R, C) one-sided."""
        s, p, st = self.state, self.params, self.structure
        if not len(st.channel_ends):
            return np.zeros((len(self.seeds), 0), dtype=bool)
        is_open = s.ch_status == ch.OPEN
        s.ch_lifetime += is_open
        a, b = st.channel_ends[:, 0], st.channel_ends[:, 1]
        met = contact[:, a, b]
        sides = ch.one_sided(s.reciprocity, st.channel_ends, p.ch_threshold)
        bad = sides.any(axis=2) & is_open & met
        s.ch_one_sided = np.where(is_open & met, np.where(bad, s.ch_one_sided + 1, 0), s.ch_one_sided)
        patience = np.maximum(1, p.ch_patience - s.ch_patience_cut)
        runs, chans = np.nonzero(is_open & (s.ch_one_sided >= patience))
        reasons = [self._collapse_reason(run, c, sides[run, c]) for run, c in zip(runs, chans, strict=True)]
        self.close_channels(runs, chans, r, reasons, collapsed=True)
        return bad

    def _collapse_reason(self, run: int, c: int, sides: np.ndarray) -> str:
        st, s, p = self.structure, self.state, self.params
        parts = []
        for side in (0, 1):
            if not sides[side]:
                continue
            me, other = st.channel_ends[c, side], st.channel_ends[c, 1 - side]
            streak = int(s.ignored_streak[run, me, other])
            seen = f"perceived reciprocity {s.reciprocity[run, me, other]:.2f} < {p.ch_threshold[run, c]:.2f}"
            what = f"did not listen in {streak} consecutive rounds" if streak else "listened too rarely"
            parts.append(f"{st.actors[me]}: {st.actors[other]} {what} ({seen})")
        return "; ".join(parts) + f"; one-sided for {s.ch_one_sided[run, c]} rounds in a row"

    def _tracks_after(self, r: int, active: np.ndarray) -> None:
        """Agreement, sidelining pressure, and the channels that pressure or time (re)opens."""
        s, p, st = self.state, self.params, self.structure
        if len(st.track_names):
            agreed = tracks.issue_agreement(s.position, self._prop, s.members, active, p.tolerance)
            per_issue = agreed.any(axis=1)
            s.issue_agreement_round = np.where((s.issue_agreement_round < 0) & per_issue, r, s.issue_agreement_round)
            whole = agreed.all(axis=2).any(axis=1) & (s.agreement_round < 0)
            s.agreement_round[whole] = r
            for run in np.nonzero(whole)[0]:
                t = int(np.argmax(agreed[run].all(axis=1)))
                names = [st.actors[i] for i in np.nonzero(s.members[run, t])[0]]
                self._note(run, r, "agreement", names, f"agreement in {st.track_names[t]}: every participant within "
                           f"{p.tolerance[run]:g} of the mediator's proposal on every issue")
            gap = tracks.sidelining_gap(s.position, p.salience, self._prop, s.members, active)
            mem = p.dyn["pressure_memory"][:, None]
            s.pressure = (1 - mem) * s.pressure + mem * gap
        if not len(st.channel_ends):
            return
        init = st.channel_ends[:, 0]
        pressure = s.pressure[:, init]
        thr = np.take_along_axis(p.side_threshold, np.broadcast_to(init, p.ch_opens.shape), axis=1)
        auto = (p.ch_opens == AUTO) & (s.ch_first_opened < 0) & (pressure >= thr) & (r + 1 < self.rounds)
        self.open_channels(*np.nonzero(auto), r + 1,
                           why=lambda run, c: f"sidelining pressure {s.pressure[run, init[c]]:.2f} ≥ "
                           f"{p.side_threshold[run, init[c]]:.2f}")
        a, b = st.channel_ends[:, 0], st.channel_ends[:, 1]
        mutual = np.minimum(s.trust[:, a, b], s.trust[:, b, a])
        cooled = (p.ch_cooldown < NEVER) & (r + 1 - s.ch_closed >= p.ch_cooldown)
        again = (s.ch_status == ch.COLLAPSED) & cooled & (mutual >= p.ch_min_trust) & (r + 1 < self.rounds)
        self.open_channels(*np.nonzero(again), r + 1, kind="channel_reopened",
                           why=lambda run, c: f"reopened after {r + 1 - s.ch_closed[run, c]} rounds; mutual trust "
                           f"{mutual[run, c]:.2f}")

    def run(self, progress: Callable[[int], None] | None = None) -> BatchResult:
        """Play the remaining rounds and return the result."""
        while self.round < self.rounds:
            self.step()
            if progress:
                progress(1)
        return self.result()

    def result(self) -> BatchResult:
        return BatchResult(self.structure, self.params, self.seeds, self.state, self.log, self.recorder, self.round)


def simulate(
    scenarios: Scenario | Sequence[Scenario], seeds: Sequence[int], *, record: bool = False,
    progress: Callable[[int], None] | None = None,
) -> BatchResult:
    """Run a batch: one scenario for all seeds, or one scenario per seed (sharing a structure key)."""
    return Engine(scenarios, seeds, record=record).run(progress)

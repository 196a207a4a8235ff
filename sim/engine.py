"""The batch engine: advances many runs at once, one round at a time, in two phases (decide, then commit).

``simulate(scenario, seeds)`` is the one function analysis needs; ``Engine`` is the steppable object the
Mesa façade wraps. Run k of a batch depends only on its scenario and seed, never on the batch around it.
A round works on the directed pairs that can be in contact (``sim.channels.Pairs``; each round's partners
under random matching), runs last; what only events change is derived once, and again after events.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence

import numpy as np

from sim import channels as ch
from sim import decisions, dynamics, tracks
from sim.compile import AUTO, NEVER, Params, Structure, compile_batch
from sim.events import HANDLERS, actors_of
from sim.recorder import Recorder
from sim.result import BatchResult
from sim.schema import JoinTrackEvent, Scenario
from sim.state import RunStreams, State, pair_major, runs_first, runs_last
from sim.strategies import RECIPROCITY, History, intent_of

STOCHASTIC = np.array([rule.stochastic for rule in RECIPROCITY.values()])


class Engine:
    """A batch of runs in progress. ``step()`` plays one round for every run."""

    def __init__(self, scenarios: Scenario | Sequence[Scenario], seeds: Sequence[int], *, record: bool = True,
                 log: bool = True):
        seeds = [int(s) for s in seeds]
        if isinstance(scenarios, Scenario):
            scenarios = [scenarios] * len(seeds)
        if len(scenarios) != len(seeds) or not seeds:
            raise ValueError("give one seed per run (and one scenario, or one per seed)")
        self.scenarios = list(scenarios)
        self.structure, self.params = _compile(self.scenarios)
        self.rounds = self.scenarios[0].rounds
        self.seeds = np.array(seeds, dtype=np.int64)
        st, p = self.structure, self.params
        n, k = st.n, st.k
        self._events = self._schedule()
        self._actor_index = {a: i for i, a in enumerate(st.actors)}
        self.pairs = ch.Pairs(n, ch.possible_contacts(st.alliance, self._seats(), st.channel_ends))
        matching = st.meeting == "random_matching"  # partners vary: keep every cell's draws
        self.streams = RunStreams(self.seeds, (("coins", n * n), ("draws", n * n), ("keys", n)), self.rounds,
                                  select=None if matching else {"coins": self.pairs.cell, "draws": self.pairs.cell})
        position = p.position.copy()
        missing = np.isnan(position)
        if missing.any():  # population: position uniform, drawn from each run's own stream
            position = np.where(missing, self.streams.take(n * k).reshape(-1, n, k), position)
        self.state = State.initial(st, p, position, p.dyn["initial_reciprocity"])
        noisy = p.dyn["perception_noise"] > 0  # its own stream (seed + 2**64): every other draw stays as it was
        self._noise = RunStreams([s + (1 << 64) for s in seeds], (("noise", n * n),), self.rounds,
                                 select=None if matching else {"noise": self.pairs.cell}) if noisy.any() else None
        self.logging = log  # False: no event log and no reason texts (a sweep keeps neither)
        self.log: list[list[dict]] = [[] for _ in seeds]
        self.round = 0
        self._ends = [(st.actors[a], st.actors[b]) for a, b in st.channel_ends.tolist()]  # initiator first
        self._mediators = [st.actors[m] for m in st.track_mediator.tolist()]
        self._capability = np.ascontiguousarray(p.capability.T)
        self._salience = np.ascontiguousarray(runs_last(p.salience))
        self._wedge = decisions.bloc_share(self._capability, st.alliance, st.channel_ends)
        self._movable = 1.0 - self._salience
        self._may_reopen = bool((p.ch_cooldown < NEVER).any())
        self._opening_rounds = set(p.ch_opens.ravel().tolist()) | set(p.tr_opens.ravel().tolist())
        self._refresh()
        self._prop = tracks.proposal_of(*self._weights, runs_last(self.state.position))
        self.recorder = Recorder(st, len(seeds)) if record else None
        if self.recorder:
            self.recorder.capture(0, self.state, runs_first(self._prop), None, self.active_tracks(0))

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

    def _seats(self) -> np.ndarray:
        """(T, N) bool: who may ever sit in each track (a participant in some run, or joining by an event)."""
        seats = self.params.tr_members.any(axis=0)
        for ev, _ in (e for evs in self._events.values() for e in evs):
            if isinstance(ev, JoinTrackEvent):
                seats[self.structure.track_names.index(ev.track), self.actor_index(ev.actor)] = True
        return seats

    def _note(self, runs: np.ndarray, r: int, kind: str, actors: list[str], reason: str, **extra) -> None:
        if not self.logging:
            return
        for run in np.atleast_1d(runs).tolist():
            self.log[run].append({"round": r, "kind": kind, "actors": list(actors), "reason": reason, **extra})

    # ---- what changes only with events --------------------------------------------------------------
    def _refresh(self) -> None:
        """Derive per-actor strategy arrays (runs last) and track weights; forget what was derived from them."""
        p, s = self.params, self.state
        rows = np.arange(len(self.seeds))[:, None]
        self._speech = {key: np.ascontiguousarray(p.speech[key][rows, p.speaking].T)
                        for key in ("persuasion", "fall", "penalty", "cost")}
        self._openness, self._latitude, self._rule = (np.ascontiguousarray(a.T)
                                                      for a in (p.openness, p.latitude, p.rule))
        self._stochastic = bool(STOCHASTIC[np.bincount(p.rule.ravel(), minlength=len(STOCHASTIC)) > 0].any())
        self._distance_matters = bool((p.dyn["distance_aversion"] > 0).any() and (p.salience > 0).any())
        self._coins_matter = bool((p.openness < 1).any() or (p.dyn["trust_sensitivity"] > 0).any()
                                  or self._distance_matters or (self._speech["cost"] > 0).any())
        fall, penalty = self._speech["fall"], self._speech["penalty"]  # trust moves only through these and gain
        self._trust_fixed = bool((p.dyn["trust_gain"] == 0).all() and (p.dyn["trust_loss"] * fall == 0).all()
                                 and (penalty == 0).all())
        self._weights = tracks.weights_of(self._capability, self._salience, runs_last(s.members))
        self._pair_params: dynamics.PairParams | None = None
        self._seating: tuple | None = None

    def _params_of(self, pairs: ch.Pairs | ch.Matching) -> dynamics.PairParams:
        """Per-pair parameters of a contact layout."""
        return dynamics.pair_params(pairs, self._capability, self._speech, self._openness, self._latitude,
                                    self._rule, self.structure.alliance, self.params.dyn)

    def _seated(self, pairs: ch.Pairs | ch.Matching, active: np.ndarray) -> tuple[np.ndarray, list, np.ndarray]:
        """Standing contact (allies, shared tracks), the mediated pairs of each track, and each pair's rate."""
        st, p = self.structure, self.params
        seated = runs_last(self.state.members) & active.T[:, None, :]
        mediated = tracks.mediation(pairs, seated, st.track_mediator)
        rate = np.array(1.0) if st.update == "mean" else p.dyn["learning_rate"]
        if st.update == "step" and mediated:
            rate = np.broadcast_to(rate, (len(pairs), len(self.seeds))).copy()
            for _, rows, med in mediated:
                rate[rows] = np.where(med, p.dyn["track_pull"], rate[rows])
        return ch.standing_contact(pairs, st.alliance, seated, len(self.seeds)), mediated, rate

    # ---- opening and closing back channels ----------------------------------------------------------
    def open_channels(self, runs: np.ndarray, chans: np.ndarray, r: int, kind: str | None = "channel_opened",
                      why: Callable[[np.ndarray, np.ndarray], list[str]] | None = None) -> None:
        """Open channels (runs[i], chans[i]); a (re)opened contact starts with fresh perceived reciprocity.

        ``why(runs, chans)`` gives the reason of each opening for the log (default "scheduled"); called only when
        the engine keeps a log.
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
        if kind is not None and self.logging:
            texts = why(runs, chans) if why else ["scheduled"] * len(runs)
            for run, c, text in zip(runs.tolist(), chans.tolist(), texts, strict=True):
                i, o = self._ends[c]
                self.log[run].append({"round": r, "kind": kind, "actors": [i, o], "reason":
                                      f"{i} opened a back channel to {o} ({text})", "channel": st.channel_labels[c]})

    def close_channels(self, runs: np.ndarray, chans: np.ndarray, r: int, reason: str | list[str] | None,
                       *, collapsed: bool, log: bool = True) -> None:
        """Close (or collapse) the open channels among (runs[i], chans[i]), with the reason of each (None: the
        engine keeps no reason texts)."""
        s, st = self.state, self.structure
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
        if log and self.logging:
            kind = "channel_collapsed" if collapsed else "channel_closed"
            for run, c, text in zip(runs.tolist(), chans.tolist(), reasons, strict=True):
                self.log[run].append({"round": r, "kind": kind, "actors": list(st.channel_between[c]), "reason": text,
                                      "channel": st.channel_labels[c]})

    # ---- one round ----------------------------------------------------------------------------------
    def step(self) -> None:
        """Play round ``self.round`` for every run: events, decide, commit, record."""
        r, st, p, s = self.round, self.structure, self.params, self.state
        events = self._events.get(r, ())
        for ev, runs in events:
            self._note(runs, r, ev.type, actors_of(ev), HANDLERS[ev.type](self, ev, runs, r))
        if events:
            self._refresh()
        if r in self._opening_rounds:
            self.open_channels(*np.nonzero((p.ch_opens == r) & (s.ch_first_opened < 0)), r)
            if self.logging:
                for run, t in zip(*(x.tolist() for x in np.nonzero(p.tr_opens == r)), strict=True):
                    self.log[run].append({"round": r, "kind": "track_opened", "actors": [self._mediators[t]],
                                          "reason": f"{st.track_names[t]} open"})

        # Decide, from the state at the start of the round only.
        need = {"keys"} if st.meeting == "random_matching" else set()
        need |= ({"coins"} if self._coins_matter else set()) | ({"draws"} if self._stochastic else set())
        u = self.streams.next_round(need)
        active = self.active_tracks(r)
        pos = runs_last(s.position)
        prop = tracks.proposal_of(*self._weights, pos) if events else self._prop
        if st.meeting == "random_matching":
            pairs: ch.Pairs | ch.Matching = ch.Matching(ch.random_partners(u["keys"].T))
            pp, (standing, mediated, rate) = self._params_of(pairs), self._seated(pairs, active)
        else:
            pairs = self.pairs
            if self._pair_params is None:
                self._pair_params = self._params_of(pairs)
            if self._seating is None or not np.array_equal(self._seating[0], active):
                self._seating = (active, self._seated(pairs, active))
            pp, (standing, mediated, rate) = self._pair_params, self._seating[1]
        contact = ch.contact(pairs, standing, st.channel_ends, runs_last(s.ch_status) == ch.OPEN)
        trust3 = pair_major(s.trust)
        trust = pairs.gather(trust3)
        memory = {name: pair_major(getattr(s, name)) for name in ch.MEMORY}
        seen = {name: pairs.gather(a) for name, a in memory.items()}
        # the stream keeps self.pairs' cells of coins and draws (select); a matching picks its own
        coins, draws = (u.get(part) if pairs is self.pairs or part not in u else pairs.uniforms(u[part])
                        for part in ("coins", "draws"))
        history = History(seen["met"], seen["opp_last"], seen["my_last"], seen["opp_ever_ignored"],
                          np.broadcast_to(0.0, contact.shape) if draws is None else draws, p.dyn["generosity"])
        listen = contact & intent_of(pp.groups, history)
        if coins is not None:  # otherwise openness 1 and nothing makes listening costly: the chance is exactly 1
            excess = (decisions.excess_distance(np.abs(pairs.speaker(pos) - pairs.listener(pos)),
                                                pairs.listener(self._salience), pp.latitude)
                      if self._distance_matters else 0.0)
            chance = decisions.listen_chance(pp.openness, trust, excess, pp.style_cost, self._pair_worth(pairs),
                                             p.dyn["trust_sensitivity"], p.dyn["distance_aversion"])
            listen &= coins < chance
        listen |= contact & pp.ally_always

        # Commit, all at once.
        heard = pairs.speaker(pos)
        for t, rows, med in mediated:
            heard[rows] = np.where(med[:, None, :], prop[t][None], heard[rows])
        weight = listen * trust * pp.capability * pp.persuasion * rate
        pos[...] = dynamics.move(pairs, pos, heard, weight, self._movable, pp.latitude, st.update)
        back = pairs.reverse(listen)  # back[p]: the speaker listened to the listener
        if self._noise is not None:  # what the listener believes: a heard round mistaken for an ignored one
            noise = self._noise.next_round({"noise"})["noise"]
            back = decisions.perceived(back, noise if pairs is self.pairs else pairs.uniforms(noise),
                                       p.dyn["perception_noise"])
        if not self._trust_fixed:
            pairs.put(trust3, dynamics.trust_after(trust, contact, back, pp.kept_when_ignored, pp.kept_after_style,
                                                   p.dyn["trust_gain"]))
        ch.remember(pairs, memory, seen, contact, listen, back, p.dyn["reciprocity_memory"])
        one_sided = self._channels_after(r, pairs, contact)
        self._prop = tracks.proposal_of(*self._weights, pos)
        self._tracks_after(r, active)
        self.round += 1
        if self.recorder:
            heard_state = Recorder.heard(pairs, contact, listen, st.n) if self.recorder.dense else None
            self.recorder.capture(self.round, s, runs_first(self._prop), heard_state, active, one_sided)

    def _channels_after(self, r: int, pairs: ch.Pairs | ch.Matching, contact: np.ndarray) -> np.ndarray:
        """Count one-sided rounds of open back channels and the grievance they add; collapse those out of patience;
        return (R, C) one-sided."""
        s, p, st = self.state, self.params, self.structure
        is_open = s.ch_status == ch.OPEN
        if not is_open.any():
            return np.zeros(is_open.shape, dtype=bool)
        s.ch_lifetime += is_open
        talking = is_open & pairs.at(contact, st.channel_ends).T
        values = self._channel_values()
        first, second = (decisions.walks(v, p.ch_threshold.T).T for v in values)
        bad = (first | second) & talking
        count, grievance = s.ch_one_sided, s.ch_grievance
        count[talking] = np.where(bad[talking], count[talking] + 1, 0)
        added = decisions.grievance(values, p.ch_threshold.T).T
        grievance[talking] = np.where(bad[talking], grievance[talking] + added[talking], 0.0)
        runs, chans = np.nonzero(is_open & (grievance >= np.maximum(1, p.ch_patience - s.ch_patience_cut)))
        if len(runs):  # who was not listened to: the initiator perceived the other as one-sided (1), or back (2)
            s.ch_unheard[runs, chans] = first[runs, chans] + 2 * second[runs, chans]
        if len(runs) and not self.logging:
            self.close_channels(runs, chans, r, None, collapsed=True)
        elif len(runs):
            ends = st.channel_ends[chans]
            sides = [side[runs, chans].tolist() for side in (first, second)]
            streak = [s.ignored_streak[runs, ends[:, k], ends[:, 1 - k]].tolist() for k in (0, 1)]
            parts = [{name: getattr(v, name)[chans, runs].tolist() for name in ("reciprocity", "trust", "worth",
                                                                                 "cost", "total")} for v in values]
            reasons = [ch.collapse_reason(self._ends[c], [sides[0][m], sides[1][m]], [streak[0][m], streak[1][m]],
                                          [{k: x[m] for k, x in part.items()} for part in parts], thr, n)
                       for m, (c, thr, n) in enumerate(zip(chans.tolist(), p.ch_threshold[runs, chans].tolist(),
                                                           count[runs, chans].tolist(), strict=True))]
            self.close_channels(runs, chans, r, reasons, collapsed=True)
        return bad

    def _channel_values(self) -> tuple[decisions.Value, decisions.Value]:
        """Each side's value of continuing each back channel, from the state now (``sim.decisions``)."""
        s = self.state
        return decisions.channel_values(self.structure.channel_ends, runs_last(s.position), self._salience,
                                        self._latitude, runs_last(s.trust), runs_last(s.reciprocity),
                                        runs_last(s.pressure), self._wedge, self._speech["cost"],
                                        runs_last(s.ch_exposed), self.params.dyn)

    def _pair_worth(self, pairs: ch.Pairs | ch.Matching) -> np.ndarray | float:
        """(P, R) what each open back channel is worth to each listener (0 for other contacts)."""
        st, s, dyn = self.structure, self.state, self.params.dyn
        is_open = runs_last(s.ch_status) == ch.OPEN
        if not is_open.any():
            return 0.0
        pressure = runs_last(s.pressure)
        out = np.zeros((len(pairs), len(self.seeds)))
        for c, ends in enumerate(st.channel_ends.tolist()):
            for side, (x, y) in enumerate((ends, ends[::-1])):
                worth = decisions.channel_worth(pressure[x], self._wedge[side, c], dyn["sidelining_worth"],
                                                dyn["wedge_worth"])
                pairs.add(out, x, y, worth * is_open[c])
        return out

    def _tracks_after(self, r: int, active: np.ndarray) -> None:
        """Agreement, sidelining pressure, and the channels that pressure or time (re)opens."""
        s, p, st = self.state, self.params, self.structure
        if len(st.track_names):
            members, act = runs_last(s.members), active.T
            dev = tracks.deviation(runs_last(s.position), self._prop)
            agreed = tracks.agreement_of(dev, members, act, p.tolerance)
            iar = runs_last(s.issue_agreement_round)
            iar[(iar < 0) & agreed.any(axis=0)] = r
            whole = agreed.all(axis=1).any(axis=0) & (s.agreement_round < 0)
            s.agreement_round[whole] = r
            for run in np.nonzero(whole)[0] if self.logging and whole.any() else ():
                t = int(np.argmax(agreed[:, :, run].all(axis=1)))
                names = [st.actors[i] for i in np.nonzero(s.members[run, t])[0]]
                self._note(run, r, "agreement", names, f"agreement in {st.track_names[t]}: every participant within "
                           f"{p.tolerance[run]:g} of the mediator's proposal on every issue")
            mem, pressure = p.dyn["pressure_memory"], runs_last(s.pressure)
            pressure[...] = (1 - mem) * pressure + mem * tracks.gap_of(dev, self._salience, members, act)
        if not len(st.channel_ends) or r + 1 >= self.rounds:
            return
        init = st.channel_ends[:, 0]
        pending = (p.ch_opens == AUTO) & (s.ch_first_opened < 0)
        if pending.any():
            auto = pending & (s.pressure[:, init] >= p.side_threshold[:, init])
            self.open_channels(*np.nonzero(auto), r + 1, why=lambda runs, chans: [
                f"sidelining pressure {x:.2f} ≥ {y:.2f}" for x, y in
                zip(s.pressure[runs, init[chans]].tolist(), p.side_threshold[runs, init[chans]].tolist(), strict=True)])
        if not self._may_reopen:
            return
        a, b = st.channel_ends[:, 0], st.channel_ends[:, 1]
        mutual = np.minimum(s.trust[:, a, b], s.trust[:, b, a])
        cooled = (p.ch_cooldown < NEVER) & (r + 1 - s.ch_closed >= p.ch_cooldown)
        again = (s.ch_status == ch.COLLAPSED) & cooled & (mutual >= p.ch_min_trust)
        self.open_channels(*np.nonzero(again), r + 1, kind="channel_reopened", why=lambda runs, chans: [
            f"reopened after {ch.rounds(r + 1 - closed)}; mutual trust {m:.2f}"
            for closed, m in zip(s.ch_closed[runs, chans].tolist(), mutual[runs, chans].tolist(), strict=True)])

    def run(self, progress: Callable[[int], None] | None = None) -> BatchResult:
        """Play the remaining rounds and return the result."""
        while self.round < self.rounds:
            self.step()
            if progress:
                progress(1)
        return self.result()

    def result(self) -> BatchResult:
        """The batch so far; its state is a runs-first copy (contiguous, as analysis reads it)."""
        state = State(**{name: np.ascontiguousarray(a) for name, a in vars(self.state).items()})
        return BatchResult(self.structure, self.params, self.seeds, state, self.log, self.recorder, self.round)


def _compile(scenarios: Sequence[Scenario]) -> tuple[Structure, Params]:
    """``compile_batch`` of the distinct scenario objects, its rows repeated for the runs that share one."""
    first: dict[int, int] = {}
    which = np.array([first.setdefault(id(sc), len(first)) for sc in scenarios])
    st, p = compile_batch(list({id(sc): sc for sc in scenarios}.values()))
    rows = {name: {k: v[which] for k, v in value.items()} if isinstance(value, dict) else value[which]
            for name, value in vars(p).items()}
    return st, Params(**rows)


def simulate(
    scenarios: Scenario | Sequence[Scenario], seeds: Sequence[int], *, record: bool = False, log: bool = True,
    progress: Callable[[int], None] | None = None,
) -> BatchResult:
    """Run a batch: one scenario for all seeds, or one scenario per seed (sharing a structure key).

    ``log=False`` skips the event log and the reason texts (what a sweep does: its rows keep neither); every
    number is the same either way.
    """
    return Engine(scenarios, seeds, record=record, log=log).run(progress)

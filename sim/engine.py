"""The batch engine: advances many runs at once, one round at a time, in two phases (decide, then commit).

``simulate(scenario, seeds)`` is the one function analysis needs; ``Engine`` is the steppable object the
Mesa façade wraps. Run k of a batch depends only on its scenario and seed, never on the batch around it.
A round works on the directed pairs that can be in contact (``sim.channels.Pairs``; each round's partners
under random matching), runs last; what only events change is derived once, and again after events. Every
formula is in the maths modules (``sim.strategies``, ``sim.dynamics``, ``sim.channels``, ``sim.tracks``);
the engine only lays out their arrays and writes their results into the state.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from sim import channels as ch
from sim import decisions, dynamics, strategies, tracks
from sim.budget import check_scenario
from sim.channel_book import ChannelBook
from sim.compile import Params, Structure, compile_batch
from sim.events import HANDLERS, World, actors_of, fields_of
from sim.invariants import check_state
from sim.invariants import enabled as invariants_enabled
from sim.log import Log
from sim.recorder import Recorder
from sim.result import BatchResult
from sim.schema import JoinTrackEvent, Scenario
from sim.seeding import RunStreams
from sim.state import State, pair_major, runs_first, runs_last


@dataclass
class Round:
    """What a round decided, from the state at its start: who meets, who listens, and the arrays behind it."""

    pairs: ch.Pairs | ch.Matching
    pp: dynamics.PairParams
    mediated: list  # tracks.mediation
    rate: np.ndarray
    active: np.ndarray  # (T, R) tracks in session
    proposal: np.ndarray  # (T, K, R)
    contact: np.ndarray  # (P, R) the pair met
    trust: np.ndarray  # (P, R) the listener's trust in the speaker
    seen: dict[str, np.ndarray]  # the pairs' memory (ch.MEMORY) at the start of the round
    listen: np.ndarray  # (P, R)


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
        check_scenario(self.scenarios[0], len(seeds), record)  # refuse a batch that cannot fit, before building it
        self.structure, self.params = _compile(self.scenarios)
        self.rounds = self.scenarios[0].rounds
        self.seeds = np.array(seeds, dtype=np.int64)
        structure, params = self.structure, self.params
        n, k = structure.n, structure.k
        self._events = self._schedule()
        self._actor_index = {a: i for i, a in enumerate(structure.actors)}
        self.pairs = ch.Pairs(n, ch.possible_contacts(structure.alliance, self._seats(), structure.channel_ends))
        matching = structure.meeting == "random_matching"  # partners vary: keep every cell's draws
        self.streams = RunStreams(self.seeds, (("coins", n * n), ("draws", n * n), ("keys", n)), self.rounds,
                                  select=None if matching else {"coins": self.pairs.cell, "draws": self.pairs.cell})
        position = params.position.copy()
        missing = np.isnan(position)
        if missing.any():  # population: position uniform, drawn from each run's own stream
            position = np.where(missing, self.streams.take(n * k).reshape(-1, n, k), position)
        self.state = State.initial(structure, params, position, params.dyn["initial_reciprocity"])
        noisy = params.dyn["perception_noise"] > 0  # its own stream (seed + 2**64): every other draw stays as it was
        self._noise = RunStreams([s + (1 << 64) for s in seeds], (("noise", n * n),), self.rounds,
                                 select=None if matching else {"noise": self.pairs.cell}) if noisy.any() else None
        self.logging = log  # False: no event log and no reason texts (a sweep keeps neither)
        self.events = Log(structure, len(seeds), log)
        self.log = self.events.runs
        self.channels = ChannelBook(self.state, structure, params, self.events)
        self.round = 0
        self._check = invariants_enabled()
        self._capability = np.ascontiguousarray(params.capability.T)
        self._salience = np.ascontiguousarray(runs_last(params.salience))
        self._wedge = decisions.bloc_share(self._capability, structure.alliance, structure.channel_ends)
        self._movable = 1.0 - self._salience
        self._opening_rounds = set(params.ch_opens.ravel().tolist()) | set(params.tr_opens.ravel().tolist())
        self._refresh()
        self._prop = tracks.proposal_of(*self._weights, runs_last(self.state.position))
        self.recorder = Recorder(structure, len(seeds)) if record else None
        if self.recorder:
            self.recorder.capture(0, self.state, runs_first(self._prop), None, self.active_tracks(0))

    # ---- lookups --------------------------------------------------------------------------------------
    def actor_index(self, name: str) -> int:
        return self._actor_index[name]

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

    # ---- what changes only with events --------------------------------------------------------------
    def _refresh(self) -> None:
        """Derive per-actor strategy arrays (runs last) and track weights; forget what was derived from them."""
        params = self.params
        rows = np.arange(len(self.seeds))[:, None]
        self._speech = {key: np.ascontiguousarray(params.speech[key][rows, params.speaking].T)
                        for key in ("persuasion", "fall", "penalty", "cost")}
        codes = params.speaking_to  # (R, M): styles toward named listeners (`speaking_to`), -1: none
        self._speech_to = {key: np.where(codes < 0, np.nan, params.speech[key][rows, np.maximum(codes, 0)]).T
                           for key in self._speech}
        both = {key: np.concatenate([v, np.nan_to_num(self._speech_to[key])]) for key, v in self._speech.items()}
        self._openness, self._latitude, self._rule = (np.ascontiguousarray(a.T)
                                                      for a in (params.openness, params.latitude, params.rule))
        self._stochastic = strategies.any_stochastic(params.rule)
        self._distance_matters = bool((params.dyn["distance_aversion"] > 0).any() and (params.salience > 0).any())
        self._coins_matter = strategies.chance_matters(params.openness, params.dyn["trust_sensitivity"],
                                                       self._distance_matters, both["cost"])
        self._trust_fixed = dynamics.trust_fixed(params.dyn["trust_gain"], params.dyn["trust_loss"],
                                                 both["fall"], both["penalty"])
        ends, directed = self.structure.channel_ends, self.structure.speech_pairs
        self._channel_style = np.stack([dynamics.directed_speech(self._speech["cost"], ends[:, 1 - side],
                                                                 ends[:, side], directed, self._speech_to["cost"])
                                        for side in (0, 1)])  # (2, C, R) the style cost each side hears
        self._weights = tracks.weights_of(self._capability, self._salience, runs_last(self.state.members))
        self._pair_params: dynamics.PairParams | None = None
        self._seating: tuple | None = None

    def _params_of(self, pairs: ch.Pairs | ch.Matching) -> dynamics.PairParams:
        """Per-pair parameters of a contact layout."""
        speech = dynamics.pair_speech(pairs, self._speech, self.structure.speech_pairs, self._speech_to)
        return dynamics.pair_params(pairs, self._capability, speech, self._openness, self._latitude,
                                    self._rule, self.structure.alliance, self.params.dyn)

    def _seated(self, pairs: ch.Pairs | ch.Matching, active: np.ndarray) -> tuple[np.ndarray, list, np.ndarray]:
        """Standing contact (allies, shared tracks), the mediated pairs of each track, and each pair's rate."""
        structure, dyn = self.structure, self.params.dyn
        seated = runs_last(self.state.members) & active.T[:, None, :]
        mediated = tracks.mediation(pairs, seated, structure.track_mediator)
        rate = dynamics.learning_rate(structure.update, dyn["learning_rate"], dyn["track_pull"], mediated, len(pairs))
        return ch.standing_contact(pairs, structure.alliance, seated, len(self.seeds)), mediated, rate

    def _layout(self, keys: np.ndarray | None, active: np.ndarray) -> tuple:
        """This round's pairs, their parameters, standing contact, mediated pairs and rates."""
        if keys is not None:  # random matching: new partners every round
            pairs: ch.Pairs | ch.Matching = ch.Matching(ch.random_partners(keys.T))
            return pairs, self._params_of(pairs), *self._seated(pairs, active)
        if self._pair_params is None:
            self._pair_params = self._params_of(self.pairs)
        if self._seating is None or not np.array_equal(self._seating[0], active):
            self._seating = (active, self._seated(self.pairs, active))
        return self.pairs, self._pair_params, *self._seating[1]

    # ---- one round ----------------------------------------------------------------------------------
    def step(self) -> None:
        """Play round ``self.round`` for every run: events, decide, commit, record."""
        r = self.round
        changed = self._apply_events(r)
        if r in self._opening_rounds:
            self.channels.open_scheduled(r)
            if self.logging:
                self.events.tracks_opened(*np.nonzero(self.params.tr_opens == r), r)
        decided = self.decide(r, changed)
        one_sided = self.commit(r, decided)
        self.round += 1
        if self._check:  # DIPSIM_CHECK_INVARIANTS=1 (sim/invariants.py)
            check_state(self.state, self.round, self.rounds)
        if self.recorder:
            heard = (Recorder.heard(decided.pairs, decided.contact, decided.listen, self.structure.n)
                     if self.recorder.dense else None)
            self.recorder.capture(self.round, self.state, runs_first(self._prop), heard, decided.active, one_sided)

    def _apply_events(self, r: int) -> bool:
        """Apply round r's scheduled events (and the channels they open or close); whether there were any."""
        events = self._events.get(r, ())
        world = World(self.state, self.params, self.structure)
        for ev, runs in events:
            effect = HANDLERS[ev.type](world, ev, runs)
            if effect.opens is not None:
                self.channels.open(runs, np.full(len(runs), effect.opens), r, kind=None)
            if effect.closes is not None:
                self.channels.close(runs, np.full(len(runs), effect.closes), r, effect.reason, collapsed=False,
                                    log=False)
            self.events.note(runs, r, ev.type, actors_of(ev), effect.reason, **fields_of(self.structure, ev))
        if events:
            self._refresh()
        return bool(events)

    def decide(self, r: int, changed: bool) -> Round:
        """Who meets and who listens this round, from the state at its start only."""
        s, structure, dyn = self.state, self.structure, self.params.dyn
        matching = structure.meeting == "random_matching"
        need = {part for part, used in (("keys", matching), ("coins", self._coins_matter),
                                        ("draws", self._stochastic)) if used}
        u = self.streams.next_round(need)
        active = self.active_tracks(r)
        prop = tracks.proposal_of(*self._weights, runs_last(s.position)) if changed else self._prop
        pairs, pp, standing, mediated, rate = self._layout(u.get("keys") if matching else None, active)
        contact = ch.contact(pairs, standing, structure.channel_ends, runs_last(s.ch_status) == ch.OPEN)
        trust = pairs.gather(pair_major(s.trust))
        seen = {name: pairs.gather(pair_major(getattr(s, name))) for name in ch.MEMORY}
        # the stream keeps self.pairs' cells of coins and draws (select); a matching picks its own
        coins, draws = (u.get(part) if pairs is self.pairs or part not in u else pairs.uniforms(u[part])
                        for part in ("coins", "draws"))
        history = strategies.History(seen["met"], seen["opp_last"], seen["my_last"], seen["opp_ever_ignored"],
                                     np.broadcast_to(0.0, contact.shape) if draws is None else draws,
                                     dyn["generosity"])
        chance = None
        if coins is not None:  # otherwise openness 1 and nothing makes listening costly: the chance is exactly 1
            pos = runs_last(s.position)
            excess = (decisions.excess_distance(np.abs(pairs.speaker(pos) - pairs.listener(pos)),
                                                pairs.listener(self._salience), pp.latitude)
                      if self._distance_matters else 0.0)
            chance = decisions.listen_chance(pp.openness, trust, excess, pp.style_cost, self._pair_worth(pairs),
                                             dyn["trust_sensitivity"], dyn["distance_aversion"])
        listen = strategies.listening(contact, strategies.intent_of(pp.groups, history), coins, chance,
                                      pp.ally_always)
        return Round(pairs, pp, mediated, rate, active, prop, contact, trust, seen, listen)

    def commit(self, r: int, d: Round) -> np.ndarray:
        """Apply a round's decisions all at once; the (R, C) one-sided open channels."""
        s, dyn, pairs, pp = self.state, self.params.dyn, d.pairs, d.pp
        pos = runs_last(s.position)
        heard = tracks.heard(pairs, pos, d.proposal, d.mediated)
        weight = dynamics.persuasion_weight(d.listen, d.trust, pp.capability, pp.persuasion, d.rate)
        pos[...] = dynamics.move(pairs, pos, heard, weight, self._movable, pp.latitude, self.structure.update)
        back = pairs.reverse(d.listen)  # back[p]: the speaker listened to the listener
        if self._noise is not None:  # what the listener believes: a heard round mistaken for an ignored one
            noise = self._noise.next_round({"noise"})["noise"]
            back = decisions.perceived(back, noise if pairs is self.pairs else pairs.uniforms(noise),
                                       dyn["perception_noise"])
        if not self._trust_fixed:
            pairs.put(pair_major(s.trust), dynamics.trust_after(d.trust, d.contact, back, pp.kept_when_ignored,
                                                                 pp.kept_after_style, dyn["trust_gain"]))
        memory = {name: pair_major(getattr(s, name)) for name in ch.MEMORY}
        ch.remember(pairs, memory, d.seen, d.contact, d.listen, back, dyn["reciprocity_memory"])
        one_sided = self.channels.count_one_sided(r, pairs, d.contact, self._channel_values())
        self._prop = tracks.proposal_of(*self._weights, pos)
        self._tracks_after(r, d.active)
        if r + 1 < self.rounds:
            self.channels.open_pressed(r + 1)
            self.channels.reopen(r + 1)
        return one_sided

    def _channel_values(self) -> tuple[decisions.Value, decisions.Value]:
        """Each side's value of continuing each back channel, from the state now (``sim.decisions``)."""
        s = self.state
        return decisions.channel_values(self.structure.channel_ends, runs_last(s.position), self._salience,
                                        self._latitude, runs_last(s.trust), runs_last(s.reciprocity),
                                        runs_last(s.pressure), self._wedge, self._channel_style,
                                        runs_last(s.ch_exposed), self.params.dyn)

    def _pair_worth(self, pairs: ch.Pairs | ch.Matching) -> np.ndarray | float:
        """(P, R) what each open back channel is worth to each listener (0 for other contacts)."""
        structure, s, dyn = self.structure, self.state, self.params.dyn
        is_open = runs_last(s.ch_status) == ch.OPEN
        if not is_open.any():
            return 0.0
        pressure = runs_last(s.pressure)
        out = np.zeros((len(pairs), len(self.seeds)))
        for c, ends in enumerate(structure.channel_ends.tolist()):
            for side, (x, y) in enumerate((ends, ends[::-1])):
                worth = decisions.channel_worth(pressure[x], self._wedge[side, c], dyn["sidelining_worth"],
                                                dyn["wedge_worth"])
                pairs.add(out, x, y, worth * is_open[c])
        return out

    def _tracks_after(self, r: int, active: np.ndarray) -> None:
        """Agreement and sidelining pressure after the round's moves."""
        s, params, structure = self.state, self.params, self.structure
        if not len(structure.track_names):
            return
        members, act = runs_last(s.members), active.T
        dev = tracks.deviation(runs_last(s.position), self._prop)
        agreed = tracks.agreement_of(dev, members, act, params.tolerance)
        issue_round = runs_last(s.issue_agreement_round)
        issue_round[(issue_round < 0) & agreed.any(axis=0)] = r
        whole = agreed.all(axis=1).any(axis=0) & (s.agreement_round < 0)
        s.agreement_round[whole] = r
        for run in np.nonzero(whole)[0] if self.logging and whole.any() else ():
            t = int(np.argmax(agreed[:, :, run].all(axis=1)))
            names = [structure.actors[i] for i in np.nonzero(s.members[run, t])[0]]
            self.events.agreement(run, r, t, names, params.tolerance[run])
        pressure = runs_last(s.pressure)
        pressure[...] = tracks.pressure_after(pressure, tracks.gap_of(dev, self._salience, members, act),
                                              params.dyn["pressure_memory"])

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
    structure, params = compile_batch(list({id(sc): sc for sc in scenarios}.values()))
    rows = {name: {k: v[which] for k, v in value.items()} if isinstance(value, dict) else value[which]
            for name, value in vars(params).items()}
    return structure, Params(**rows)


def simulate(
    scenarios: Scenario | Sequence[Scenario], seeds: Sequence[int], *, record: bool = False, log: bool = True,
    progress: Callable[[int], None] | None = None,
) -> BatchResult:
    """Run a batch: one scenario for all seeds, or one scenario per seed (sharing a structure key).

    ``log=False`` skips the event log and the reason texts (what a sweep does: its rows keep neither); every
    number is the same either way.
    """
    return Engine(scenarios, seeds, record=record, log=log).run(progress)

"""A plain-Mesa reference implementation of dipsim's dynamics, written the obvious way.

Agents loop over their contacts in Python, one run at a time, with Mesa's own RNG. It is the baseline the
batch engine is measured against (benchmarks/run.py) and a cross-check: its outcome distributions must match
dipsim's (same model, different random streams). It covers what the article scenarios use: alliances, one
track, back channels (scheduled or `auto`), no events, no perception noise. The decision model (sim/decisions.py)
is written out here again from its description, so the match also checks the engine's vectorised version.
"""

from __future__ import annotations

import mesa

from sim.schema import Scenario


class State(mesa.Agent):
    def __init__(self, model: PlainModel, name: str, spec, issues: list[str], d):
        super().__init__(model)
        self.name = name
        self.cap = spec.capability
        self.pos = {i: spec.position[i] for i in issues}
        self.sal = {i: spec.salience.get(i, d.default_salience) for i in issues}
        self.style, self.openness = spec.strategy.speaking, spec.strategy.openness
        self.styles_to = dict(spec.strategy.speaking_to)  # its style toward named actors
        self.rule, self.latitude = spec.strategy.reciprocity, spec.strategy.latitude
        self.threshold = spec.sidelining_threshold if spec.sidelining_threshold is not None else d.sidelining_threshold
        self.trust: dict[str, float] = {}
        self.memory: dict[str, dict] = {}  # per other: met, opp_last, my_last, ever_ignored, recip, streak
        self.pressure = 0.0
        self.listens_to: dict[str, bool] = {}

    def style_to(self, listener: str) -> str:
        return self.styles_to.get(listener, self.style)

    def intent(self, other: str) -> bool:
        m = self.memory[other]
        if self.rule == "always_listen":
            return True
        if self.rule == "never_listen":
            return False
        if self.rule == "grim_trigger":
            return not m["ever_ignored"]
        if not m["met"]:
            return True
        if self.rule == "tit_for_tat":
            return m["opp_last"]
        if self.rule == "generous_tit_for_tat":
            return m["opp_last"] or self.model.random.random() < self.model.d.generosity
        return m["my_last"] == m["opp_last"]  # win_stay_lose_shift

    def excess(self, other: State) -> float:
        """Salience-weighted mean distance beyond latitude of the other's positions."""
        return sum(self.sal[i] * max(0.0, abs(other.pos[i] - self.pos[i]) - self.latitude) for i in self.pos) / len(
            self.pos)

    def worth(self, other: State) -> float:
        """What a back channel to ``other`` is worth: sidelining pressure, and the share of other's bloc it splits."""
        d = self.model.d
        allies = sum(self.model.states[m].cap for m in self.model.allies[other.name] if m != self.name)
        wedge = allies / (allies + other.cap) if allies + other.cap > 0 else 0.0
        return d.sidelining_worth * self.pressure + d.wedge_worth * wedge

    def value(self, other: State) -> float:
        """Value of continuing a back channel with ``other``: being heard + worth − costs."""
        d = self.model.d
        cost = (d.distrust_cost * (1 - self.trust[other.name]) + d.distance_aversion * self.excess(other)
                + getattr(d.speech, other.style_to(self.name)).cost)
        return self.memory[other.name]["recip"] + self.worth(other) - cost

    def decide(self, contacts: list[str], allies: set[str], channel_to: set[str]) -> None:
        self.listens_to = {}
        d = self.model.d
        for other in contacts:
            if other in allies and d.alliance_listening == "always":
                self.listens_to[other] = True
                continue
            o = self.model.states[other]
            style_cost = getattr(d.speech, o.style_to(self.name)).cost
            reliability = (1 - d.trust_sensitivity * (1 - self.trust[other]) - d.distance_aversion * self.excess(o)
                           - style_cost + (self.worth(o) if other in channel_to else 0.0))
            chance = self.openness * min(1.0, max(0.0, reliability))
            self.listens_to[other] = self.intent(other) and self.model.random.random() < chance


class PlainModel(mesa.Model):
    """One run of a scenario, agent by agent."""

    def __init__(self, sc: Scenario, seed: int):
        super().__init__(rng=seed)
        self.sc, self.d = sc, sc.dynamics
        self.issues = list(sc.issues)
        self.states = {n: State(self, n, a, self.issues, self.d) for n, a in sc.actors.items()}
        for a in self.states.values():
            for b in self.states:
                a.trust[b] = 1.0 if b == a.name else self.d.default_trust
                a.memory[b] = {
                    "met": False,
                    "opp_last": False,
                    "my_last": False,
                    "ever_ignored": False,
                    "recip": self.d.initial_reciprocity,
                    "streak": 0,
                }
        for r in sc.relations:
            pairs = [r.between, r.between[::-1]] if r.between else [[r.from_, r.to]]
            for x, y in pairs:
                self.states[x].trust[y] = r.trust
        self.allies = {n: {m for g in sc.alliances if n in g for m in g if m != n} for n in self.states}
        self.track = sc.tracks[0] if sc.tracks else None
        self.channels = [
            {
                "spec": c,
                "ends": (c.initiator or c.between[0], [x for x in c.between if x != (c.initiator or c.between[0])][0]),
                "status": "closed",
                "opened": None,
                "lifetime": 0,
                "count": 0,
                "collapsed": False,
            }
            for c in sc.channels
        ]
        self.round = 0

    def proposal(self) -> dict[str, float]:
        members = [self.states[n] for n in self.track.participants]
        out = {}
        for i in self.issues:
            w = [m.cap * m.sal[i] for m in members]
            out[i] = sum(wi * m.pos[i] for wi, m in zip(w, members, strict=True)) / sum(w)
        return out

    def open(self, ch: dict) -> None:
        ch["status"], ch["count"] = "open", 0
        ch["opened"] = self.round if ch["opened"] is None else ch["opened"]
        a, b = ch["ends"]
        for x, y in ((a, b), (b, a)):
            self.states[x].memory[y].update(recip=self.d.initial_reciprocity, streak=0)

    def step(self) -> None:
        d, r = self.d, self.round
        for ch in self.channels:
            if ch["spec"].opens == r and ch["opened"] is None:
                self.open(ch)
        seated = set(self.track.participants) if self.track and self.track.opens <= r else set()
        prop = self.proposal() if self.track else {}
        contacts = {n: set(self.allies[n]) | (seated - {n} if n in seated else set()) for n in self.states}
        for ch in self.channels:
            if ch["status"] == "open":
                a, b = ch["ends"]
                contacts[a].add(b)
                contacts[b].add(a)
        channel_to = {n: set() for n in self.states}
        for ch in self.channels:
            if ch["status"] == "open":
                a, b = ch["ends"]
                channel_to[a].add(b)
                channel_to[b].add(a)
        for n, s in self.states.items():
            s.decide(sorted(contacts[n]), self.allies[n], channel_to[n])
        speech = d.speech
        new_pos, new_trust = {}, {}
        for n, s in self.states.items():
            weights, moves = {i: 0.0 for i in self.issues}, {i: 0.0 for i in self.issues}
            for o in contacts[n]:
                if not s.listens_to[o]:
                    continue
                speaker = self.states[o]
                mediated = self.track and o == self.track.mediator and n in seated
                rate = d.track_pull if mediated else d.learning_rate
                w = (
                    rate
                    * s.trust[o]
                    * 2
                    * speaker.cap
                    / (s.cap + speaker.cap)
                    * getattr(speech, speaker.style_to(n)).persuasion
                )
                for i in self.issues:
                    heard = prop[i] if mediated else speaker.pos[i]
                    if abs(heard - s.pos[i]) < s.latitude:
                        weights[i] += w
                        moves[i] += w * (heard - s.pos[i])
            new_pos[n] = {
                i: min(1.0, max(0.0, s.pos[i] + (1 - s.sal[i]) * moves[i] / max(1.0, weights[i]))) for i in self.issues
            }
            new_trust[n] = dict(s.trust)
            for o in contacts[n]:
                speaker, t = self.states[o], s.trust[o]
                style = getattr(speech, speaker.style_to(n))
                t = (
                    t + d.trust_gain * (1 - t)
                    if speaker.listens_to[n]
                    else t * (1 - min(1.0, d.trust_loss * style.fall))
                )
                new_trust[n][o] = min(1.0, max(0.0, t * (1 - style.penalty)))
        for n, s in self.states.items():
            for o in contacts[n]:
                m, heard = s.memory[o], self.states[o].listens_to[n]
                m["recip"] = (1 - d.reciprocity_memory) * m["recip"] + d.reciprocity_memory * heard
                m["streak"] = 0 if heard else m["streak"] + 1
                m["ever_ignored"] |= not heard
                m.update(met=True, opp_last=heard, my_last=s.listens_to[o])
            s.pos, s.trust = new_pos[n], new_trust[n]
        for ch in self.channels:
            if ch["status"] != "open":
                continue
            ch["lifetime"] += 1
            a, b = (self.states[x] for x in ch["ends"])
            thr = ch["spec"].threshold
            worse = min(a.value(b), b.value(a))
            bad = worse < thr
            ch["count"] = ch["count"] + (thr - worse) / thr if bad else 0.0  # grievance
            if ch["count"] >= ch["spec"].patience:
                ch["status"], ch["collapsed"] = "collapsed", True
        if self.track:
            prop = self.proposal()
            for n, s in self.states.items():
                gap = (
                    0.0
                    if n in seated or not seated
                    else sum(s.sal[i] * abs(s.pos[i] - prop[i]) for i in self.issues) / len(self.issues)
                )
                s.pressure = (1 - d.pressure_memory) * s.pressure + d.pressure_memory * gap
        for ch in self.channels:
            init = self.states[ch["ends"][0]]
            if (
                ch["spec"].opens == "auto"
                and ch["opened"] is None
                and init.pressure >= init.threshold
                and r + 1 < self.sc.rounds
            ):
                self.round += 1
                self.open(ch)
                self.round -= 1
        self.round += 1

    def outcomes(self) -> dict:
        out = {}
        for ch in self.channels:
            label = "-".join(ch["spec"].between)
            out[f"{label}:lifetime"] = ch["lifetime"]
            out[f"{label}:collapsed"] = ch["collapsed"]
        return out


def run_plain(sc: Scenario, seed: int) -> dict:
    """Play one run to the horizon and return its channel outcomes."""
    model = PlainModel(sc, seed)
    for _ in range(sc.rounds):
        model.step()
    return model.outcomes()

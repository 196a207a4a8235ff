"""Turn validated scenarios into arrays: a shared ``Structure`` and per-run ``Params`` (leading runs axis).

Runs of one batch may come from different scenarios (sweep points) as long as they share a structure:
the same actors, issues, channels, tracks and meeting/update rules. Everything a sweep can vary is a
per-run array, so a whole sweep batch advances in one call.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

import numpy as np

from sim.schema import Channel, Reopen, Scenario
from sim.strategies import RECIPROCITY_CODES, SPEECH, SPEECH_CODES

AUTO = -1  # channel opens when the initiator's sidelining pressure passes its threshold
BY_EVENT = -2  # channel opens only through an open_channel event
NEVER = np.iinfo(np.int64).max // 2


@dataclass(frozen=True)
class Structure:
    """What every run of a batch shares: names and the shape of the contact network."""

    actors: tuple[str, ...]
    issues: tuple[str, ...]
    issue_labels: dict[str, tuple[str, str]]
    channel_ends: np.ndarray  # (C, 2) actor indices of back channels, initiator first
    channel_labels: tuple[str, ...]  # "A-B" in the scenario's `between` order
    channel_between: tuple[tuple[str, str], ...]
    track_names: tuple[str, ...]
    track_mediator: np.ndarray  # (T,) actor index
    alliance: np.ndarray  # (N, N) bool: always-open coordination contacts
    alliance_groups: tuple[tuple[str, ...], ...]
    meeting: str
    update: str
    population: bool
    speech_pairs: np.ndarray  # (M, 2) (speaker, listener) with a style of their own (`speaking_to`), sorted

    @property
    def n(self) -> int:
        return len(self.actors)

    @property
    def k(self) -> int:
        return len(self.issues)


@dataclass
class Params:
    """Per-run parameters; every array has a leading runs axis. Events may mutate the strategy arrays."""

    capability: np.ndarray  # (R, N)
    salience: np.ndarray  # (R, N, K)
    position: np.ndarray  # (R, N, K); NaN rows are drawn at start (population: uniform)
    trust: np.ndarray  # (R, N, N)
    speaking: np.ndarray  # (R, N) int code
    speaking_to: np.ndarray  # (R, M) int code of each of Structure.speech_pairs, -1: the speaker's `speaking`
    openness: np.ndarray  # (R, N)
    rule: np.ndarray  # (R, N) int code
    latitude: np.ndarray  # (R, N)
    side_threshold: np.ndarray  # (R, N)
    ch_opens: np.ndarray  # (R, C) round, AUTO or BY_EVENT
    ch_patience: np.ndarray  # (R, C) int
    ch_threshold: np.ndarray  # (R, C)
    ch_cooldown: np.ndarray  # (R, C) int, NEVER when `reopen: never`
    ch_min_trust: np.ndarray  # (R, C)
    tr_members: np.ndarray  # (R, T, N) bool: initial participants
    tr_opens: np.ndarray  # (R, T) int
    tr_closes: np.ndarray  # (R, T) int
    tolerance: np.ndarray  # (R,)
    dyn: dict[str, np.ndarray] = field(default_factory=dict)  # scalar coefficients, each (R,)
    speech: dict[str, np.ndarray] = field(default_factory=dict)  # persuasion/fall/penalty, each (R, styles)


def channel_label(between: Sequence[str]) -> str:
    return f"{between[0]}-{between[1]}"


def structure_key(sc: Scenario) -> Hashable:
    """Scenarios with equal keys can run in one batch."""
    return json.dumps(
        {
            "actors": sc.actor_names,
            "issues": sc.issue_names,
            "channels": [c.between for c in sc.channels],
            "initiators": [c.initiator for c in sc.channels],
            "tracks": [(t.name, t.mediator) for t in sc.tracks],
            "alliances": sc.alliances,
            "population": sc.population.channels if sc.population else None,
            "dyn": [sc.dynamics.meeting, sc.dynamics.update],
            "speech_pairs": speech_pairs(sc),
        }
    )


def speech_pairs(sc: Scenario) -> list[tuple[str, str]]:
    """(speaker, listener) names with a style of their own, from `speaking_to` of actors and events, sorted."""
    named = {(a, b) for a, actor in sc.actors.items() for b in actor.strategy.speaking_to}
    named |= {(e.actor, b) for e in sc.events if getattr(e, "strategy", None) is not None
              for b in e.strategy.speaking_to or ()}
    return sorted(named)


def build_structure(sc: Scenario) -> Structure:
    actors = tuple(sc.actor_names)
    idx = {a: i for i, a in enumerate(actors)}
    n = len(actors)
    ends, labels, between = [], [], []
    for c in sc.channels:
        a, b = c.between
        init = c.initiator or a
        other = b if init == a else a
        ends.append((idx[init], idx[other]))
        labels.append(channel_label(c.between))
        between.append((a, b))
    alliance = np.zeros((n, n), dtype=bool)
    for group in sc.alliances:
        members = [idx[a] for a in group]
        alliance[np.ix_(members, members)] = True
    if sc.population is not None and sc.population.channels == "complete":
        alliance[:] = True
    np.fill_diagonal(alliance, False)
    labels_by_issue = {
        name: (lab.low, lab.high) if lab is not None else ("low", "high") for name, lab in sc.issues.items()
    }
    return Structure(
        actors=actors,
        issues=tuple(sc.issue_names),
        issue_labels={i: labels_by_issue.get(i, ("low", "high")) for i in sc.issue_names},
        channel_ends=np.array(ends, dtype=np.int64).reshape(-1, 2),
        channel_labels=tuple(labels),
        channel_between=tuple(between),
        track_names=tuple(t.name for t in sc.tracks),
        track_mediator=np.array([idx[t.mediator] for t in sc.tracks], dtype=np.int64),
        alliance=alliance,
        alliance_groups=tuple(tuple(g) for g in sc.alliances),
        meeting=sc.dynamics.meeting,
        update=sc.dynamics.update,
        population=sc.population is not None,
        speech_pairs=np.array([(idx[a], idx[b]) for a, b in speech_pairs(sc)], dtype=np.int64).reshape(-1, 2),
    )


def _channel_row(c: Channel) -> tuple[int, int, float, int, float]:
    opens = AUTO if c.opens == "auto" else BY_EVENT if c.opens is None else int(c.opens)
    if isinstance(c.reopen, Reopen):
        return opens, c.patience, c.threshold, c.reopen.cooldown, c.reopen.min_trust
    return opens, c.patience, c.threshold, NEVER, 1.0


def _one(sc: Scenario, st: Structure) -> Params:
    """Params of one run (leading axis 1)."""
    n, k = st.n, st.k
    d = sc.dynamics
    idx = {a: i for i, a in enumerate(st.actors)}
    pos = np.full((n, k), np.nan)
    sal = np.full((n, k), d.default_salience)
    cap = np.full(n, 0.5)
    trust = np.full((n, n), d.default_trust)
    strategies = [a.strategy for a in sc.actors.values()]
    thresholds = [a.sidelining_threshold for a in sc.actors.values()]
    if sc.population is not None:
        p = sc.population
        sal[:] = p.salience
        cap[:] = p.capability
        if p.trust is not None:
            trust[:] = p.trust
        if p.position == "regular":
            pos[:] = (np.arange(n) / (n - 1))[:, None]
        strategies = [p.strategy] * n
        thresholds = [None] * n
    for i, a in enumerate(sc.actors.values()):
        cap[i] = a.capability
        for kk, issue in enumerate(st.issues):
            pos[i, kk] = a.position[issue]
            sal[i, kk] = a.salience.get(issue, d.default_salience)
    for r in sc.relations:
        if r.between is not None:
            i, j = idx[r.between[0]], idx[r.between[1]]
            trust[i, j] = trust[j, i] = r.trust
        else:
            trust[idx[r.from_], idx[r.to]] = r.trust
    np.fill_diagonal(trust, 1.0)
    rows = [_channel_row(c) for c in sc.channels]
    ch = np.array(rows, dtype=float).reshape(-1, 5)
    t_count = len(sc.tracks)
    members = np.zeros((t_count, n), dtype=bool)
    for t, track in enumerate(sc.tracks):
        members[t, [idx[a] for a in track.participants]] = True
    sp = d.speech
    speech = {
        key: np.array([[getattr(getattr(sp, style), key) for style in SPEECH]])
        for key in ("persuasion", "fall", "penalty", "cost")
    }
    scalar_names = [
        "learning_rate",
        "trust_sensitivity",
        "trust_gain",
        "trust_loss",
        "reciprocity_memory",
        "initial_reciprocity",
        "generosity",
        "track_pull",
        "pressure_memory",
        "exposure_trust_loss",
        "exposure_patience_cut",
        "distance_aversion",
        "distrust_cost",
        "sidelining_worth",
        "wedge_worth",
        "exposure_cost",
        "perception_noise",
    ]
    return Params(
        capability=cap[None],
        salience=sal[None],
        position=pos[None],
        trust=trust[None],
        speaking=np.array([[SPEECH_CODES[s.speaking] for s in strategies]]),
        speaking_to=np.array([[SPEECH_CODES[strategies[a].speaking_to[st.actors[b]]]
                               if st.actors[b] in strategies[a].speaking_to else -1
                               for a, b in st.speech_pairs.tolist()]], dtype=np.int64).reshape(1, -1),
        openness=np.array([[s.openness for s in strategies]]),
        rule=np.array([[RECIPROCITY_CODES[s.reciprocity] for s in strategies]]),
        latitude=np.array([[s.latitude for s in strategies]]),
        side_threshold=np.array([[d.sidelining_threshold if t is None else t for t in thresholds]]),
        ch_opens=ch[None, :, 0].astype(np.int64),
        ch_patience=ch[None, :, 1].astype(np.int64),
        ch_threshold=ch[None, :, 2],
        ch_cooldown=ch[None, :, 3].astype(np.int64),
        ch_min_trust=ch[None, :, 4],
        tr_members=members[None],
        tr_opens=np.array([[t.opens for t in sc.tracks]], dtype=np.int64).reshape(1, t_count),
        tr_closes=np.array([[NEVER if t.closes is None else t.closes for t in sc.tracks]], dtype=np.int64).reshape(
            1, t_count
        ),
        tolerance=np.array([sc.agreement.tolerance]),
        dyn={name: np.array([float(getattr(d, name))]) for name in scalar_names}
        | {"alliance_always": np.array([float(d.alliance_listening == "always")])},
        speech=speech,
    )


def stack(parts: Sequence[Params]) -> Params:
    """Concatenate per-run params along the runs axis."""
    first = parts[0]
    out = {}
    for name, value in vars(first).items():
        if isinstance(value, dict):
            out[name] = {key: np.concatenate([vars(p)[name][key] for p in parts]) for key in value}
        else:
            out[name] = np.concatenate([vars(p)[name] for p in parts])
    return Params(**out)


def compile_batch(scenarios: Sequence[Scenario]) -> tuple[Structure, Params]:
    """Structure and stacked per-run params of scenarios that share a structure key."""
    keys = {structure_key(sc) for sc in scenarios}
    if len(keys) != 1:
        raise ValueError("scenarios of one batch must share actors, issues, channels, tracks and meeting/update rules")
    st = build_structure(scenarios[0])
    cache: dict[int, Params] = {}
    parts = []
    for sc in scenarios:
        if id(sc) not in cache:
            cache[id(sc)] = _one(sc, st)
        parts.append(cache[id(sc)])
    return st, stack(parts)

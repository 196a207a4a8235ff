"""Cross-references of a structurally valid scenario: every name it uses (actors, issues, tracks, channels) must
be one it defines, and rounds must fall within its horizon. ``reference_problems`` lists them as (yaml path,
message) pairs for the loader to locate; a scenario the engine runs has none."""

from __future__ import annotations

from sim.schema import Scenario

Path = tuple[str | int, ...]


def _pair_problems(pair: list[str], names: set[str], path: Path) -> list[tuple[Path, str]]:
    out = [(path + (k,), f"unknown actor {a!r}") for k, a in enumerate(pair) if a not in names]
    if len(pair) == 2 and pair[0] == pair[1]:
        out.append((path, f"a contact needs two different actors, got {pair[0]!r} twice"))
    return out


def _addressee_problems(styles: dict[str, str], speaker: str, names: set[str], path: Path) -> list[tuple[Path, str]]:
    out = [(path + (a,), f"unknown actor {a!r}") for a in styles if a not in names]
    if speaker in styles:
        out.append((path + (speaker,), f"{speaker} cannot address itself; name another actor"))
    return out


def reference_problems(sc: Scenario) -> list[tuple[Path, str]]:
    """Every cross-reference problem of a structurally valid scenario, as (yaml path, message)."""
    p: list[tuple[Path, str]] = []
    issues = sc.issue_names
    actors = set(sc.actor_names)
    if sc.population is None:
        if not sc.issues:
            p.append((("issues",), "at least one issue is required"))
        if len(sc.actors) < 2:
            p.append((("actors",), "at least two actors are required (or a `population:` generator)"))
    elif sc.actors:
        p.append((("actors",), "give either `actors` or `population`, not both"))
    elif sc.issues and len(sc.issues) != sc.population.issues:
        p.append((("population", "issues"), f"says {sc.population.issues} issues but `issues` names {len(sc.issues)}"))
    if sc.population is not None and sc.population.strategy.speaking_to:
        p.append((("population", "strategy", "speaking_to"), "a population speaks one way to all; give `speaking` "
                  "only (styles toward named actors need `actors:`)"))
    for name, actor in sc.actors.items():
        for field in ("position", "salience"):
            for issue in getattr(actor, field):
                if issue not in issues:
                    p.append((("actors", name, field, issue), f"unknown issue {issue!r}"))
        for issue in issues:
            if issue not in actor.position:
                p.append((("actors", name, "position"), f"missing issue {issue!r}"))
    for name, actor in sc.actors.items():
        p += _addressee_problems(actor.strategy.speaking_to, name, actors, ("actors", name, "strategy", "speaking_to"))
    for k, rel in enumerate(sc.relations):
        if rel.between is not None:
            p += _pair_problems(rel.between, actors, ("relations", k, "between"))
        else:
            directed = [
                (("relations", k, side), f"unknown actor {a!r}")
                for side, a in (("from", rel.from_), ("to", rel.to))
                if a not in actors
            ]
            p += directed or _pair_problems([rel.from_, rel.to], actors, ("relations", k))
    for k, group in enumerate(sc.alliances):
        p += [(("alliances", k, m), f"unknown actor {a!r}") for m, a in enumerate(group) if a not in actors]
    track_names = [t.name for t in sc.tracks]
    for k, t in enumerate(sc.tracks):
        if track_names.count(t.name) > 1:
            p.append((("tracks", k, "name"), f"duplicate track name {t.name!r}"))
        if t.mediator not in actors:
            p.append((("tracks", k, "mediator"), f"unknown actor {t.mediator!r}"))
        p += [
            (("tracks", k, "participants", m), f"unknown actor {a!r}")
            for m, a in enumerate(t.participants)
            if a not in actors
        ]
        if t.opens >= sc.rounds:
            p.append((("tracks", k, "opens"), f"round {t.opens} is outside the horizon (rounds: {sc.rounds})"))
    pairs = []
    for k, c in enumerate(sc.channels):
        p += _pair_problems(c.between, actors, ("channels", k, "between"))
        if c.initiator is not None and c.initiator not in c.between:
            p.append((("channels", k, "initiator"), f"{c.initiator!r} is not one of {c.between}"))
        key = frozenset(c.between)
        if key in pairs:
            p.append((("channels", k, "between"), f"a second channel between {c.between[0]} and {c.between[1]}"))
        pairs.append(key)
        if isinstance(c.opens, int) and c.opens >= sc.rounds:
            p.append((("channels", k, "opens"), f"round {c.opens} is outside the horizon (rounds: {sc.rounds})"))
    for k, e in enumerate(sc.events):
        if e.at >= sc.rounds:
            p.append((("events", k, "at"), f"round {e.at} is outside the horizon (rounds 0..{sc.rounds - 1})"))
        if hasattr(e, "actor") and e.actor not in actors:
            p.append((("events", k, "actor"), f"unknown actor {e.actor!r}"))
        elif getattr(getattr(e, "strategy", None), "speaking_to", None):
            p += _addressee_problems(e.strategy.speaking_to, e.actor, actors, ("events", k, "strategy", "speaking_to"))
        if hasattr(e, "issue") and e.issue not in issues:
            p.append((("events", k, "issue"), f"unknown issue {e.issue!r}"))
        if hasattr(e, "track") and e.track not in track_names:
            p.append((("events", k, "track"), f"unknown track {e.track!r}"))
        if hasattr(e, "channel") and frozenset(e.channel) not in pairs:
            p += _pair_problems(e.channel, actors, ("events", k, "channel"))
            if not any(a not in actors for a in e.channel) and e.channel[0] != e.channel[1]:
                p.append(
                    (("events", k, "channel"), f"no channel between {e.channel[0]} and {e.channel[1]} in `channels`")
                )
    return p

"""`dipsim new NAME [--from SCENARIO]`: write a commented starter scenario (or an `extends:` diff) that validates."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

HELP = """Write NAME.yaml: a small commented scenario to start from, or with --from a counterfactual that
`extends:` SCENARIO and changes one value (edit it). Either validates as written; `dipsim show` prints a
diff merged. An existing file is never overwritten.

Examples:
  dipsim new camp_david
  dipsim new uk_listens_more --from uk_listens
"""

STARTER = """\
# yaml-language-server: $schema={schema}
# {title}: a starter scenario. Positions are 0..1 on each issue (0 = its `low` end, 1 = its `high` end).
# `dipsim validate {file}` checks it; `dipsim run {file}` runs it; docs/scenario-format.md has every key.
name: {name}
rounds: 52                      # rounds of the simulation (round_length says what one stands for)
round_length: one diplomatic week
seed: 1

issues:                         # what is negotiated; labels say what each end means
  border: {{low: "status quo", high: "full withdrawal"}}

actors:                         # every actor needs a position on every issue
  A:
    capability: 0.6             # weight in talks and persuasion
    position: {{border: 0.1}}
    salience: {{border: 0.8}}     # how hard it holds on (1 = never moves)
    strategy: {{speaking: respectful, openness: 0.7, reciprocity: tit_for_tat, latitude: 0.5}}
  B:
    capability: 0.5
    position: {{border: 0.9}}
    salience: {{border: 0.7}}
    strategy: {{speaking: assertive, openness: 0.4, reciprocity: grim_trigger, latitude: 0.5}}
  M:
    capability: 0.9
    position: {{border: 0.5}}
    salience: {{border: 0.3}}

tracks:                         # multilateral talks: the mediator tables a proposal
  - {{name: talks, mediator: M, participants: [M, A, B], opens: 0}}

channels:                       # back channels live or collapse on reciprocity
  - {{between: [A, B], initiator: A, opens: 2, patience: 3, threshold: 0.4}}

expect:                         # claims over many seeds: `dipsim check {file}`
  - {{outcome: "A-B:lifetime", max: "<= 52", note: "a channel lives at most the horizon"}}
"""

DIFF = """\
# yaml-language-server: $schema={schema}
# {title}: what if ...? A counterfactual of {base_name}; only what differs is written here.
# `dipsim show {file}` prints the merged scenario; `dipsim validate {file}` checks it.
extends: {extends}
name: {name}

# Deep-merge: mappings merge key by key, other values replace, `events` are appended, e.g.
# actors:
#   {actor}:
#     strategy: {{openness: 0.85}}
# events:
#   - {{at: 10, type: {event}}}

overrides:                      # PATH: VALUE, the paths of --set/--vary (channels and tracks by name)
  {path}: {value}

# expect:                       # claims over many seeds, checked by `dipsim check {file}`
#   - {{outcome: {outcome}, {stat}: ">= 1x baseline"}}   # baseline: the scenario extended
"""


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `new` subcommand."""
    p = sub.add_parser("new", help="write a commented starter scenario (or an extends: diff)", description=HELP,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("name", metavar="NAME", help="file to write (NAME.yaml)")
    p.add_argument("--from", dest="base", metavar="SCENARIO", help="write a diff that extends SCENARIO")
    p.set_defaults(handler=run)


def _diff(target: Path, base_arg: str) -> str:
    """The text of a diff of ``base_arg`` written at ``target``; its one override sets a value to what it is."""
    import scenarios
    from dipsim.commands._common import scenario_path
    from sim.loader import load_scenario

    base = scenario_path(base_arg)
    sc = load_scenario(base)
    shipped = not Path(base_arg).exists()
    extends = base.stem if shipped else os.path.relpath(base.resolve(), target.resolve().parent)
    actor = sc.actor_names[0]
    value = sc.actors[actor].strategy.openness if sc.actors else sc.rounds
    path = f"actors.{actor}.strategy.openness" if sc.actors else "rounds"
    if sc.channels:
        c = sc.channels[0]
        event, outcome, stat = f"exposure, channel: [{c.between[0]}, {c.between[1]}]", \
            f'"{c.between[0]}-{c.between[1]}:lifetime"', "median"
    else:
        event, outcome, stat = f"shift, actor: {actor}, issue: {sc.issue_names[0]}, by: 0.1", "agreement", "rate"
    return DIFF.format(schema=scenarios.builtin("scenario.schema.json"), title=target.stem, base_name=base.name,
                       name=json.dumps(target.stem), file=target, extends=json.dumps(extends), actor=actor,
                       event=event, path=path, value=value,
                       outcome=outcome, stat=stat)


def run(args: argparse.Namespace) -> int:
    """Write the file; 2 if it exists or the base is invalid."""
    import scenarios

    target = Path(args.name if args.name.endswith((".yaml", ".yml")) else f"{args.name}.yaml")
    if target.exists():
        print(f"dipsim new: {target} exists; not overwritten (pick another NAME)", file=sys.stderr)
        return 2
    if args.base:
        text = _diff(target, args.base)
    else:
        text = STARTER.format(schema=scenarios.builtin("scenario.schema.json"), title=target.stem,
                              name=json.dumps(target.stem), file=target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    except OSError as e:
        print(f"dipsim new: cannot write {target}: {e.strerror or e}", file=sys.stderr)
        return 2
    print(f"wrote {target} (dipsim validate {target}; dipsim show {target})")
    return 0

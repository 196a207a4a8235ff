"""`dipsim run`: one run of a scenario, its story, and a run directory with tables and a dashboard."""

from __future__ import annotations

import argparse
from pathlib import Path

from analysis.outputs import write_run
from dipsim.commands._common import progress, scenario_path
from sim.engine import Engine
from sim.loader import load_scenario
from sim.seeding import default_seed

HELP = """Run one scenario (default: the built-in article baseline) and tell its story.

Writes summary.json, rounds.parquet (or .csv), events.jsonl and dashboard.html to --out.
Examples:
  dipsim run
  dipsim run scenarios/uk_listens.yaml --seed 3
  dipsim run --set actors.UK.strategy.openness=0.9 --set channels.UK-Russia.patience=5
"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run", help="one run of a scenario, with its story", description=HELP,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("scenario", nargs="?", help="scenario YAML (default: the article baseline)")
    p.add_argument("--seed", type=int, help="seed (default: the scenario's `seed`, else 0)")
    p.add_argument("--rounds", type=int, help="number of rounds (overrides `rounds`)")
    p.add_argument("--set", action="append", default=[], metavar="PATH=VALUE",
                   help="override a scenario value, e.g. actors.UK.strategy.openness=0.9 (repeatable)")
    p.add_argument("--out", help="output directory (default: out/<scenario>-seed<N>)")
    p.add_argument("--format", choices=("parquet", "csv"), default="parquet", help="per-round table format")
    p.add_argument("--no-dashboard", action="store_true", help="skip dashboard.html")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    path = scenario_path(args.scenario)
    overrides = list(args.set) + ([f"rounds={args.rounds}"] if args.rounds is not None else [])
    sc = load_scenario(path, overrides)
    seed = default_seed(args.seed, sc.seed)
    engine = Engine(sc, [seed], record=True)
    with progress(sc.rounds, "rounds") as bar:
        res = engine.run(bar.update)
    out = Path(args.out) if args.out else Path("out") / f"{path.stem}-seed{seed}"
    doc = write_run(out, res, 0, sc, fmt=args.format)
    for line in doc["story"]:
        print(line)
    written = ["summary.json", f"rounds.{args.format}", "events.jsonl"]
    if not args.no_dashboard:
        from analysis.dashboard import write_dashboard  # imported here: plotly only when a dashboard is drawn

        write_dashboard(out)
        written.append("dashboard.html")
    print(f"outputs: {out}/ ({', '.join(written)})")
    return 0

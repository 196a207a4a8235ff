"""`dipsim run`: one run of a scenario, its story, and a run directory with tables and a dashboard."""

from __future__ import annotations

import argparse
from pathlib import Path

from analysis.outdir import prepare_out
from analysis.outputs import write_run
from dipsim.commands._common import add_plotly_flag, progress, scenario_path, seed_arg
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
    p.add_argument("--seed", type=seed_arg, help="seed (default: the scenario's `seed`, else 0)")
    p.add_argument("--rounds", type=int, help="number of rounds (overrides `rounds`)")
    p.add_argument("--set", action="append", default=[], metavar="PATH=VALUE",
                   help="override a scenario value, e.g. actors.UK.strategy.openness=0.9 (repeatable)")
    p.add_argument("--out", help="output directory (default: out/<scenario>-seed<N>); "
                   "a non-empty directory must be a dipsim output")
    p.add_argument("--force", action="store_true", help="write into a non-empty --out that is not a dipsim output")
    p.add_argument("--format", choices=("parquet", "csv"), default="parquet", help="per-round table format")
    p.add_argument("--no-dashboard", action="store_true", help="skip dashboard.html")
    add_plotly_flag(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    path = scenario_path(args.scenario)
    overrides = list(args.set) + ([f"rounds={args.rounds}"] if args.rounds is not None else [])
    sc = load_scenario(path, overrides)
    seed = default_seed(args.seed, sc.seed)
    out = prepare_out(Path(args.out) if args.out else Path("out") / f"{path.stem}-seed{seed}", args.force,
                      create=False)
    engine = Engine(sc, [seed], record=True)
    with progress(sc.rounds, "rounds") as bar:
        res = engine.run(bar.update)
    doc = write_run(out, res, 0, sc, fmt=args.format)
    del engine, res  # the dashboard reads the saved tables: free the recorded series first
    for line in doc["story"]:
        print(line)
    written = ["summary.json", f"rounds.{args.format}", "events.jsonl"]
    if not args.no_dashboard:
        from analysis.dashboard import write_dashboard  # imported here: plotly only when a dashboard is drawn

        write_dashboard(out, args.plotly)
        written.append("dashboard.html")
    print(f"outputs: {out}/ ({', '.join(written)})")
    return 0

"""`dipsim compare`: the same seeds through several scenarios; outcome distributions side by side."""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from analysis.compare import format_table, key_columns, summarize
from analysis.sweep.designs import DesignError
from analysis.sweep.launch import launch
from analysis.sweep.setup import COMPARE_SEEDS, new_compare
from dipsim.commands._common import scenario_path
from dipsim.commands._sweep_flags import add_backend_flags, request_of
from sim.errors import ScenarioError

DEFAULT_SEEDS = COMPARE_SEEDS
HELP = f"""Run the same seeds through several scenarios and compare their outcomes.

Writes to --out: runs.parquet (one row per run, with a `scenario` column), manifest.json (kind
"compare"), failures.jsonl and dashboard.html; prints a table of outcome rates and medians per scenario.
Run k of every scenario uses the same seed (child k of the root seed: --seed, else the first
scenario's `seed`, else 0). Default --seeds {DEFAULT_SEEDS}. An interrupted comparison finishes with
`dipsim sweep --resume DIR`.

Examples:
  dipsim compare scenarios/article_baseline.yaml scenarios/uk_listens.yaml --seeds 500
  dipsim compare article_baseline uk_listens early_exposure --out out/compare-listening
"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("compare", help="the same seeds through several scenarios, side by side", description=HELP,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("scenarios", nargs="+", metavar="SCENARIO", help="scenario YAML files (or shipped names)")
    p.add_argument("--seeds", type=int, metavar="N", default=DEFAULT_SEEDS, help="runs per scenario")
    p.add_argument("--all", action="store_true", help="print every outcome column, not only the key ones")
    add_backend_flags(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace, runner: object = None) -> int:
    try:
        request = request_of(args)
        plan, out = new_compare([scenario_path(s) for s in args.scenarios], request)
        code = launch(plan, out, request, new=True, runner=runner)
    except (DesignError, ScenarioError) as e:
        print(str(e), file=sys.stderr)
        return 2
    if code == 0:
        table = pd.read_parquet(out / "runs.parquet")
        if len(table):
            cols = None if args.all else key_columns(table)
            print(format_table(summarize(table, [s.label for s in plan.sources], cols)))
    return code


"""`dipsim sweep`: many runs over a design of scenario values, streamed to disk, resumable."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis.sweep.request import DESIGNS, SWEEP_SEEDS
from dipsim.commands._common import scenario_path
from dipsim.commands._sweep_flags import add_backend_flags, request_of
from sim.errors import ScenarioError, UsageError

DEFAULT_SEEDS = SWEEP_SEEDS

HELP = f"""Run a scenario many times over a design of values, with replicate seeds per point.

PATH is a dotted path into the scenario (actors.UK.strategy.openness, channels.UK-Russia.patience,
dynamics.meeting); VALUES is a list 0,0.5,1, start:stop:count 0:1:11, categories a,b, or (for the
sampled designs lhs, sobol, morris) a range lo:hi or +-S (the scenario's value ± S). `--vary dynamics.*` varies
every coefficient under a prefix over its documented plausible range (docs/scenario-format.md); `--vary
'actors.*=+-0.15'` every number the scenario writes under a prefix within ± 0.15 of it. `--group NAME=PATTERNS`
varies the matching paths as one factor of a sobol/morris design (one index per group). A sweep file (YAML
with `scenario:` and a `sweep:` block) keeps an experiment to rerun; flags given with it override its settings.

Results stream to --out as batches finish: parts/*.parquet and manifest.json, then runs.parquet
(one row per run: run_id, seed, one column per PATH, outcomes), failures.jsonl and dashboard.html.
Ctrl-C keeps what finished (exit 130); `dipsim sweep --resume DIR` completes it with the same result.
Seeds come from one root seed (--seed, else the scenario's `seed`, else 0); rows are identical
whatever --workers, --batch-size or --backend. Default: {DEFAULT_SEEDS} seeds per point.

Examples:
  dipsim sweep scenarios/article_baseline.yaml --vary actors.UK.strategy.openness=0:1:11 --seeds 100
  dipsim sweep article_baseline --vary actors.UK.strategy.openness=0:1 \\
      --vary channels.UK-Russia.patience=1:8 --design lhs --samples 200 --seeds 20
  dipsim sweep article_baseline --vary 'dynamics.*' --vary 'channels.UK-Russia.*' --design sobol --samples 64
  dipsim sweep article_baseline --vary 'dynamics.*' --vary 'actors.*=+-0.15' --group 'state=actors.*' \
      --group 'coefficients=dynamics.*' --design sobol --samples 256
  dipsim sweep scenarios/sweeps/openness_patience.yaml --workers 2
  dipsim sweep scenarios/sweeps/openness_patience.yaml --backend dask --scheduler tcp://10.0.0.5:8786
  dipsim sweep --resume out/sweep-article_baseline-20250101-120000
"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sweep", help="many runs over a design of values (streamed, resumable)", description=HELP,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("target", nargs="?", metavar="SCENARIO_OR_SWEEP_FILE",
                   help="a scenario YAML (or a shipped scenario's name) or a sweep file")
    p.add_argument("--vary", action="append", default=[], metavar="PATH=VALUES",
                   help="a scenario value to vary (repeatable)")
    p.add_argument("--design", choices=DESIGNS,
                   help="grid: every combination (default); lhs: Latin hypercube; sobol: Saltelli's design for "
                   "Sobol indices; morris: elementary-effect trajectories (both drawn by SALib)")
    p.add_argument("--samples", type=int, metavar="N",
                   help="lhs: points; sobol: base samples N, a power of two (N·(d+2) points); "
                   "morris: trajectories (N·(d+1) points)")
    p.add_argument("--levels", type=int, metavar="L", help="morris: grid levels, even (default 4)")
    p.add_argument("--group", action="append", default=[], metavar="NAME=PATTERN[,PATTERN]",
                   help="sobol/morris: vary the paths matching the patterns (fnmatch, e.g. 'actors.*') as one factor "
                   "and give its index (repeatable; unmatched paths stay factors of their own)")
    p.add_argument("--seeds", type=int, metavar="N", help=f"replicate seeds per point (default {DEFAULT_SEEDS})")
    p.add_argument("--resume", metavar="DIR", help="finish an interrupted sweep (or compare) directory")
    add_backend_flags(p)
    p.set_defaults(handler=run)


def _plan(args: argparse.Namespace) -> tuple:
    """The plan and output directory of a new sweep (ScenarioError/DesignError on bad input)."""
    from analysis.sweep.designs import DesignError
    from analysis.sweep.setup import new_sweep

    if args.target is None:
        raise DesignError(["dipsim sweep: give a SCENARIO_OR_SWEEP_FILE, or --resume DIR"])
    return new_sweep(scenario_path(args.target), request_of(args))


def _resume(args: argparse.Namespace) -> tuple:
    """The saved plan of an interrupted sweep; refuses flags that would change its rows."""
    from analysis.sweep.designs import DesignError
    from analysis.sweep.setup import resumed

    changing = [flag for flag, v in (("SCENARIO_OR_SWEEP_FILE", args.target), ("--vary", args.vary),
                                     ("--design", args.design), ("--samples", args.samples), ("--seeds", args.seeds),
                                     ("--seed", args.seed), ("--levels", args.levels), ("--group", args.group),
                                     ("--batch-size", args.batch_size), ("--out", args.out),
                                     ("--keep-rounds", args.keep_rounds))
                if v]
    if changing:
        raise DesignError([f"--resume {args.resume}: {', '.join(changing)} cannot change on resume "
                           "(only --workers, --backend, --scheduler, --no-progress)"])
    return resumed(Path(args.resume))


def run(args: argparse.Namespace, runner: object = None) -> int:
    request = request_of(args)  # first: it may start the pool's fork server, which imports while we plan
    from analysis.sweep.designs import DesignError
    from analysis.sweep.launch import launch

    try:
        plan, out = _resume(args) if args.resume else _plan(args)
        return launch(plan, out, request, new=not args.resume, runner=runner)
    except (DesignError, ScenarioError, UsageError) as e:
        print(str(e), file=sys.stderr)
        return 2


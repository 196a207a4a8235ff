"""`dipsim sweep`: many runs over a design of scenario values, streamed to disk, resumable."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from analysis.backends import BACKENDS, cpu_count, make_backend
from analysis.designs import DesignError, parse_vary
from analysis.headline import headline_columns, sweep_headline
from analysis.sweep import SweepExists, execute, load_plan, start, write_dashboard
from analysis.sweep_io import read_json
from analysis.sweep_plan import (
    DEFAULT_BATCH,
    POOL_START_SECONDS,
    Plan,
    Source,
    auto_batch,
    cells,
    check_counts,
    read_source,
    serial_seconds,
    sweep_plan,
)
from analysis.sweepfile import is_sweep_data, parse_sweep
from dipsim.commands._common import add_plotly_flag, scenario_path
from sim.errors import ScenarioError
from sim.yamlio import read_yaml

DEFAULT_SEEDS = 20
HELP = f"""Run a scenario many times over a design of values, with replicate seeds per point.

PATH is a dotted path into the scenario (actors.UK.strategy.openness, channels.UK-Russia.patience,
dynamics.meeting); VALUES is a list 0,0.5,1, start:stop:count 0:1:11, categories a,b, or (lhs only)
a range lo:hi. A sweep file (YAML with `scenario:` and a `sweep:` block) keeps an experiment to rerun;
flags given with it override its settings.

Results stream to --out as batches finish: parts/*.parquet and manifest.json, then runs.parquet
(one row per run: run_id, seed, one column per PATH, outcomes), failures.jsonl and dashboard.html.
Ctrl-C keeps what finished (exit 130); `dipsim sweep --resume DIR` completes it with the same result.
Seeds come from one root seed (--seed, else the scenario's `seed`, else 0); rows are identical
whatever --workers, --batch-size or --backend. Default: {DEFAULT_SEEDS} seeds per point.

Examples:
  dipsim sweep scenarios/article_baseline.yaml --vary actors.UK.strategy.openness=0:1:11 --seeds 100
  dipsim sweep article_baseline --vary actors.UK.strategy.openness=0:1 \\
      --vary channels.UK-Russia.patience=1:8 --design lhs --samples 200 --seeds 20
  dipsim sweep scenarios/sweeps/openness_patience.yaml --workers 2
  dipsim sweep scenarios/sweeps/openness_patience.yaml --backend dask --scheduler tcp://10.0.0.5:8786
  dipsim sweep --resume out/sweep-article_baseline-20250101-120000
"""


def add_backend_flags(p: argparse.ArgumentParser) -> None:
    """Flags shared by sweep and compare: where and how batches run."""
    p.add_argument("--seed", type=int, metavar="ROOT", help="root seed (default: the scenario's `seed`, else 0)")
    p.add_argument("--workers", type=int, metavar="N", help="worker processes (default: all cores; 1 = in process)")
    p.add_argument("--backend", choices=BACKENDS, default="local",
                   help="local: a process pool on this machine; dask: a dask.distributed cluster")
    p.add_argument("--scheduler", metavar="ADDR",
                   help="dask scheduler address, e.g. tcp://10.0.0.5:8786 (default: a LocalCluster of --workers)")
    p.add_argument("--batch-size", type=int, metavar="N",
                   help=f"runs per batch (one engine call, one Parquet part; default: up to {DEFAULT_BATCH}, "
                   "fewer for large scenarios, at least 4 batches per worker)")
    p.add_argument("--out", metavar="DIR", help="output directory (default: out/<kind>-<name>-<time>)")
    p.add_argument("--keep-rounds", action="store_true",
                   help="also save every run's per-round series in rounds/ (one Parquet part per batch; large)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--no-dashboard", action="store_true", help="skip dashboard.html")
    add_plotly_flag(p)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sweep", help="many runs over a design of values (streamed, resumable)", description=HELP,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("target", nargs="?", metavar="SCENARIO_OR_SWEEP_FILE",
                   help="a scenario YAML (or a shipped scenario's name) or a sweep file")
    p.add_argument("--vary", action="append", default=[], metavar="PATH=VALUES",
                   help="a scenario value to vary (repeatable)")
    p.add_argument("--design", choices=("grid", "lhs"), help="grid: every combination (default); lhs: Latin hypercube")
    p.add_argument("--samples", type=int, metavar="N", help="points of an lhs design")
    p.add_argument("--seeds", type=int, metavar="N", help=f"replicate seeds per point (default {DEFAULT_SEEDS})")
    p.add_argument("--resume", metavar="DIR", help="finish an interrupted sweep (or compare) directory")
    add_backend_flags(p)
    p.set_defaults(handler=run)


def stamp() -> str:
    return dt.datetime.now().strftime("%Y%m%d-%H%M%S")


def _plan(args: argparse.Namespace) -> tuple[Plan, Path]:
    """The plan and output directory of a new sweep (ScenarioError/DesignError on bad input)."""
    if args.target is None:
        raise DesignError(["dipsim sweep: give a SCENARIO_OR_SWEEP_FILE, or --resume DIR"])
    check_counts(args.seeds, args.batch_size, args.samples)
    path = scenario_path(args.target)
    doc = read_yaml(path)
    vary = [parse_vary(a) for a in args.vary]
    design, samples, seeds, seed = "grid", None, None, None
    if is_sweep_data(doc.data):
        sf = parse_sweep(doc)
        flagged = {v.path for v in vary}
        vary = [v for v in sf.vary if v.path not in flagged] + vary
        design, samples, seeds, seed, path = sf.design, sf.samples, sf.seeds, sf.seed, sf.scenario
    source = read_source(path)
    root = args.seed if args.seed is not None else seed
    if root is None:
        scenario_seed = source_seed(source)
        root = scenario_seed if scenario_seed is not None else 0
    design = args.design or design
    samples = args.samples if args.samples is not None else (samples if design == "lhs" else None)
    if design == "lhs" and samples is None and is_sweep_data(doc.data) and not args.design:
        raise DesignError([f"{sf.where}: sweep.design: an lhs design needs `samples: N` in the sweep block "
                           "(or --samples N)"])
    plan = sweep_plan(source, vary, design, samples, args.seeds or seeds or DEFAULT_SEEDS, root, DEFAULT_BATCH)
    plan.batch_size = batch_size(args, plan)
    plan.keep_rounds = args.keep_rounds
    out = Path(args.out) if args.out else Path("out") / f"sweep-{Path(path).stem}-{stamp()}"
    return plan, out


def workers_of(args: argparse.Namespace, plan: Plan) -> int | None:
    """--workers; else one process for a sweep shorter than a pool takes to start; else None (every core)."""
    if args.workers is None and args.backend == "local" and serial_seconds(plan) < POOL_START_SECONDS:
        return 1
    return args.workers


def batch_size(args: argparse.Namespace, plan: Plan) -> int:
    """--batch-size, else a default sized to the scenario that gives every worker several batches."""
    weight = max(cells(s) for s in plan.sources)
    return args.batch_size or auto_batch(plan.total, workers_of(args, plan) or cpu_count(), weight)


def source_seed(source: Source) -> int | None:
    """The `seed:` a scenario file sets, if any."""
    seed = source.data.get("seed")
    return seed if isinstance(seed, int) and not isinstance(seed, bool) else None


def _resume(args: argparse.Namespace) -> tuple[Plan, Path]:
    """The saved plan of an interrupted sweep; refuses flags that would change its rows."""
    changing = [flag for flag, v in (("SCENARIO_OR_SWEEP_FILE", args.target), ("--vary", args.vary),
                                     ("--design", args.design), ("--samples", args.samples), ("--seeds", args.seeds),
                                     ("--seed", args.seed), ("--batch-size", args.batch_size), ("--out", args.out),
                                     ("--keep-rounds", args.keep_rounds))
                if v]
    if changing:
        raise DesignError([f"--resume {args.resume}: {', '.join(changing)} cannot change on resume "
                           "(only --workers, --backend, --scheduler, --no-progress)"])
    out = Path(args.resume)
    try:
        return load_plan(out), out
    except FileNotFoundError as e:
        raise DesignError([f"--resume {args.resume}: {e}"]) from e


def launch(plan: Plan, out: Path, args: argparse.Namespace, *, new: bool, runner: object = None) -> int:
    """Print the run count, run every missing batch, print the summary; the exit code."""
    if args.workers is not None and args.workers < 1:
        raise DesignError([f"--workers {args.workers}: must be >= 1"])
    if args.scheduler and args.backend != "dask":
        raise DesignError(["--scheduler: needs --backend dask"])
    print(f"{plan.kind}: {plan.describe()} -> {out}", flush=True)
    if new:
        try:
            start(plan, out)
        except SweepExists as e:
            raise DesignError([f"--out {out}: {e}"]) from e
    elif read_json(out / "manifest.json").get("status") == "done":
        print(f"{out} is already complete; rebuilding runs.parquet from its parts")
    workers = workers_of(args, plan)
    try:
        with make_backend(args.backend, workers, args.scheduler) as backend:
            small = workers == 1 and args.workers is None
            print(f"running on {backend.describe()}" + (" (a short sweep; --workers N for a pool)" if small else ""),
                  flush=True)
            summary = execute(plan, out, backend, runner, progress=not args.no_progress)
    except BrokenProcessPool as e:
        print(f"error: a worker process died ({e}); finished batches are saved in {out}: "
              f"`dipsim sweep --resume {out}` runs the rest", file=sys.stderr)
        return 1
    print(summary.line())
    if summary.interrupted:
        return 130
    if plan.kind == "sweep" and summary.done:
        named = list(plan.vary_kinds) if (plan.design or {}).get("kind") == "grid" else []
        table = out / "runs.parquet"
        runs = pd.read_parquet(table, columns=headline_columns(pq.read_schema(table).names, named))
        print("\n".join(sweep_headline(runs, named)))
    if not args.no_dashboard:
        write_dashboard(out, args.plotly)
    return 0


def run(args: argparse.Namespace, runner: object = None) -> int:
    try:
        plan, out = _resume(args) if args.resume else _plan(args)
        return launch(plan, out, args, new=not args.resume, runner=runner)
    except (DesignError, ScenarioError) as e:
        print(str(e), file=sys.stderr)
        return 2


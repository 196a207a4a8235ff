"""Run a planned sweep or comparison and say what happened: the run count, the backend, the summary, a headline."""

from __future__ import annotations

import sys
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from analysis.sweep.backends import make_backend
from analysis.sweep.designs import DesignError
from analysis.sweep.execute import SweepExists, execute, start, write_dashboard
from analysis.sweep.io import read_json
from analysis.sweep.plan import Plan
from analysis.sweep.setup import Request, workers_of


def _headline(plan: Plan, out: Path) -> list[str]:
    """The printed headline of a finished sweep, read from its table."""
    import pandas as pd
    import pyarrow.parquet as pq

    from analysis.headline import headline_columns, sweep_headline

    named = list(plan.vary_kinds) if (plan.design or {}).get("kind") == "grid" else []
    table = out / "runs.parquet"
    runs = pd.read_parquet(table, columns=headline_columns(pq.read_schema(table).names, named))
    return sweep_headline(runs, named)


def launch(plan: Plan, out: Path, request: Request, *, new: bool, runner: object = None) -> int:
    """Print the run count, run every missing batch, print the summary; the exit code (130 when interrupted)."""
    if request.workers is not None and request.workers < 1:
        raise DesignError([f"--workers {request.workers}: must be >= 1"])
    if request.scheduler and request.backend != "dask":
        raise DesignError(["--scheduler: needs --backend dask"])
    print(f"{plan.kind}: {plan.describe()} -> {out}", flush=True)
    if new:
        try:
            start(plan, out)
        except SweepExists as e:
            raise DesignError([f"--out {out}: {e}"]) from e
    elif read_json(out / "manifest.json").get("status") == "done":
        print(f"{out} is already complete; rebuilding runs.parquet from its parts")
    workers = workers_of(request, plan)
    try:
        with make_backend(request.backend, workers, request.scheduler) as backend:
            small = workers == 1 and request.workers is None
            print(f"running on {backend.describe()}" + (" (a short sweep; --workers N for a pool)" if small else ""),
                  flush=True)
            summary = execute(plan, out, backend, runner, progress=request.progress)
    except BrokenProcessPool as e:
        print(f"error: a worker process died ({e}); finished batches are saved in {out}: "
              f"`dipsim sweep --resume {out}` runs the rest", file=sys.stderr)
        return 1
    print(summary.line())
    if summary.interrupted:
        return 130
    if plan.kind == "sweep" and summary.done:
        print("\n".join(_headline(plan, out)))
    if request.dashboard:
        write_dashboard(out)
    return 0

"""Run a planned sweep or comparison and say what happened: the run count, the backend, the summary, a headline."""

from __future__ import annotations

import sys
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from analysis.outdir import prepare_out
from analysis.sweep.backends import make_backend, usable_workers
from analysis.sweep.designs import DesignError
from analysis.sweep.execute import SweepExists, dashboard_problem, execute, start, warm_dashboard, write_dashboard
from analysis.sweep.io import done_parts, read_json
from analysis.sweep.limits import check_batches, scenario_size
from analysis.sweep.plan import Plan
from analysis.sweep.setup import Request, workers_of


def _headline(plan: Plan, out: Path) -> list[str]:
    """The printed headline of a finished sweep, read from its table."""
    import pyarrow.parquet as pq

    from analysis.columns import Columns
    from analysis.headline import headline_columns, sweep_headline

    named = list(plan.vary_kinds) if (plan.design or {}).get("kind") == "grid" else []
    table = out / "runs.parquet"
    columns = headline_columns(pq.read_schema(table).names, named)
    runs = pq.ParquetFile(table).read(columns=columns)  # not pq.read_table: that imports pandas
    return sweep_headline(Columns.from_arrow(runs), named)  # no pandas: the parent never imports it


def launch(plan: Plan, out: Path, request: Request, *, new: bool, runner: object = None) -> int:
    """Print the run count, run every missing batch, print the summary; the exit code (130 when interrupted)."""
    if request.workers is not None and request.workers < 1:
        raise DesignError([f"--workers {request.workers}: must be >= 1"])
    if request.scheduler and request.backend != "dask":
        raise DesignError(["--scheduler: needs --backend dask"])
    requested = workers_of(request, plan)
    batches = plan.n_batches - (0 if new else len(done_parts(out)))
    workers = requested if request.scheduler else usable_workers(requested, batches)
    for source in plan.sources:  # every worker holds a batch: refuse what cannot fit, before starting any
        check_batches(*scenario_size(source.data), plan.batch_size, workers, plan.keep_rounds)
    if new:
        prepare_out(out, request.force, create=False)  # refuse a bad --out before printing anything
    print(f"{plan.kind}: {plan.describe()} -> {out}", flush=True)
    if new:
        prepare_out(out, request.force)
        try:
            start(plan, out)
        except SweepExists as e:
            raise DesignError([f"--out {out}: {e}"]) from e
    elif read_json(out / "manifest.json").get("status") == "done":
        print(f"{out} is already complete; rebuilding runs.parquet from its parts")
    try:
        with make_backend(request.backend, workers, request.scheduler) as backend:
            small = requested == 1 and request.workers is None
            capped = f" (--workers {requested} capped at {batches} batch{'es' if batches != 1 else ''} to run)" \
                if requested is not None and workers < requested else ""
            print(f"running on {backend.describe()}" + (" (a short sweep; --workers N for a pool)" if small else "")
                  + capped, flush=True)
            if request.dashboard:
                backend.warm_side(warm_dashboard)  # beside the workers, so the page is drawn at once
            summary = execute(plan, out, backend, runner, progress=request.progress)
            print(summary.line())
            if summary.interrupted:
                return 130
            page = backend.side(dashboard_problem, out, request.plotly) if request.dashboard else None
            if plan.kind == "sweep" and summary.done:
                print("\n".join(_headline(plan, out)), flush=True)  # while a worker draws the page
            problem = _page_problem(page) if request.dashboard else None
    except BrokenProcessPool as e:
        print(f"error: a worker process died ({e}); finished batches are saved in {out}: "
              f"`dipsim sweep --resume {out}` runs the rest", file=sys.stderr)
        return 1
    if request.dashboard and problem is _HERE:
        write_dashboard(out, request.plotly)
    elif problem:
        print(problem, file=sys.stderr)
    return 0


_HERE = "build it in this process"


def _page_problem(page: Future[str | None] | None) -> str | None:
    """What the worker that drew the dashboard said (None: written); ``_HERE`` when no worker drew it (no local
    pool, or the worker failed outside the page code), so this process builds it."""
    if page is None:
        return _HERE
    try:
        return page.result()
    except Exception:  # e.g. a worker that died: the page is drawn here instead
        return _HERE

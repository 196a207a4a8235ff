"""Flags that sweep and compare share (where and how batches run), and the request they make."""

from __future__ import annotations

import argparse

from analysis.sweep.request import BACKENDS, DEFAULT_BATCH, Request
from dipsim.commands._common import add_plotly_flag, seed_arg
from sim.limits import DEFAULTS, env_name


def add_backend_flags(p: argparse.ArgumentParser) -> None:
    """Flags shared by sweep and compare: where and how batches run."""
    p.add_argument("--seed", type=seed_arg, metavar="ROOT", help="root seed (default: the scenario's `seed`, else 0)")
    p.add_argument("--workers", type=int, metavar="N", help="worker processes (default: all cores; 1 = in process)")
    p.add_argument("--backend", choices=BACKENDS, default="local",
                   help="local: a process pool on this machine; dask: a dask.distributed cluster")
    p.add_argument("--scheduler", metavar="ADDR",
                   help="dask scheduler address, e.g. tcp://10.0.0.5:8786 (default: a LocalCluster of --workers)")
    p.add_argument("--batch-size", type=int, metavar="N",
                   help=f"runs per batch (one engine call, one Parquet part; default: up to {DEFAULT_BATCH}, "
                   "fewer for large scenarios, at least 4 batches per worker)")
    p.add_argument("--out", metavar="DIR", help="output directory (default: out/<kind>-<name>-<time>); "
                   "a non-empty directory must be a dipsim output")
    p.add_argument("--force", action="store_true", help="write into a non-empty --out that is not a dipsim output")
    p.add_argument("--max-runs", type=int, metavar="N",
                   help=f"refuse a plan of more than N runs (default {DEFAULTS['runs']}; or {env_name('runs')}=N)")
    p.add_argument("--keep-rounds", action="store_true",
                   help="also save every run's per-round series in rounds/ (one Parquet part per batch; large)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--no-dashboard", action="store_true", help="skip dashboard.html")
    add_plotly_flag(p)


def request_of(args: argparse.Namespace) -> Request:
    """The sweep (or compare) settings the flags give; a request that may use a local pool starts its fork server
    now, so the workers' imports overlap the parent's imports and planning (analysis.sweep.forkserver)."""
    request = Request(seed=args.seed, workers=args.workers, backend=args.backend, scheduler=args.scheduler,
                   batch_size=args.batch_size, out=args.out, force=args.force, keep_rounds=args.keep_rounds,
                   progress=not args.no_progress, dashboard=not args.no_dashboard,
                   plotly=getattr(args, "plotly", "inline"), vary=getattr(args, "vary", []),
                   design=getattr(args, "design", None), samples=getattr(args, "samples", None),
                   seeds=getattr(args, "seeds", None), levels=getattr(args, "levels", None),
                   groups=getattr(args, "group", None) or [])
    if request.may_pool:
        from analysis.sweep.forkserver import context

        context()
    return request

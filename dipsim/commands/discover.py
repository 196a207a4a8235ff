"""`dipsim discover SWEEP_DIR --where COND`: the region of settings where a condition holds (PRIM)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HELP = """Scenario discovery: find the box of varied settings in which a condition on an outcome holds.

PRIM (the `prim` package: Friedman & Fisher's Patient Rule Induction Method, as in EMA Workbench) peels
the parameter space step by step; each step trades coverage (share of all runs meeting the condition
that fall inside the box) for density (share of the box's runs that meet it). The box printed is the
densest one still covering at least --min-coverage of them. Writes SWEEP_DIR/discovery.json and adds the
peeling trajectory to SWEEP_DIR/dashboard.html. Works on any sweep design (lhs, sobol, grid, ...).

--where is OUTCOME OP VALUE with OP one of == != >= <= > <, e.g.
  'UK-Russia:collapsed == False'   'UK-Russia:lifetime >= 12'   'trust:Russia->UK > 0.3'

Example:
  dipsim discover out/gsa --where 'UK-Russia:lifetime >= 12'
"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("discover", help="scenario discovery (PRIM): where in the settings a condition holds",
                       description=HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("dir", metavar="SWEEP_DIR", help="a finished `dipsim sweep` directory")
    p.add_argument("--where", required=True, metavar="COND", help="OUTCOME OP VALUE, e.g. 'UK-Russia:lifetime >= 12'")
    p.add_argument("--min-coverage", type=float, default=0.5, metavar="C",
                   help="choose the densest box covering at least this share of the cases (default 0.5)")
    p.add_argument("--param", action="append", default=[], metavar="PATH",
                   help="restrict the search to these varied paths (repeatable; default: every varied path)")
    p.add_argument("--no-dashboard", action="store_true", help="do not update dashboard.html")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import pandas as pd
    import pyarrow.parquet as pq

    from analysis.discovery import DiscoveryError, discover, parse_where
    from analysis.sweep.io import read_json

    d = Path(args.dir)
    try:
        if not (d / "manifest.json").is_file() or not (d / "runs.parquet").is_file():
            raise DiscoveryError(f"{d}: not a finished sweep directory (needs manifest.json and runs.parquet)")
        manifest = read_json(d / "manifest.json")
        varied = list((manifest.get("design") or {}).get("vary") or {})
        params = args.param or varied
        bad = [p for p in params if p not in varied]
        if bad or not params:
            raise DiscoveryError(f"--param {bad[0]}: not a varied path of this sweep (varied: {', '.join(varied)})"
                                 if bad else "this sweep varies nothing: scenario discovery needs varied paths")
        if not 0 < args.min_coverage <= 1:
            raise DiscoveryError(f"--min-coverage {args.min_coverage}: give a share in (0, 1]")
        names = pq.read_schema(d / "runs.parquet").names
        where = parse_where(args.where, [n for n in names if n not in ("run_id", "seed", *varied)])
        table = pd.read_parquet(d / "runs.parquet", columns=[*params, where.column])
        found = discover(table, params, where, args.min_coverage)
    except DiscoveryError as e:
        print(f"dipsim discover: {e}", file=sys.stderr)
        return 2
    (d / "discovery.json").write_text(json.dumps(found, indent=1), encoding="utf-8")
    print("\n".join(found["lines"]))
    print(f"-> {d / 'discovery.json'}")
    if not args.no_dashboard:
        from analysis.sweep.execute import write_dashboard

        write_dashboard(d)
    return 0

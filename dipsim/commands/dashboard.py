"""`dipsim dashboard DIR`: rebuild the dashboard.html of a run, sweep or compare directory."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from analysis.dashboard import DashboardError, write_dashboard
from dipsim.commands._common import add_plotly_flag


def register(subparsers: Any) -> None:
    """Add the ``dashboard`` subcommand."""
    p = subparsers.add_parser(
        "dashboard",
        help="rebuild the dashboard of a run, sweep or compare directory",
        description="Rebuild DIR/dashboard.html (self-contained, opens offline) from the tables saved in DIR "
        "by `dipsim run --out`, `dipsim sweep` or `dipsim compare`.",
    )
    p.add_argument("dir", metavar="DIR", help="a run, sweep or compare output directory")
    add_plotly_flag(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Write the dashboard and print its path; a bad DIR is one line on stderr and exit 2."""
    try:
        path = write_dashboard(args.dir, args.plotly)
    except (FileNotFoundError, NotADirectoryError, DashboardError) as e:
        print(f"dipsim dashboard: {e}", file=sys.stderr)
        return 2
    print(path)
    return 0

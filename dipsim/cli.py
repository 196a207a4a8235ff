"""Entry point of the `dipsim` console command.

Exit codes (contracts §2): 0 done; 2 bad input; 1 internal error; 130 interrupted (after saving).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from sim.errors import ScenarioError

COMMANDS = ("run", "sweep", "compare", "validate", "schema", "dashboard", "forecast")


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on bad flags already; we only make its message one line."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="dipsim", description="Agent-based simulation of diplomatic negotiation.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name in COMMANDS:
        importlib.import_module(f"dipsim.commands.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except ScenarioError as e:
        print(str(e), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as e:  # an internal error: say so in one line; DIPSIM_DEBUG=1 shows the traceback
        if os.environ.get("DIPSIM_DEBUG"):
            raise
        print(f"dipsim: internal error: {type(e).__name__}: {e} (rerun with DIPSIM_DEBUG=1 for the traceback; "
              "please report it)", file=sys.stderr)
        return 1

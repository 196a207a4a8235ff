"""Entry point of the `dipsim` console command.

Exit codes: 0 done; 2 bad input; 1 internal error; 130 interrupted (after saving).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from sim.errors import ScenarioError

# Every command: its module (imported only when that command is chosen) and the one line `dipsim --help` shows.
# A new command is one row here plus a module with ``register(subparsers)`` (which sets ``handler``).
COMMANDS: dict[str, tuple[str, str]] = {
    "run": ("dipsim.commands.run", "one run of a scenario, with its story"),
    "sweep": ("dipsim.commands.sweep", "many runs over a design of values (streamed, resumable)"),
    "compare": ("dipsim.commands.compare", "the same seeds through several scenarios, side by side"),
    "sensitivity": ("dipsim.commands.sensitivity", "Sobol / Morris indices: which settings decide an outcome"),
    "discover": ("dipsim.commands.discover", "scenario discovery (PRIM): where in the settings a condition holds"),
    "validate": ("dipsim.commands.validate", "check scenario files; one line per problem"),
    "schema": ("dipsim.commands.schema", "JSON Schema of the scenario format"),
    "dashboard": ("dipsim.commands.dashboard", "rebuild the dashboard of a run, sweep or compare directory"),
    "forecast": ("dipsim.commands.forecast", "Bueno de Mesquita's expected-utility forecast of an issue"),
}


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on bad flags already; we only make its message one line."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def chosen(argv: Sequence[str]) -> str | None:
    """The command named on the command line (the first word not starting with '-'), if it is one we know."""
    word = next((a for a in argv if not a.startswith("-")), None)
    return word if word in COMMANDS else None


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; only ``command``'s module is imported (the others are a name and a help line)."""
    parser = _Parser(prog="dipsim", description="Agent-based simulation of diplomatic negotiation.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser, metavar="COMMAND")
    for name, (module, help_line) in COMMANDS.items():
        if name == command:
            importlib.import_module(module).register(sub)
        else:
            sub.add_parser(name, help=help_line)
    return parser


class _ReaderMayLeave:
    """stdout that stops writing once its reader has gone (`dipsim sweep ... | head`) while the work goes on."""

    def __init__(self, stream: TextIO) -> None:
        self._stream, self._gone = stream, False

    def _left(self) -> None:
        self._gone = True
        os.dup2(os.open(os.devnull, os.O_WRONLY), self._stream.fileno())  # Python's own final flush succeeds

    def write(self, text: str) -> int:
        if not self._gone:
            try:
                return self._stream.write(text)
            except BrokenPipeError:
                self._left()
        return len(text)

    def flush(self) -> None:
        if not self._gone:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._left()

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


def main(argv: list[str] | None = None) -> int:
    if not isinstance(sys.stdout, _ReaderMayLeave) and hasattr(sys.stdout, "fileno"):
        try:
            sys.stdout.fileno()
            sys.stdout = _ReaderMayLeave(sys.stdout)  # type: ignore[assignment]
        except (OSError, ValueError):  # no real file behind it (a test's capture): leave it
            pass
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(chosen(argv)).parse_args(argv)
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

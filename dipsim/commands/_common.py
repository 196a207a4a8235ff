"""Helpers shared by commands: scenario resolution, output folders, progress bars."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import scenarios
from sim.errors import Problem, ScenarioError
from sim.limits import MAX_SEED


def seed_arg(text: str) -> int:
    """argparse type of --seed: a whole number in [0, 2^63 - 1] (what a scenario's `seed:` accepts)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"{text} is outside [0, {MAX_SEED}]")
    return value


def scenario_path(arg: str | None) -> Path:
    """The scenario file a command reads: the given path, a shipped scenario by name, or the article baseline."""
    if arg is None:
        return scenarios.builtin()
    path = Path(arg)
    if path.exists():
        return path
    shipped = arg if arg.endswith(".yaml") else f"{arg}.yaml"
    if shipped in scenarios.listing() or scenarios.builtin(shipped).is_file():
        return scenarios.builtin(shipped)
    known = ", ".join(scenarios.listing())
    raise ScenarioError([Problem(arg, 1, 1, (), f"no such file (shipped scenarios: {known})")])


PLOTLY_MODES = ("inline", "shared", "cdn")  # as analysis.html.PLOTLY_MODES (not imported: it loads plotly)


def add_plotly_flag(p: argparse.ArgumentParser) -> None:
    """``--plotly``: how a dashboard loads plotly.js."""
    p.add_argument("--plotly", choices=PLOTLY_MODES, default="inline",
                   help="inline: plotly.js in each page (default; ~5 MB, opens anywhere offline); shared: one "
                   "plotly.min.js in the output directory's parent for every page under it (offline); "
                   "cdn: from cdn.plot.ly (needs the network)")


def progress(total: int, desc: str) -> Any:
    """Progress over rounds on stderr: a bar that appears only after ~2 seconds on a terminal, plain lines every
    few seconds otherwise."""
    from analysis.progress import bar

    return bar(total, unit="round", desc=desc, delay=2.0, leave=False)

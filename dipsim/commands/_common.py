"""Helpers shared by commands: scenario resolution, output folders, progress bars."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

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


def progress(total: int, desc: str) -> tqdm:
    """A progress bar on stderr that appears only when the work takes more than ~2 seconds."""
    return tqdm(total=total, desc=desc, unit="round", delay=2.0, file=sys.stderr, leave=False)

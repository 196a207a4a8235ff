"""`dipsim validate FILE...`: check scenario (and sweep) files; one located line per problem, exit 2 if any."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from sim.errors import Problem, ScenarioError
from sim.loader import load_scenario
from sim.paths import PathError, validate_path
from sim.yamlio import Document, read_yaml

HELP = """Check scenario files without running them: every problem of every file at once, one line each,
as FILE:LINE:COL: yaml.path: what is wrong (what is allowed / did you mean ...).

A sweep file (`scenario:` + `sweep:`) is checked too, with the scenario it names and its PATHs.
Exit 0 when every file is valid, 2 otherwise.
Examples:
  dipsim validate scenarios/*.yaml
  dipsim validate my.yaml --set actors.UK.strategy.openness=0.9
"""


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `validate` subcommand."""
    p = sub.add_parser("validate", help="check scenario files; one line per problem", description=HELP,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("files", nargs="+", metavar="FILE", help="scenario or sweep YAML files")
    p.add_argument("--set", action="append", default=[], metavar="PATH=VALUE",
                   help="check with this override applied to every scenario (repeatable)")
    p.set_defaults(handler=run)


def _sweep_problems(doc: Document, overrides: list[str]) -> list[Problem] | None:
    """Problems of a sweep file and of the scenario it names; None when ``doc`` is not a sweep file."""
    try:
        from analysis.sweep.file import is_sweep_data, parse_sweep
    except ImportError:  # pragma: no cover - sweeps not installed: every file is a scenario
        return None
    if not is_sweep_data(doc.data):
        return None
    sweep = parse_sweep(doc)
    load_scenario(sweep.scenario, overrides)
    data = read_yaml(sweep.scenario).data
    out = []
    for v in sweep.vary:
        try:
            validate_path(data, v.path)
        except PathError as e:
            out.append(doc.problem(("sweep", "vary", v.path), str(e)))
    return out


def check(path: str, overrides: Sequence[str] = ()) -> list[Problem]:
    """Every problem of one scenario or sweep file (empty when it is valid)."""
    try:
        doc = read_yaml(path)
        problems = _sweep_problems(doc, list(overrides))
        if problems is None:
            load_scenario(path, overrides)
            problems = []
    except ScenarioError as e:
        return e.problems
    return problems


def run(args: argparse.Namespace) -> int:
    """Print `FILE: ok` or the problems of each file; 0 when all are valid, 2 otherwise."""
    invalid = 0
    for name in args.files:
        problems = check(name, args.set)
        for p in problems:
            print(p)
        if not problems:
            print(f"{name}: ok")
        invalid += bool(problems)
    return 2 if invalid else 0

"""`dipsim check FILE... [--seeds N]`: run each scenario's `expect:` claims through the batch engine."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from dipsim.commands._common import scenario_path

DEFAULT_SEEDS = 400
HELP = f"""Check the claims a scenario states under `expect:` over many seeds (seeds 0..N-1).

Prints each claim with its measured value, a 95% interval (Wilson for a rate, bootstrap for a median or mean,
paired bootstrap of the ratio for a claim against `baseline`) and PASS or FAIL (decided on the measured value).
Exit 0 when every claim passes, 1 when one fails, 2 on bad input (an unknown outcome, a missing baseline).
Default --seeds {DEFAULT_SEEDS}.

A claim (in the scenario YAML):
  expect:
    - {{outcome: UK-Russia:collapsed, rate: ">= 0.9", note: "F1"}}
    - {{outcome: UK-Russia:lifetime, median: ">= 3x baseline"}}   # baseline: the scenario it extends
    - {{outcome: agreement, rate: "<= 0.1"}}
Examples:
  dipsim check scenarios/*.yaml
  dipsim check uk_listens --seeds 1000
"""


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `check` subcommand."""
    p = sub.add_parser("check", help="check the `expect:` claims of scenarios over many seeds", description=HELP,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("files", nargs="+", metavar="FILE", help="scenario YAML files (or shipped names)")
    p.add_argument("--seeds", type=int, default=DEFAULT_SEEDS, metavar="N", help="runs per scenario")
    p.set_defaults(handler=run)


class _Runs:
    """Outcome columns per scenario file, each simulated once over the same seeds."""

    def __init__(self, seeds: int) -> None:
        self.seeds, self.cache = list(range(seeds)), dict[str, dict[str, Any]]()

    def of(self, path: Path) -> dict[str, Any]:
        from sim.engine import simulate
        from sim.loader import load_scenario

        key = str(path.resolve())
        if key not in self.cache:
            self.cache[key] = simulate(load_scenario(path), self.seeds, log=False).outcome_arrays()
        return self.cache[key]


def check_file(path: Path, runs: _Runs) -> tuple[list[str], int]:
    """The report lines of one file's claims and how many failed; ScenarioError on a bad claim."""
    from analysis.claims import measure
    from sim.compose import compose_file, find_scenario
    from sim.errors import ScenarioError, did_you_mean
    from sim.loader import load_scenario

    scenario = load_scenario(path)
    if not scenario.expect:
        return [f"{path}: no `expect:` claims"], 0
    doc = compose_file(path)
    columns = runs.of(path)
    problems, lines, failed = [], [f"{path} ({len(runs.seeds)} seeds)"], 0
    for k, claim in enumerate(scenario.expect):
        if claim.outcome not in columns:
            hint = did_you_mean(claim.outcome, sorted(columns), show_all=8)
            problems.append(doc.problem(("expect", k, "outcome"), f"unknown outcome {claim.outcome!r} ({hint})"))
            continue
        base = None
        if claim.bound.factor is not None:
            if claim.against is not None:
                base_file = find_scenario(doc, ("expect", k, "against"), claim.against)
            elif len(doc.chain) > 1:
                base_file = Path(doc.chain[1])  # the file `extends:` named, found already
            else:
                problems.append(doc.problem(("expect", k), "a claim against `baseline` needs `against: SCENARIO` "
                                            "(or an `extends:` in this file)"))
                continue
            target = claim.against or base_file.name
            base_columns = runs.of(base_file)
            if claim.outcome not in base_columns:
                problems.append(doc.problem(("expect", k, "outcome"), f"the baseline {target} has no outcome "
                                            f"{claim.outcome!r}"))
                continue
            base = base_columns[claim.outcome]
        result = measure(claim, columns[claim.outcome], base)
        failed += not result.passed
        lines.append("  " + result.line())
    if problems:
        raise ScenarioError(problems)
    return lines, failed


def run(args: argparse.Namespace) -> int:
    """Print every claim's verdict; 1 if any failed."""
    import sys

    if args.seeds < 2:
        print("dipsim check: --seeds must be at least 2", file=sys.stderr)
        return 2
    runs, failed = _Runs(args.seeds), 0
    for name in args.files:
        lines, bad = check_file(scenario_path(name), runs)
        print("\n".join(lines), flush=True)
        failed += bad
    if failed:
        print(f"{failed} claim(s) failed")
    return 1 if failed else 0

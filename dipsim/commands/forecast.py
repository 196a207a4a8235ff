"""`dipsim forecast FILE`: Bueno de Mesquita's expected-utility forecast of one issue (or every issue of a scenario)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from sim.errors import Problem, ScenarioError, did_you_mean
from sim.forecast import ForecastInput, ForecastResult, forecast, from_scenario, read_csv
from sim.forecast_offers import OFFER_RULES

KIND_TEXT = {"confrontation": "loses to", "compromise": "compromises with", "capitulation": "capitulates to"}


def _rounds(text: str) -> int:
    """argparse type: a whole number of rounds >= 0."""
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if n < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {n}")
    return n


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `forecast` subcommand."""
    p = subparsers.add_parser(
        "forecast",
        help="Bueno de Mesquita's expected-utility forecast of an issue (CSV or scenario YAML).",
        description="Forecast an issue with Bueno de Mesquita's expected-utility model (Scholz, Calbert & Smith "
        "2011; Q = T = 1). FILE is a CSV with columns actor,capability,position,salience ('#' lines are "
        "comments) or a scenario YAML (every issue unless --issue).",
    )
    p.add_argument("file", type=Path, metavar="FILE", help="a .csv table or a scenario .yaml")
    p.add_argument("--issue", metavar="NAME", help="the scenario issue to forecast (a label for a CSV)")
    p.add_argument("--rounds", type=_rounds, default=10, metavar="N", help="most rounds to play (default 10)")
    p.add_argument(
        "--offer-rule",
        choices=OFFER_RULES,
        default=OFFER_RULES[0],
        help="which compromise an actor accepts: scholz (Scholz's code; reproduces the published EC trajectory) "
        "or least-movement (the one moving it least, as the paper words it); default scholz",
    )
    p.add_argument("--json", action="store_true", help="print the result as JSON instead of a table")
    p.set_defaults(handler=run)


def _inputs(args: argparse.Namespace) -> dict[str, ForecastInput]:
    """The forecast input of each requested issue, keyed by issue name."""
    path: Path = args.file
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return {args.issue or path.stem: read_csv(path)}
    if suffix not in (".yaml", ".yml"):
        raise ScenarioError([Problem(str(path), 1, 1, ("file",), "expected a .csv table or a scenario .yaml")])
    from sim.loader import load_scenario  # imported here: only YAML input needs the scenario loader

    scenario = load_scenario(path)
    issues = scenario.issue_names
    if args.issue is not None and args.issue not in issues:
        message = f"unknown issue {args.issue!r} ({did_you_mean(args.issue, issues)})"
        raise ScenarioError([Problem(str(path), 1, 1, ("issues",), message)])
    try:
        return {name: from_scenario(scenario, name) for name in ([args.issue] if args.issue else issues)}
    except ValueError as e:
        raise ScenarioError([Problem(str(path), 1, 1, ("actors",), str(e))]) from e


def _as_json(file: Path, results: dict[str, ForecastResult]) -> dict[str, Any]:
    """The results as plain JSON-able data."""
    return {
        "file": str(file),
        "issues": {
            issue: {
                "actors": r.actors,
                "median": r.median.tolist(),
                "mean": r.mean.tolist(),
                "positions": r.positions.tolist(),
                "offers": [[vars(o) for o in rnd] for rnd in r.offers],
                "stable_at": r.stable_at,
                "offer_rule": r.offer_rule,
                "final": r.final,
            }
            for issue, r in results.items()
        },
    }


def _table(issue: str, r: ForecastResult) -> list[str]:
    """The round-by-round median, mean and moves, then the final positions, as text lines."""
    head = f"issue {issue}: {len(r.actors)} actors, {len(r.offers)} rounds (Q = T = 1, offer rule {r.offer_rule})"
    lines = [head, "round    median      mean  moves"]
    for k in range(r.positions.shape[0]):
        done = r.offers[k - 1] if k else []
        moves = "; ".join(f"{o.actor} {KIND_TEXT[o.kind]} {o.partner} -> {o.position:g}" for o in done)
        lines.append(f"{k:5d} {r.median[k]:9.4f} {r.mean[k]:9.4f}  {moves}".rstrip())
    if r.stable_at is None:
        lines.append(f"still moving after {len(r.offers)} rounds")
    else:
        lines.append(f"positions stable from round {r.stable_at}")
    width = max(len(a) for a in r.actors)
    lines.append(f"{'actor':<{width}}      start      final")
    for a, x0, x1 in zip(r.actors, r.positions[0], r.positions[-1], strict=True):
        lines.append(f"{a:<{width}}  {x0:9.4f}  {x1:9.4f}")
    return lines


def run(args: argparse.Namespace) -> int:
    """Forecast each requested issue and print a table (or JSON); bad input raises ``ScenarioError`` (exit 2)."""
    results = {}
    for issue, data in _inputs(args).items():
        try:
            results[issue] = forecast(
                data.actors, data.capability, data.position, data.salience, rounds=args.rounds,
                offer_rule=args.offer_rule,
            )
        except ValueError as e:
            raise ScenarioError([Problem(str(args.file), 1, 1, (issue,), str(e))]) from e
    if args.json:
        print(json.dumps(_as_json(args.file, results), indent=2))
    else:
        print("\n\n".join("\n".join(_table(issue, r)) for issue, r in results.items()))
    return 0

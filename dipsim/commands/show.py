"""`dipsim show FILE`: the fully merged scenario of a file that `extends:` others, as YAML a reader can check."""

from __future__ import annotations

import argparse

from dipsim.commands._common import scenario_path

HELP = """Print the scenario a file describes once its `extends:` chain is merged and its `overrides:`
applied: plain scenario YAML (no extends, no overrides) that loads to the same scenario.
The file is validated first; problems are printed as `dipsim validate` prints them (exit 2).

Examples:
  dipsim show scenarios/uk_listens.yaml
  dipsim show early_exposure > early_exposure_full.yaml
"""


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `show` subcommand."""
    p = sub.add_parser("show", help="the merged scenario of a file (extends + overrides) as YAML",
                       description=HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("scenario", metavar="FILE", help="scenario YAML (or a shipped scenario's name)")
    p.set_defaults(handler=run)


def merged_yaml(path: str) -> str:
    """The merged scenario of ``path`` as YAML text, headed by a comment naming the chain of files."""
    import yaml

    from sim.compose import compose_file
    from sim.loader import load_scenario

    load_scenario(path)  # ScenarioError (exit 2) when the merged scenario is invalid
    doc = compose_file(path)
    head = f"# merged from {' <- '.join(reversed(doc.chain))}\n" if len(doc.chain) > 1 else ""
    body = yaml.safe_dump(doc.data, sort_keys=False, allow_unicode=True, width=110, default_flow_style=None)
    return head + body


def run(args: argparse.Namespace) -> int:
    """Print the merged scenario."""
    print(merged_yaml(str(scenario_path(args.scenario))), end="")
    return 0

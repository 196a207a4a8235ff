"""`dipsim schema [--sweep] [--out FILE]`: JSON Schema of scenario (or sweep) files, for editors."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HELP = """Print the JSON Schema of the scenario YAML format (generated from the one schema module), or with
--sweep of sweep files. A scenario with `extends:` is checked as a diff (every key optional).

Point your editor at it for completion and checks, e.g. with yaml-language-server:
  dipsim schema --out dipsim.schema.json
  # yaml-language-server: $schema=dipsim.schema.json   (first line of a scenario)
The shipped files name scenarios/scenario.schema.json and scenarios/sweep.schema.json this way.
An editor checks keys, types and ranges; only `dipsim validate` checks names (an actor in a channel,
an issue in a position, a --vary PATH) and cross-references.
"""


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `schema` subcommand."""
    p = sub.add_parser("schema", help="JSON Schema of the scenario format", description=HELP,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", metavar="FILE", help="write it to FILE instead of printing it")
    p.add_argument("--markdown", action="store_true",
                   help="a Markdown field reference instead (docs/scenario-format.md)")
    p.add_argument("--sweep", action="store_true", help="the schema of sweep files (scenario: + sweep:)")
    p.set_defaults(handler=run)


def schema_text(*, sweep: bool = False, markdown: bool = False) -> str:
    """What `dipsim schema` prints: the scenario schema, the sweep-file schema, or the Markdown reference."""
    if markdown:
        from sim.schema_docs import markdown as reference

        return reference()
    if sweep:
        from analysis.sweep.file import sweep_json_schema

        return json.dumps(sweep_json_schema(), indent=2)
    from sim.editor_schema import scenario_schema_text

    return scenario_schema_text()


def run(args: argparse.Namespace) -> int:
    """Print (or write) the JSON Schema."""
    text = schema_text(sweep=args.sweep, markdown=args.markdown)
    if args.out:
        try:
            Path(args.out).write_text(text + "\n", encoding="utf-8")
        except OSError as e:
            print(f"dipsim schema: cannot write {args.out}: {e.strerror or e}", file=sys.stderr)
            return 2
        print(f"wrote {args.out}")
    else:
        print(text)
    return 0

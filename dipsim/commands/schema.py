"""`dipsim schema [--out FILE]`: the JSON Schema of the scenario format, for editors (yaml-language-server)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.schema import json_schema_text
from sim.schema_docs import markdown

HELP = """Print the JSON Schema of the scenario YAML format (generated from the one schema module).

Point your editor at it for completion and checks, e.g. with yaml-language-server:
  dipsim schema --out dipsim.schema.json
  # yaml-language-server: $schema=dipsim.schema.json   (first line of a scenario)
"""


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `schema` subcommand."""
    p = sub.add_parser("schema", help="JSON Schema of the scenario format", description=HELP,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", metavar="FILE", help="write it to FILE instead of printing it")
    p.add_argument("--markdown", action="store_true",
                   help="a Markdown field reference instead (docs/scenario-format.md)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print (or write) the JSON Schema."""
    text = markdown() if args.markdown else json_schema_text()
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

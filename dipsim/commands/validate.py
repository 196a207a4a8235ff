"""`dipsim validate FILE...`: check scenario (and sweep) files; one located line per problem, exit 2 if any."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence

from analysis.sweep.request import is_sweep_data
from sim.compose import compose_file
from sim.errors import Problem, ScenarioError, dotted
from sim.loader import load_document, load_scenario
from sim.paths import PathError, validate_path
from sim.yamlio import Document, read_yaml

HELP = """Check scenario files without running them: every problem of every file at once, one line each,
as FILE:LINE:COL: yaml.path: what is wrong (what is allowed / did you mean ...).

A sweep file (`scenario:` + `sweep:`) is checked too, with the scenario it names and its PATHs.
Exit 0 when every file is valid, 2 otherwise. --format json prints one JSON document instead, for
editors and CI: {"ok": bool, "files": [{"file", "ok", "problems": [{"file", "line", "column", "path",
"message", "text"}]}]}.
Examples:
  dipsim validate scenarios/*.yaml
  dipsim validate scenarios/*.yaml --format json
  dipsim validate my.yaml --set actors.UK.strategy.openness=0.9
"""


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `validate` subcommand."""
    p = sub.add_parser("validate", help="check scenario files; one line per problem", description=HELP,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("files", nargs="+", metavar="FILE", help="scenario or sweep YAML files")
    p.add_argument("--set", action="append", default=[], metavar="PATH=VALUE",
                   help="check with this override applied to every scenario (repeatable)")
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help="text: one line per problem (default); json: one document for editors and CI")
    p.set_defaults(handler=run)


def _sweep_problems(doc: Document, overrides: list[str]) -> list[Problem] | None:
    """Problems of a sweep file and of the scenario it names; None when ``doc`` is not a sweep file."""
    if not is_sweep_data(doc.data):
        return None
    from analysis.sweep.file import parse_sweep  # only for sweep files: scenario files are checked without it
    sweep = parse_sweep(doc)
    load_scenario(sweep.scenario, overrides)
    data = compose_file(sweep.scenario).data
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
            load_document(doc, overrides)
            problems = []
    except ScenarioError as e:
        return e.problems
    return problems


def as_json(p: Problem) -> dict[str, object]:
    """One problem as JSON fields (``path`` dotted as in the text line, ``text`` the whole line)."""
    return {"file": p.file, "line": p.line, "column": p.col, "path": dotted(p.path), "message": p.message,
            "text": str(p)}


def run(args: argparse.Namespace) -> int:
    """Print `FILE: ok` or the problems of each file (or one JSON document); 0 when all are valid, 2 otherwise."""
    files = []
    for name in args.files:
        problems = check(name, args.set)
        files.append({"file": name, "ok": not problems, "problems": [as_json(p) for p in problems]})
        if args.format == "text":
            print("\n".join(map(str, problems)) if problems else f"{name}: ok", flush=True)
    ok = all(f["ok"] for f in files)
    if args.format == "json":
        print(json.dumps({"ok": ok, "files": files}, indent=2, ensure_ascii=False))
    return 0 if ok else 2

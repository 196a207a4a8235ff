"""`dipsim sensitivity SWEEP_DIR`: which varied settings decide each outcome (Sobol or Morris, by SALib)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

HELP = """Rank the varied settings of a Sobol or Morris sweep by how much they decide each outcome.

Sobol (`dipsim sweep ... --design sobol --samples N`): first-order S1 and total-order S_T with 95%
bootstrap intervals; Morris (`--design morris`): μ* (mean absolute elementary effect, with an interval)
and σ. Each design point's outcome is its mean over the sweep's seeds (the same seeds at every point);
flags such as UK-Russia:collapsed become shares. Prints a ranked table per outcome, writes
SWEEP_DIR/sensitivity.parquet (outcome, parameter, method, index, value, lo, hi, rank) and adds a ranked
bar chart to SWEEP_DIR/dashboard.html.

Examples:
  dipsim sweep article_baseline --vary 'dynamics.*' --vary 'channels.UK-Russia.*' --design sobol \\
      --samples 64 --seeds 20 --out out/gsa
  dipsim sensitivity out/gsa --outcome UK-Russia:lifetime --outcome 'trust:Russia->UK'
"""


def group_line(design: dict) -> str:
    """`` in 3 groups (substantive: 56 paths, ...)`` for a grouped design, else ''."""
    groups = design.get("groups")
    if not groups:
        return ""
    from collections import Counter

    sizes = Counter(groups.values())
    shown = ", ".join(f"{g}: {n} path{'s' if n != 1 else ''}" for g, n in sizes.items())
    return f" in {len(sizes)} groups ({shown})"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sensitivity", help="Sobol / Morris indices of a sweep: which settings decide an outcome",
                       description=HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("dir", metavar="SWEEP_DIR", help="a finished `dipsim sweep --design sobol|morris` directory")
    p.add_argument("--outcome", action="append", default=[], metavar="NAME",
                   help="an outcome column of runs.parquet (repeatable; default: every numeric outcome that varies)")
    p.add_argument("--top", type=int, default=8, metavar="K", help="parameters printed per outcome (default 8)")
    p.add_argument("--resamples", type=int, default=1000, metavar="B", help="bootstrap resamples (default 1000)")
    p.add_argument("--no-dashboard", action="store_true", help="do not update dashboard.html")
    p.set_defaults(handler=run)


def arrow_kinds(schema: Any) -> dict[str, str]:
    """Column name -> bool | int | float | str, from a Parquet schema."""
    import pyarrow as pa

    def kind(t: Any) -> str:
        return ("bool" if pa.types.is_boolean(t) else "int" if pa.types.is_integer(t)
                else "float" if pa.types.is_floating(t) else "str")

    return {f.name: kind(f.type) for f in schema}


def sweep_files(d: Path) -> tuple[dict[str, Any], Path]:
    """The manifest and runs table of a finished sweep directory (SensitivityError when it is not one)."""
    from analysis.sensitivity import SensitivityError
    from analysis.sweep.io import read_json

    if not (d / "manifest.json").is_file() or not (d / "runs.parquet").is_file():
        raise SensitivityError(f"{d}: not a finished sweep directory (needs manifest.json and runs.parquet)")
    return read_json(d / "manifest.json"), d / "runs.parquet"


def chosen_outcomes(asked: list[str], names: list[str], kinds: dict[str, str], design: dict[str, Any]) -> list[str]:
    """--outcome names checked against the table (did-you-mean), or every numeric outcome."""
    from analysis.sensitivity import SensitivityError, numeric_outcomes
    from sim.errors import did_you_mean

    usable = numeric_outcomes(names, kinds, design)
    for name in asked:
        if name not in usable:
            what = "is not a number or flag" if name in names else "is not a column of runs.parquet"
            raise SensitivityError(f"--outcome {name}: {what} ({did_you_mean(name, usable)})")
    return asked or usable


def run(args: argparse.Namespace) -> int:
    import pandas as pd
    import pyarrow.parquet as pq

    from analysis.sensitivity import SensitivityError, analyse, design_of, ranked_lines, sampled

    d = Path(args.dir)
    try:
        manifest, table_path = sweep_files(d)
        design = design_of(manifest)
        schema = pq.read_schema(table_path)
        outcomes = chosen_outcomes(args.outcome, schema.names, arrow_kinds(schema), design)
        if args.resamples < 1 or args.top < 1:
            raise SensitivityError("--resamples and --top must be whole numbers >= 1")
    except SensitivityError as e:
        print(f"dipsim sensitivity: {e}", file=sys.stderr)
        return 2
    table = pd.read_parquet(table_path, columns=["run_id", *outcomes])
    result, skipped = analyse(table, design, int(manifest["seeds"]), outcomes, int(manifest.get("root_seed", 0)),
                              args.resamples)
    result.to_parquet(d / "sensitivity.parquet", index=False)
    print(f"{design['kind']} design: {design['points']} points × {manifest['seeds']} seeds "
          f"({len(table)} runs), {len(sampled(design))} parameters" + group_line(design)
          + (f"; held fixed: {', '.join(design['fixed'])}" if design.get("fixed") else ""))
    print("\n".join(ranked_lines(result, args.top)))
    for s in skipped:
        print(f"skipped {s.outcome}: {s.reason}")
    print(f"-> {d / 'sensitivity.parquet'}")
    if not args.no_dashboard:
        from analysis.sweep.execute import write_dashboard

        write_dashboard(d)
    return 0

"""Wall time of each `dipsim` command a person types, against the bare import of numpy + yaml + pydantic.

    python -m benchmarks.latency [--repeats 5] [--only NAME ...] [--against DIR]

Every command runs in a fresh interpreter (``python -m dipsim ...``), as a shell or an editor hook starts it.
The commands are interleaved repeat by repeat with the reference (``python -c "import numpy, yaml, pydantic"``)
so a change of machine load hits all of them alike; each figure is the median of ``--repeats``, and each ratio
is against the reference measured in this same run. ``--against DIR`` also times another checkout (say main, in
a scratch directory) with this interpreter, command by command between this tree's. Prints a Markdown table
(docs/performance.md keeps it).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = str(ROOT / "scenarios" / "article_baseline.yaml")
REFERENCE = "bare import of numpy + yaml + pydantic"


def commands(tmp: Path) -> dict[str, list[str]]:
    """Name -> argv after ``python``; run dirs go under ``tmp`` (a fresh one each call)."""
    py = ["-m", "dipsim"]
    shipped = sorted(str(p) for p in (ROOT / "scenarios").glob("*.yaml"))
    return {
        REFERENCE: ["-c", "import numpy, yaml, pydantic"],
        "dipsim --help": [*py, "--help"],
        "dipsim validate FILE": [*py, "validate", ARTICLE],
        f"dipsim validate (all {len(shipped)} shipped scenarios)": [*py, "validate", *shipped],
        "dipsim schema": [*py, "schema"],
        "dipsim run --no-dashboard": [*py, "run", "--no-dashboard", "--out", str(tmp / "nodash")],
        "dipsim run (every output and its dashboard)": [*py, "run", "--out", str(tmp / "run")],
        "dipsim run --plotly shared": [*py, "run", "--plotly", "shared", "--out", str(tmp / "shared")],
        "dipsim dashboard DIR (a run)": [*py, "dashboard", str(tmp / "run")],
    }


def once(argv: list[str], cwd: Path = ROOT) -> float:
    """Seconds of one fresh interpreter running ``argv`` in ``cwd`` (whose packages ``python -m`` imports;
    stdout/stderr discarded; a failure stops the script)."""
    t = time.perf_counter()
    subprocess.run([sys.executable, *argv], check=True, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - t


def compile_tree(root: Path) -> None:
    """Write a tree's bytecode as a regular (non-editable) install does, so no command pays for compiling the
    project's modules: an editable install under PYTHONDONTWRITEBYTECODE=1 (set on some machines) recompiles
    every one of them on every run, about 0.1 s that no user of an installed dipsim pays."""
    import compileall

    for package in ("dipsim", "sim", "analysis", "scenarios"):
        if (root / package).is_dir():
            compileall.compile_dir(root / package, quiet=1)


def measure(repeats: int, only: list[str], trees: dict[str, Path]) -> dict[tuple[str, str], list[float]]:
    """Times per (command, source tree), interleaved with the reference, repeat by repeat and tree by tree."""
    tmp = Path(tempfile.mkdtemp(prefix="dipsim-latency-"))
    try:
        times: dict[tuple[str, str], list[float]] = {}
        for root in trees.values():
            compile_tree(root)
        once(commands(tmp)[REFERENCE])  # warm the file cache
        cmds = {tree: commands(tmp / f"tree-{k}") for k, tree in enumerate(trees)}
        names = [n for n in cmds[next(iter(trees))] if n == REFERENCE or not only or any(o in n for o in only)]
        for _ in range(repeats):
            for name in names:
                for tree, root in trees.items():
                    times.setdefault((name, tree), []).append(once(cmds[tree][name], root))
        return times
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--only", nargs="*", default=[], metavar="NAME", help="commands whose name contains NAME")
    p.add_argument("--against", type=Path, metavar="DIR",
                   help="also time another checkout of dipsim (e.g. main), interleaved with this one")
    args = p.parse_args()
    trees = {"this tree": ROOT} | ({f"{args.against}": args.against.resolve()} if args.against else {})
    load = os.getloadavg()[0]
    times = measure(args.repeats, args.only, trees)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load {load:.2f} -> {os.getloadavg()[0]:.2f}, "
          f"median of {args.repeats}\n")
    ref = {tree: statistics.median(times[(REFERENCE, tree)]) for tree in trees}
    print("| command |" + "".join(f" {tree}: wall time (s) | × bare import |" for tree in trees))
    print("|---|" + "---:|---:|" * len(trees))
    for name in dict.fromkeys(n for n, _ in times):
        cells = [(statistics.median(times[(name, tree)]), ref[tree]) for tree in trees]
        print(f"| {name} |" + "".join(f" {t:.2f} | {t / r:.1f} |" for t, r in cells))


if __name__ == "__main__":
    main()

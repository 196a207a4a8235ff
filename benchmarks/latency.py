"""Wall time of each `dipsim` command a person types, against the bare import of numpy + yaml + pydantic.

    python -m benchmarks.latency [--repeats 5] [--only NAME ...]

Every command runs in a fresh interpreter (``python -m dipsim ...``), as a shell or an editor hook starts it.
The commands are interleaved repeat by repeat with the reference (``python -c "import numpy, yaml, pydantic"``)
so a change of machine load hits all of them alike; each figure is the median of ``--repeats``, and each ratio
is against the reference measured in this same run. Prints a Markdown table (docs/performance.md keeps it).
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


def once(argv: list[str]) -> float:
    """Seconds of one fresh interpreter running ``argv`` (stdout/stderr discarded; a failure stops the script)."""
    t = time.perf_counter()
    subprocess.run([sys.executable, *argv], check=True, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - t


def measure(repeats: int, only: list[str]) -> dict[str, list[float]]:
    """Times per command, interleaved with the reference, repeat by repeat."""
    tmp = Path(tempfile.mkdtemp(prefix="dipsim-latency-"))
    try:
        cmds = {k: v for k, v in commands(tmp).items() if k == REFERENCE or not only or any(o in k for o in only)}
        times: dict[str, list[float]] = {k: [] for k in cmds}
        once(cmds[REFERENCE])  # warm the file cache
        for _ in range(repeats):
            for name, argv in cmds.items():
                times[name].append(once(argv))
        return times
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--only", nargs="*", default=[], metavar="NAME", help="commands whose name contains NAME")
    args = p.parse_args()
    load = os.getloadavg()[0]
    times = measure(args.repeats, args.only)
    ref = statistics.median(times[REFERENCE])
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load {load:.2f} -> {os.getloadavg()[0]:.2f}, "
          f"median of {args.repeats}\n")
    print("| command | wall time (s) | × bare import |\n|---|---:|---:|")
    for name, ts in times.items():
        t = statistics.median(ts)
        print(f"| {name} | {t:.2f} | {t / ref:.1f} |")


if __name__ == "__main__":
    main()

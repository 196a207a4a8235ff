"""A large run's dashboard against its simulation: the 1,000-actor × 4,000-round Deffuant-Weisbuch run.

    python -m benchmarks.dashboard [--actors 1000] [--rounds 4000] [--repeats 3]

Each repeat runs in a fresh interpreter: it plays the run (``Engine(..., record=True)``, as `dipsim run` does),
writes its tables (``write_run``), frees the run and writes ``dashboard.html`` from the saved tables, timing
each step; its peak RSS (``ru_maxrss``) is the whole process's. Then the whole `dipsim run` command of the same
run, in its own process, with its wall time and peak RSS. Prints a Markdown table of medians
(docs/performance.md keeps it). Issue 13's target: the dashboard in less time than the simulation, < 600 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFFUANT = ROOT / "scenarios" / "validation" / "deffuant.yaml"

CHILD = """
import json, resource, sys, time
from pathlib import Path
t0 = time.perf_counter()
from analysis.dashboard import write_dashboard
from analysis.outputs import write_run
from sim.engine import Engine
from sim.loader import load_scenario
out, actors, rounds = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
sc = load_scenario(Path(sys.argv[4]), [f"population.count={actors}", f"rounds={rounds}"])
t1 = time.perf_counter()
res = Engine(sc, [sc.seed or 0], record=True).run()
t2 = time.perf_counter()
write_run(out, res, 0, sc)
del res
t3 = time.perf_counter()
write_dashboard(out)
t4 = time.perf_counter()
print(json.dumps({"imports": t1 - t0, "simulation": t2 - t1, "tables": t3 - t2, "dashboard": t4 - t3,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "page_mb": (out / "dashboard.html").stat().st_size / 1e6}))
"""


def steps(out: Path, actors: int, rounds: int) -> dict[str, float]:
    """Seconds of each step and the peak RSS of one fresh interpreter playing and drawing the run."""
    proc = subprocess.run([sys.executable, "-c", CHILD, str(out), str(actors), str(rounds), str(DEFFUANT)],
                          check=True, cwd=ROOT, capture_output=True, text=True)
    return json.loads(proc.stdout.splitlines()[-1])


WRAP = """
import resource, subprocess, sys, time
t = time.perf_counter()
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
"""


def command(out: Path, actors: int, rounds: int) -> dict[str, float]:
    """Wall seconds and peak RSS (MiB) of the whole `dipsim run` command of the run (a wrapper process waits
    for it, so its peak is the command's alone)."""
    argv = [sys.executable, "-m", "dipsim", "run", str(DEFFUANT), "--set", f"population.count={actors}",
            "--rounds", str(rounds), "--out", str(out)]
    proc = subprocess.run([sys.executable, "-c", WRAP, *argv], check=True, cwd=ROOT, capture_output=True, text=True)
    wall, peak = proc.stdout.split()
    return {"wall": float(wall), "peak_mib": float(peak)}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--actors", type=int, default=1000)
    p.add_argument("--rounds", type=int, default=4000)
    p.add_argument("--repeats", type=int, default=3)
    args = p.parse_args()
    load = os.getloadavg()
    tmp = Path(tempfile.mkdtemp(prefix="dipsim-dashboard-"))
    try:
        runs, whole = [], []
        for k in range(args.repeats):  # interleaved, so a change of load hits both alike
            runs.append(steps(tmp / f"steps-{k}", args.actors, args.rounds))
            whole.append(command(tmp / f"run-{k}", args.actors, args.rounds))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    def med(rows: list[dict[str, float]], key: str) -> float:
        return statistics.median(r[key] for r in rows)

    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load average "
          f"{', '.join(f'{x:.2f}' for x in load)} before, {', '.join(f'{x:.2f}' for x in os.getloadavg())} after; "
          f"Deffuant-Weisbuch, {args.actors} actors × {args.rounds} rounds, median of {args.repeats}\n")
    print("| step (one fresh interpreter) | seconds |\n|---|---:|")
    for key in ("imports", "simulation", "tables", "dashboard"):
        print(f"| {key} | {med(runs, key):.2f} |")
    ratio = med(runs, "dashboard") / med(runs, "simulation")
    print(f"\ndashboard / simulation: {ratio:.2f} (target < 1); page {med(runs, 'page_mb'):.2f} MB; "
          f"peak RSS of that process {med(runs, 'peak_mib'):.0f} MiB")
    print(f"whole `dipsim run` command: {med(whole, 'wall'):.2f} s wall, peak RSS "
          f"{max(r['peak_mib'] for r in whole):.0f} MiB at most (target < 600 MB)")


if __name__ == "__main__":
    main()

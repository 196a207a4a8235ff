"""Peak memory of a streamed sweep: the summed resident memory of the whole process tree, sampled while it runs.

    python -m benchmarks.memory [--seeds 1000] [--points 100] [--workers 2] [--out DIR]

Runs ``dipsim sweep scenarios/article_baseline.yaml --vary actors.UK.strategy.openness=0:1:POINTS --seeds SEEDS
--no-dashboard`` (POINTS × SEEDS runs; the defaults make the 100,000-run sweep of issue 3) and samples every
process of its tree every 20 ms (psutil). Reports the peak of the summed RSS, the largest single process and the
wall time. ``/usr/bin/time -v`` reports the largest single process only (its "Maximum resident set size").
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

try:
    import psutil
except ImportError as e:  # pragma: no cover - psutil comes with dask, a dev dependency
    raise SystemExit("benchmarks.memory needs psutil (pip install psutil)") from e


def tree_rss(proc: psutil.Process) -> tuple[int, int]:
    """(sum, max) resident bytes over a process and its descendants."""
    sizes = []
    for p in [proc, *proc.children(recursive=True)]:
        try:
            sizes.append(p.memory_info().rss)
        except psutil.Error:
            continue
    return sum(sizes), max(sizes, default=0)


def sweep(points: int, seeds: int, workers: int, out: Path) -> tuple[int, int, float, str]:
    """Run the sweep; (peak summed RSS, peak single-process RSS, wall seconds, its summary line)."""
    cmd = [sys.executable, "-m", "dipsim", "sweep", "scenarios/article_baseline.yaml",
           "--vary", f"actors.UK.strategy.openness=0:1:{points}", "--seeds", str(seeds), "--out", str(out),
           "--no-dashboard", "--no-progress", "--workers", str(workers)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            cwd=Path(__file__).parents[1])
    ps, peak, peak_one = psutil.Process(proc.pid), 0, 0
    while proc.poll() is None:
        total, one = tree_rss(ps)
        peak, peak_one = max(peak, total), max(peak_one, one)
        time.sleep(0.02)
    wall = time.perf_counter() - start
    output = proc.stdout.read() if proc.stdout else ""
    if proc.returncode:
        raise SystemExit(f"sweep failed ({proc.returncode}):\n{output}")
    summary = next((line for line in output.splitlines() if line.startswith("finished")), output.strip())
    return peak, peak_one, wall, summary


def report(points: int, seeds: int, workers: int, out: Path | None = None) -> None:
    """Run the sweep and print its peak memory and wall time."""
    where = out or Path(tempfile.mkdtemp(prefix="dipsim-mem-")) / "sweep"
    try:
        peak, one, wall, summary = sweep(points, seeds, workers, where)
    finally:
        if out is None:
            shutil.rmtree(where.parent, ignore_errors=True)
    mib = 1024 * 1024
    print(f"{points} points × {seeds} seeds = {points * seeds:,} runs, {workers} workers")
    print(f"peak RSS of the process tree {peak / mib:,.0f} MiB; largest single process {one / mib:,.0f} MiB; "
          f"wall {wall:.1f} s")
    print(summary)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, default=1000)
    ap.add_argument("--points", type=int, default=100)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", help="sweep output directory (default: a temporary one, removed afterwards)")
    args = ap.parse_args()
    report(args.points, args.seeds, args.workers, Path(args.out) if args.out else None)


if __name__ == "__main__":
    main()

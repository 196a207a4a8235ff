"""Ctrl-C as a terminal sends it: SIGINT to the whole process group, at several moments of a sweep.

Workers (and the fork server they come from) ignore SIGINT, the parent alone reports: exit 130, the
"interrupted" line, and never a traceback, whether Ctrl-C comes while importing, while workers start or mid-run.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARGS = [str(ROOT / "scenarios" / "article_baseline.yaml"), "--vary", "actors.UK.strategy.openness=0:1:4",
        "--seeds", "5000", "--batch-size", "50", "--workers", "2", "--no-progress", "--no-dashboard"]


MID_RUN = object()  # Ctrl-C once the first batch is saved (a sweep now finishes sooner than any fixed delay)


def _interrupt(out: Path, after: str | float | object) -> subprocess.CompletedProcess:
    """Start `dipsim sweep` in its own process group; Ctrl-C the group ``after`` seconds, as soon as stdout shows a
    line starting with ``after``, or (MID_RUN) as soon as the first part is on disk."""
    cmd = [sys.executable, "-m", "dipsim", "sweep", *ARGS, "--out", str(out)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    seen = []
    if isinstance(after, str):
        assert proc.stdout is not None
        for line in proc.stdout:
            seen.append(line)
            if line.startswith(after):
                break
    elif after is MID_RUN:
        while proc.poll() is None and not list((out / "parts").glob("part-*.parquet")):
            time.sleep(0.005)
    else:
        time.sleep(after)  # type: ignore[arg-type]
    os.killpg(proc.pid, signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=120)
    return subprocess.CompletedProcess(cmd, proc.returncode, "".join(seen) + stdout, stderr)


@pytest.mark.parametrize("after", [0.6, "running on", MID_RUN], ids=["importing", "workers-starting", "mid-run"])
def test_ctrl_c_to_the_group_never_prints_a_traceback(tmp_path: Path, after: str | float) -> None:
    """Defect 7: a worker's KeyboardInterrupt traceback followed the clean "interrupted" line."""
    proc = _interrupt(tmp_path / "sweep", after)
    # 130, or death by SIGINT after the "interrupted" line (seen about once in 80 tries at the importing moment): a
    # shell reports both as 130, "interrupted by Ctrl-C"
    assert proc.returncode in (130, -signal.SIGINT), (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr and "KeyboardInterrupt" not in proc.stderr, proc.stderr
    assert "interrupted" in proc.stdout + proc.stderr

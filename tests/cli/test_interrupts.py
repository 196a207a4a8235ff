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


def _interrupt(out: Path, after: str | float) -> subprocess.CompletedProcess:
    """Start `dipsim sweep` in its own process group; Ctrl-C the group ``after`` seconds, or as soon as
    stdout shows a line starting with ``after``."""
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
    else:
        time.sleep(after)
    os.killpg(proc.pid, signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=120)
    return subprocess.CompletedProcess(cmd, proc.returncode, "".join(seen) + stdout, stderr)


@pytest.mark.parametrize("after", [0.6, "running on", 4.0], ids=["importing", "workers-starting", "mid-run"])
def test_ctrl_c_to_the_group_never_prints_a_traceback(tmp_path: Path, after: str | float) -> None:
    """Defect 7: a worker's KeyboardInterrupt traceback followed the clean "interrupted" line."""
    proc = _interrupt(tmp_path / "sweep", after)
    assert proc.returncode == 130, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr and "KeyboardInterrupt" not in proc.stderr, proc.stderr
    assert "interrupted" in proc.stdout + proc.stderr

"""Kill a real `dipsim sweep` process mid-way (Ctrl-C or SIGKILL), resume it, and get the uninterrupted table."""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from dipsim.commands import sweep

ROOT = Path(__file__).resolve().parents[3]
ARGS = [str(ROOT / "scenarios" / "article_baseline.yaml"), "--vary", "actors.UK.strategy.openness=0:1:4",
        "--seeds", "200", "--batch-size", "10", "--no-progress", "--no-dashboard"]


def _cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    sweep.register(parser.add_subparsers())
    args = parser.parse_args(["sweep", *argv])
    return args.handler(args)


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """The uninterrupted sweep, in this process."""
    out = tmp_path_factory.mktemp("ref") / "sweep"
    assert _cli([*ARGS, "--workers", "1", "--out", str(out)]) == 0
    return pd.read_parquet(out / "runs.parquet")


def _start_and_kill(out: Path, sig: int, workers: int) -> subprocess.CompletedProcess:
    """Start a sweep in a subprocess; send ``sig`` once two batches are on disk."""
    cmd = [sys.executable, "-m", "dipsim", "sweep", *ARGS, "--workers", str(workers), "--out", str(out)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if len(list((out / "parts").glob("part-*.parquet"))) >= 2:
            break
        time.sleep(0.02)
    proc.send_signal(sig)
    stdout, stderr = proc.communicate(timeout=60)
    return subprocess.CompletedProcess(cmd, proc.returncode, stdout, stderr)


def _resume_and_check(out: Path, reference: pd.DataFrame) -> None:
    done = len(list((out / "parts").glob("part-*.parquet")))
    assert 2 <= done < 80, "the sweep should have been stopped part-way"
    assert _cli(["--resume", str(out), "--workers", "1", "--no-progress", "--no-dashboard"]) == 0
    pd.testing.assert_frame_equal(pd.read_parquet(out / "runs.parquet"), reference)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "done" and manifest["counts"] == {"total": 800, "done": 800, "failed": 0}


def test_ctrl_c_then_resume(tmp_path: Path, reference: pd.DataFrame) -> None:
    out = tmp_path / "sweep"
    proc = _start_and_kill(out, signal.SIGINT, workers=2)
    assert proc.returncode == 130, proc.stderr
    assert "800 runs" in proc.stdout and "interrupted after 800 runs" in proc.stdout
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "interrupted" and 0 < manifest["counts"]["done"] < 800
    _resume_and_check(out, reference)


def test_sigkill_then_resume(tmp_path: Path, reference: pd.DataFrame) -> None:
    out = tmp_path / "sweep"
    proc = _start_and_kill(out, signal.SIGKILL, workers=1)
    assert proc.returncode == -signal.SIGKILL
    assert json.loads((out / "manifest.json").read_text())["status"] == "running"
    _resume_and_check(out, reference)

"""Regenerate the before/after golden outputs that tests/test_golden.py compares against.

Run from the repository root after a DELIBERATE change of the model's behaviour (never to make a refactor pass):

    .venv/bin/python tests/golden/make_golden.py

It copies every shipped scenario into tests/golden/scenarios/ (so later edits of scenarios/ do not move the goldens;
tests/golden/extra/ holds scenarios for what the shipped ones lack),
runs each through `dipsim run` for a few seeds, runs a 2,000-run sweep and a small compare through the CLI, and writes
tests/golden/golden.json: per run, a sha256 of each summary.json key, of the rounds table and the events in full; per
sweep, a sha256 of runs.parquet's rows and its column types.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SCENARIOS = HERE / "scenarios"
EXTRA = HERE / "extra"
GOLDEN = HERE / "golden.json"
SEEDS = {"validation": [1]}  # large populations: one seed; every other scenario below
DEFAULT_SEEDS = [0, 7, 123]
SWEEP = ["article_baseline.yaml", "--vary", "actors.UK.strategy.openness=0:1:5",
         "--vary", "channels.UK-Russia.patience=2,3,5,8", "--seeds", "100", "--seed", "11"]  # 20 points x 100 = 2,000
COMPARE = ["article_baseline.yaml", "uk_listens.yaml", "early_exposure.yaml", "--seeds", "40", "--seed", "5"]


def digest(obj: Any) -> str:
    """sha256 of an object's canonical JSON (sorted keys, full float precision)."""
    text = json.dumps(obj, sort_keys=True, ensure_ascii=False, allow_nan=True)
    return hashlib.sha256(text.encode()).hexdigest()


ROUNDED = {"forecast"}  # summary keys compared to SIGNIFICANT digits (below)
SIGNIFICANT = 12


def rounded(obj: Any) -> Any:
    """``obj`` with every float to SIGNIFICANT digits. Bueno de Mesquita's forecast is numpy's pow/exp over ten
    rounds, whose last bits differ between CPUs (with AVX-512 numpy uses other kernels): found when the goldens,
    written on one machine, were checked on an AMD EPYC one; the engine's outputs matched there to the last bit."""
    if isinstance(obj, float):
        return float(f"{obj:.{SIGNIFICANT}g}")
    if isinstance(obj, dict):
        return {k: rounded(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [rounded(v) for v in obj]
    return obj


def table_digest(frame: pd.DataFrame) -> dict[str, Any]:
    """Row count, column types and a sha256 of the rows (CSV, floats at full precision) of a table."""
    csv = frame.to_csv(index=False, float_format="%.17g")
    return {"rows": len(frame), "types": {c: str(t) for c, t in frame.dtypes.items()},
            "sha256": hashlib.sha256(csv.encode()).hexdigest()}


def cli(args: list[str]) -> None:
    """Run the dipsim CLI in process, quietly; fail loudly on a non-zero exit."""
    from dipsim.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    if code != 0:
        raise RuntimeError(f"dipsim {' '.join(args)} exited {code}: {err.getvalue()}")


def scenario_files() -> list[Path]:
    """The golden copies of the shipped scenarios, and extra/ (scenarios kept here for what the shipped ones lack:
    every event type, a reopening channel)."""
    return sorted(SCENARIOS.rglob("*.yaml")) + sorted(EXTRA.glob("*.yaml"))


def name_of(path: Path) -> str:
    """A golden run's scenario name: its path below scenarios/ (shipped) or below tests/golden/ (extra)."""
    return path.relative_to(SCENARIOS if path.is_relative_to(SCENARIOS) else HERE).as_posix()


def run_outputs(path: Path, seed: int, tmp: Path) -> dict[str, Any]:
    """What `dipsim run` writes for one scenario and seed, as digests (events in full)."""
    out = tmp / f"{path.stem}-{seed}"
    cli(["run", str(path), "--seed", str(seed), "--out", str(out), "--no-dashboard"])
    summary = json.loads((out / "summary.json").read_text())
    events = [json.loads(line) for line in (out / "events.jsonl").read_text().splitlines()]
    return {"summary": {k: digest(rounded(v) if k in ROUNDED else v) for k, v in summary.items()},
            "story": summary["story"],
            "rounds": table_digest(pd.read_parquet(out / "rounds.parquet")), "events": events}


def sweep_outputs(command: str, args: list[str], tmp: Path) -> dict[str, Any]:
    """runs.parquet of a sweep or compare over the golden scenarios, as a digest."""
    out = tmp / command
    named = [str(SCENARIOS / a) if a.endswith(".yaml") else a for a in args]
    cli([command, *named, "--workers", "1", "--no-progress", "--no-dashboard", "--out", str(out)])
    return table_digest(pd.read_parquet(out / "runs.parquet"))


def outputs() -> dict[str, Any]:
    """Every golden output of the current code, over the golden scenario copies."""
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        runs = {}
        for path in scenario_files():
            name = name_of(path)
            for seed in SEEDS.get(path.parent.name, DEFAULT_SEEDS):
                runs[f"{name}@{seed}"] = run_outputs(path, seed, tmp)
        return {"runs": runs, "sweep": sweep_outputs("sweep", SWEEP, tmp),
                "compare": sweep_outputs("compare", COMPARE, tmp)}


def copy_scenarios() -> None:
    """Copy scenarios/*.yaml and scenarios/validation/*.yaml into tests/golden/scenarios/."""
    shutil.rmtree(SCENARIOS, ignore_errors=True)
    for src in sorted((ROOT / "scenarios").glob("*.yaml")) + sorted((ROOT / "scenarios" / "validation").glob("*.yaml")):
        dest = SCENARIOS / src.relative_to(ROOT / "scenarios")
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)


def main() -> int:
    copy_scenarios()
    GOLDEN.write_text(json.dumps(outputs(), indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    print(f"wrote {GOLDEN.relative_to(ROOT)} ({GOLDEN.stat().st_size} bytes) and {SCENARIOS.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())

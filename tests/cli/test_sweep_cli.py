"""`dipsim sweep` / `dipsim compare` from the command line: refusals (exit 2, located lines), counts, files."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd
import pytest

import scenarios
from dipsim.commands import compare, sweep

BASE = str(scenarios.builtin())
QUICK = ["--workers", "1", "--no-progress", "--no-dashboard"]


def cli(*argv: str) -> int:
    """Parse and run like `dipsim ...` does."""
    parser = argparse.ArgumentParser(prog="dipsim")
    sub = parser.add_subparsers(dest="command", required=True)
    sweep.register(sub)
    compare.register(sub)
    args = parser.parse_args(list(argv))
    return args.handler(args)


def refused(capsys: pytest.CaptureFixture[str], *argv: str) -> list[str]:
    """Run, expect exit 2, return the error lines."""
    assert cli(*argv) == 2
    return capsys.readouterr().err.strip().splitlines()


def test_unknown_path_is_located_with_a_hint(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    lines = refused(capsys, "sweep", BASE, "--vary", "actors.UK.strategy.openess=0:1:3", "--out", str(tmp_path / "o"))
    assert lines == ["--vary actors.UK.strategy.openess=0:1:3: actors.UK.strategy.openess: actors.UK.strategy has "
                     "no field 'openess' (did you mean 'openness'? allowed: speaking, speaking_to, openness, "
                     "reciprocity, latitude)"]
    assert not (tmp_path / "o").exists()  # nothing ran


def test_unknown_actor_and_channel(capsys: pytest.CaptureFixture[str]) -> None:
    lines = refused(capsys, "sweep", BASE, "--vary", "actors.Uk.capability=0,1",
                    "--vary", "channels.UK-France.patience=2")
    assert lines[0].startswith("--vary actors.Uk.capability=0,1: actors.Uk.capability: unknown actor 'Uk'")
    assert "did you mean 'UK'?" in lines[0]
    assert lines[1].startswith("--vary channels.UK-France.patience=2: channels.UK-France.patience: no item called")


def test_value_out_of_range(capsys: pytest.CaptureFixture[str]) -> None:
    lines = refused(capsys, "sweep", BASE, "--vary", "actors.UK.strategy.openness=0:2:3")
    assert lines == ["--vary actors.UK.strategy.openness=0:2:3: actors.UK.strategy.openness: value 2: "
                     "must be a number in [0, 1], got 2"]
    lines = refused(capsys, "sweep", BASE, "--vary", "actors.UK.strategy.speaking=respectful,polite")
    assert len(lines) == 1 and "value 'polite': unknown speaking style" in lines[0] and "allowed:" in lines[0]


def test_a_range_that_misses_whole_numbers_is_refused_with_a_fix(capsys: pytest.CaptureFixture[str],
                                                                 tmp_path: Path) -> None:
    """patience takes whole numbers: 1:6:3 gives 1, 3.5, 6; the line says so and how to write it (in a sweep
    file too, at the value's line); 1:7:4 lands on whole numbers and runs them as integers."""
    lines = refused(capsys, "sweep", BASE, "--vary", "channels.UK-Russia.patience=1:6:3")
    assert lines == ["--vary channels.UK-Russia.patience=1:6:3: channels.UK-Russia.patience: takes whole numbers, "
                     "but the values include 3.5 (write a range whose steps are whole, e.g. 1:6:6, or list the "
                     "values)"]
    assert refused(capsys, "sweep", BASE, "--vary", "channels.UK-Russia.patience=2.5")[0].endswith(
        "takes whole numbers, but the values include 2.5 (write a whole number, e.g. 2 or 3)")
    exp = tmp_path / "exp.yaml"
    exp.write_text(f"scenario: {BASE}\nsweep:\n  vary:\n    channels.UK-Russia.patience: [1, 2.5]\n")
    assert refused(capsys, "sweep", str(exp))[0].startswith(f"{exp}:4:5: sweep.vary.channels.UK-Russia.patience: "
                                                            "takes whole numbers")
    out = tmp_path / "ok"
    assert cli("sweep", BASE, "--vary", "channels.UK-Russia.patience=1:7:4", "--seeds", "1", "--out", str(out),
               *QUICK) == 0
    runs = pd.read_parquet(out / "runs.parquet")
    assert runs["channels.UK-Russia.patience"].tolist() == [1, 3, 5, 7]
    assert runs["channels.UK-Russia.patience"].dtype == "int64"


def test_bad_values_syntax_and_design(capsys: pytest.CaptureFixture[str]) -> None:
    assert refused(capsys, "sweep", BASE, "--vary", "actors.UK.capability=0:1:0")[0].startswith(
        "--vary actors.UK.capability=0:1:0: actors.UK.capability: '0:1:0': the count")
    assert "needs --design lhs" in refused(capsys, "sweep", BASE, "--vary", "actors.UK.capability=0:1")[0]
    assert "needs --samples" in refused(capsys, "sweep", BASE, "--vary", "actors.UK.capability=0:1",
                                        "--design", "lhs")[0]
    assert refused(capsys, "sweep", BASE, "--seeds", "0") == ["--seeds 0: must be a whole number >= 1"]
    assert refused(capsys, "sweep") == ["dipsim sweep: give a SCENARIO_OR_SWEEP_FILE, or --resume DIR"]
    assert refused(capsys, "sweep", BASE, "--scheduler", "tcp://x:1", *QUICK) == ["--scheduler: needs --backend dask"]


def test_bad_scenario_is_located(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nrounds: 0\n")
    lines = refused(capsys, "sweep", str(bad))
    assert lines[0].startswith(f"{bad}:2:1: rounds:")


def test_sweep_file_errors_are_located(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    exp = tmp_path / "exp.yaml"
    exp.write_text(f"scenario: {BASE}\nsweep:\n  vary:\n    actors.UK.strategy.openess: 0:1:3\n")
    lines = refused(capsys, "sweep", str(exp))
    assert lines[0].startswith(f"{exp}:4:5: sweep.vary.actors.UK.strategy.openess: actors.UK.strategy has no field")
    exp.write_text(f"scenario: {BASE}\nsweep:\n  seed: 1\n  sample: 3\n")
    assert refused(capsys, "sweep", str(exp))[0].startswith(f"{exp}:4:3: sweep.sample: unknown key 'sample'")
    exp.write_text(f"scenario: {BASE}\nsweep:\n  design: lhs\n  vary: {{actors.UK.strategy.openness: '0:1'}}\n")
    assert refused(capsys, "sweep", str(exp)) == [f"{exp}:3:3: sweep.design: an lhs design needs `samples: N` in "
                                                  "the sweep block (or --samples N)"]
    exp.write_text(f"scenario: {BASE}\nsweep:\n  vary: [actors.UK.strategy.openness]\n")
    assert refused(capsys, "sweep", str(exp))[0].startswith(f"{exp}:3:3: sweep.vary: expected PATH: VALUES entries")


def test_sweep_prints_count_and_writes_files(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "s"
    assert cli("sweep", BASE, "--vary", "actors.UK.strategy.openness=0.1,0.9", "--seeds", "3", "--out", str(out),
               *QUICK) == 0
    stdout = capsys.readouterr().out
    assert stdout.splitlines()[0] == f"sweep: 2 points × 3 seeds = 6 runs in 1 batch of ≤16 -> {out}"
    assert "finished 6 runs: 6 done, 0 failed" in stdout
    runs = pd.read_parquet(out / "runs.parquet")
    rate = runs["UK-Russia:collapsed"].mean()
    assert f"UK-Russia collapsed in {rate:.0%} of 6 runs (median lifetime " in stdout  # the headline, from the table
    assert "who did not listen when it collapsed: " in stdout and "agreement in 0% of 6 runs" in stdout
    assert {p.name for p in out.iterdir()} >= {"manifest.json", "runs.parquet", "failures.jsonl", "parts"}
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["root_seed"] == 7  # the scenario's `seed`
    assert refused(capsys, "sweep", BASE, "--out", str(out))[0].startswith(f"--out {out}: {out} already holds")


def test_sweep_file_with_flag_override(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    exp = tmp_path / "exp.yaml"
    exp.write_text(f"scenario: {BASE}\nsweep:\n  vary:\n    actors.UK.strategy.openness: [0.1, 0.5, 0.9]\n"
                   "    channels.UK-Russia.patience: 2:4\n  design: lhs\n  samples: 4\n  seeds: 2\n  seed: 3\n")
    out = tmp_path / "s"
    assert cli("sweep", str(exp), "--seeds", "1", "--out", str(out), *QUICK) == 0
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == 4 and runs["channels.UK-Russia.patience"].between(2, 4).all()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["design"]["kind"] == "lhs" and manifest["root_seed"] == 3 and manifest["seeds"] == 1
    assert manifest["scenario"]["path"] == BASE


def test_resume_refuses_changes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    lines = refused(capsys, "sweep", "--resume", str(tmp_path), "--seeds", "5")
    assert lines == [f"--resume {tmp_path}: --seeds cannot change on resume "
                     "(only --workers, --backend, --scheduler, --no-progress)"]
    assert "is not a sweep directory" in refused(capsys, "sweep", "--resume", str(tmp_path))[0]


def test_compare_prints_a_table(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "c"
    listens = str(scenarios.builtin("uk_listens.yaml"))
    assert cli("compare", BASE, listens, "--seeds", "4", "--out", str(out), *QUICK) == 0
    stdout = capsys.readouterr().out.splitlines()
    assert stdout[0] == f"compare: 2 scenarios × 4 seeds = 8 runs in 1 batch of ≤16 -> {out}"
    header = next(k for k, line in enumerate(stdout) if "(baseline)" in line)
    table = stdout[header:]
    assert "UK-Russia back channel (the UK listens)" in table[0]
    assert table[1].split() == ["runs", "4", "4"]
    assert any(line.startswith("UK-Russia:lifetime (median)") for line in table)
    runs = pd.read_parquet(out / "runs.parquet")
    assert runs["scenario"].nunique() == 2 and len(runs) == 8
    assert json.loads((out / "manifest.json").read_text())["kind"] == "compare"


def test_help_lists_every_flag() -> None:
    parser = argparse.ArgumentParser(prog="dipsim")
    sub = parser.add_subparsers()
    sweep.register(sub)
    text = sub.choices["sweep"].format_help()
    for flag in ("--vary", "--design", "--samples", "--seeds", "--workers", "--backend", "--scheduler", "--out",
                 "--resume", "--seed", "--batch-size"):
        assert flag in text


@pytest.mark.parametrize("name", sorted(p.name for p in (Path(BASE).parent / "sweeps").glob("*.yaml")))
def test_example_sweep_files_are_valid(name: str) -> None:
    """Every shipped sweep file plans without error (nothing is run)."""
    parser = argparse.ArgumentParser()
    sweep.register(parser.add_subparsers())
    args = parser.parse_args(["sweep", str(Path(BASE).parent / "sweeps" / name)])
    plan, _out = sweep._plan(args)
    assert plan.total >= 900 and plan.design is not None


def test_keep_rounds(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "s"
    assert cli("sweep", BASE, "--vary", "actors.UK.strategy.openness=0.1,0.9", "--seeds", "2", "--batch-size", "3",
               "--keep-rounds", "--out", str(out), *QUICK) == 0
    rounds = pd.read_parquet(out / "rounds")
    assert sorted(p.name for p in (out / "rounds").iterdir()) == ["part-00000.parquet", "part-00001.parquet"]
    assert list(rounds.columns[:3]) == ["run_id", "round", "series"]
    assert sorted(rounds["run_id"].unique()) == [0, 1, 2, 3]
    assert rounds["round"].max() == 52 and {"position", "trust", "contact"} <= set(rounds["series"])
    assert json.loads((out / "manifest.json").read_text())["keep_rounds"] is True
    plain = tmp_path / "plain"  # the runs table is the one a sweep without --keep-rounds writes
    assert cli("sweep", BASE, "--vary", "actors.UK.strategy.openness=0.1,0.9", "--seeds", "2", "--out", str(plain),
               *QUICK) == 0
    pd.testing.assert_frame_equal(pd.read_parquet(out / "runs.parquet"), pd.read_parquet(plain / "runs.parquet"))


def test_a_reader_that_leaves_early_does_not_stop_the_sweep(tmp_path: Path) -> None:
    """`dipsim sweep ... | head -1`: the first line is read, the pipe closes, the sweep still finishes (exit 0)."""
    import subprocess
    import sys

    out = tmp_path / "s"
    argv = ["sweep", BASE, "--vary", "actors.UK.strategy.openness=0,1", "--seeds", "20", "--out", str(out), *QUICK]
    proc = subprocess.Popen([sys.executable, "-m", "dipsim", *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdout.readline().startswith(b"sweep: 2 points")
    proc.stdout.close()  # the reader leaves
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err.decode()
    assert b"Error" not in err and len(pd.read_parquet(out / "runs.parquet")) == 40


def test_a_short_sweep_runs_in_one_process_unless_told(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Starting a pool takes longer than 20 runs of the article take: without --workers they run in this process;
    --workers 2 still gets a pool, and the rows are the same."""
    argv = ["sweep", BASE, "--vary", "actors.UK.strategy.openness=0,1", "--seeds", "10", "--no-progress",
            "--no-dashboard"]
    assert cli(*argv, "--out", str(tmp_path / "a")) == 0
    assert "running on 1 worker (serial) (a short sweep; --workers N for a pool)" in capsys.readouterr().out
    assert cli(*argv, "--out", str(tmp_path / "b"), "--workers", "2") == 0
    assert "running on 2 workers (local)" in capsys.readouterr().out
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "a" / "runs.parquet"),
                                  pd.read_parquet(tmp_path / "b" / "runs.parquet"))

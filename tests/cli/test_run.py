"""`dipsim run`: the story, the run directory, overrides, and bad input (exit 2, one line, no traceback)."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from dipsim.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_default_run_tells_the_article_story(tmp_path, capsys):
    assert main(["run", "--out", str(tmp_path), "--no-dashboard"]) == 0
    out = capsys.readouterr().out
    assert "UK opened a back channel to Russia" in out
    assert "collapsed — Russia: UK did not listen" in out
    summary = json.loads((tmp_path / "summary.json").read_text())
    back = [c for c in summary["channels"] if c["kind"] == "back_channel"]
    assert back[0]["status"] == "collapsed" and "UK did not listen" in back[0]["reason"]
    assert {c["kind"] for c in summary["channels"]} == {"back_channel", "track", "alliance"}
    assert summary["seed"] == 7 and summary["agreement"]["reached"] is False
    assert set(summary["final"]["positions"]) == {"UK", "Russia", "EU", "US", "Ukraine"}
    forecast = summary["forecast"]["territory"]  # Bueno de Mesquita's forecast beside the run
    assert len(forecast["median"]) == 11 and set(forecast["final"]) == set(summary["actors"])
    rounds = pd.read_parquet(tmp_path / "rounds.parquet")
    assert {"position", "trust", "contact", "pressure", "proposal", "listen"} <= set(rounds.series)
    assert rounds["round"].max() == 52
    events = [json.loads(line) for line in (tmp_path / "events.jsonl").read_text().splitlines()]
    assert any(e["kind"] == "channel_collapsed" for e in events)


def test_overrides_change_the_run(tmp_path, capsys):
    assert main(["run", "validation/hegselmann_krause", "--set", "population.count=50", "--rounds", "3",
                 "--out", str(tmp_path / "hk"), "--no-dashboard"]) == 0
    args = ["run", "uk_listens", "--seed", "3", "--rounds", "20", "--set", "channels.UK-Russia.patience=50",
            "--format", "csv", "--out", str(tmp_path / "uk"), "--no-dashboard"]
    assert main(args) == 0
    summary = json.loads((tmp_path / "uk" / "summary.json").read_text())
    assert summary["rounds"] == 20 and summary["seed"] == 3
    assert summary["channels"][0]["status"] == "open"
    assert (tmp_path / "uk" / "rounds.csv").exists()


@pytest.mark.parametrize("args, expected", [
    (["run", "--set", "actors.UK.strategy.opennes=0.9"], "did you mean 'openness'"),
    (["run", "--set", "actors.UK.strategy.openness=2"], "actors.UK.strategy.openness"),
    (["run", "no_such_scenario.yaml"], "no such file"),
    (["run", "--rounds", "0"], "rounds"),
])
def test_bad_input_is_one_located_line_and_exit_2(tmp_path, args, expected):
    proc = subprocess.run([sys.executable, "-m", "dipsim", *args, "--out", str(tmp_path), "--no-dashboard"],
                          capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 2
    assert expected in proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_wheel_ships_the_builtin_scenarios(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(tmp_path), str(ROOT)], check=True, capture_output=True)
    wheel = next(tmp_path.glob("dipsim-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "scenarios/article_baseline.yaml" in names
    assert "scenarios/validation/deffuant.yaml" in names
    assert "sim/engine.py" in names and "dipsim/cli.py" in names

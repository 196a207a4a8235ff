"""The Python API: `sweep` returns exactly what `dipsim sweep` writes; `run` equals a sweep row for its seed."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.sweep.designs import DesignError
from dipsim import api
from dipsim.cli import main


def test_api_sweep_returns_the_cli_runs_table(tmp_path, capsys):
    cli_out = tmp_path / "cli"
    assert main(["sweep", "article_baseline", "--vary", "channels.UK-Russia.patience=2,5", "--vary",
                 "actors.UK.strategy.openness=0:1", "--design", "lhs", "--samples", "6", "--seeds", "3",
                 "--seed", "4", "--workers", "1", "--no-progress", "--no-dashboard", "--out", str(cli_out)]) == 0
    capsys.readouterr()
    frame = api.sweep("article_baseline", vary={"channels.UK-Russia.patience": [2, 5],
                                                "actors.UK.strategy.openness": (0, 1)},
                      design="lhs", samples=6, seeds=3, seed=4)
    pd.testing.assert_frame_equal(frame, pd.read_parquet(cli_out / "runs.parquet"))
    pd.testing.assert_frame_equal(api.load(cli_out), frame)


def test_api_run_equals_the_sweep_row_of_its_seed_and_point():
    rows = api.sweep("article_baseline", vary={"channels.UK-Russia.patience": [2, 6]}, seeds=2, seed=9)
    for _, row in rows.iterrows():
        one = api.run("article_baseline", seed=int(row["seed"]),
                      overrides={"channels.UK-Russia.patience": int(row["channels.UK-Russia.patience"])})
        for key in ("UK-Russia:lifetime", "UK-Russia:collapsed", "trust:Russia->UK", "polarization"):
            assert one[key] == row[key], key
    kw = api.run("article_baseline", seed=3, dynamics__trust_loss=0.35)
    assert kw == api.run("article_baseline", seed=3, overrides={"dynamics.trust_loss": 0.35})
    assert kw != api.run("article_baseline", seed=3)


def test_api_errors_are_the_cli_s_located_lines():
    with pytest.raises(DesignError, match=r"vary\['dynamics.trust_los'\]: .*did you mean 'trust_loss'"):
        api.sweep("article_baseline", vary={"dynamics.trust_los": [0.1]}, seeds=1)
    with pytest.raises(FileNotFoundError):
        api.load("no/such/dir")

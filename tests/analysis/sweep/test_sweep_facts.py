"""Stylized facts F1 and F2 of model.md, reproduced through `dipsim sweep` (200 seeds each)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd
import pytest

import scenarios
from dipsim.commands import sweep

SEEDS = "200"
pytestmark = pytest.mark.slow


def _sweep(name: str, out: Path) -> pd.DataFrame:
    parser = argparse.ArgumentParser()
    sweep.register(parser.add_subparsers())
    args = parser.parse_args(["sweep", str(scenarios.builtin(name)), "--seeds", SEEDS, "--workers", "2",
                              "--out", str(out), "--no-progress", "--no-dashboard"])
    assert args.handler(args) == 0
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == int(SEEDS) and runs["seed"].nunique() == int(SEEDS)
    return runs


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    return _sweep("article_baseline.yaml", tmp_path_factory.mktemp("f") / "baseline")


@pytest.fixture(scope="module")
def listens(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    return _sweep("uk_listens.yaml", tmp_path_factory.mktemp("f") / "listens")


def test_f1_the_back_channel_collapses_in_the_baseline(baseline: pd.DataFrame) -> None:
    assert baseline["UK-Russia:collapsed"].mean() >= 0.90


def test_f2_listening_keeps_the_channel_alive_longer(baseline: pd.DataFrame, listens: pd.DataFrame) -> None:
    base, alt = baseline["UK-Russia:lifetime"].median(), listens["UK-Russia:lifetime"].median()
    assert alt >= 3 * base, f"median lifetime {alt} (UK listens) vs {base} (baseline)"
    assert listens["trust:Russia->UK"].median() > baseline["trust:Russia->UK"].median()
